package slack

import (
	"errors"
	"sync/atomic"
)

// opsState is what the adapter tells the ops endpoints: whether it is connected, how
// often it reconnected and how often a call waited after HTTP 429.
type opsState struct {
	connected, ever atomic.Bool
	reconnects      atomic.Int64
	rateWaits       atomic.Int64
}

// up marks a connection (Socket Mode connected, or the Events API listening); every
// one after the first is a reconnect.
func (o *opsState) up() {
	if o.ever.Swap(true) && !o.connected.Load() {
		o.reconnects.Add(1)
	}
	o.connected.Store(true)
}

func (o *opsState) down() { o.connected.Store(false) }

// Ready is nil while Socket Mode is connected (or the Events API listens), for
// /readyz.
func (a *Adapter) Ready() error {
	if a.ops.connected.Load() {
		return nil
	}
	if a.Mode() == "http" {
		return errors.New("slack: events API not listening")
	}
	return errors.New("slack: socket mode not connected")
}

// QueueStats is how many events wait in the conversation queue, and how many it
// dropped because too many waited, for metrics (0, 0 while not running).
func (a *Adapter) QueueStats() (depth, dropped int) {
	a.runMu.Lock()
	q := a.queue
	a.runMu.Unlock()
	if q == nil {
		return 0, 0
	}
	return q.Len(), q.Drops()
}

// Reconnects is how often the adapter connected again after its first connection.
func (a *Adapter) Reconnects() int64 { return a.ops.reconnects.Load() }

// RateLimitWaits is how often a Web API call waited for Retry-After after HTTP 429.
func (a *Adapter) RateLimitWaits() int64 { return a.ops.rateWaits.Load() }
