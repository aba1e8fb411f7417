package followup_test

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/prompts"
)

// evalSet is testdata/eval.yaml: labelled case snippets, ordinary questions and advice.
type evalSet = followup.LabelledSet

// snippet is a question or an advice text: a bare string, or {lang, kind, text}. Kind
// (advice, judgement, interpretation) is optional.
type snippet = followup.LabelledItem

func loadEval(t *testing.T, name string) evalSet {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var s evalSet
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func newInterpreter(t testing.TB) *followup.Interpreter {
	t.Helper()
	r, err := followup.New(prompts.MustBuiltin())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// predicted is the themes a reading counts as found: the strongest, and the second when
// it scores at least half as much. Both must be present.
func predicted(scores []followup.ThemeScore) []string {
	var out []string
	for i, s := range scores {
		if i >= 2 || !s.Present || (i == 1 && s.Score < scores[0].Score/2) {
			break
		}
		out = append(out, s.ID)
	}
	return out
}

// Bars set from the measured results (docs/followups.md); never below the issue's.
const (
	barTop2         = 0.90 // per language; the issue asks 0.85
	barAdviceRecall = 0.95 // the issue asks 0.90
	barFalseAlarms  = 0.03 // the issue asks at most 0.05
)

type themeCount struct{ tp, fp, fn int }

func evalThemes(t *testing.T, r *followup.Interpreter, s evalSet, quiet bool) (map[string]*themeCount, map[string][2]int) {
	counts := map[string]*themeCount{}
	for _, th := range prompts.Themes {
		id := string(th)
		counts[id] = &themeCount{}
	}
	top2 := map[string][2]int{} // lang → hits, total
	for _, c := range s.Cases {
		scores := r.Read(c.Text, c.Lang)
		gold := map[string]bool{}
		for _, id := range c.Themes {
			gold[id] = true
		}
		hit := false
		for i := 0; i < len(scores) && i < 2; i++ {
			if gold[scores[i].ID] {
				hit = true
			}
		}
		v := top2[c.Lang]
		v[1]++
		if hit {
			v[0]++
		} else if testing.Verbose() && !quiet {
			t.Logf("top-2 miss [%s] %v: %q → %v", c.Lang, c.Themes, c.Text, scores)
		}
		top2[c.Lang] = v
		pred := map[string]bool{}
		for _, id := range predicted(scores) {
			pred[id] = true
		}
		for _, th := range prompts.Themes {
			id := string(th)
			switch {
			case pred[id] && gold[id]:
				counts[id].tp++
			case pred[id]:
				counts[id].fp++
			case gold[id]:
				counts[id].fn++
			}
		}
	}
	return counts, top2
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// bars are the minimum results a set must reach. quiet sets (the unseen ones) log only
// aggregate numbers, never a missed case, so nobody tunes cues on them by accident.
type bars struct {
	top2, adviceRecall, falseAlarms float64
	quiet                           bool
}

// TestEvaluation measures theme recognition and the advice detector on testdata/eval.yaml
// (the development set the cues were tuned on) and fails below the bars set from it.
func TestEvaluation(t *testing.T) {
	s := loadEval(t, "testdata/eval.yaml")
	langs := map[string]int{}
	for _, c := range s.Cases {
		langs[c.Lang]++
	}
	if langs["nl"] < 40 || langs["en"] < 40 || len(s.Questions) < 30 || len(s.Advice) < 30 {
		t.Fatalf("evaluation set too small: %v cases, %d questions, %d advice", langs, len(s.Questions), len(s.Advice))
	}
	measure(t, s, bars{top2: barTop2, adviceRecall: barAdviceRecall, falseAlarms: barFalseAlarms})
}

// TestHoldout measures the same on testdata/holdout.yaml, written after tuning and never
// tuned on; it must reach the bars.
func TestHoldout(t *testing.T) {
	measure(t, loadEval(t, "testdata/holdout.yaml"), bars{top2: 0.85, adviceRecall: 0.90, falseAlarms: 0.05})
}

// TestFresh measures a second held-out set, written after the fixes holdout.yaml
// prompted and never tuned on (aggregate numbers only). Its floor, set under the result
// after the cues were broadened (docs/followups.md), guards against regressions. Do not
// tune cues on it; write a new fresh set instead.
func TestFresh(t *testing.T) {
	measure(t, loadEval(t, "testdata/fresh.yaml"), bars{top2: 0.80, adviceRecall: 0.90, falseAlarms: 0.05, quiet: true})
}

// Since the theme and advice models (model.go), blind, blind2 and blind3 and their advice
// sets are training data (model_train_test.go): their tests below keep guarding against
// regressions, but they no longer measure anything unseen. blind4 is the unseen set.
//
// Bars for testdata/blind.yaml, set once just under its single measurement after the cues
// were broadened (docs/followups.md). Nobody tuned cues on it and nobody read its misses.
var blindBars = bars{top2: 0.80, adviceRecall: 0.80, falseAlarms: 0.05, quiet: true}

// TestBlind measures testdata/blind.yaml, written by someone else while the cues were being
// broadened and never seen by whoever tuned them. It logs aggregate numbers only. Do not
// tune cues on it; write a new blind set instead.
func TestBlind(t *testing.T) {
	s := loadEval(t, "testdata/blind.yaml")
	if len(s.Cases) == 0 {
		t.Fatal("blind set has no cases")
	}
	res := measure(t, s, blindBars)
	var b strings.Builder
	b.WriteString("\n| set | measure | value | n |\n|---|---|---|---|\n")
	langs := make([]string, 0, len(res.top2))
	for l := range res.top2 {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		v := res.top2[l]
		fmt.Fprintf(&b, "| blind %s | top-2 accuracy | %.3f | %d/%d |\n", l, ratio(v[0], v[1]), v[0], v[1])
	}
	fmt.Fprintf(&b, "| blind | advice recall | %.3f | %d/%d |\n", ratio(res.adviceHit, res.adviceN), res.adviceHit, res.adviceN)
	fmt.Fprintf(&b, "| blind | advice false alarms | %.3f | %d/%d |\n", ratio(res.falseAlarm, res.questsN), res.falseAlarm, res.questsN)
	t.Log(b.String())
}

// result is what measure found: top-2 hits and totals per language, advice recall and
// false alarms.
type result struct {
	top2                map[string][2]int
	adviceHit, adviceN  int
	falseAlarm, questsN int
}

func measure(t *testing.T, s evalSet, bar bars) result {
	r := newInterpreter(t)
	for _, c := range s.Cases {
		for _, id := range c.Themes {
			if !slices.Contains(prompts.Themes, prompts.Theme(id)) {
				t.Fatalf("case %q: unknown theme %q", c.Text, id)
			}
		}
	}
	counts, top2 := evalThemes(t, r, s, bar.quiet)
	var b strings.Builder
	fmt.Fprintf(&b, "\n| theme | precision | recall | TP | FP | FN |\n|---|---|---|---|---|---|\n")
	for _, th := range prompts.Themes {
		id := string(th)
		c := counts[id]
		fmt.Fprintf(&b, "| %s | %.2f | %.2f | %d | %d | %d |\n", id, ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn), c.tp, c.fp, c.fn)
	}
	keys := make([]string, 0, len(top2))
	for l := range top2 {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	for _, l := range keys {
		v := top2[l]
		fmt.Fprintf(&b, "top-2 accuracy %s: %.3f (%d/%d)\n", l, ratio(v[0], v[1]), v[0], v[1])
	}
	adv, fa := 0, 0
	for _, a := range s.Advice {
		if r.Advice(a.Text, a.Lang) {
			adv++
		} else if !bar.quiet {
			t.Logf("advice missed: %q", a.Text)
		}
	}
	for _, q := range s.Questions {
		if r.Advice(q.Text, q.Lang) {
			fa++
			if !bar.quiet {
				cue, _ := r.AdviceCue(q.Text, q.Lang)
				t.Logf("false alarm: %q (%q)", q.Text, cue)
			}
		}
	}
	fmt.Fprintf(&b, "advice recall: %.3f (%d/%d); false alarms on questions: %.3f (%d/%d)\n",
		ratio(adv, len(s.Advice)), adv, len(s.Advice), ratio(fa, len(s.Questions)), fa, len(s.Questions))
	t.Log(b.String())
	for _, l := range keys {
		if v := top2[l]; ratio(v[0], v[1]) < bar.top2 {
			t.Errorf("top-2 accuracy %s = %.3f, want ≥ %.2f", l, ratio(v[0], v[1]), bar.top2)
		}
	}
	if rc := ratio(adv, len(s.Advice)); rc < bar.adviceRecall {
		t.Errorf("advice recall = %.3f, want ≥ %.2f", rc, bar.adviceRecall)
	}
	if f := ratio(fa, len(s.Questions)); f > bar.falseAlarms {
		t.Errorf("advice false alarms = %.3f, want ≤ %.2f", f, bar.falseAlarms)
	}
	return result{top2: top2, adviceHit: adv, adviceN: len(s.Advice), falseAlarm: fa, questsN: len(s.Questions)}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// adviceSet is an advice test set: advice and judgements, and look-alike questions
// (testdata/advice_dev.yaml, testdata/advice_blind.yaml).
type adviceSet struct {
	Advice    []snippet `yaml:"advice"`
	Questions []snippet `yaml:"questions"`
}

func loadAdvice(t *testing.T, name string) adviceSet {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var s adviceSet
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// adviceRates measures recall on advice and false alarms on questions per language, read
// in a clarifying phase (where interpretations count too), and logs them as a table with
// how many labelled items got their kind; quiet sets log no single case.
func adviceRates(t *testing.T, name string, s adviceSet, quiet bool) (map[string][2]int, map[string][2]int) {
	t.Helper()
	r := newInterpreter(t)
	rec, fa, kinds := map[string][2]int{}, map[string][2]int{}, map[string][2]int{} // lang → hits, total
	for _, a := range s.Advice {
		v := rec[a.Lang]
		v[1]++
		got, ok := r.ReadAdvice(a.Text, a.Lang, prompts.StageClarify)
		if ok {
			v[0]++
		} else if !quiet {
			t.Logf("advice missed [%s]: %q", a.Lang, a.Text)
		}
		rec[a.Lang] = v
		if a.Kind != "" {
			k := kinds[a.Lang]
			k[1]++
			if got.Kind == a.Kind {
				k[0]++
			} else if ok && !quiet {
				t.Logf("kind [%s] %s, want %s: %q (%q)", a.Lang, got.Kind, a.Kind, a.Text, got.Cues)
			}
			kinds[a.Lang] = k
		}
	}
	for _, q := range s.Questions {
		v := fa[q.Lang]
		v[1]++
		if got, ok := r.ReadAdvice(q.Text, q.Lang, prompts.StageClarify); ok {
			v[0]++
			if !quiet {
				t.Logf("false alarm [%s]: %q (%s %q)", q.Lang, q.Text, got.Kind, got.Cues)
			}
		}
		fa[q.Lang] = v
	}
	var b strings.Builder
	b.WriteString("\n| set | lang | advice recall | n | false alarms | n | kind right | n |\n|---|---|---|---|---|---|---|---|\n")
	for _, pl := range prompts.Languages {
		l := string(pl)
		fmt.Fprintf(&b, "| %s | %s | %.3f | %d/%d | %.3f | %d/%d | %.3f | %d/%d |\n", name, l,
			ratio(rec[l][0], rec[l][1]), rec[l][0], rec[l][1], ratio(fa[l][0], fa[l][1]), fa[l][0], fa[l][1],
			ratio(kinds[l][0], kinds[l][1]), kinds[l][0], kinds[l][1])
	}
	t.Log(b.String())
	return rec, fa
}

// checkAdvice fails when a language's recall is under minRecall or its false-alarm rate
// above maxFA.
func checkAdvice(t *testing.T, rec, fa map[string][2]int, minRecall, maxFA float64) {
	t.Helper()
	for _, pl := range prompts.Languages {
		l := string(pl)
		if v := rec[l]; ratio(v[0], v[1]) < minRecall {
			t.Errorf("advice recall %s = %.3f, want ≥ %.2f", l, ratio(v[0], v[1]), minRecall)
		}
		if v := fa[l]; ratio(v[0], v[1]) > maxFA {
			t.Errorf("advice false alarms %s = %.3f, want ≤ %.2f", l, ratio(v[0], v[1]), maxFA)
		}
	}
}

// TestAdviceDev measures the advice detector on testdata/advice_dev.yaml, the set its
// cues were tuned on (imperatives, modal suggestions, suggestions dressed as questions,
// judgements; closed, open and reported-speech questions that must not count).
func TestAdviceDev(t *testing.T) {
	s := loadAdvice(t, "testdata/advice_dev.yaml")
	for _, pl := range prompts.Languages {
		l := string(pl)
		na, nq := 0, 0
		for _, a := range s.Advice {
			if a.Lang == l {
				na++
			}
		}
		for _, q := range s.Questions {
			if q.Lang == l {
				nq++
			}
		}
		if na < 40 || nq < 40 {
			t.Fatalf("advice dev set too small for %s: %d advice, %d questions", l, na, nq)
		}
	}
	rec, fa := adviceRates(t, "dev", s, false)
	checkAdvice(t, rec, fa, barDevRecall, barDevFalseAlarms)
}

// Bars for advice_dev.yaml, set from the measured results (1.00 / 0.00 per language,
// docs/followups.md), with room for one or two cases.
const (
	barDevRecall      = 0.95
	barDevFalseAlarms = 0.03
)

// Bars for testdata/advice_blind.yaml, set once just under its single measurement after
// tuning on advice_dev.yaml had finished (docs/followups.md).
var adviceBlindBars = struct{ recall, falseAlarms float64 }{recall: 0.85, falseAlarms: 0.10}

// TestAdviceBlind measures the advice detector on testdata/advice_blind.yaml, written by
// someone else while the detector was tuned, and never seen by whoever tuned it. It logs
// aggregate numbers per language only. Do not tune cues on it; write a new set instead.
func TestAdviceBlind(t *testing.T) {
	measureAdviceBlind(t, "advice_blind", adviceBlindBars.recall, adviceBlindBars.falseAlarms)
}

// Bars for testdata/blind2.yaml and testdata/advice_blind2.yaml, set once just under their
// single measurement after tuning on the development sets had stopped for good
// (docs/followups.md). They guard against regressions; they were not tuned on.
// Measured once (after): top-2 en 0.836, nl 0.855; blind2 advice recall en 0.800, nl
// 0.833, false alarms 0.038 each; advice_blind2 recall en 0.688, nl 0.711, false alarms
// en 0.016, nl 0.032. The issue asks 0.90 / 0.05 / 0.90: not reached.
var (
	blind2Bars       = bars{top2: 0.83, adviceRecall: 0.79, falseAlarms: 0.05, quiet: true}
	adviceBlind2Bars = struct{ recall, falseAlarms float64 }{recall: 0.68, falseAlarms: 0.05}
)

// TestBlind2 measures testdata/blind2.yaml, written for issue 12 by someone who never saw
// the cues, the code or another evaluation set. Advice is read as in a clarifying phase.
// It logs aggregate numbers per language only. Never tune cues on it, never read its
// misses; write a new blind set instead.
func TestBlind2(t *testing.T) { measureBlind(t, "blind2", blind2Bars) }

// measureBlind measures the blind set testdata/<name>.yaml (themes, and advice read as
// in a clarifying phase) against bar, logging aggregates per language only.
func measureBlind(t *testing.T, name string, bar bars) {
	s := loadEval(t, "testdata/"+name+".yaml")
	if len(s.Cases) == 0 || len(s.Advice) == 0 || len(s.Questions) == 0 {
		t.Fatalf("%s set is incomplete", name)
	}
	measureBlindThemes(t, name, s, bar)
	rec, fa := adviceRates(t, name, adviceSet{Advice: s.Advice, Questions: s.Questions}, true)
	checkAdvice(t, rec, fa, bar.adviceRecall, bar.falseAlarms)
}

// measureBlindThemes checks a blind set's theme top-2 per language against bar,
// logging aggregates only.
// measureBlindThemesFile is measureBlindThemes of testdata/<name>.yaml.
func measureBlindThemesFile(t *testing.T, name string, bar bars) {
	s := loadEval(t, "testdata/"+name+".yaml")
	if len(s.Cases) == 0 {
		t.Fatalf("%s has no cases", name)
	}
	measureBlindThemes(t, name, s, bar)
}

func measureBlindThemes(t *testing.T, name string, s evalSet, bar bars) {
	_, top2 := evalThemes(t, newInterpreter(t), s, true)
	var b strings.Builder
	b.WriteString("\n| set | lang | top-2 accuracy | n |\n|---|---|---|---|\n")
	for _, pl := range prompts.Languages {
		l := string(pl)
		v := top2[l]
		fmt.Fprintf(&b, "| %s | %s | %.3f | %d/%d |\n", name, l, ratio(v[0], v[1]), v[0], v[1])
		if ratio(v[0], v[1]) < bar.top2 {
			t.Errorf("%s top-2 accuracy %s = %.3f, want ≥ %.2f", name, l, ratio(v[0], v[1]), bar.top2)
		}
	}
	t.Log(b.String())
}

// TestAdviceBlind2 measures testdata/advice_blind2.yaml (advice, judgements and
// interpretations with their kinds, and questions that must pass), written for issue 12
// by someone who never saw the cues, read as in a clarifying phase. Aggregate numbers per
// language only. Never tune cues on it; write a new set instead.
func TestAdviceBlind2(t *testing.T) {
	measureAdviceBlind(t, "advice_blind2", adviceBlind2Bars.recall, adviceBlind2Bars.falseAlarms)
}

// Bars for testdata/blind3.yaml and testdata/advice_blind3.yaml: a third blind set,
// written for issue 12 by someone who never saw the cues, the code or another set,
// while the second round of tuning (wt-tune) ran; measured once, after it stopped.
// Set just under that single measurement (docs/followups.md); never tune on them.
// Measured once: top-2 en 0.784, nl 0.725; blind3 advice recall en 0.900, nl 0.905,
// false alarms en 0.050, nl 0.048; advice_blind3 recall en 0.761, nl 0.727, false
// alarms en 0.000, nl 0.038. The issue asks 0.90 / 0.05 / 0.90: not reached.
var (
	blind3Bars       = bars{top2: 0.72, adviceRecall: 0.89, falseAlarms: 0.06, quiet: true}
	adviceBlind3Bars = struct{ recall, falseAlarms float64 }{recall: 0.72, falseAlarms: 0.05}
)

// TestBlind3 measures testdata/blind3.yaml as TestBlind2 does blind2.
func TestBlind3(t *testing.T) { measureBlind(t, "blind3", blind3Bars) }

// TestAdviceBlind3 measures testdata/advice_blind3.yaml as TestAdviceBlind2 does its set.
func TestAdviceBlind3(t *testing.T) {
	measureAdviceBlind(t, "advice_blind3", adviceBlind3Bars.recall, adviceBlind3Bars.falseAlarms)
}

// Bars for testdata/blind4.yaml and testdata/advice_blind4.yaml: a fourth blind set,
// written for issue 12 by a helper who saw only the domain brief and the label sheet
// (never the cues, the code, the training sets or another set), while the theme and
// advice models were trained; measured once, after training and tuning stopped. Never
// train or tune on them (model_train_test.go leaves them out). Set just under that
// single measurement (docs/followups.md). Measured once (86c39c3): top-2 en 0.870, nl
// 0.950 (the issue asks 0.90: not reached in English); blind4 advice recall 1.000 /
// 1.000, false alarms 0.000 / 0.000; advice_blind4 recall en 0.933, nl 0.933, false
// alarms 0.000 / 0.000 (the issue asks 0.90 / 0.05: reached). Measured again after the
// review's fixes (statements are no advice, the model of the cue's language, no veto,
// presence apart from rank), so no longer blind: top-2 0.860 / 0.950, advice section
// 1.000 / 0.900 with 0.050 / 0.050, advice_blind4 0.911 / 0.967 with 0.022 / 0.011;
// after the second user test's fixes top-2 0.880 / 0.960, advice section 1.000 / 0.900
// with 0.000 / 0.000, advice_blind4 0.922 / 0.944 with 0.011 / 0.000. Since blind6 was
// written they are training data (model_train_test.go): the bars now only guard
// against a broken reader.
var (
	blind4Bars       = bars{top2: 0.85, adviceRecall: 0.89, falseAlarms: 0.05, quiet: true}
	adviceBlind4Bars = struct{ recall, falseAlarms float64 }{recall: 0.90, falseAlarms: 0.03}
)

// TestBlind4 measures testdata/blind4.yaml as TestBlind2 does blind2.
func TestBlind4(t *testing.T) { measureBlind(t, "blind4", blind4Bars) }

// TestAdviceBlind4 measures testdata/advice_blind4.yaml as TestAdviceBlind2 does its set.
func TestAdviceBlind4(t *testing.T) {
	measureAdviceBlind(t, "advice_blind4", adviceBlind4Bars.recall, adviceBlind4Bars.falseAlarms)
}

// Bar for testdata/blind5.yaml (themes only: 150 + 150 cases), written by a helper who
// saw only the domain brief and the label sheet, after the models were trained; measured
// once with the models of blind4's measurement, nothing changed in between: top-2 en
// 0.920, nl 0.920 (the issue asks 0.90); after the review's fixes (see blind4) 0.913 /
// 0.920, after the second user test's 0.920 / 0.900. Its writer says most English cases retell Dutch ones, so the two languages are
// not independent. Set just under the last measurement. Since blind6 was written it is
// training data: the bar now only guards against a broken reader.
var blind5Bars = bars{top2: 0.89, quiet: true}

// TestBlind5 measures the theme top-2 of testdata/blind5.yaml.
func TestBlind5(t *testing.T) { measureBlindThemesFile(t, "blind5", blind5Bars) }

// measureAdviceBlind measures an unseen advice set (testdata/<name>.yaml) in a clarifying
// phase against minRecall and maxFA, logging aggregates per language only.
func measureAdviceBlind(t *testing.T, name string, minRecall, maxFA float64) {
	s := loadAdvice(t, "testdata/"+name+".yaml")
	if len(s.Advice) == 0 || len(s.Questions) == 0 {
		t.Fatalf("%s set is empty", name)
	}
	rec, fa := adviceRates(t, name, s, true)
	checkAdvice(t, rec, fa, minRecall, maxFA)
}

// Bar for testdata/blind6.yaml (themes only: 200 English and 150 Dutch cases, written
// independently per language), written by a helper who saw only the domain brief and
// the label sheet, before the training rounds 4 to 6; measured once, after training
// stopped (a901cb8). Training data since fcc702b (and a held-out set of TestCrossWriter).
// Measured once: top-2 en 0.920 (184/200), nl 0.893 (134/150): the 0.90 is
// reached in English, not in Dutch (one case short). The models and cues of the start of
// the session (75d1b6a) read it en 0.905, nl 0.900; those of the start of issue 12
// (6524863) 0.850 / 0.827. Set just under the measurement.
var blind6Bars = bars{top2: 0.89, quiet: true}

// TestBlind6 measures the theme top-2 of testdata/blind6.yaml.
func TestBlind6(t *testing.T) { measureBlindThemesFile(t, "blind6", blind6Bars) }

// Bar for testdata/blind7.yaml (themes only: 250 Dutch and 150 English cases, written
// independently per language, of the kinds of messages a session holds), written by a
// helper who saw only the domain brief, the methods and the label sheet, after blind6
// was measured; measured once, with the models and cues blind6 was measured with.
// Training data since fcc702b. Measured once: top-2 en 0.913 (137/150), nl 0.936
// (234/250); with blind6 (the same reader): en 0.917 (321/350), nl 0.920 (368/400).
// Set just under the measurement.
var blind7Bars = bars{top2: 0.91, quiet: true}

// TestBlind7 measures the theme top-2 of testdata/blind7.yaml.
func TestBlind7(t *testing.T) { measureBlindThemesFile(t, "blind7", blind7Bars) }

// Bar for testdata/blind8.yaml (themes only: 200 English and 200 Dutch cases, written
// independently per language), written by a helper who saw only the domain brief, the
// methods and the label sheet, never the cues, the code, the training data or another
// set; measured once after the third user test's fixes. Training data since fcc702b.
// Measured once: top-2 en 0.880 (176/200), nl 0.790 (158/200): the 0.90 is not
// reached on it. The same files read with the reader of 75d1b6a: en 0.845, nl 0.770; of
// 6524863 (the start of issue 12): en 0.735, nl 0.655. Set just under the measurement.
var blind8Bars = bars{top2: 0.78, quiet: true}

// TestBlind8 measures the theme top-2 of testdata/blind8.yaml.
func TestBlind8(t *testing.T) { measureBlindThemesFile(t, "blind8", blind8Bars) }

// Bar for testdata/blind9.yaml (themes only: 200 English and 200 Dutch cases), written
// by a helper who saw only the domain brief, the methods and the label sheet, after
// blind8 was measured and the reader retrained on 1,200 more training cases; measured
// once. Training data since fcc702b. Measured once: top-2 en 0.855 (171/200), nl 0.825
// (165/200): the 0.90 is not reached on it. The same files read with the reader
// of 3a4545d (the start of this session): en 0.840, nl 0.800; of 75d1b6a: en 0.810, nl
// 0.790; of 6524863 (the start of issue 12): en 0.685, nl 0.685. Set just under the
// measurement.
var blind9Bars = bars{top2: 0.82, quiet: true}

// TestBlind9 measures the theme top-2 of testdata/blind9.yaml.
func TestBlind9(t *testing.T) { measureBlindThemesFile(t, "blind9", blind9Bars) }

// Bars for testdata/advice_blind5.yaml (per language 50 advice, 50 judgements, 50
// interpretations and 150 genuine questions, many of them hard: the hearer's view,
// reported speech, denied or mentioned labels), written by a helper who saw only the
// domain brief and the methods, after this session's advice fixes; measured once, read
// as in a clarifying phase. Not training data (so the advice models stay the ones it
// measured). Measured once: recall (all three kinds) en 0.900 (135/150), nl 0.927
// (139/150); false alarms en 0.020 (3/150), nl 0.007 (1/150): the issue's ≥ 0.90 and ≤
// 0.05 are reached. The same files with the reader of 3a4545d (the start of this
// session): 0.907 / 0.913 at 0.040 / 0.020; of 6524863 (the start of issue 12): 0.340 /
// 0.413 at 0.040 / 0.007. Set just under the measurement.
var adviceBlind5Bars = struct{ recall, falseAlarms float64 }{0.89, 0.03}

// TestAdviceBlind5 measures testdata/advice_blind5.yaml as TestAdviceBlind2 does its set.
func TestAdviceBlind5(t *testing.T) {
	measureAdviceBlind(t, "advice_blind5", adviceBlind5Bars.recall, adviceBlind5Bars.falseAlarms)
}

// Bar for testdata/blind10.yaml (themes only: 200 English and 200 Dutch cases), written
// by a third helper who saw only the domain brief, the methods and the label sheet;
// measured once with the reader blind9 was measured with. Training data since fcc702b.
// Measured once: top-2 en 0.880 (176/200), nl 0.860 (172/200): under the 0.90.
// The same files with the reader of 3a4545d (the start of this session): en 0.885, nl
// 0.815; of 6524863 (the start of issue 12): en 0.710, nl 0.670. Before it was
// measured, 1,200 more training cases (rounds 8 and 9) were tried and dropped: blind8
// and blind9, no longer blind, read worse with them (nl 0.800 / 0.805). Set just under
// the measurement.
var blind10Bars = bars{top2: 0.85, quiet: true}

// TestBlind10 measures the theme top-2 of testdata/blind10.yaml.
func TestBlind10(t *testing.T) { measureBlindThemesFile(t, "blind10", blind10Bars) }

// Bar for testdata/blind11.yaml (themes only: 200 English and 200 Dutch cases), written
// by two more helpers (one per language) who saw only the domain brief, the methods and
// the label sheet, never the cues, the code, the training data or another test set;
// measured once, after the reader that ranks every theme (fcc702b) was tuned by holding
// out blind6–blind10 one at a time (TestCrossWriter). Never train or tune on it.
// Measured once: top-2 en 0.950 (190/200), nl 0.950 (190/200): the 0.90 is
// reached. The same files with the reader of 7f258c8 (the start of this session): en
// 0.885, nl 0.880; of 6524863 (the start of issue 12): en 0.775, nl 0.715. Set just
// under the measurement.
var blind11Bars = bars{top2: 0.94, quiet: true}

// TestBlind11 measures the theme top-2 of testdata/blind11.yaml.
func TestBlind11(t *testing.T) { measureBlindThemesFile(t, "blind11", blind11Bars) }
