package discord

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

// canned is a Handler that answers every event with the same outcome, after a delay.
type canned struct {
	out   bot.Outcome
	delay time.Duration
}

func (c canned) Handle(ctx context.Context, _ bot.Event) (bot.Outcome, error) {
	select {
	case <-time.After(c.delay):
		return c.out, nil
	case <-ctx.Done():
		return bot.Outcome{}, ctx.Err()
	}
}

func TestInteractionDelivery(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 900) // 4500 characters: three messages
	buttons := []bot.Action{{Label: "A", Command: "a"}, {Label: "B", Command: "b", Primary: true},
		{Label: "C", Command: "c"}, {Label: "D", Command: "d"}, {Label: "E", Command: "e"},
		{Label: "F", Command: "f"}, {Label: "Too long", Command: strings.Repeat("x", 101)}}
	tests := []struct {
		name      string
		click     bool
		out       bot.Outcome
		delay     time.Duration
		wantAck   ack
		wantKinds []string // kind/ephemeral of each message sent, in order
		wantDel   bool     // the deferred response was deleted
	}{
		{name: "slash public", out: bot.Outcome{Replies: []bot.Reply{{Text: "hello"}}},
			wantAck: ack{Type: 5}, wantKinds: []string{"original"}},
		{name: "slash private first", out: bot.Outcome{Replies: []bot.Reply{{To: ann.id, Text: "psst"}, {Text: "all"}}},
			wantAck: ack{Type: 5, Ephemeral: true}, wantKinds: []string{"original/private", "followup"}},
		{name: "slash slow public", delay: 250 * time.Millisecond, out: bot.Outcome{Replies: []bot.Reply{{Text: "late"}}},
			wantAck: ack{Type: 5, Ephemeral: true}, wantKinds: []string{"message"}, wantDel: true},
		{name: "slash slow private", delay: 250 * time.Millisecond, out: bot.Outcome{Replies: []bot.Reply{{To: ann.id, Text: "late psst"}}},
			wantAck: ack{Type: 5, Ephemeral: true}, wantKinds: []string{"original/private"}},
		{name: "slash nothing", out: bot.Outcome{}, wantAck: ack{Type: 5}, wantDel: true},
		{name: "click private", click: true, out: bot.Outcome{Replies: []bot.Reply{{To: ann.id, Text: "only you"}}},
			wantAck: ack{Type: 6}, wantKinds: []string{"followup/private"}},
		{name: "click long with buttons", click: true, out: bot.Outcome{Replies: []bot.Reply{{Text: long, Actions: buttons}}},
			wantAck: ack{Type: 6}, wantKinds: []string{"followup", "followup", "followup"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ackWait := 2 * time.Second // fast handlers answer well within it
			if tc.delay > 0 {
				ackWait = 30 * time.Millisecond
			}
			h := startWith(t, 1, canned{out: tc.out, delay: tc.delay}, ackWait)
			h.f.addChannel("999", guildID, 0)
			h.f.mu.Lock()
			h.f.sent = append(h.f.sent, sent{Kind: "message", Channel: "999", ID: "1", Buttons: []string{"x"}})
			h.f.mu.Unlock()
			var id string
			if tc.click {
				id = h.click(ann, "999", "x")
			} else {
				id = h.slash(ann, guildID, "999", "status")
			}
			acks := h.f.acksOf(id)
			if len(acks) != 1 || acks[0].Type != tc.wantAck.Type || acks[0].Ephemeral != tc.wantAck.Ephemeral {
				t.Fatalf("acks = %+v, want %+v", acks, tc.wantAck)
			}
			var kinds []string
			var last sent
			for _, m := range h.f.messages()[1:] {
				k := m.Kind
				if m.Ephemeral {
					k += "/private"
				}
				kinds = append(kinds, k)
				last = m
			}
			if strings.Join(kinds, ",") != strings.Join(tc.wantKinds, ",") {
				t.Fatalf("sent %v, want %v:\n%s", kinds, tc.wantKinds, dump(h.f.messages()))
			}
			deleted := false
			for _, c := range h.f.restCalls() {
				deleted = deleted || (c.Method == "DELETE" && strings.HasSuffix(c.Path, "/@original"))
			}
			if deleted != tc.wantDel {
				t.Errorf("deferred response deleted = %v, want %v", deleted, tc.wantDel)
			}
			if tc.name == "click long with buttons" {
				for _, m := range h.f.messages()[1:] {
					if n := len([]rune(m.Content)); n > maxContent {
						t.Errorf("message of %d characters", n)
					}
				}
				if strings.Join(last.Buttons, "") != "abcdef" {
					t.Errorf("buttons on the last piece = %v, want a..f (the too long one dropped)", last.Buttons)
				}
			}
			checkSafe(t, h.f.messages()[1:])
		})
	}
}

func TestFatalCloseCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(f *fakeDiscord)
		token string
		code  int
		hint  string
	}{
		{name: "message content intent not enabled", setup: func(f *fakeDiscord) { f.disallow = true },
			token: "test-token", code: 4014, hint: "Message Content Intent"},
		{name: "wrong token", token: "other-token", code: 4004, hint: "Reset Token"},
		{name: "token reset while connected", setup: func(f *fakeDiscord) { f.closeOnReady = 4004 },
			token: "test-token", code: 4004, hint: "DISCORD_BOT_TOKEN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			if tc.setup != nil {
				tc.setup(f)
			}
			a, err := New(Config{Token: tc.token, HTTPClient: f.client(), Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- a.Run(context.Background(), canned{}) }()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run kept going after a fatal close code")
			}
			var fe *FatalCloseError
			if !errors.As(err, &fe) || fe.Code != tc.code || !strings.Contains(err.Error(), tc.hint) {
				t.Fatalf("Run = %v, want close %d mentioning %q", err, tc.code, tc.hint)
			}
		})
	}
}

// TestNoReconnectAfterFatalClose: after Discord closed a live connection with a fatal
// code, nothing dials the gateway or asks for its URL again. (discordgo's own
// reconnect did, at once and then every few seconds, from the goroutine that read the
// close, while the heartbeat goroutine could still read the session: a data race.)
// Several sessions close at once, so that a race would have its chance.
func TestNoReconnectAfterFatalClose(t *testing.T) {
	t.Parallel()
	for i := range 6 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			f := newFakeDiscord(t)
			f.closeOnReady = 4004
			a, err := New(Config{Token: "test-token", HTTPClient: f.client(), Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			var fe *FatalCloseError
			if err := a.Run(context.Background(), canned{}); !errors.As(err, &fe) || fe.Code != 4004 {
				t.Fatalf("Run = %v, want close 4004", err)
			}
			time.Sleep(1500 * time.Millisecond) // discordgo retried after one second
			n := 0
			for _, c := range f.restCalls() {
				if c.Path == "/gateway" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("GET /gateway %d times, want once (no reconnect after a fatal close)", n)
			}
		})
	}
}
