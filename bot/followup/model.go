package followup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// The reader's second half: small linear models (logistic regression over words, word
// pairs and parts of words), trained from the labelled sets in testdata (see
// model_train_test.go and docs/followups.md) and kept in model/models.txt.gz. They rank
// themes and find advice that no cue names; the cues stay the first reader and the words
// a model weighs most are what it shows.
//
//go:embed model/models.txt.gz
var modelFile []byte

// A model's name is its task and language: "theme/nl", "advice/en".
const (
	taskTheme  = "theme"
	taskAdvice = "advice"
)

// linearModel scores a text's features for each of its classes.
type linearModel struct {
	classes []string
	bias    []float64
	w       map[string][]classWeight
}

// classWeight is one feature's weight for one class.
type classWeight struct {
	c int
	v float64
}

// logits sums the weights of the features for every class.
func (m *linearModel) logits(feats []string) []float64 {
	out := append([]float64(nil), m.bias...)
	for _, f := range feats {
		for _, cw := range m.w[f] {
			out[cw.c] += cw.v
		}
	}
	return out
}

// evidence returns up to n words of the text that speak most for class c: word and
// word-pair features with a positive weight of at least min, strongest first, leaving out
// stop words, pairs of them and words already shown in a pair.
func (m *linearModel) evidence(feats []string, c, n int, min float64, stop map[string]bool) []string {
	type ev struct {
		w string
		v float64
	}
	var evs []ev
	for _, f := range feats {
		w, ok := strings.CutPrefix(f, "w|")
		if !ok {
			w, ok = strings.CutPrefix(f, "b|")
		}
		if !ok || allFunction(w, stop) {
			continue
		}
		for _, cw := range m.w[f] {
			if cw.c == c && cw.v >= min {
				evs = append(evs, ev{w, cw.v})
			}
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].v > evs[j].v })
	var out []string
	for _, e := range evs {
		if len(out) == n {
			break
		}
		if !within(e.w, out) {
			out = append(out, e.w)
		}
	}
	return out
}

// within reports whether w is one of ws or a word of one of them, or holds one of them.
func within(w string, ws []string) bool {
	for _, x := range ws {
		if slices.Contains(strings.Fields(x), w) || slices.Contains(strings.Fields(w), x) {
			return true
		}
	}
	return false
}

// class returns the index of a class, or -1.
func (m *linearModel) class(name string) int {
	for i, c := range m.classes {
		if c == name {
			return i
		}
	}
	return -1
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// softmax turns logits into probabilities.
func softmax(xs []float64) []float64 {
	mx := math.Inf(-1)
	for _, x := range xs {
		mx = math.Max(mx, x)
	}
	out := make([]float64, len(xs))
	sum := 0.0
	for i, x := range xs {
		out[i] = math.Exp(x - mx)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// features lists what a model sees in a text: its words ("w|"), the pairs of words next
// to each other in a sentence ("b|"), the parts of longer words ("c|", three and four
// letters, so "zorgmijdend" and "zorgmijding" share most), the first word of each
// sentence ("f|": imperatives), whether a sentence is a question ("q|") and the first
// word of a question ("qf|"). Each feature once.
func features(d doc) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, s := range d.sents {
		ws := d.words(s)
		if s.question {
			add("q|")
			if len(ws) > 0 {
				add("qf|" + ws[0])
			}
		} else {
			add("s|")
		}
		for i, w := range ws {
			add("w|" + w)
			if i == 0 {
				add("f|" + w)
			}
			if i+1 < len(ws) {
				add("b|" + w + " " + ws[i+1])
			}
			grams(w, add)
		}
	}
	return out
}

// grams adds the three- and four-letter parts of a word of four letters or more, marked
// at its start and end.
func grams(w string, add func(string)) {
	rs := []rune("^" + w + "$")
	if len(rs) < 6 {
		return
	}
	for n := 3; n <= 4; n++ {
		for i := 0; i+n <= len(rs); i++ {
			add("c|" + string(rs[i:i+n]))
		}
	}
}

var (
	modelsOnce sync.Once
	models     map[string]*linearModel
	modelsErr  error
)

// builtinModels parses model/models.txt.gz once.
func builtinModels() (map[string]*linearModel, error) {
	modelsOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(modelFile))
		if err != nil {
			modelsErr = fmt.Errorf("followup: open models: %w", err)
			return
		}
		models, modelsErr = readModels(zr)
	})
	return models, modelsErr
}

// readModels parses the model file: for each model a line "model <name> <class>…", a
// line "bias <w>…", then one line per feature: the feature, a tab, and "<class>:<w>"
// pairs separated by spaces.
func readModels(r io.Reader) (map[string]*linearModel, error) {
	out := map[string]*linearModel{}
	var cur *linearModel
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		switch {
		case strings.HasPrefix(t, "model "):
			f := strings.Fields(t)
			if len(f) < 3 {
				return nil, fmt.Errorf("followup: models line %d: a model needs a name and classes", line)
			}
			cur = &linearModel{classes: f[2:], w: map[string][]classWeight{}}
			out[f[1]] = cur
		case cur == nil:
			return nil, fmt.Errorf("followup: models line %d: no model line before it", line)
		case strings.HasPrefix(t, "bias "):
			for _, s := range strings.Fields(t)[1:] {
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					return nil, fmt.Errorf("followup: models line %d: %w", line, err)
				}
				cur.bias = append(cur.bias, v)
			}
			if len(cur.bias) != len(cur.classes) {
				return nil, fmt.Errorf("followup: models line %d: %d biases for %d classes", line, len(cur.bias), len(cur.classes))
			}
		default:
			feat, ws, ok := strings.Cut(t, "\t")
			if !ok {
				return nil, fmt.Errorf("followup: models line %d: no tab", line)
			}
			for _, p := range strings.Fields(ws) {
				cs, vs, _ := strings.Cut(p, ":")
				c, err1 := strconv.Atoi(cs)
				v, err2 := strconv.ParseFloat(vs, 64)
				if err1 != nil || err2 != nil || c < 0 || c >= len(cur.classes) {
					return nil, fmt.Errorf("followup: models line %d: bad weight %q", line, p)
				}
				cur.w[feat] = append(cur.w[feat], classWeight{c, v})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("followup: read models: %w", err)
	}
	for n, m := range out {
		if len(m.bias) != len(m.classes) {
			return nil, fmt.Errorf("followup: model %s has no bias line", n)
		}
		if strings.HasPrefix(n, taskAdvice+"/") && m.class("none") < 0 {
			return nil, fmt.Errorf("followup: advice model %s has no class none", n)
		}
	}
	return out, nil
}

// writeModels writes models in the format readModels reads, sorted so that the same
// models give the same bytes.
func writeModels(w io.Writer, ms map[string]*linearModel) error {
	names := make([]string, 0, len(ms))
	for n := range ms {
		names = append(names, n)
	}
	sort.Strings(names)
	bw := bufio.NewWriter(w)
	for _, n := range names {
		m := ms[n]
		fmt.Fprintf(bw, "model %s %s\nbias", n, strings.Join(m.classes, " "))
		for _, b := range m.bias {
			fmt.Fprintf(bw, " %s", fmtWeight(b))
		}
		bw.WriteString("\n")
		feats := make([]string, 0, len(m.w))
		for f := range m.w {
			feats = append(feats, f)
		}
		sort.Strings(feats)
		for _, f := range feats {
			bw.WriteString(f + "\t")
			for i, cw := range m.w[f] {
				if i > 0 {
					bw.WriteString(" ")
				}
				fmt.Fprintf(bw, "%d:%s", cw.c, fmtWeight(cw.v))
			}
			bw.WriteString("\n")
		}
	}
	return bw.Flush()
}

func fmtWeight(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// modelTuning is how the models' results join the cues'.
type modelTuning struct {
	themeWeight float64 // a theme's probability times this is added to its cue score
	themeMin    float64 // probabilities below this add nothing
	aloneMin    float64 // a theme no cue showed needs at least this probability
	evidenceMin float64 // the words shown for such a theme weigh at least this much for it
	// presentMin is the probability from which the model makes a theme present in a text
	// of more than shortWords words when its cues score less than MinScore; below it
	// such a theme is only ranked. Above 1: the cues alone decide what is present.
	presentMin float64
	adviceMin  float64 // a text without an advice cue counts when the model is this sure
	// fullWords is the length from which a text gets the full themeWeight; a shorter one
	// gets a share in proportion to its words, so the cues of a few words lead.
	fullWords int
}

var defaultTuning = modelTuning{themeWeight: 30, themeMin: 0.01, aloneMin: 0, evidenceMin: 0.4, presentMin: 1.01, adviceMin: 0.8, fullWords: 20}

// modelThemes adds the theme model's view to the cue scores: themeWeight (less for a
// short text) times each probability of at least themeMin. A theme no cue showed is
// ranked when some word of the text (not a small word) speaks for it, and gets the words
// the model weighed at least evidenceMin as its cues (maybe none). The model orders the
// themes; it makes one present only when it is at least presentMin sure.
func (r *Interpreter) modelThemes(d doc, lc *langCues, scores map[prompts.Theme]*ThemeScore) {
	m := r.models[taskTheme+"/"+lc.lang]
	if m == nil || r.tune.themeWeight == 0 {
		return
	}
	feats := features(d)
	z := m.logits(feats)
	weight := r.tune.themeWeight
	if n := len(d.toks); n < r.tune.fullWords {
		weight *= float64(n) / float64(r.tune.fullWords)
	}
	for c, id := range m.classes {
		p := sigmoid(z[c])
		if p < r.tune.themeMin {
			continue
		}
		th := prompts.Theme(id)
		s := scores[th]
		if s == nil {
			if p < r.tune.aloneMin {
				continue
			}
			if len(m.evidence(feats, c, 1, 0, lc.stop)) == 0 {
				continue // nothing in the text speaks for it but the model's prior
			}
			s = &ThemeScore{ID: id, Model: true}
			s.Cues = m.evidence(feats, c, 2, r.tune.evidenceMin, lc.stop)
			scores[th] = s
		}
		s.Score += weight * p
		if p >= r.tune.presentMin && len(d.toks) > shortWords {
			s.Present = true // the model is sure, and read enough words to be
		}
	}
}

// modelAdvice is the advice model of lc's language on a text's features: the kind it finds most
// likely (an interpretation only when facts), the probability that the text holds one
// of the kinds it may, and the words it weighed most for that kind.
func (r *Interpreter) modelAdvice(feats []string, lc *langCues, facts bool) (kind string, p float64, cues []string) {
	m := r.models[taskAdvice+"/"+lc.lang]
	if m == nil {
		return "", 0, nil
	}
	ps := softmax(m.logits(feats))
	best := -1
	for c, k := range m.classes {
		if k == "none" || (k == bot.AdviceKindInterpretation && !facts) {
			continue
		}
		p += ps[c]
		if best < 0 || ps[c] > ps[best] {
			best = c
		}
	}
	cues = m.evidence(feats, best, 3, 0.1, lc.stop)
	if len(cues) == 0 {
		cues = m.evidence(feats, best, 3, 0, nil) // only small words showed it
	}
	return m.classes[best], p, cues
}

// allFunction reports whether every word of w (one word or a pair) is a stop word.
func allFunction(w string, function map[string]bool) bool {
	for _, x := range strings.Fields(w) {
		if !function[x] {
			return false
		}
	}
	return true
}
