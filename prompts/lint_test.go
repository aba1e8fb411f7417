package prompts

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinPacksLintClean(t *testing.T) {
	problems, err := Lint("")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s", p)
	}
}

func TestBuiltinMethodsLoad(t *testing.T) {
	lib, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"incident", "wsn", "alact", "gibbs", "balint", "gossip", "socratic", "question-round", "socratic-dialogue"}
	for _, id := range want {
		m, ok := lib.Method(id)
		if !ok {
			t.Errorf("method %s not loaded", id)
			continue
		}
		if len(m.Phases) == 0 {
			t.Errorf("method %s has no phases", id)
		}
		for _, p := range m.Phases {
			if p.Timebox <= 0 {
				t.Errorf("%s/%s: timebox %v", id, p.ID, p.Timebox)
			}
			if m.Supports(ModeSolo) {
				for _, lang := range Languages {
					if p.InstructionFor(ModeSolo, string(lang)) == p.Instruction.In(string(lang)) && m.Supports(ModeGroup) {
						t.Errorf("%s/%s: no own solo instruction in %s", id, p.ID, lang)
					}
				}
				if n := len(lib.Pool(&p)); n < p.SoloAsks() {
					t.Errorf("%s/%s: solo pool %d < asks %d", id, p.ID, n, p.SoloAsks())
				}
			}
		}
	}
	m, _ := lib.Method("incident")
	var ids []string
	for _, p := range m.Phases {
		ids = append(ids, p.ID)
	}
	if got := strings.Join(ids, " "); got != "incident questions analysis what-would-you-do what-i-did discussion" {
		t.Errorf("incident phases = %s", got)
	}
	for _, mode := range []string{ModeGroup, ModeSolo} {
		for _, p := range lib.Closing(mode) {
			for _, mm := range lib.Methods() {
				for _, mp := range mm.Phases {
					if mp.ID == p.ID {
						t.Errorf("method %s phase %s has the id of a closing phase", mm.ID, mp.ID)
					}
				}
			}
		}
	}
}

// allQuestions returns library and inline questions.
func allQuestions(lib *Library) []Question {
	qs := append([]Question(nil), lib.Questions()...)
	for _, m := range lib.Methods() {
		for _, p := range m.Phases {
			qs = append(qs, p.Questions...)
		}
	}
	return qs
}

func TestQuestionCounts(t *testing.T) {
	lib := MustBuiltin()
	qs := allQuestions(lib)
	perLang := map[Language]int{}
	perTheme := map[Theme]map[Language]int{}
	kind := map[QuestionKind]int{}
	for _, q := range qs {
		for _, lang := range Languages {
			if strings.TrimSpace(q.Text[string(lang)]) == "" {
				continue
			}
			perLang[lang]++
			for _, th := range q.Themes {
				if perTheme[th] == nil {
					perTheme[th] = map[Language]int{}
				}
				perTheme[th][lang]++
			}
		}
		kind[q.Kind]++
		switch q.Kind {
		case KindReframe:
			if !slices.Contains(q.Themes, "non-participation") {
				t.Errorf("%s lacks theme non-participation", q.ID)
			}
		case KindConcrete:
			if !slices.Contains(q.Themes, "strengths-safety") {
				t.Errorf("%s lacks theme strengths-safety", q.ID)
			}
		case KindDecision:
			if !slices.Contains(q.Themes, "decision-making") {
				t.Errorf("%s lacks theme decision-making", q.ID)
			}
		}
	}
	for _, lang := range Languages {
		if perLang[lang] < 40 {
			t.Errorf("%s: %d questions, want at least 40", lang, perLang[lang])
		}
		for _, th := range Themes {
			min := 3
			if th == "goal-setting" || th == "non-participation" {
				min = 10
			}
			if n := perTheme[th][lang]; n < min {
				t.Errorf("%s %s: %d questions, want at least %d", lang, th, n, min)
			}
			t.Logf("%s %-18s %d", lang, th, perTheme[th][lang])
		}
	}
	if kind[KindReframe] < 6 {
		t.Errorf("%d reframe questions, want at least 6", kind[KindReframe])
	}
	if kind[KindConcrete] < 4 {
		t.Errorf("%d concrete questions, want at least 4", kind[KindConcrete])
	}
}

func TestEveryUsedStageHasQuestions(t *testing.T) {
	lib := MustBuiltin()
	for _, m := range lib.Methods() {
		for _, p := range m.Phases {
			inStage := 0
			for _, q := range lib.Questions() {
				if slices.Contains(q.Stages, p.Stage) {
					inStage++
				}
			}
			for _, mm := range lib.Methods() {
				for _, pp := range mm.Phases {
					if pp.Stage == p.Stage {
						inStage += len(pp.Questions)
					}
				}
			}
			if inStage < 3 {
				t.Errorf("%s/%s: stage %s has %d questions, want at least 3", m.ID, p.ID, p.Stage, inStage)
			}
		}
	}
	for _, mode := range []string{ModeGroup, ModeSolo} {
		for _, p := range lib.Closing(mode) {
			if p.Stage == "evaluation" {
				continue
			}
			if n := len(lib.Pool(&p)); n < 3 {
				t.Errorf("closing %s: stage %s has %d questions, want at least 3", p.ID, p.Stage, n)
			}
		}
	}
}

const goodMethod = `id: mine
modes: [group, solo]
title:
  en: Mine
  nl: Van mij
summary:
  en: A method.
  nl: Een methode.
phases:
  - id: tell
    stage: describe
    title:
      en: Tell
      nl: Vertel
    instruction:
      en: Case bringer, tell it.
      nl: Inbrenger, vertel het.
    solo:
      en: Tell it.
      nl: Vertel het.
    speakers: [bringer]
    done: bringer
    timebox: 10m
`

const goodQuestion = `questions:
  - id: my-question
    stages: [analyse]
    themes: [goal-setting]
    source: 003_b63bd0ceb9c8c6ba.txt#6
    text:
      en: Whose goal?
      nl: Wiens doel?
`

func TestLintBrokenPacks(t *testing.T) {
	cases := []struct {
		name, file, body string
		line             int
		want             string
	}{
		{"clean method", "m.yaml", goodMethod, 0, ""},
		{"clean question", "q.yaml", goodQuestion, 0, ""},
		{"missing nl", "q.yaml", strings.Replace(goodQuestion, "      nl: Wiens doel?\n", "", 1), 6, "missing nl"},
		{"empty en", "q.yaml", strings.Replace(goodQuestion, "en: Whose goal?", `en: ""`, 1), 7, "en is empty"},
		{"unknown theme", "q.yaml", strings.Replace(goodQuestion, "[goal-setting]", "[goal-setting, goals]", 1), 4, `unknown theme "goals"`},
		{"unknown stage", "q.yaml", strings.Replace(goodQuestion, "[analyse]", "[analysis]", 1), 3, `unknown stage "analysis"`},
		{"duplicate question id", "q.yaml", strings.Replace(goodQuestion, "my-question", "goal-whose-goal", 1), 2, `question id "goal-whose-goal" is already used in prompts/data/questions/goals.yaml`},
		{"duplicate method id", "m.yaml", strings.Replace(goodMethod, "id: mine", "id: incident", 1), 1, `method id "incident" is already used`},
		{"duplicate phase id", "m.yaml", goodMethod + strings.Join(strings.Split(goodMethod, "\n")[9:], "\n"), 24, `phase id "tell" is used twice`},
		{"unreachable each-peer", "m.yaml", strings.Replace(goodMethod, "done: bringer", "done: each-peer", 1), 22, "done each-peer can never happen"},
		{"solo peers only", "m.yaml", strings.Replace(strings.Replace(goodMethod, "[bringer]", "[peers]", 1), "done: bringer", "done: next", 1), 22, "a solo session has only the case bringer"},
		{"bad timebox", "m.yaml", strings.Replace(goodMethod, "timebox: 10m", "timebox: ten", 1), 23, "not a duration"},
		{"zero timebox", "m.yaml", strings.Replace(goodMethod, "timebox: 10m", "timebox: 0s", 1), 23, "more than zero"},
		{"clean kind", "q.yaml", strings.Replace(goodQuestion, "    stages: [analyse]", "    kind: concrete\n    stages: [analyse]", 1), 0, ""},
		{"unknown kind", "q.yaml", strings.Replace(goodQuestion, "    stages: [analyse]", "    kind: reframing\n    stages: [analyse]", 1), 3, `unknown kind "reframing" (use one of reframe, concrete, decision`},
		{"kind not a word", "q.yaml", strings.Replace(goodQuestion, "    stages: [analyse]", "    kind: [reframe]\n    stages: [analyse]", 1), 3, "kind: expected a single value"},
		{"bad source", "q.yaml", strings.Replace(goodQuestion, "003_b63bd0ceb9c8c6ba.txt#6", "seed3.txt", 1), 5, `source "seed3.txt"`},
		{"unknown key", "m.yaml", strings.Replace(goodMethod, "    speakers:", "    speaker: [bringer]\n    speakers:", 1), 21, `unknown key "speaker"`},
		{"unknown top key", "m.yaml", "titel: x\n" + goodMethod, 1, `unknown key "titel"`},
		{"reserved phase id", "m.yaml", strings.Replace(goodMethod, "  - id: tell", "  - id: takeaway", 1), 10, `phase id "takeaway" is reserved`},
		{"bad done", "m.yaml", strings.Replace(goodMethod, "done: bringer", "done: everyone", 1), 22, `unknown done "everyone"`},
		{"missing solo", "m.yaml", strings.Replace(goodMethod, "    solo:\n      en: Tell it.\n      nl: Vertel het.\n", "", 1), 10, "give the phase a solo instruction"},
		{"no phases", "m.yaml", strings.Split(goodMethod, "phases:")[0], 1, "has no phases"},
		{"bad mode", "m.yaml", strings.Replace(goodMethod, "[group, solo]", "[group, duo]", 1), 2, `unknown mode "duo"`},
		{"placeholder mismatch", "messages.yaml", "messages:\n  hello:\n    en: Hello {name}, phase {phase}\n    nl: Hallo {naam}, fase {phase}\n", 2, "nl lacks placeholder {name}"},
		{"message missing nl", "messages.yaml", "messages:\n  hello:\n    en: Hello\n", 2, "message hello: missing nl"},
		{"invalid yaml", "m.yaml", "id: [x\n", 1, "invalid YAML"},
		{"private with done bringer", "m.yaml", strings.Replace(goodMethod, "timebox: 10m", "timebox: 10m\n    private: true", 1), 24, "a private round shows the answers once all are in"},
		{"private in a solo method", "m.yaml", strings.Replace(strings.Replace(strings.Replace(goodMethod, "timebox: 10m", "timebox: 10m\n    private: true", 1), "[bringer]", "[bringer, peers]", 1), "done: bringer", "done: each-member", 1), 24, "a private round needs a group"},
		{"recap of no earlier phase", "m.yaml", strings.Replace(goodMethod, "timebox: 10m", "timebox: 10m\n    recap: tell", 1), 24, `recap "tell" must name an earlier phase`},
		{"skip no closing phase", "m.yaml", "skip: [wrap-up]\n" + goodMethod, 1, `skip: "wrap-up" is no closing phase`},
		{"unknown pool", "m.yaml", "pool: some\n" + goodMethod, 1, `unknown pool "some"`},
		{"alias of a method id", "m.yaml", "aliases: [incident]\n" + goodMethod, 1, `method alias "incident" is already used`},
		{"alias taken", "m.yaml", "aliases: [socratic]\n" + goodMethod, 1, `method alias "socratic" is already used in prompts/data/methods/question-round.yaml`},
		{"solo pool too small", "m.yaml", strings.Replace(goodMethod, "timebox: 10m", "timebox: 10m\n    asks: 99", 1), 10, "asks 99 reflective question(s)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			problems, err := Lint(dir)
			if err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				for _, p := range problems {
					t.Errorf("unexpected %s", p)
				}
				return
			}
			file := filepath.Join(dir, c.file)
			for _, p := range problems {
				if p.File == file && p.Line == c.line && strings.Contains(p.Msg, c.want) {
					return
				}
			}
			t.Errorf("want %s:%d: ...%s..., got %v", file, c.line, c.want, problems)
		})
	}
}

func TestLintSkipsCuesAndMissingDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "cues"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cues", "x.yaml"), []byte("anything: [goes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err := Lint(dir)
	if err != nil || len(problems) != 0 {
		t.Errorf("cues dir: %v %v", problems, err)
	}
	if _, err := Lint(filepath.Join(dir, "nope")); err == nil {
		t.Error("missing dir: no error")
	}
}

func TestProblemString(t *testing.T) {
	if got := (Problem{File: "a.yaml", Line: 3, Msg: "bad"}).String(); got != "a.yaml:3: bad" {
		t.Errorf("got %q", got)
	}
	if got := (Problem{File: "a.yaml", Msg: "bad"}).String(); got != "a.yaml: bad" {
		t.Errorf("got %q", got)
	}
}
