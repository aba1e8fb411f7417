// Package bottest drives a bot.Engine as a chat would, for tests: it numbers events,
// keeps a transcript, follows the session's phases and compares golden transcripts.
package bottest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// Clock is the fixed time of every Chat, so transcripts are stable.
var Clock = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// Chat is one conversation with an engine.
type Chat struct {
	T       testing.TB
	Engine  *bot.Engine
	Store   state.Store
	Library *prompts.Library
	Conv    bot.Conversation
	// Phases are the phase ids the session went through, without repeats.
	Phases []string
	Phase  string      // the phase after the last event
	Last   bot.Outcome // the outcome of the last event
	out    strings.Builder
	seq    int
}

// New returns a Chat in a terminal thread. cfg's empty Store, Library and Now are
// filled with an embedded store, the built-in library and Clock.
func New(t testing.TB, cfg bot.Config) *Chat {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = memstore.New(memstore.WithClock(func() time.Time { return Clock }))
	}
	if cfg.Library == nil {
		cfg.Library = prompts.MustBuiltin()
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return Clock }
	}
	return &Chat{T: t, Engine: bot.New(cfg), Store: cfg.Store, Library: cfg.Library,
		Conv: bot.Conversation{Platform: "terminal", Workspace: "local", Channel: "c1", Thread: "main"}}
}

// Say sends text from user; a leading "/" makes it a command.
func (c *Chat) Say(user, text string) bot.Outcome {
	c.T.Helper()
	return c.send(c.Conv, user, user, text)
}

// DirectConv is user's direct conversation with the bot on the Chat's platform.
func (c *Chat) DirectConv(user string) bot.Conversation {
	return bot.Conversation{Platform: c.Conv.Platform, Workspace: c.Conv.Workspace, Channel: "dm-" + user, Direct: true}
}

// Direct sends text from user in their direct conversation with the bot (a DM).
func (c *Chat) Direct(user, text string) bot.Outcome {
	c.T.Helper()
	return c.send(c.DirectConv(user), user, user+" (dm)", text)
}

// send sends text from user in conv, written in the transcript as from who.
func (c *Chat) send(conv bot.Conversation, user, who, text string) bot.Outcome {
	c.T.Helper()
	c.seq++
	ev := bot.Event{ID: fmt.Sprintf("ev-%d", c.seq), Conv: conv, User: bot.User{ID: user, Name: user}, Text: text}
	if strings.HasPrefix(text, "/") {
		ev.Command, ev.Text = true, text[1:]
	}
	out, err := c.Engine.Handle(context.Background(), ev)
	if err != nil {
		c.T.Fatalf("%s: %q: %v", user, text, err)
	}
	fmt.Fprintf(&c.out, "%s: %s\n", who, text)
	for _, r := range out.Replies {
		to := ""
		switch {
		case r.To != "" && r.Direct:
			to = " → " + r.To + " (dm)"
		case r.To != "":
			to = " → " + r.To
		case r.In != nil:
			to = " → thread"
		}
		fmt.Fprintf(&c.out, "bot%s: %s\n", to, r.Text)
		for _, a := range r.Actions {
			fmt.Fprintf(&c.out, "  [%s: /%s]\n", a.Label, a.Command)
		}
		if r.File != nil {
			fmt.Fprintf(&c.out, "  [file %s, %s]\n", r.File.Name, r.File.Type)
			for _, l := range strings.Split(strings.TrimRight(string(r.File.Data), "\n"), "\n") {
				fmt.Fprintf(&c.out, "  | %s\n", l)
			}
		}
	}
	fmt.Fprintf(&c.out, "   [phase %s]\n", out.Phase)
	if out.Phase != c.Phase {
		c.Phases = append(c.Phases, out.Phase)
		c.Phase = out.Phase
	}
	c.Last = out
	return out
}

// Document is the text of the first file attached to a reply of out, or "".
func Document(out bot.Outcome) string {
	for _, r := range out.Replies {
		if r.File != nil {
			return string(r.File.Data)
		}
	}
	return ""
}

// Public joins the public replies of an outcome.
func Public(out bot.Outcome) string {
	var public []string
	for _, r := range out.Replies {
		if r.To == "" {
			public = append(public, r.Text)
		}
	}
	return strings.Join(public, "\n")
}

// Record returns the stored session of the conversation.
func (c *Chat) Record() []byte {
	c.T.Helper()
	b, err := c.Store.Get(context.Background(), bot.Key(c.Conv))
	if err != nil {
		c.T.Fatal(err)
	}
	return b
}

// Transcript is everything said so far.
func (c *Chat) Transcript() string { return c.out.String() }

// Golden compares the transcript with testdata/golden/name.txt, or writes it when
// update is set.
func (c *Chat) Golden(name string, update bool) {
	c.T.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	got := c.out.String()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			c.T.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			c.T.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		c.T.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		c.T.Errorf("transcript differs from %s (run the test with -update to rewrite it):\n%s", path, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, a, b)
		}
	}
	return ""
}

// ClassifyCase is one message and how every platform must classify it when it is
// typed in a session's thread: as a command with the given text, or as a turn.
type ClassifyCase struct {
	Text    string
	Command bool
	Want    string // the engine's text for a command
}

// ClassifyCases is the one table the Slack and Discord adapters (and bot.Classify)
// are tested against, so the two platforms agree on what is a command.
var ClassifyCases = []ClassifyCase{
	{Text: "next", Command: true, Want: "next"},
	{Text: " Volgende ", Command: true, Want: "Volgende"},
	{Text: "volgende", Command: true, Want: "volgende"},
	{Text: "!start gibbs", Command: true, Want: "start gibbs"},
	{Text: "!join", Command: true, Want: "join"},
	{Text: "/intervision next", Command: true, Want: "next"},
	{Text: "!intervision", Command: true, Want: "help"},
	{Text: "start gibbs nl"},
	{Text: "forget about it"},
	{Text: "Vergeet het maar"},
	{Text: "Stop met werken"},
	{Text: "next time I will call"},
	{Text: "keep going"},
	{Text: "?"},
	{Text: "!"},
	{Text: "hello"},
	{Text: "!hello there"},
	{Text: "langer 10", Command: true, Want: "langer 10"},
	{Text: "more 2h", Command: true, Want: "more 2h"},
	{Text: "terugblik 1w", Command: true, Want: "terugblik 1w"},
	{Text: "more time please"},
	{Text: "langer dan gepland"},
}

// ManualClock is a clock a test moves by hand; engines, stores and schedulers read it.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now is the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
