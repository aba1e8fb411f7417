// Package connstate is what a platform adapter tells the operations endpoints about
// its connection: whether it is up, how often it reconnected, and how often a call
// waited after HTTP 429. Slack and Discord share it.
package connstate

import "sync/atomic"

// State is safe for concurrent use; the zero value is down, never connected.
type State struct {
	connected, ever atomic.Bool
	reconnects      atomic.Int64
	// RateWaits counts waits after HTTP 429.
	RateWaits atomic.Int64
}

// Up marks the connection up; every time after the first that follows a Down is a
// reconnect.
func (s *State) Up() {
	if s.ever.Swap(true) && !s.connected.Load() {
		s.reconnects.Add(1)
	}
	s.connected.Store(true)
}

// Down marks the connection down.
func (s *State) Down() { s.connected.Store(false) }

// Connected reports whether the connection is up.
func (s *State) Connected() bool { return s.connected.Load() }

// Reconnects is how often the connection came up again after its first time.
func (s *State) Reconnects() int64 { return s.reconnects.Load() }
