package main

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
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// quickPack is a method with time boxes of a second or two, so that timers fire within
// a test: one phase that waits for every peer, one that waits for nothing.
const quickPack = `id: quick
modes: [group]
duration: 3s
title: {en: Quick, nl: Snel}
summary: {en: Two short phases., nl: Twee korte fasen.}
phases:
  - id: round
    stage: analyse
    title: {en: Round, nl: Ronde}
    instruction: {en: Peers, one line each., nl: Collega's, elk een zin.}
    speakers: [peers]
    done: each-peer
    timebox: 1s
  - id: talk
    stage: discuss
    title: {en: Talk, nl: Gesprek}
    instruction: {en: Everyone, talk., nl: Iedereen, praat.}
    speakers: [peers, bringer]
    timebox: 2s
`

// countingScheduler counts how often each timer fires, across replicas.
type countingScheduler struct {
	state.Scheduler
	mu    *sync.Mutex
	fired map[string]int
}

func (c countingScheduler) Run(ctx context.Context, fire state.FireFunc) error {
	return c.Scheduler.Run(ctx, func(ctx context.Context, t state.Timer) error {
		err := fire(ctx, t)
		if err == nil {
			c.mu.Lock()
			c.fired[t.ID]++
			c.mu.Unlock()
		}
		return err
	})
}

// delivery is one timer reply a replica handed to its adapter.
type delivery struct {
	replica int
	conv    string
	text    string
}

// timerRig is three engines ("replicas") on one Redis, each running its timers.
type timerRig struct {
	t       *testing.T
	engines []*bot.Engine
	mu      sync.Mutex
	fired   map[string]int
	got     []delivery
	seq     int
}

func newTimerRig(t *testing.T, url string) *timerRig {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "quick.yaml"), []byte(quickPack), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := prompts.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	r := &timerRig{t: t, fired: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var closers []func()
	// Cleanups run last-registered first: the schedulers stop before their clients close.
	t.Cleanup(func() {
		for _, c := range closers {
			c()
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	for i := 0; i < 3; i++ {
		client, err := redisstore.NewClient(url)
		if err != nil {
			t.Fatal(err)
		}
		st := redisstore.New(client, redisstore.Options{Prefix: "rig"})
		sched := redisstore.NewScheduler(client, redisstore.SchedulerOptions{Prefix: "rig"})
		closers = append(closers, func() { sched.Close(); st.Close() })
		eng := bot.New(bot.Config{Store: st, Library: lib, Lang: "en",
			Scheduler: countingScheduler{Scheduler: sched, mu: &r.mu, fired: r.fired}})
		r.engines = append(r.engines, eng)
		replica := i
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = eng.RunTimers(ctx, func(_ context.Context, conv bot.Conversation, out bot.Outcome) error {
				r.mu.Lock()
				defer r.mu.Unlock()
				for _, rep := range out.Replies {
					r.got = append(r.got, delivery{replica: replica, conv: conv.Thread, text: rep.Text})
				}
				return nil
			})
		}()
	}
	return r
}

// say sends one event to a replica chosen round robin, as a load balancer would.
func (r *timerRig) say(thread, user, text string) bot.Outcome {
	r.t.Helper()
	r.mu.Lock()
	r.seq++
	n := r.seq
	r.mu.Unlock()
	ev := bot.Event{ID: fmt.Sprintf("ev-%d", n), Conv: bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: thread},
		User: bot.User{ID: user, Name: user}, Text: strings.TrimPrefix(text, "/"), Command: strings.HasPrefix(text, "/")}
	out, err := r.engines[n%len(r.engines)].Handle(context.Background(), ev)
	if err != nil {
		r.t.Fatal(err)
	}
	return out
}

// runTimerSessions starts 50 sessions in the quick method: in the even ones the peer
// writes and the case bringer moves on at once, so the first phase's timers must find
// nothing to do; the odd ones stay silent, so the first phase is extended once and then
// moves on by its timers. restart, when set, runs while the timers are pending.
func runTimerSessions(t *testing.T, url string, restart func()) {
	r := newTimerRig(t, url)
	const sessions = 50
	for i := 0; i < sessions; i++ {
		th := fmt.Sprintf("s%02d", i)
		r.say(th, "ann", "/start quick en")
		r.say(th, "bob", "/join")
		r.say(th, "ann", "/bring")
		r.say(th, "ann", "/next")
		if i%2 == 0 {
			r.say(th, "bob", "One line from me.")
			if out := r.say(th, "ann", "/next"); out.Phase != "talk" {
				t.Fatalf("%s: next → %q", th, out.Phase)
			}
		}
	}
	if restart != nil {
		restart()
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && r.finished() < sessions {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // any timer fired twice would show by now
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := r.finishedLocked(); n != sessions {
		t.Fatalf("%d of %d sessions reached the takeaway by their timers", n, sessions)
	}
	for id, n := range r.fired {
		if n != 1 {
			t.Errorf("timer %s fired %d times", id, n)
		}
	}
	seen := map[string]int{}
	for _, d := range r.got {
		seen[d.conv+"\x00"+d.text]++
		even := (d.conv[len(d.conv)-1]-'0')%2 == 0
		if even && strings.Contains(d.text, "(Round)") {
			t.Errorf("%s: a timer spoke for a phase that had moved on: %q", d.conv, d.text)
		}
	}
	for k, n := range seen {
		if n != 1 && !strings.Contains(k, "would like to hear") {
			t.Errorf("delivered %d times: %q", n, strings.ReplaceAll(k, "\x00", ": "))
		}
	}
	t.Logf("%d timers fired once each, %d replies delivered", len(r.fired), len(r.got))
}

// finished counts sessions whose timers moved them to the takeaway.
func (r *timerRig) finished() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finishedLocked()
}

func (r *timerRig) finishedLocked() int {
	done := map[string]bool{}
	for _, d := range r.got {
		if strings.Contains(d.text, "The time for this phase (Talk) is up") {
			done[d.conv] = true
		}
	}
	return len(done)
}

// TestTimersAcrossReplicas: three engines share one Redis and 50 sessions with time
// boxes of 1–2 s; every timer fires exactly once, and none speaks for a phase that
// has already moved on.
func TestTimersAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	runTimerSessions(t, srv.URL(), nil)
}

// TestTimersSurviveRedisRestart: Redis with AOF restarts while the timers are pending;
// they fire once after it.
func TestTimersSurviveRedisRestart(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	runTimerSessions(t, srv.URL(), func() {
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTimersInCluster: the same in a Redis Cluster of three masters, whose sessions and
// timer queues live on every master.
func TestTimersInCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	runTimerSessions(t, c.URL(), nil)
}
