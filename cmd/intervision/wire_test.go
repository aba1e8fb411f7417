package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestWiredEngineUsesRealParts runs the binary as users meet it and checks that the
// engine reads with the follow-up interpreter of bot/followup (it hears advice that the
// engine's basic phrase list misses, and gives a reason for its question) and
// pseudonymises with package privacy (a name and a phone number never come back).
func TestWiredEngineUsesRealParts(t *testing.T) {
	transcript := `
ann: /start incident nl
bob: /join
ann: /bring
ann: /next
ann: Moeder Fatima belde me op 06-12345678: ze komt niet meer naar de gesprekken. Ze is gewoon onverschillig, denk ik.
ann: /next
bob: Bel haar morgen gewoon op.
`
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"replay", "-"}, strings.NewReader(transcript), &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []struct{ text, part string }{
		{"persoonsgegevens", "privacy: the case bringer is told what was pseudonymised"},
		{"Dat klinkt als een advies", "follow-up interpreter: an imperative from a peer in the questions phase is refused"},
		{"_Waarom ik dit vraag", "follow-up interpreter: a question comes with its reason"},
	} {
		if !strings.Contains(got, want.text) {
			t.Errorf("%s: output lacks %q:\n%s", want.part, want.text, got)
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "bot") && strings.Contains(line, "06-12345678") {
			t.Errorf("the bot repeated the phone number: %s", line)
		}
	}
}
