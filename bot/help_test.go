package bot_test

import (
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// TestHelpFitsTheRole: help shows each person the commands of their role. A peer
// hears who moves on and closes, never next or end as their own; the case bringer
// hears them; in a private round a peer hears to answer by DM, the case bringer that
// the peers are answering; someone who has not joined hears to join first.
func TestHelpFitsTheRole(t *testing.T) {
	tests := []struct {
		name, lang, stage, user string
		want, not               []string
	}{
		{"lobby peer", "en", "lobby", "bob", []string{"`leave` takes you out."}, []string{"`end`"}},
		{"lobby lead", "en", "lobby", "ann", []string{"`end` closes the session"}, nil},
		{"running peer", "en", "questions", "bob", []string{"ann moves on to the next phase", "You can now use: `status`, `leave`."}, []string{"`next`", "`end`"}},
		{"running bringer", "en", "questions", "ann", []string{"You type `next` for the next phase", "`end` closes with a summary"}, nil},
		{"running guest", "en", "questions", "eve", []string{"type `join` first"}, []string{"`next`", "`end`"}},
		{"private peer", "en", "what-would-you-do", "bob", []string{"Send me your answer in a direct message", "When ann moves on, I show what is in"}, []string{"`next`", "`end`"}},
		{"private guest", "en", "what-would-you-do", "eve", []string{"Type `join` first; then I ask you for your answer in a direct message."}, []string{"`next`", "`end`"}},
		{"private bringer", "en", "what-would-you-do", "ann", []string{"Your peers are sending me their answers", "You type `next` to show what is in"}, []string{"Send me your answer"}},
		{"lobby peer nl", "nl", "lobby", "bob", []string{"met `verlaten` stap je uit."}, []string{"`einde`"}},
		{"running peer nl", "nl", "questions", "bob", []string{"ann gaat verder naar de volgende fase", "Je kunt nu typen: `status`, `verlaten`."}, []string{"`volgende`", "`einde`"}},
		{"running bringer nl", "nl", "questions", "ann", []string{"Jij typt `volgende` voor de volgende fase", "`einde` sluit af"}, nil},
		{"private peer nl", "nl", "what-would-you-do", "bob", []string{"Stuur me je antwoord in een privébericht", "Als ann verdergaat, toon ik wat er binnen is"}, []string{"`volgende`", "`einde`"}},
		{"private bringer nl", "nl", "what-would-you-do", "ann", []string{"Je collega's sturen me hun antwoord", "Jij typt `volgende`"}, []string{"Stuur me je antwoord"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, bot.Config{})
			for _, l := range [][2]string{{"ann", "/start incident " + tc.lang}, {"bob", "/join"}, {"ann", "/bring"}} {
				h.say(l[0], l[1])
			}
			for h.Phase != tc.stage {
				h.say("ann", "/next")
			}
			got := privateTo(h.say(tc.user, "/help"), tc.user)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("help lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("help offers %q:\n%s", n, got)
				}
			}
		})
	}
}

// TestHelpInLobbyFitsWhoAsks: in the lobby, the case bringer and someone who joined
// hear what comes next for them, not how to join or bring (a user test: the case
// bringer's `hulp` told her to type `meedoen` or `inbrengen`); a guest hears how to join.
func TestHelpInLobbyFitsWhoAsks(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.say("noor", "/start incident nl")
	h.say("sem", "/meedoen")
	if text := h.say("sem", "/hulp").Replies[0].Text; !strings.Contains(text, "jij doet mee") || !strings.Contains(text, "`inbrengen` als jij zelf") {
		t.Errorf("help of one who joined, no case bringer yet:\n%s", text)
	}
	h.say("noor", "/inbrengen")
	for _, tc := range []struct{ user, want, not string }{
		{"noor", "jij brengt de casus in", "om mee te doen"},
		{"sem", "noor brengt de casus in en typt `volgende`", "`inbrengen`"},
		{"lot", "om mee te doen", "jij doet mee"},
	} {
		text := h.say(tc.user, "/hulp").Replies[0].Text
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("%s's help in the lobby:\n%s", tc.user, text)
		}
	}
	// The starter, when someone else brings the case, may begin too.
	s := newHarness(t, bot.Config{})
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"bob", "/bring"}} {
		s.say(l[0], l[1])
	}
	if text := s.say("ann", "/help").Replies[0].Text; !strings.Contains(text, "you or bob type `next`") {
		t.Errorf("the starter's help when bob brings:\n%s", text)
	}
}
