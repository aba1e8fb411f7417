package slack

import (
	"context"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// failOn is an engine that fails (as when its context ended) on one text.
type failOn struct {
	*bot.Engine
	text string
}

func (f failOn) Handle(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
	if ev.Text == f.text {
		return bot.Outcome{}, context.DeadlineExceeded
	}
	return f.Engine.Handle(ctx, ev)
}

// sorryTo returns the texts posted to user after from (an index into allPosts).
func sorryTo(h *harness, from int, user string) string {
	var s []string
	for _, p := range h.fake.allPosts()[from:] {
		if p.To == user || strings.HasPrefix(p.Channel, "D") {
			s = append(s, p.Text)
		}
	}
	return strings.Join(s, "\n")
}

// TestSorryInTheSessionsOrUsersLanguage: when the engine fails on an event, the
// adapter's own apology comes from the prompts, in the language of the session it
// opened (a Dutch session, an English-speaking user), else in the user's Slack
// language (nl-NL in a DM), else English.
func TestSorryInTheSessionsOrUsersLanguage(t *testing.T) {
	h := start(t, failOn{Engine: newEngine(), text: "boom"}, "")
	h.fake.addUser("UNL", "Noor", "nl-NL")
	_, thread := h.slash("UALICE", "C1", "start incident nl")
	if thread == "" {
		t.Fatal("no session thread")
	}
	tests := []struct {
		name, user, channel, thread, want string
	}{
		{"a Dutch session", "UALICE", "C1", thread, "Sorry, er ging bij mij iets mis. Probeer het zo nog eens."},
		{"a Dutch user's DM", "UNL", "DNL", "", "Sorry, er ging bij mij iets mis. Probeer het zo nog eens."},
		{"an English user's DM", "UBOB", "DBOB", "", "Sorry, something went wrong on my side. Please try again in a moment."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from := len(h.fake.allPosts())
			h.say(tc.user, tc.channel, tc.thread, "boom")
			if got := sorryTo(h, from, tc.user); got != tc.want {
				t.Fatalf("the apology: %q, want %q", got, tc.want)
			}
		})
	}
}
