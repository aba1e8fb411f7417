package placeholder

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestReplaceAsReplacer: Replace gives what strings.NewReplacer gives.
func TestReplaceAsReplacer(t *testing.T) {
	for _, tc := range []struct {
		s      string
		oldnew []string
	}{
		{"", []string{"{a}", "x"}},
		{"no placeholders", []string{"{a}", "x"}},
		{"{a}", []string{"{a}", "x"}},
		{"Hi {name}, we are in: {phase}.", []string{"{name}", "ann", "{phase}.", "What now?", "{phase}", "What now?"}},
		{"{phase} and {phase}.", []string{"{phase}.", "Why?", "{phase}", "Why?"}},
		{"{{a}}", []string{"{a}", "x"}},
		{"{a}{a}{b}", []string{"{a}", "{b}", "{b}", "y"}},
		{"{a} {ab} {abc}", []string{"{ab}", "2", "{a}", "1"}},
		{"{unknown} {a", []string{"{a}", "x"}},
		{"{a}", []string{"{a}", "first", "{a}", "second"}},
		{"é{naam}ü", []string{"{naam}", "jij"}},
		{"{a}", nil},
		{"a-b", []string{"-", "+"}},
	} {
		want := strings.NewReplacer(tc.oldnew...).Replace(tc.s)
		if got := Replace(tc.s, tc.oldnew...); got != want {
			t.Errorf("Replace(%q, %q) = %q, want %q", tc.s, tc.oldnew, got, want)
		}
	}
}

// TestReplaceRandom compares Replace with strings.NewReplacer on random texts of
// braces, letters and dots.
func TestReplaceRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := "{}ab.x "
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 20000 {
		var oldnew []string
		for range r.IntN(4) {
			oldnew = append(oldnew, "{"+word(r.IntN(3)), word(r.IntN(4)))
		}
		s := word(r.IntN(20))
		if want, got := strings.NewReplacer(oldnew...).Replace(s), Replace(s, oldnew...); got != want {
			t.Fatalf("Replace(%q, %q) = %q, want %q", s, oldnew, got, want)
		}
	}
}
