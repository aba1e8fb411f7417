package bot

import (
	"context"
	"encoding/json"
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

// TestRemovedWorkspacePurged: when the app is removed from a workspace, its data is
// purged after the grace period, unless the app came back; other workspaces stay.
func TestRemovedWorkspacePurged(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	sched := memstore.NewScheduler(memstore.WithSchedulerClock(func() time.Time { return now }))
	st := memstore.New(memstore.WithClock(func() time.Time { return now }))
	e := New(Config{Store: st, Library: prompts.MustBuiltin(), Scheduler: sched, Now: func() time.Time { return now },
		PurgeAfter: 72 * time.Hour})
	seed := func(ws string) Conversation {
		conv := Conversation{Platform: "slack", Workspace: ws, Channel: "C1", Thread: "1.0"}
		for i, s := range []string{"start incident en", "join", "bring", "next"} {
			user := "ann"
			if s == "join" {
				user = "bob"
			}
			if _, err := e.Handle(context.Background(), Event{ID: ws + string(rune('a'+i)), Conv: conv, User: User{ID: user, Name: user}, Text: s, Command: true}); err != nil {
				t.Fatal(err)
			}
		}
		return conv
	}
	fire := func() {
		t.Helper()
		if _, err := sched.FireDue(context.Background(), func(ctx context.Context, tm state.Timer) error {
			_, _, err := e.Fire(ctx, tm)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	gone, back, other := seed("T1"), seed("T2"), seed("T3")
	for _, ws := range []string{"T1", "T2"} {
		if err := e.SpaceRemoved(context.Background(), state.Space{Platform: "slack", Workspace: ws}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.SpaceReturned(context.Background(), state.Space{Platform: "slack", Workspace: "T2"}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(71 * time.Hour)
	fire()
	if b, _ := st.Get(context.Background(), Key(gone)); b == nil {
		t.Fatal("purged before the grace period ended")
	}
	now = now.Add(2 * time.Hour)
	fire()
	if b, _ := st.Get(context.Background(), Key(gone)); b != nil {
		t.Error("the removed workspace was not purged")
	}
	for _, c := range []Conversation{back, other} {
		if b, _ := st.Get(context.Background(), Key(c)); b == nil {
			t.Errorf("%s was purged", c.Workspace)
		}
	}
}
