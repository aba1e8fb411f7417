package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// replayClock is replay's time: it starts now and moves only on clock lines ("@+9m").
// It steps from one due timer to the next, so each timer fires at its own time, in
// order, and sees the clock as it was then.
type replayClock struct {
	mu    sync.Mutex
	now   time.Time
	eng   *bot.Engine
	sched *memstore.Scheduler
}

// Now is the clock's time.
func (c *replayClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d, firing each timer due on the way at its due time, and
// returns each timer's outcome.
func (c *replayClock) Advance(ctx context.Context, d time.Duration) ([]bot.Outcome, error) {
	end := c.Now().Add(d)
	var outs []bot.Outcome
	fire := func(ctx context.Context, t state.Timer) error {
		_, out, err := c.eng.Fire(ctx, t)
		if err == nil && !out.Duplicate {
			outs = append(outs, out)
		}
		return err
	}
	for {
		next, ok := c.nextDue(end)
		c.set(next)
		if _, err := c.sched.FireDue(ctx, fire); err != nil {
			return outs, err
		}
		if !ok {
			return outs, nil
		}
	}
}

// nextDue is the due time of the soonest pending timer by end (ok), else end.
func (c *replayClock) nextDue(end time.Time) (time.Time, bool) {
	if ts := c.sched.Pending(); len(ts) > 0 && !ts[0].Due.After(end) {
		return maxTime(ts[0].Due, c.Now()), true
	}
	return end, false
}

func (c *replayClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// deliverByPlatform returns the delivery of timer replies: each conversation's
// replies go to the adapter of its platform (bot.Adapter's Name).
func deliverByPlatform(adapters []bot.Adapter, h bot.Handler) func(context.Context, bot.Conversation, bot.Outcome) error {
	byName := map[string]bot.Deliverer{}
	for _, a := range adapters {
		if d, ok := a.(bot.Deliverer); ok {
			byName[a.Name()] = d
		}
	}
	return func(ctx context.Context, conv bot.Conversation, out bot.Outcome) error {
		d, ok := byName[conv.Platform]
		if !ok {
			return fmt.Errorf("no adapter delivers to %s", conv.Platform)
		}
		return d.Deliver(ctx, h, conv, out)
	}
}
