package prompts

import (
	"slices"
	"testing"
)

func TestParseLanguage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Language
		ok   bool
	}{{"nl", Dutch, true}, {"EN", English, true}, {" Nl ", Dutch, true}, {"de", "de", false}, {"", "", false}} {
		if got, ok := ParseLanguage(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseLanguage(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIsClosing(t *testing.T) {
	var closing []Stage
	for _, s := range Stages {
		if IsClosing(s) {
			closing = append(closing, s)
		}
	}
	if want := []Stage{StageTakeaway, StageNextStep, StageEvaluation}; !slices.Equal(closing, want) {
		t.Errorf("closing stages %v, want %v", closing, want)
	}
}

// TestLintKeysFromTypes checks that the keys lint allows are the yaml tags of the types.
func TestLintKeysFromTypes(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  map[string]bool
		want []string
	}{
		{"top", topKeys, []string{"id", "modes", "duration", "title", "summary", "phases", "aliases", "skip", "pool", "questions", "closing", "messages"}},
		{"phase", phaseKeys, []string{"id", "stage", "title", "instruction", "solo", "speakers", "listener", "rule", "done", "timebox", "asks", "modes", "questions", "private", "recap"}},
		{"question", questionKeys, []string{"id", "kind", "stages", "themes", "source", "text"}},
	} {
		if len(tc.got) != len(tc.want) {
			t.Errorf("%s keys %v, want %v", tc.name, tc.got, tc.want)
		}
		for _, k := range tc.want {
			if !tc.got[k] {
				t.Errorf("%s keys lack %q", tc.name, k)
			}
		}
	}
	if want := []string{"modes", "duration", "title", "summary", "aliases", "skip", "pool"}; !slices.Equal(methodOnlyKeys, want) {
		t.Errorf("method-only keys %v, want %v", methodOnlyKeys, want)
	}
}
