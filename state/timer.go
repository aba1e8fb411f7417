package state

import (
	"context"
	"time"
)

// Timer is a durable wake-up call: at Due, a Scheduler hands it back to be fired,
// once, on any replica, also after a restart of the bot or of the store.
type Timer struct {
	// ID names the timer: scheduling an ID that is still pending (or fired within the
	// scheduler's memory of fired timers) does nothing, so a retried update that
	// schedules the same timer twice leaves one.
	ID  string
	Due time.Time
	// Payload is the engine's description of what to do; opaque to the scheduler. It
	// holds ids only, never message text.
	Payload []byte
}

// FireFunc handles a due timer. An error means "not done": the scheduler fires the
// timer again later.
type FireFunc func(ctx context.Context, t Timer) error

// Scheduler keeps timers and fires each once when due.
type Scheduler interface {
	// Schedule adds t. It returns once t is durable.
	Schedule(ctx context.Context, t Timer) error
	// Run fires due timers with fire until ctx ends.
	Run(ctx context.Context, fire FireFunc) error
}

// FiredMemory is how long a scheduler remembers the id of a fired timer, so that
// scheduling it again is a no-op.
const FiredMemory = 24 * time.Hour
