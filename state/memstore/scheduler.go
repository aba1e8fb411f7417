package memstore

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// Scheduler is the embedded state.Scheduler: timers live in the process's memory, so
// they hold as long as the process does (the terminal, tests, replay). FireDue fires
// what is due at once, for replay's clock.
type Scheduler struct {
	mu      sync.Mutex
	now     func() time.Time
	pending map[string]state.Timer
	fired   map[string]time.Time // id → when it fired
	wake    chan struct{}
	tick    time.Duration
}

// SchedulerOption configures a Scheduler.
type SchedulerOption func(*Scheduler)

// WithSchedulerClock sets the clock that decides what is due (replay moves it).
func WithSchedulerClock(now func() time.Time) SchedulerOption {
	return func(s *Scheduler) { s.now = now }
}

// WithTick sets how often Run looks for due timers (default 200 ms).
func WithTick(d time.Duration) SchedulerOption { return func(s *Scheduler) { s.tick = d } }

// NewScheduler returns a Scheduler without timers.
func NewScheduler(opts ...SchedulerOption) *Scheduler {
	s := &Scheduler{now: time.Now, pending: map[string]state.Timer{}, fired: map[string]time.Time{},
		wake: make(chan struct{}, 1), tick: 200 * time.Millisecond}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Schedule adds t unless a timer with its id is pending or fired recently.
func (s *Scheduler) Schedule(_ context.Context, t state.Timer) error {
	s.mu.Lock()
	_, pending := s.pending[t.ID]
	_, fired := s.fired[t.ID]
	if !pending && !fired {
		s.pending[t.ID] = t
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// Pending returns the timers not fired yet, soonest first.
func (s *Scheduler) Pending() []state.Timer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]state.Timer, 0, len(s.pending))
	for _, t := range s.pending {
		out = append(out, t)
	}
	sortTimers(out)
	return out
}

// Run fires due timers until ctx ends.
func (s *Scheduler) Run(ctx context.Context, fire state.FireFunc) error {
	ticker := time.NewTicker(s.tick)
	defer ticker.Stop()
	for {
		s.FireDue(ctx, fire)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		case <-s.wake:
		}
	}
}

// FireDue fires every timer due by the scheduler's clock, soonest first, including
// timers that firing schedules and that are due already. A timer whose fire fails
// stays pending and is tried again on the next call; FireDue returns how many fired
// and the first error.
func (s *Scheduler) FireDue(ctx context.Context, fire state.FireFunc) (int, error) {
	n := 0
	var first error
	failed := map[string]bool{}
	for ctx.Err() == nil {
		t, ok := s.nextDue(failed)
		if !ok {
			break
		}
		if err := fire(ctx, t); err != nil {
			failed[t.ID] = true
			if first == nil {
				first = err
			}
			continue
		}
		s.done(t.ID)
		n++
	}
	return n, first
}

// nextDue returns the soonest due timer not in skip.
func (s *Scheduler) nextDue(skip map[string]bool) (state.Timer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var due []state.Timer
	for _, t := range s.pending {
		if !t.Due.After(now) && !skip[t.ID] {
			due = append(due, t)
		}
	}
	if len(due) == 0 {
		return state.Timer{}, false
	}
	sortTimers(due)
	return due[0], true
}

// done moves a fired timer from pending to fired, and forgets old fired ids.
func (s *Scheduler) done(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	delete(s.pending, id)
	s.fired[id] = now
	if len(s.fired)%1024 == 0 {
		for k, at := range s.fired {
			if now.Sub(at) > state.FiredMemory {
				delete(s.fired, k)
			}
		}
	}
}

// sortTimers orders timers by due time, then id.
func sortTimers(ts []state.Timer) {
	slices.SortFunc(ts, func(a, b state.Timer) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

var _ state.Scheduler = (*Scheduler)(nil)
