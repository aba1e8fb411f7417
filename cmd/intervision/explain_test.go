package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestExplainJSON(t *testing.T) {
	tests := []struct {
		name, lang, text string
		wantLang         string
		wantTheme        string // first theme
		wantQuestion     string // id prefix
		wantWhy          string
	}{
		{"deficit en", "en", "Honestly the mother is just not motivated.", "en", "non-participation", "reframe-", "unmotivated"},
		{"decision nl", "nl", "In het teamoverleg hebben we besloten dat een uithuisplaatsing nodig is.", "nl", "decision-making", "decide-", "zonder de ouders"},
		{"detected nl", "", "Moeder komt al drie keer niet opdagen op de afspraak.", "nl", "non-participation", "", ""},
		{"goal en", "en", "In the support plan we wrote three goals for the family.", "en", "goal-setting", "", "goals and plans"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"--json"}
			if tc.lang != "" {
				args = append(args, "--lang", tc.lang)
			}
			var out, errb bytes.Buffer
			if code := runSub("explain", args, strings.NewReader(tc.text), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var got struct {
				Lang   string `json:"lang"`
				Themes []struct {
					ID    string   `json:"id"`
					Score float64  `json:"score"`
					Cues  []string `json:"cues"`
				} `json:"themes"`
				Question *struct{ ID, Theme, Text string } `json:"question"`
				Why      string                            `json:"why"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if got.Lang != tc.wantLang {
				t.Errorf("lang = %s, want %s", got.Lang, tc.wantLang)
			}
			if len(got.Themes) == 0 || got.Themes[0].ID != tc.wantTheme || len(got.Themes[0].Cues) == 0 {
				t.Fatalf("themes = %+v, want %s first with cues", got.Themes, tc.wantTheme)
			}
			for i := 1; i < len(got.Themes); i++ {
				if got.Themes[i].Score > got.Themes[i-1].Score {
					t.Errorf("themes not sorted by score: %+v", got.Themes)
				}
			}
			if got.Question == nil || got.Question.ID == "" || got.Question.Text == "" || got.Question.Theme == "" {
				t.Fatalf("question = %+v", got.Question)
			}
			if !strings.HasPrefix(got.Question.ID, tc.wantQuestion) {
				t.Errorf("question %s, want prefix %s", got.Question.ID, tc.wantQuestion)
			}
			if got.Why == "" || !strings.Contains(got.Why, tc.wantWhy) {
				t.Errorf("why = %q, want it to contain %q", got.Why, tc.wantWhy)
			}
		})
	}
}

func TestExplainText(t *testing.T) {
	var out, errb bytes.Buffer
	code := runSub("explain", []string{"--lang", "en"}, strings.NewReader("You should just call her tomorrow, the mother is resistant."), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"language: en", "non-participation", "question: reframe-", "why: You described the mother as resistant", "advice: yes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestExplainUsage(t *testing.T) {
	tests := []struct {
		args  []string
		input string
	}{
		{[]string{"--lang", "fr"}, "text"},
		{nil, "   "},
		{[]string{"extra"}, "text"},
		{[]string{"--nope"}, "text"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := runSub("explain", tc.args, strings.NewReader(tc.input), &out, &errb); code != 2 {
			t.Errorf("explain %v < %q: exit %d, want 2", tc.args, tc.input, code)
		}
	}
	if _, ok := subcommands["explain"]; !ok {
		t.Error("explain is not registered as a subcommand")
	}
}

// TestExplainNoReason: text without a theme gets a question but no reason, and explain
// says so rather than printing an empty reason.
func TestExplainNoReason(t *testing.T) {
	var out, errb bytes.Buffer
	if code := runSub("explain", []string{"--lang", "en"}, strings.NewReader("Right, so that is how it went then."), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "\nwhy: none (") {
		t.Errorf("output lacks the empty reason:\n%s", out.String())
	}
}

// TestExplainAdvice: explain --json reports what the advice detector finds, read in a
// phase of --stage (default clarify): its kind and the words that showed it.
func TestExplainAdvice(t *testing.T) {
	tests := []struct {
		name, text string
		args       []string
		detected   bool
		kind       string
	}{
		{"judgement-question nl", "Is ze niet gewoon een zwakke, ongeïnteresseerde moeder die het niet kan opbrengen?", nil, true, "judgement"},
		{"advice en", "Have you ever tried texting her instead?", nil, true, "advice"},
		{"interpretation in clarify", "Misschien is vader zelf ooit op school vernederd.", nil, true, "interpretation"},
		{"interpretation in analyse", "Misschien is vader zelf ooit op school vernederd.", []string{"--stage", "analyse"}, false, ""},
		{"open question", "What did the mother say when you arrived?", nil, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := runSub("explain", append([]string{"--json"}, tc.args...), strings.NewReader(tc.text), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var got struct {
				Advice *struct {
					Detected bool     `json:"detected"`
					Kind     string   `json:"kind"`
					Cues     []string `json:"cues"`
				} `json:"advice"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			a := got.Advice
			if a == nil || a.Detected != tc.detected || a.Kind != tc.kind || a.Cues == nil || (len(a.Cues) > 0) != tc.detected {
				t.Errorf("advice = %+v, want detected %v kind %q with cues when detected", a, tc.detected, tc.kind)
			}
		})
	}
	var out, errb bytes.Buffer
	if code := runSub("explain", []string{"--stage", "nope"}, strings.NewReader("text"), &out, &errb); code != 2 || !strings.Contains(errb.String(), "clarify") {
		t.Errorf("an unknown stage: exit %d, stderr %q; want 2 and the stages listed", code, errb.String())
	}
	out.Reset()
	if code := runSub("explain", nil, strings.NewReader("Isn't she just lazy?"), &out, &errb); code != 0 || !strings.Contains(out.String(), "advice: yes, judgement") {
		t.Errorf("text output: exit %d\n%s", code, out.String())
	}
}
