package discord

import (
	"errors"
	"sync/atomic"
)

// opsState is what the adapter tells the ops endpoints: whether the gateway session
// is ready, how often it reconnected and how often a REST call waited after HTTP 429.
type opsState struct {
	connected, ever atomic.Bool
	reconnects      atomic.Int64
	rateWaits       atomic.Int64
}

// up marks the gateway ready (READY or RESUMED); every time after the first is a
// reconnect.
func (o *opsState) up() {
	if o.ever.Swap(true) && !o.connected.Load() {
		o.reconnects.Add(1)
	}
	o.connected.Store(true)
}

func (o *opsState) down() { o.connected.Store(false) }

// Ready is nil while the gateway session is ready, for /readyz.
func (a *Adapter) Ready() error {
	if a.ops.connected.Load() {
		return nil
	}
	return errors.New("discord: gateway not ready")
}

// QueueStats is how many events wait in the conversation queue, and how many it
// dropped because too many waited, for metrics (0, 0 while not running).
func (a *Adapter) QueueStats() (depth, dropped int) {
	a.mu.Lock()
	r := a.router
	a.mu.Unlock()
	if r == nil || r.q == nil {
		return 0, 0
	}
	return r.q.Len(), r.q.Drops()
}

// Reconnects is how often the gateway session was ready again after a disconnect.
func (a *Adapter) Reconnects() int64 { return a.ops.reconnects.Load() }

// RateLimitWaits is how often a REST call waited after HTTP 429 (discordgo's
// RateLimit event).
func (a *Adapter) RateLimitWaits() int64 { return a.ops.rateWaits.Load() }
