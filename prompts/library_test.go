package prompts

import (
	"strings"
	"testing"
)

// TestCount: the one plural rule picks the singular for 1 only.
func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 berichten", 1: "1 bericht", 2: "2 berichten", 11: "11 berichten"} {
		if got := Count(n, "1 bericht", "{n} berichten"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	lib := MustBuiltin()
	if got := lib.Count("count.sessions", "nl", 1); got != "1 sessie" {
		t.Errorf("1 session in Dutch: %q", got)
	}
	if got := lib.Count("time.days", "en", 3); got != "3 days" {
		t.Errorf("3 days: %q", got)
	}
}

// TestMsgTitleEndsTheSentence: a value with its own closing mark ("Wat neem je mee?")
// ends the sentence; the template's full stop after it goes.
func TestMsgTitleEndsTheSentence(t *testing.T) {
	lib := MustBuiltin()
	got := lib.Msg("help.running", "nl", "phase", "Wat neem je mee?")
	if strings.Contains(got, "?.") || !strings.Contains(got, "Wat neem je mee? Schrijf") {
		t.Errorf("help.running: %q", got)
	}
	if got := lib.Msg("help.running", "en", "phase", "Takeaway"); !strings.Contains(got, "We are in: Takeaway. Write") {
		t.Errorf("a title without a mark keeps the full stop: %q", got)
	}
	if got := lib.Msg("phase.time_left", "nl", "left", "2 minuten", "phase", "Wat nu?"); !strings.Contains(got, "(Wat nu?).") {
		t.Errorf("a mark inside brackets stays: %q", got)
	}
}
