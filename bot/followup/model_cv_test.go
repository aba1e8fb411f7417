//go:build cv

// The cross-validation is a tuning tool, not a test of the reader: it runs only with
// `go test -tags cv -run TestModelCrossValidation -v ./bot/followup` (see docs/followups.md).

package followup

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/prompts"
)

var (
	cvSets    = flag.String("cvsets", ".", "regexp: the training files whose texts are scored in cross-validation")
	cvEpochs  = flag.Int("cvepochs", defaultTrain.theme.epochs, "cross-validation: theme training epochs")
	cvL2      = flag.Float64("cvl2", defaultTrain.theme.l2, "cross-validation: theme L2 penalty")
	cvRate    = flag.Float64("cvrate", defaultTrain.theme.rate, "cross-validation: theme learning rate")
	cvSoftmax = flag.Bool("cvsoftmax", false, "cross-validation: one softmax over the themes")
	cvMinFreq = flag.Int("cvminfreq", defaultTrain.theme.minFreq, "cross-validation: theme features must occur in this many texts")
	cvExclude = flag.String("cvexclude", "^$", "cross-validation: regexp of training files left out")
	cvMisses  = flag.Bool("cvmisses", false, "cross-validation: log the theme misses of the default tuning")
	cvQuick   = flag.Bool("cvquick", false, "cross-validation: a few tunings only")
)

// cvFolds is the number of folds of the cross-validation.
const cvFolds = 5

// rate is hits and total.
type rate [2]int

func (v *rate) add(hit bool) {
	v[1]++
	if hit {
		v[0]++
	}
}

func (v rate) ratio() float64 {
	if v[1] == 0 {
		return 0
	}
	return float64(v[0]) / float64(v[1])
}

// cvResult is what the folds found: theme top-2 per tuning and language, advice recall
// and false alarms per advice tuning and "lang/advice" or "lang/question".
type cvResult struct {
	themes []map[string]*rate
	advice map[adviceTuning]map[string]*rate
}

// adviceTuning is the part of modelTuning that decides advice.
type adviceTuning struct{ adviceMin float64 }

func (c *cvResult) theme(i int, lang string) *rate {
	if c.themes[i][lang] == nil {
		c.themes[i][lang] = &rate{}
	}
	return c.themes[i][lang]
}

func (c *cvResult) adv(at adviceTuning, key string) *rate {
	if c.advice[at] == nil {
		c.advice[at] = map[string]*rate{}
	}
	if c.advice[at][key] == nil {
		c.advice[at][key] = &rate{}
	}
	return c.advice[at][key]
}

// TestModelCrossValidation trains on four fifths of the training texts and scores the
// other fifth, for several tunings.
func TestModelCrossValidation(t *testing.T) {
	data := loadTraining(t, trainingFiles(t))
	cfg := defaultTrain
	cfg.theme.epochs, cfg.theme.l2, cfg.theme.rate, cfg.theme.softmax = *cvEpochs, *cvL2, *cvRate, *cvSoftmax
	cfg.theme.minFreq = *cvMinFreq
	tunings := themeTunings()
	base, err := New(prompts.MustBuiltin())
	if err != nil {
		t.Fatal(err)
	}
	res := &cvResult{themes: make([]map[string]*rate, len(tunings)), advice: map[adviceTuning]map[string]*rate{}}
	for i := range res.themes {
		res.themes[i] = map[string]*rate{}
	}
	for fold := 0; fold < cvFolds; fold++ {
		trainData, test := split(data, fold)
		r := *base
		r.models = trainAll(trainData, cfg)
		for n, exs := range test {
			task, lang, _ := strings.Cut(n, "/")
			if task == taskTheme {
				scoreThemes(t, &r, tunings, exs, lang, res)
			} else {
				scoreAdvice(&r, exs, lang, res)
			}
		}
	}
	t.Log(res.table(tunings))
}

// themeTunings lists the theme tunings to compare; the first is cues only, the second
// the default.
func themeTunings() []modelTuning {
	tunings := []modelTuning{{}, defaultTuning}
	ws, mins := []float64{1, 2, 3, 5}, []float64{0.1, 0.25}
	alone, ev, present := []float64{0.3, 0.5, 0.7}, []float64{0.2, 0.4, 0.6}, []float64{0, 0.9, 1.01}
	if *cvQuick {
		ws, mins, alone, ev, present = []float64{2, 4}, []float64{0.1}, []float64{0.3}, []float64{0.4}, []float64{0, 0.8, 0.9, 1.01}
	}
	for _, w := range ws {
		for _, mn := range mins {
			for _, am := range alone {
				for _, em := range ev {
					for _, pm := range present {
						tunings = append(tunings, modelTuning{themeWeight: w, themeMin: mn, aloneMin: am, evidenceMin: em, presentMin: pm})
					}
				}
			}
		}
	}
	return tunings
}

// split puts every cvFolds-th text (from fold on) into the test set when its file
// matches -cvsets, and the others into the training set unless their file matches
// -cvexclude.
func split(data map[string][]example, fold int) (trainData, test map[string][]example) {
	sel, excl := regexp.MustCompile(*cvSets), regexp.MustCompile(*cvExclude)
	trainData, test = map[string][]example{}, map[string][]example{}
	for n, exs := range data {
		for i, ex := range exs {
			switch {
			case i%cvFolds == fold:
				if sel.MatchString(ex.file) {
					test[n] = append(test[n], ex)
				}
			case !excl.MatchString(ex.file):
				trainData[n] = append(trainData[n], ex)
			}
		}
	}
	return trainData, test
}

// scoreThemes counts for each tuning whether a labelled theme is among the two best.
func scoreThemes(t *testing.T, r *Interpreter, tunings []modelTuning, exs []example, lang string, res *cvResult) {
	for ti, tu := range tunings {
		r.tune = tu
		for _, ex := range exs {
			if len(ex.labels) == 0 {
				continue // a text about no theme: training only
			}
			scores := r.Read(ex.text, lang)
			hit := topTwo(scores, ex.labels)
			res.theme(ti, lang).add(hit)
			if !hit && *cvMisses && ti == 1 {
				t.Logf("miss %v: %q → %v", ex.labels, ex.text, scores)
			}
		}
	}
}

// topTwo reports whether one of the labels is among the first two scores.
func topTwo(scores []ThemeScore, labels []int) bool {
	for i := 0; i < len(scores) && i < 2; i++ {
		for _, l := range labels {
			if scores[i].ID == string(prompts.Themes[l]) {
				return true
			}
		}
	}
	return false
}

func adviceTunings() []adviceTuning {
	var out []adviceTuning
	for _, am := range []float64{0.5, 0.7, 0.8, 0.9, 0.95, 2} {
		out = append(out, adviceTuning{am})
	}
	return out
}

// scoreAdvice counts advice found per advice tuning, in a fact stage.
func scoreAdvice(r *Interpreter, exs []example, lang string, res *cvResult) {
	for _, at := range adviceTunings() {
		r.tune = modelTuning{adviceMin: at.adviceMin}
		for _, ex := range exs {
			_, got := r.ReadAdvice(ex.text, lang, prompts.StageClarify)
			key := lang + "/advice"
			if ex.labels[0] == 0 {
				key = lang + "/question"
			}
			res.adv(at, key).add(got)
		}
	}
}

// table prints the results.
func (c *cvResult) table(tunings []modelTuning) string {
	var b strings.Builder
	b.WriteString("\nthemes top-2 (cross-validated; first cues only, then the default)\n")
	for i, tu := range tunings {
		fmt.Fprintf(&b, "weight %.0f min %.2f alone %.1f evidence %.1f present %.2f: en %.3f (%d) nl %.3f (%d)\n",
			tu.themeWeight, tu.themeMin, tu.aloneMin, tu.evidenceMin, tu.presentMin,
			c.theme(i, "en").ratio(), c.theme(i, "en")[1], c.theme(i, "nl").ratio(), c.theme(i, "nl")[1])
	}
	b.WriteString("\nadvice recall / false alarms (cross-validated)\n")
	for _, at := range adviceTunings() {
		fmt.Fprintf(&b, "adviceMin %.2f: en %.3f / %.3f  nl %.3f / %.3f\n", at.adviceMin,
			c.adv(at, "en/advice").ratio(), c.adv(at, "en/question").ratio(), c.adv(at, "nl/advice").ratio(), c.adv(at, "nl/question").ratio())
	}
	return b.String()
}
