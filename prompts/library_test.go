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

// TestSummaryPhaseCount: a method summary that counts its phases or steps ("eight
// phases", "zes stappen") says as many as a session of it shows ("Fase 1/8"), in every
// mode the method runs in, or names the closing phases it adds (what you take away): a
// user test found a bare "Zes stappen" above "Fase 1/8".
func TestSummaryPhaseCount(t *testing.T) {
	numbers := map[string]int{"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
		"drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10}
	closing := map[string]string{"en": "take away", "nl": "meeneemt"}
	lib := MustBuiltin()
	for _, m := range lib.Methods() {
		for _, lang := range []string{"en", "nl"} {
			summary := strings.ToLower(m.Summary.In(lang))
			words := strings.Fields(summary)
			for i := 1; i < len(words); i++ {
				w := words[i]
				if !strings.HasPrefix(w, "phases") && !strings.HasPrefix(w, "fases") && !strings.HasPrefix(w, "steps") && !strings.HasPrefix(w, "stappen") {
					continue
				}
				n, ok := numbers[strings.Trim(words[i-1], "(")]
				if !ok {
					continue
				}
				for _, mode := range m.Modes {
					shown := len(lib.Closing(mode))
					for j := range m.Phases {
						if m.Phases[j].RunsIn(mode) {
							shown++
						}
					}
					if shown != n && !strings.Contains(summary, closing[lang]) {
						t.Errorf("%s (%s, %s): the summary counts %d, a session shows %d phases, and it does not name the closing ones", m.ID, lang, mode, n, shown)
					}
				}
			}
		}
	}
}
