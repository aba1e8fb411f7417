package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/state"
)

// TestResumable: the engine lists the open sessions of a space with the latest Seq it
// applied in each (never going back for an older message handled later), and leaves
// out finished sessions and other spaces.
func TestResumable(t *testing.T) {
	for name, newStore := range adminStores(t) {
		t.Run(name, func(t *testing.T) {
			eng := adminEngine(newStore(), bottest.Clock)
			ctx := context.Background()
			say := func(c bot.Conversation, id, seq, user, text string, cmd bool) {
				t.Helper()
				ev := bot.Event{ID: id, Seq: seq, Conv: c, User: bot.User{ID: user, Name: user}, Text: text, Command: cmd, Ambient: !cmd}
				if _, err := eng.Handle(ctx, ev); err != nil {
					t.Fatal(err)
				}
			}
			open := bot.Conversation{Platform: "discord", Workspace: "G1", Channel: "C1", Thread: "100"}
			say(open, "i1", "101", "ann", "start incident en", true)
			say(open, "m2", "1000000000000000105", "ann", "join", true)
			say(open, "m3", "1000000000000000103", "ann", "an older message handled later", false)
			other := bot.Conversation{Platform: "discord", Workspace: "G2", Channel: "C1", Thread: "200"}
			say(other, "i4", "201", "bob", "start incident en", true)
			done := bot.Conversation{Platform: "discord", Workspace: "G1", Channel: "C1", Thread: "300"}
			say(done, "i5", "301", "cas", "start incident en", true)
			say(done, "i6", "302", "cas", "end", true)
			noSeq := bot.Conversation{Platform: "discord", Workspace: "G1", Channel: "C2", Thread: "400"}
			say(noSeq, "i7", "", "dan", "start incident en", true)

			got, err := eng.Resumable(ctx, state.Filter{Platform: "discord", Workspace: "G1"})
			if err != nil {
				t.Fatal(err)
			}
			want := map[state.Key]string{bot.Key(open): "1000000000000000105", bot.Key(noSeq): ""}
			if len(got) != len(want) {
				t.Fatalf("resumable = %+v, want %v", got, want)
			}
			for _, r := range got {
				after, ok := want[r.Key]
				if !ok || r.After != after {
					t.Errorf("%v: after = %q, want %q (listed: %v)", r.Key, r.After, after, ok)
				}
				if !r.Since.Equal(bottest.Clock.Truncate(1e9)) {
					t.Errorf("%v: since = %v, want %v", r.Key, r.Since, bottest.Clock)
				}
			}
		})
	}
}

func TestSeqAfter(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"2", "", true}, {"", "2", false}, {"10", "9", true}, {"9", "10", false}, {"123", "123", false},
		{"1700000000.000200", "1700000000.000100", true}, {"1700000000.000100", "1700000001.000000", false},
	} {
		if got := bot.SeqAfter(c.a, c.b); got != c.want {
			t.Errorf("SeqAfter(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// TestEarlier: a DM two rounds wait on is caught up from the sooner point.
func TestEarlier(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	cases := []struct {
		name       string
		a, b, want bot.Resumable
	}{
		{"the earlier After", bot.Resumable{After: "200", Since: t0}, bot.Resumable{After: "150", Since: t1}, bot.Resumable{After: "150", Since: t0}},
		{"a kept when earlier", bot.Resumable{After: "150", Since: t1}, bot.Resumable{After: "200", Since: t0}, bot.Resumable{After: "150", Since: t1}},
		{"no After: the earlier Since", bot.Resumable{After: "200", Since: t1}, bot.Resumable{Since: t0}, bot.Resumable{Since: t0}},
		{"no After on a", bot.Resumable{Since: t0}, bot.Resumable{After: "200", Since: t1}, bot.Resumable{Since: t0}},
	}
	for _, c := range cases {
		if got := bot.Earlier(c.a, c.b); got.After != c.want.After || !got.Since.Equal(c.want.Since) {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
