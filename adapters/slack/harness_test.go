package slack

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/memstore"
)

// harness runs the real adapter, with the real slack-go client, against a fakeSlack.
type harness struct {
	t    *testing.T
	fake *fakeSlack
	a    *Adapter
	addr string // HTTP mode: the listen address

	mu      sync.Mutex
	cond    *sync.Cond
	results map[string][]result
	n       int
}

type result struct {
	ev  bot.Event
	out bot.Outcome
	err error
}

func newEngine() *bot.Engine {
	return bot.New(bot.Config{Store: memstore.New(), Library: prompts.MustBuiltin(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// start runs the adapter in Socket Mode (secret == "") or HTTP mode.
func start(t *testing.T, h bot.Handler, secret string) *harness {
	t.Helper()
	return startWith(t, h, secret, nil)
}

// startWith is start with tune (when not nil) applied to the adapter's Config.
func startWith(t *testing.T, h bot.Handler, secret string, tune func(*Config)) *harness {
	t.Helper()
	f := newFakeSlack(t)
	for _, u := range []struct{ id, name string }{{"UALICE", "Alice"}, {"UBOB", "Bob"}, {"UCAROL", "Carol"}, {"UDAN", "Dan"}} {
		f.addUser(u.id, u.name, "en-US")
	}
	cfg := Config{BotToken: "xoxb-test", APIURL: f.apiURL(), Logger: quietLogger(), PingInterval: time.Minute, Workers: 4}
	if secret == "" {
		cfg.AppToken = "xapp-test"
	} else {
		cfg.SigningSecret, cfg.ListenAddr = secret, "127.0.0.1:0"
	}
	if tune != nil {
		tune(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{t: t, fake: f, a: a, results: map[string][]result{}}
	hs.cond = sync.NewCond(&hs.mu)
	a.observe = func(eventID string, ev bot.Event, out bot.Outcome, err error) {
		hs.mu.Lock()
		hs.results[ev.ID] = append(hs.results[ev.ID], result{ev, out, err})
		if eventID != "" && eventID != ev.ID {
			hs.results[eventID] = append(hs.results[eventID], result{ev, out, err}) // tests wait on Slack's event ids
		}
		hs.mu.Unlock()
		hs.cond.Broadcast()
	}
	ready := make(chan string, 1)
	a.ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	select {
	case hs.addr = <-ready:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("adapter not ready")
	}
	if secret == "" {
		f.waitConnected()
	}
	return hs
}

// wait returns the n-th (from 1) result for event id, waiting up to 10 s.
func (h *harness) waitN(id string, n int) result {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, h.cond.Broadcast)
	defer timer.Stop()
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.results[id]) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("event %q was not handled (have %d results)", id, len(h.results[id]))
		}
		h.cond.Wait()
	}
	return h.results[id][n-1]
}

func (h *harness) wait(id string) result { h.t.Helper(); return h.waitN(id, 1) }

func (h *harness) trigger() string {
	h.n++
	return fmt.Sprintf("trig-%d", h.n)
}

func (h *harness) eventID() string {
	h.n++
	return fmt.Sprintf("Ev%04d", h.n)
}

func (h *harness) ts() string {
	h.n++
	return fmt.Sprintf("1700001000.%06d", h.n)
}

// slash sends "/intervision text" and returns the outcome. When the engine opened a
// session thread, it returns the outcome in that thread and the thread's ts.
func (h *harness) slash(user, channel, text string) (bot.Outcome, string) {
	h.t.Helper()
	trig := h.trigger()
	h.fake.send("slash_commands", slashPayload(user, channel, text, trig), 0, "")
	id := "slash:" + trig
	r := h.wait(id)
	for _, rep := range r.out.Replies {
		if rep.Opens != nil {
			o := h.wait(id + "/open")
			return o.out, o.ev.Conv.Thread
		}
	}
	return r.out, ""
}

// click clicks the newest button with command visible to user in thread ("" anywhere).
func (h *harness) click(user, thread, command string) bot.Outcome {
	h.t.Helper()
	p, action := h.fake.buttonIn(user, thread, command)
	trig := h.trigger()
	h.fake.send("interactive", clickPayload(user, p, action, command, trig), 0, "")
	return h.wait("action:" + trig + ":" + action).out
}

// say posts a message in a thread (or a DM when channel starts with D).
func (h *harness) say(user, channel, thread, text string) bot.Outcome {
	h.t.Helper()
	id := h.eventID()
	h.fake.send("events_api", eventPayload(id, messageEvent(user, channel, thread, h.ts(), text)), 0, "")
	return h.wait(id).out
}

// mention sends "@bot text".
func (h *harness) mention(user, channel, thread, text string) result {
	h.t.Helper()
	id := h.eventID()
	h.fake.send("events_api", eventPayload(id, mentionEvent(user, channel, thread, h.ts(), text)), 0, "")
	return h.wait(id)
}

// assertInert fails when a post could ping or carries markup nobody meant.
func assertInert(t *testing.T, posts []fakePost) {
	t.Helper()
	for _, p := range posts {
		texts := []string{p.Text}
		for _, b := range p.Blocks {
			if b.Text != nil {
				texts = append(texts, b.Text.Text)
			}
		}
		for _, s := range texts {
			for _, bad := range []string{"<!channel>", "<!here>", "<!everyone>", "<@", "<#", "<http"} {
				if strings.Contains(s, bad) {
					t.Errorf("post %s contains %q: %q", p.TS, bad, s)
				}
			}
		}
		if p.LinkNames != "" && p.LinkNames != "false" && p.LinkNames != "0" {
			t.Errorf("post %s sets link_names=%s", p.TS, p.LinkNames)
		}
	}
}
