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
// may still read the session's gateway URL without a lock to log its own failed write;
// when that reconnect's dial fails, Open clears the URL: a data race the race detector
// reported when the gateway closed with 4004 right after READY. The adapter reconnects
// from Run's goroutine instead, after discordgo's close has finished (its Disconnect
// event comes after it released the session's lock, which it holds for a second) and a
// backoff of at least a quarter of a second. discordgo gives no way to wait for the old
// connection's goroutines, so this head start is what makes them finish first: in
// practice, not by a guarantee. After a fatal close code the adapter does not reconnect
// at all, so there the race cannot happen.
const (
	// reconnectFirst is the wait before the first attempt after a drop.
	reconnectFirst = 500 * time.Millisecond
	// reconnectMax is the longest wait between attempts.
	reconnectMax = 2 * time.Minute
	// reconnectStable is how long a connection has to stay up for the wait to start
	// again from reconnectFirst; before that every attempt, failed or not, doubles
	// it, so a gateway that closes every new connection is not dialled (and, when it
	// refuses the RESUME, identified with) in a tight loop.
	reconnectStable = time.Minute
)

// opener is the part of a discordgo session the reconnect loop uses.
type opener interface{ Open() error }

// redialer opens the gateway again after it dropped. It keeps its backoff between
// drops; it is used from Run's goroutine only.
type redialer struct {
	gw     opener
	watch  *closeWatcher
	log    *slog.Logger
	first  time.Duration
	most   time.Duration
	stable time.Duration
	// sleep waits d or until ctx ends and reports whether d passed (tests replace it).
	sleep func(ctx context.Context, d time.Duration) bool
	now   func() time.Time

	wait   time.Duration // the backoff before the next attempt (before jitter)
	opened time.Time     // when the last attempt opened the gateway
}

func newRedialer(gw opener, watch *closeWatcher, log *slog.Logger) *redialer {
	return &redialer{gw: gw, watch: watch, log: log, first: reconnectFirst, most: reconnectMax,
		stable: reconnectStable, sleep: sleepCtx, now: time.Now}
}

// run tries to open the gateway, waiting a jittered backoff before each attempt, until
// it is open, ctx ends, or the watcher saw a fatal close code (the caller then finds it
// in watch.fatal). It returns how many attempts it made.
func (d *redialer) run(ctx context.Context) int {
	if d.wait == 0 || (!d.opened.IsZero() && d.now().Sub(d.opened) >= d.stable) {
		d.wait = d.first
	}
	for n := 1; ; n++ {
		if !d.sleep(ctx, jitter(d.wait)) || ctx.Err() != nil || d.watch.check() != nil {
			return n - 1 // shutting down, or a fatal close code stopped the watcher
		}
		d.log.Info("discord: reconnecting to the gateway", "attempt", n)
		err := d.gw.Open()
		d.wait = min(2*d.wait, d.most)
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			d.opened = d.now()
			return n
		}
		if d.watch.check() != nil {
			return n
		}
		d.log.Warn("discord: reconnecting to the gateway failed; trying again", "attempt", n, "err", err)
	}
}

// sleepCtx waits d or until ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
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
