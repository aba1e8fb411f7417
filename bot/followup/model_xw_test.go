//go:build cv

package followup

import (
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/prompts"
)

var (
	xwSets    = flag.String("xwsets", "blind6,blind7,blind8,blind9,blind10", "cross-writer: the measured blind sets, each held out in turn")
	xwOther   = flag.Bool("xwother", true, "cross-writer: train on the other held-out sets too")
	xwTunings = flag.String("xwtunings", "", "cross-writer: tunings to compare, weight,min,alone,evidence,fullwords;...")
)

// TestCrossWriter holds out each measured blind set (one writer's) in turn, trains the
// theme models on the other training files (with -xwother=false, none of the sets) and
// scores the held-out set: how the reader does on a writer it never read. A tuning tool
// like TestModelCrossValidation: `go test -tags cv -run TestCrossWriter -v [-cvquick]`.
func TestCrossWriter(t *testing.T) {
	sets := strings.Split(*xwSets, ",")
	cfg := defaultTrain
	cfg.theme.epochs, cfg.theme.l2, cfg.theme.rate, cfg.theme.softmax = *cvEpochs, *cvL2, *cvRate, *cvSoftmax
	cfg.theme.minFreq = *cvMinFreq
	base, err := New(prompts.MustBuiltin())
	if err != nil {
		t.Fatal(err)
	}
	const cuesOnly, byDefault = 0, 1 // the first two tunings
	tunings := []modelTuning{cuesOnly: {}, byDefault: defaultTuning}
	if *xwTunings != "" {
		for _, tu := range strings.Split(*xwTunings, ";") {
			var m modelTuning
			if _, err := fmt.Sscanf(tu, "%g,%g,%g,%g,%d", &m.themeWeight, &m.themeMin, &m.aloneMin, &m.evidenceMin, &m.fullWords); err != nil {
				t.Fatal(err)
			}
			m.presentMin = defaultTuning.presentMin
			tunings = append(tunings, m)
		}
	} else if !*cvQuick {
		tunings = themeTunings()
	}
	tot := make([]map[string]*rate, len(tunings))
	for i := range tot {
		tot[i] = map[string]*rate{"en": {}, "nl": {}}
	}
	var b strings.Builder
	for _, h := range sets {
		var files []string
		for _, f := range trainingFiles(t) {
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			if name == h || !*xwOther && slices.Contains(sets, name) {
				continue
			}
			files = append(files, f)
		}
		data := loadTraining(t, files)
		themeOnly := map[string][]example{}
		for n, exs := range data {
			if strings.HasPrefix(n, taskTheme+"/") {
				themeOnly[n] = exs
			}
		}
		r := *base
		ms := trainAll(themeOnly, cfg)
		r.models = map[string]*linearModel{}
		for n, m := range base.models {
			r.models[n] = m
		}
		for n, m := range ms {
			r.models[n] = m
		}
		held := loadTraining(t, []string{filepath.Join("testdata", h+".yaml")})
		for ti, tu := range tunings {
			r.tune = tu
			r.tune.adviceMin = defaultTuning.adviceMin
			for _, lang := range []string{"en", "nl"} {
				var v rate
				for _, ex := range held[taskTheme+"/"+lang] {
					if len(ex.labels) == 0 {
						continue
					}
					v.add(topTwo(r.Read(ex.text, lang), ex.labels))
				}
				tot[ti][lang][0] += v[0]
				tot[ti][lang][1] += v[1]
				if ti == byDefault {
					fmt.Fprintf(&b, "%s %s %.3f (%d)\n", h, lang, v.ratio(), v[1])
				}
			}
		}
	}
	b.WriteString("\nall held-out sets, per tuning (first cues only, then the default)\n")
	for i, tu := range tunings {
		fmt.Fprintf(&b, "weight %.0f min %.2f alone %.2f evidence %.2f full %d: en %.3f nl %.3f\n",
			tu.themeWeight, tu.themeMin, tu.aloneMin, tu.evidenceMin, tu.fullWords, tot[i]["en"].ratio(), tot[i]["nl"].ratio())
	}
	t.Log(b.String())
}
