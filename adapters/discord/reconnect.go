package discord

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/bwmarrin/discordgo"
)

// The adapter reconnects to the gateway itself; discordgo's own reconnect
// (ShouldReconnectOnError) is off. discordgo v0.29.0 reconnects inside the goroutine
// that saw the connection fail, at once, while the old connection's heartbeat goroutine
// may still be reading the session's gateway URL without a lock to log its own failed
// write: a data race the race detector reports when a close and a heartbeat meet (the
// gateway closing with 4004 right after READY showed it). The adapter waits for
// discordgo's close to finish (its Disconnect event comes after the session's lock is
// released, and that close holds the lock for a second) and then a backoff, so the old
// connection's goroutines are done with the session before Open writes to it again.
// After a fatal close code it does not reconnect at all.
const (
	// reconnectFirst is the wait before the first attempt after a drop.
	reconnectFirst = 500 * time.Millisecond
	// reconnectMax is the longest wait between attempts; the wait doubles after each
	// failed attempt up to it.
	reconnectMax = 2 * time.Minute
)

// opener is the part of a discordgo session the reconnect loop uses.
type opener interface{ Open() error }

// redialer opens the gateway again after it dropped.
type redialer struct {
	gw          opener
	watch       *closeWatcher
	log         *slog.Logger
	first, most time.Duration
}

// run tries to open the gateway, waiting a jittered backoff before each attempt, until
// it is open, ctx ends, or the watcher saw a fatal close code (the caller then finds it
// in watch.fatal). It returns how many attempts it made.
func (d redialer) run(ctx context.Context) int {
	wait := d.first
	for n := 1; ; n++ {
		t := time.NewTimer(jitter(wait))
		select {
		case <-ctx.Done():
			t.Stop()
			return n - 1
		case <-t.C:
		}
		if d.watch.check() != nil {
			return n - 1 // a fatal close code stopped the watcher
		}
		err := d.gw.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return n
		}
		if d.watch.check() != nil {
			return n
		}
		d.log.Warn("discord: reconnecting to the gateway failed; trying again", "attempt", n, "err", err)
		wait = min(2*wait, d.most)
	}
}

// jitter returns a duration between d/2 and d, so replicas that lost the gateway
// together do not all come back at the same moment.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2)
}
