package bot

import (
	"context"
	"encoding/json"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// recordingScheduler keeps what the engine schedules.
type recordingScheduler struct {
	mu     sync.Mutex
	timers []state.Timer
}

func (r *recordingScheduler) Schedule(_ context.Context, t state.Timer) error {
	r.mu.Lock()
	r.timers = append(r.timers, t)
	r.mu.Unlock()
	return nil
}

func (r *recordingScheduler) Run(ctx context.Context, _ state.FireFunc) error {
	<-ctx.Done()
	return ctx.Err()
}

// TestTimerEarlyStaleAndOnce: a timer planned by a turn that has not committed yet is
// early and fails (the scheduler fires it again); one from an older plan does nothing;
// the right one acts once, however often it fires.
func TestTimerEarlyStaleAndOnce(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	sched := &recordingScheduler{}
	e := New(Config{Store: memstore.New(), Library: prompts.MustBuiltin(), Scheduler: sched, Now: func() time.Time { return now }})
	conv := Conversation{Platform: "terminal", Workspace: "local", Channel: "c", Thread: "t"}
	for i, s := range []struct{ user, text string }{{"ann", "start incident en"}, {"bob", "join"}, {"ann", "bring"}, {"ann", "next"}} {
		if _, err := e.Handle(context.Background(), Event{ID: string(rune('a' + i)), Conv: conv, User: User{ID: s.user, Name: s.user}, Text: s.text, Command: true}); err != nil {
			t.Fatal(err)
		}
	}
	var end state.Timer
	var w wake
	for _, tm := range sched.timers {
		if err := json.Unmarshal(tm.Payload, &w); err == nil && w.Kind == wakeEnd {
			end = tm
			break
		}
	}
	if end.ID == "" {
		t.Fatalf("no end timer among %d scheduled", len(sched.timers))
	}
	shifted := func(plan int) state.Timer {
		w2 := w
		w2.Plan = plan
		b, _ := json.Marshal(w2)
		return state.Timer{ID: end.ID + "-x", Due: end.Due, Payload: b}
	}
	now = end.Due
	if _, _, err := e.Fire(context.Background(), shifted(w.Plan+1)); err == nil {
		t.Error("an early timer did not fail")
	}
	if _, out, err := e.Fire(context.Background(), shifted(w.Plan-1)); err != nil || len(out.Replies) != 0 {
		t.Errorf("a stale timer: %v %+v", err, out)
	}
	_, out, err := e.Fire(context.Background(), end)
	if err != nil || len(out.Replies) == 0 {
		t.Fatalf("the end timer: %v %+v", err, out)
	}
	if _, again, err := e.Fire(context.Background(), end); err != nil || !again.Duplicate {
		t.Errorf("the end timer fired twice acted twice: %v %+v", err, again)
	}
}

// TestEveryCommandHasAnAction ties the grammar's command list to what a conversation
// does with each command (forget and export are about a person, not a conversation).
func TestEveryCommandHasAnAction(t *testing.T) {
	for _, c := range Commands() {
		if _, ok := commandActions[c]; !ok && c != "forget" && c != "export" {
			t.Errorf("command %q has no action", c)
		}
	}
	for c := range commandActions {
		if _, ok := CommandOf(c); !ok {
			t.Errorf("action for %q, which is no command", c)
		}
	}
	for canonical, nl := range dutchWords {
		if got, ok := CommandOf(nl); !ok || got != canonical {
			t.Errorf("Dutch word %q shown for %q means %q", nl, canonical, got)
		}
	}
}

// TestDutchTextUsesDutchCommandWords: a Dutch sentence of the bot names a command by
// its Dutch word wherever the grammar has one (`volgende`, not `next`).
func TestDutchTextUsesDutchCommandWords(t *testing.T) {
	lib := prompts.MustBuiltin()
	code := regexp.MustCompile("`([^` ]+)[^`]*`")
	for _, key := range lib.MessageKeys() {
		nl := lib.Msg(key, "nl")
		for _, m := range code.FindAllStringSubmatch(nl, -1) {
			canonical, ok := CommandOf(m[1])
			if want := dutchWords[canonical]; ok && want != "" && m[1] != want {
				t.Errorf("%s (nl): `%s` where Dutch says `%s`", key, m[1], want)
			}
		}
	}
}
