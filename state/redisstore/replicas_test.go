package redisstore_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// TestReplicas runs two engines, each with its own redisstore.Store (own client, own
// cache), over one redis-server. 50 goroutines send interleaved turns to the same
// sessions through both engines, delivering a third of the events three times at once
// (to both replicas): every turn is applied exactly once and each sender's turns appear
// in the order they were sent.
func TestReplicas(t *testing.T) {
	const sessions, senders, turns = 5, 50, 10
	r := newReplicas(t)
	r.startSessions(sessions, senders)
	if t.Failed() {
		t.FailNow()
	}
	r.race(sessions, senders, turns)
	for s := range sessions {
		r.checkSession(s, senders/sessions, turns)
	}
	r.logStats()
}

// replicas is two engines, each with its own redisstore.Store, over one redis-server.
type replicas struct {
	t       *testing.T
	engines [2]*bot.Engine
	stores  [2]*redisstore.Store
	seq     sync.Map // event ids used so far
}

func newReplicas(t *testing.T) *replicas {
	srv := redistest.Start(t)
	lib := prompts.MustBuiltin()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	r := &replicas{t: t}
	for i := range r.engines {
		r.stores[i] = redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "replicas"})
		t.Cleanup(func() { _ = r.stores[i].Close() })
		r.engines[i] = bot.New(bot.Config{Store: r.stores[i], Library: lib, Logger: quiet})
	}
	return r
}

func replicaConv(s int) bot.Conversation {
	return bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: fmt.Sprintf("17000.%d", s)}
}

// deliver hands ev to the replicas copies times at once and checks that exactly one
// delivery was applied; it returns that delivery's outcome.
func (r *replicas) deliver(ev bot.Event, copies int) bot.Outcome {
	t := r.t
	t.Helper()
	outs := make([]bot.Outcome, copies)
	errs := make([]error, copies)
	var wg sync.WaitGroup
	for c := range copies {
		wg.Go(func() { outs[c], errs[c] = r.engines[(len(ev.ID)+c)%2].Handle(ctx, ev) })
	}
	wg.Wait()
	var applied []bot.Outcome
	for c := range copies {
		if errs[c] != nil {
			t.Errorf("event %s: %v", ev.ID, errs[c])
			return bot.Outcome{}
		}
		if !outs[c].Duplicate {
			applied = append(applied, outs[c])
		}
	}
	if len(applied) != 1 {
		t.Errorf("event %s delivered %d times: applied %d times", ev.ID, copies, len(applied))
		return bot.Outcome{}
	}
	if _, dup := r.seq.LoadOrStore(ev.ID, true); dup {
		t.Errorf("event id %s used twice by the test", ev.ID)
	}
	return applied[0]
}

func (r *replicas) say(s int, id, user, text string, command bool, copies int) bot.Outcome {
	return r.deliver(bot.Event{ID: id, Conv: replicaConv(s), User: bot.User{ID: user, Name: user},
		Text: text, Command: command}, copies)
}

// startSessions sets up the sessions: ann starts and brings, the senders join, ann
// begins and tells the incident; the session is then in the clarifying questions phase.
func (r *replicas) startSessions(sessions, senders int) {
	for s := range sessions {
		r.say(s, fmt.Sprintf("s%d-start", s), "ann", "start incident en", true, 3)
		r.say(s, fmt.Sprintf("s%d-bring", s), "ann", "bring", true, 2)
	}
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			r.say(g%sessions, fmt.Sprintf("u%d-join", g), fmt.Sprintf("u%d", g), "join", true, 1+g%3)
		})
	}
	wg.Wait()
	for s := range sessions {
		r.say(s, fmt.Sprintf("s%d-next", s), "ann", "next", true, 3)
		r.say(s, fmt.Sprintf("s%d-incident", s), "ann", "The father stood in the doorway and said he had no time.", false, 3)
		out := r.say(s, fmt.Sprintf("s%d-told", s), "ann", "next", true, 3)
		if out.Phase != "questions" {
			r.t.Fatalf("session %d: phase after the incident = %q, want questions", s, out.Phase)
		}
	}
}

// race has every sender ask its questions in order, each event to either replica, a
// third of them delivered three times at once.
func (r *replicas) race(sessions, senders, turns int) {
	t := r.t
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			user := fmt.Sprintf("u%d", g)
			for i := range turns {
				id := fmt.Sprintf("u%d-q%d", g, i)
				out := r.say(g%sessions, id, user, question(g, i), false, 1+(g+i)%3)
				if out.Phase != "questions" && !t.Failed() {
					t.Errorf("%s: phase %q, replies %+v", id, out.Phase, out.Replies)
				}
			}
		})
	}
	wg.Wait()
}

// checkSession reads session s back and checks it has ann and its senders (perSession of
// them) as members, and each sender's turns questions exactly once, in the order sent.
func (r *replicas) checkSession(s, perSession, turns int) {
	t := r.t
	b, err := r.stores[s%2].Get(ctx, bot.Key(replicaConv(s)))
	if err != nil {
		t.Fatal(err)
	}
	if b, err = bot.RecordJSON(b); err != nil {
		t.Fatal(err)
	}
	var sess struct {
		Members []struct{ ID string }
		Turns   []struct{ Phase, User, Text string }
	}
	if err := json.Unmarshal(b, &sess); err != nil {
		t.Fatalf("session %d: %v", s, err)
	}
	if want := 1 + perSession; len(sess.Members) != want {
		t.Errorf("session %d: %d members, want %d", s, len(sess.Members), want)
	}
	next := map[string]int{} // user → index of the next question expected
	count := 0
	for _, tn := range sess.Turns {
		if tn.Phase != "questions" {
			continue
		}
		count++
		var g, i int
		if _, err := fmt.Sscanf(tn.User, "u%d", &g); err != nil {
			t.Fatalf("session %d: turn by %q", s, tn.User)
		}
		i = next[tn.User]
		if tn.Text != question(g, i) {
			t.Fatalf("session %d: %s's turn %d is %q, want %q (lost, doubled or out of order)", s, tn.User, i, tn.Text, question(g, i))
		}
		next[tn.User]++
	}
	if want := perSession * turns; count != want {
		t.Errorf("session %d: %d questions recorded, want %d", s, count, want)
	}
}

func (r *replicas) logStats() {
	for i, st := range r.stores {
		stats := st.Stats()
		r.t.Logf("replica %d: %d updates, %d round trips, %d conflicts, %d duplicates",
			i, stats.Updates, stats.RoundTrips, stats.Conflicts, stats.Duplicates)
	}
}

func question(g, i int) string {
	return fmt.Sprintf("Question %d from u%d: what happened just before that?", i, g)
}
