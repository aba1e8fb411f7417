package slack

import "errors"

// Ready is nil while Socket Mode is connected (or the Events API listens), for
// /readyz.
func (a *Adapter) Ready() error {
	if a.ops.Connected() {
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
func (a *Adapter) Reconnects() int64 { return a.ops.Reconnects() }

// RateLimitWaits is how often a Web API call waited for Retry-After after HTTP 429.
func (a *Adapter) RateLimitWaits() int64 { return a.ops.RateWaits.Load() }
