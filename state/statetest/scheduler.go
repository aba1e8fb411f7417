package statetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// MaxFireLag is how late the scheduler suite lets a timer fire.
const MaxFireLag = 2 * time.Second

// RunScheduler runs the scheduler suite. newScheduler returns a new scheduler without
// timers for each subtest; schedulers sharing one backend must not see each other's
// timers (use a fresh prefix or server). The suite runs Run itself, the subtests in
// parallel, on the real clock: it takes a few seconds.
func RunScheduler(t *testing.T, newScheduler func(t *testing.T) state.Scheduler) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s state.Scheduler, r *firings)
	}{
		{"FiresOnceAtDue", testFiresOnceAtDue},
		{"SameIDTwice", testSameIDTwice},
		{"RescheduleAfterFired", testRescheduleAfterFired},
		{"PastDue", testPastDue},
		{"RetryAfterError", testRetryAfterError},
		{"Many", testManyTimers},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newScheduler(t)
			r := &firings{byID: map[string][]firing{}, fail: map[string]int{}}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx, r.fire) }()
			t.Cleanup(func() {
				cancel()
				select {
				case err := <-done:
					if err != nil && !errors.Is(err, context.Canceled) {
						t.Errorf("Run: %v", err)
					}
				case <-time.After(15 * time.Second):
					t.Errorf("Run did not return within 15s of its context's end")
				}
			})
			tc.fn(t, s, r)
		})
	}
}

type firing struct {
	at    time.Time
	timer state.Timer
	err   error
}

// firings records every call of the fire function.
type firings struct {
	mu   sync.Mutex
	byID map[string][]firing
	fail map[string]int // id → calls still to fail
	ok   int
}

func (r *firings) fire(_ context.Context, t state.Timer) error {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	var err error
	if r.fail[t.ID] > 0 {
		r.fail[t.ID]--
		err = fmt.Errorf("fire %s: injected failure", t.ID)
	} else {
		r.ok++
	}
	r.byID[t.ID] = append(r.byID[t.ID], firing{at: now, timer: t, err: err})
	return err
}

func (r *firings) failNext(id string, n int) {
	r.mu.Lock()
	r.fail[id] = n
	r.mu.Unlock()
}

// successes returns the successful firings of id.
func (r *firings) successes(id string) []firing {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []firing
	for _, f := range r.byID[id] {
		if f.err == nil {
			out = append(out, f)
		}
	}
	return out
}

func (r *firings) calls(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID[id])
}

func (r *firings) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ok
}

// waitFor polls cond until it holds or d has passed.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// clockSlack is how far wall and monotonic clocks may drift apart during a test.
const clockSlack = 20 * time.Millisecond

// checkOnce checks that t fired successfully exactly once, not before its due time
// and at most MaxFireLag after, with its payload.
func checkOnce(tb testing.TB, r *firings, t state.Timer) {
	tb.Helper()
	got := r.successes(t.ID)
	if len(got) != 1 {
		tb.Errorf("timer %s fired %d times, want once", t.ID, len(got))
		return
	}
	f := got[0]
	// The due time travels through Redis as wall-clock time, while the test's clock
	// is monotonic: a wall clock slewed by NTP in between may differ by a few ms.
	if f.at.Before(t.Due.Add(-clockSlack)) {
		tb.Errorf("timer %s fired %v before its due time", t.ID, t.Due.Sub(f.at))
	}
	if lag := f.at.Sub(t.Due); lag > MaxFireLag {
		tb.Errorf("timer %s fired %v after its due time, want at most %v", t.ID, lag, MaxFireLag)
	}
	if f.timer.ID != t.ID || !f.timer.Due.Equal(t.Due) || !bytes.Equal(f.timer.Payload, t.Payload) {
		tb.Errorf("timer fired as %+v, scheduled as %+v", f.timer, t)
	}
}

func schedule(tb testing.TB, s state.Scheduler, t state.Timer) {
	tb.Helper()
	if err := s.Schedule(context.Background(), t); err != nil {
		tb.Fatalf("Schedule(%s): %v", t.ID, err)
	}
}

func testFiresOnceAtDue(t *testing.T, s state.Scheduler, r *firings) {
	tm := state.Timer{ID: "due", Due: time.Now().Add(1500 * time.Millisecond), Payload: []byte("phase:1")}
	schedule(t, s, tm)
	time.Sleep(time.Until(tm.Due) - 100*time.Millisecond)
	if n := r.calls(tm.ID); n != 0 {
		t.Fatalf("timer fired %d times before its due time", n)
	}
	if !waitFor(time.Until(tm.Due)+MaxFireLag+time.Second, func() bool { return r.calls(tm.ID) > 0 }) {
		t.Fatalf("timer did not fire within %v of its due time", MaxFireLag+time.Second)
	}
	time.Sleep(1500 * time.Millisecond) // a second firing would show by now
	checkOnce(t, r, tm)
}

func testSameIDTwice(t *testing.T, s state.Scheduler, r *firings) {
	first := state.Timer{ID: "twice", Due: time.Now().Add(time.Second), Payload: []byte("first")}
	schedule(t, s, first)
	schedule(t, s, state.Timer{ID: "twice", Due: time.Now().Add(1200 * time.Millisecond), Payload: []byte("second")})
	schedule(t, s, first)
	if !waitFor(time.Until(first.Due)+MaxFireLag+time.Second, func() bool { return r.calls(first.ID) > 0 }) {
		t.Fatal("timer did not fire")
	}
	time.Sleep(1500 * time.Millisecond)
	checkOnce(t, r, first)
}

func testRescheduleAfterFired(t *testing.T, s state.Scheduler, r *firings) {
	tm := state.Timer{ID: "again", Due: time.Now().Add(200 * time.Millisecond), Payload: []byte("x")}
	schedule(t, s, tm)
	if !waitFor(time.Until(tm.Due)+MaxFireLag+time.Second, func() bool { return r.calls(tm.ID) > 0 }) {
		t.Fatal("timer did not fire")
	}
	// Let the scheduler finish its bookkeeping for the firing, then schedule the id
	// again, due at once and later: both are no-ops within state.FiredMemory.
	time.Sleep(300 * time.Millisecond)
	schedule(t, s, state.Timer{ID: tm.ID, Due: time.Now(), Payload: []byte("y")})
	schedule(t, s, state.Timer{ID: tm.ID, Due: time.Now().Add(500 * time.Millisecond), Payload: []byte("z")})
	time.Sleep(2500 * time.Millisecond)
	checkOnce(t, r, tm)
}

func testPastDue(t *testing.T, s state.Scheduler, r *firings) {
	now := time.Now()
	old := state.Timer{ID: "past-hour", Due: now.Add(-time.Hour), Payload: []byte("late")}
	just := state.Timer{ID: "past-now", Due: now}
	schedule(t, s, old)
	schedule(t, s, just)
	if !waitFor(MaxFireLag+time.Second, func() bool { return r.calls(old.ID) > 0 && r.calls(just.ID) > 0 }) {
		t.Fatal("past-due timers did not fire")
	}
	time.Sleep(time.Second)
	for _, tm := range []state.Timer{old, just} {
		got := r.successes(tm.ID)
		if len(got) != 1 {
			t.Errorf("timer %s fired %d times, want once", tm.ID, len(got))
			continue
		}
		if lag := got[0].at.Sub(now); lag > MaxFireLag {
			t.Errorf("past-due timer %s fired %v after scheduling, want at once", tm.ID, lag)
		}
	}
}

func testRetryAfterError(t *testing.T, s state.Scheduler, r *firings) {
	tm := state.Timer{ID: "flaky", Due: time.Now().Add(300 * time.Millisecond), Payload: []byte("retry me")}
	r.failNext(tm.ID, 2)
	schedule(t, s, tm)
	if !waitFor(time.Until(tm.Due)+3*MaxFireLag+2*time.Second, func() bool { return len(r.successes(tm.ID)) > 0 }) {
		t.Fatalf("failing timer was not retried to success: %d calls", r.calls(tm.ID))
	}
	time.Sleep(1500 * time.Millisecond)
	if n := r.calls(tm.ID); n != 3 {
		t.Errorf("fire called %d times, want 3 (two failures, one success)", n)
	}
	if got := r.successes(tm.ID); len(got) != 1 {
		t.Errorf("timer succeeded %d times, want once", len(got))
	} else if got[0].at.Before(tm.Due) || !bytes.Equal(got[0].timer.Payload, tm.Payload) {
		t.Errorf("retried timer fired as %+v at %v, scheduled as %+v", got[0].timer, got[0].at, tm)
	}
}

func testManyTimers(t *testing.T, s state.Scheduler, r *firings) {
	const n = 500
	start := time.Now().Add(500 * time.Millisecond)
	timers := make([]state.Timer, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range timers {
		timers[i] = state.Timer{ID: fmt.Sprintf("many-%03d", i),
			Due:     start.Add(time.Duration(i) * 2 * time.Second / n),
			Payload: fmt.Appendf(nil, "p%d", i)}
	}
	for w := range 10 {
		wg.Go(func() {
			for i := w; i < n; i += 10 {
				if err := s.Schedule(context.Background(), timers[i]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	last := timers[n-1].Due
	if !waitFor(time.Until(last)+MaxFireLag+time.Second, func() bool { return r.total() >= n }) {
		t.Errorf("%d of %d timers fired", r.total(), n)
	}
	time.Sleep(time.Second)
	var maxLag time.Duration
	for _, tm := range timers {
		checkOnce(t, r, tm)
		if got := r.successes(tm.ID); len(got) > 0 {
			maxLag = max(maxLag, got[0].at.Sub(tm.Due))
		}
	}
	if total := r.total(); total != n {
		t.Errorf("%d firings for %d timers", total, n)
	}
	t.Logf("%d timers, max fire lag %v", n, maxLag)
}
