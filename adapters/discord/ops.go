package discord

import "errors"

// Ready is nil while the gateway session is ready, for /readyz.
func (a *Adapter) Ready() error {
	if a.ops.Connected() {
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
func (a *Adapter) Reconnects() int64 { return a.ops.Reconnects() }

// RateLimitWaits is how often a REST call waited after HTTP 429 (discordgo's
// RateLimit event).
func (a *Adapter) RateLimitWaits() int64 { return a.ops.RateWaits.Load() }
