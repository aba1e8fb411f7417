package discord

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

// recorder is a Handler that records the texts it is given, per conversation, taking a
// little random time for each, and answers each event with one public reply when reply
// is set.
type recorder struct {
	mu    sync.Mutex
	texts map[string][]string
	slow  map[string]time.Duration // text → how long handling it takes
	reply bool
}

func (r *recorder) Handle(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
	d := time.Duration(rand.IntN(300)) * time.Microsecond
	if s, ok := r.slow[ev.Text]; ok {
		d = s
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
		return bot.Outcome{}, ctx.Err()
	}
	r.mu.Lock()
	if r.texts == nil {
		r.texts = map[string][]string{}
	}
	k := where(ev.Conv)
	r.texts[k] = append(r.texts[k], ev.Text)
	r.mu.Unlock()
	if !r.reply {
		return bot.Outcome{}, nil
	}
	return bot.Outcome{Replies: []bot.Reply{{Text: "got " + ev.Text}}}, nil
}

func (r *recorder) got(conv string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.texts[conv]...)
}

// TestTurnsArriveInOrder sends 200 messages in a row to one conversation: the engine
// must see them in the order Discord delivered them.
func TestTurnsArriveInOrder(t *testing.T) {
	t.Parallel()
	const n = 200
	tests := []struct {
		name           string
		guild, channel string
		setup          func(f *fakeDiscord)
	}{
		{name: "session thread", guild: guildID, channel: "4000",
			setup: func(f *fakeDiscord) { f.addThread("4000", guildID, channelID, f.botID) }},
		{name: "direct message", channel: "dm-" + ann.id,
			setup: func(f *fakeDiscord) { f.addChannel("dm-"+ann.id, "", 1) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			h := startWith(t, 1, rec, 0)
			tc.setup(h.f)
			want := make([]string, n)
			ids := make([]string, n)
			for i := range want {
				want[i] = fmt.Sprintf("turn number %03d", i)
				ids[i] = h.post(ann, tc.guild, tc.channel, want[i])
			}
			for _, id := range ids {
				h.wait(id)
			}
			got := rec.got(tc.channel)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				first := 0
				for first < len(got) && first < n && got[first] == want[first] {
					first++
				}
				t.Fatalf("engine saw %d turns, out of order from #%d: %q", len(got), first, got[first:min(first+5, len(got))])
			}
		})
	}
}

// TestQueuedSlashCommandDeferredInTime: a slash command waiting behind a slow event of
// the same thread is still acknowledged within Discord's 3 seconds, counted from its
// arrival, not from when its turn in the queue comes.
func TestQueuedSlashCommandDeferredInTime(t *testing.T) {
	t.Parallel()
	rec := &recorder{slow: map[string]time.Duration{"slow turn": 700 * time.Millisecond}, reply: true}
	h := startWith(t, 1, rec, 50*time.Millisecond)
	h.f.addThread("4000", guildID, channelID, h.f.botID)
	h.post(ann, guildID, "4000", "slow turn")
	time.Sleep(20 * time.Millisecond)
	t0 := time.Now()
	id := h.slash(ann, guildID, "4000", "status")
	var at time.Time
	for _, c := range h.f.restCalls() {
		if strings.HasPrefix(c.Path, "/interactions/"+id+"/") && strings.HasSuffix(c.Path, "/callback") {
			at = c.At
		}
	}
	if at.IsZero() {
		t.Fatal("the slash command was not acknowledged")
	}
	if d := at.Sub(t0); d > 400*time.Millisecond {
		t.Fatalf("acknowledged %v after it arrived, while waiting behind a slow turn; want within ackWait", d)
	}
	if got := rec.got("4000"); strings.Join(got, ",") != "slow turn,status" {
		t.Fatalf("engine saw %q, want the turn then the command", got)
	}
	// The answer went out, privately deferred and then posted as a plain message.
	if acks := h.f.acksOf(id); len(acks) != 1 || !acks[0].Ephemeral {
		t.Fatalf("acks = %+v, want one private deferral", acks)
	}
	var answered bool
	for _, m := range h.in("4000") {
		answered = answered || m.Content == "got status"
	}
	if !answered {
		t.Fatalf("no answer to the command:\n%s", dump(h.f.messages()))
	}
}

// TestShutdownFinishesQueuedEvents: when Run's context ends while an event is being
// handled, its reply is still sent (the engine saved the event), and Run returns only
// after that.
func TestShutdownFinishesQueuedEvents(t *testing.T) {
	t.Parallel()
	f := newFakeDiscord(t)
	dm := "dm-" + ann.id
	f.addChannel(dm, "", 1)
	started := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	handler := handlerFunc(func(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
		once.Do(func() { close(started) })
		select {
		case <-release:
		case <-ctx.Done():
			return bot.Outcome{}, ctx.Err()
		}
		return bot.Outcome{Replies: []bot.Reply{{Text: "saved: " + ev.Text}}}, nil
	})
	a, err := New(Config{Token: "test-token", HTTPClient: f.client(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, handler) }()
	h := &harness{t: t, f: f}
	h.until("connected", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.sessions) == 1 && len(f.commands) == 1
	})
	h.post(ann, "", dm, "first")
	h.post(ann, "", dm, "second") // queued behind the first
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler never ran")
	}
	time.Sleep(50 * time.Millisecond) // the second event reaches the adapter
	cancel()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("Run returned (%v) while an event was still being handled", err)
	default:
	}
	close(release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
	}
	var got []string
	for _, m := range f.messages() {
		got = append(got, m.Content)
	}
	if strings.Join(got, ",") != "saved: first,saved: second" {
		t.Fatalf("sent %q, want both replies, in order", got)
	}
}

type handlerFunc func(context.Context, bot.Event) (bot.Outcome, error)

func (f handlerFunc) Handle(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
	return f(ctx, ev)
}
