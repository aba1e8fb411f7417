package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
)

// shutdownTimeoutEnv bounds how long a stopping bot waits for the events it accepted.
const shutdownTimeoutEnv = "INTERVISION_SHUTDOWN_TIMEOUT"

// shutdownTimeout reads INTERVISION_SHUTDOWN_TIMEOUT (default 20 s). The adapters get
// it as their drain timeout.
func shutdownTimeout(getenv func(string) string) (time.Duration, error) {
	return durationEnv(getenv, shutdownTimeoutEnv, queue.DrainTimeout)
}

// shutdownGrace is what the whole shutdown may take beyond the drain: closing the
// connections (discordgo waits a second after its close frame; Slack's HTTP server
// finishes the requests being read) and the last timers.
const shutdownGrace = 8 * time.Second

// serve runs the adapters and the timers until ctx ends (SIGTERM, Ctrl-C) or the
// first adapter stops, then shuts down in order:
//
//  1. every adapter stops its intake (Socket Mode reads and acknowledges no envelope
//     more, the HTTP listener closes, Discord's handlers drop new gateway events) and
//     closes its connection; at the same moment the timers stop taking due timers,
//     while the ones already firing finish (their replies still go out: the adapters'
//     Deliver works during and after the drain);
//  2. each adapter finishes the events it accepted, in its per-conversation queues,
//     within the shutdown timeout;
//  3. serve returns, and runBot closes the store.
//
// It returns the exit code: 0 after a clean stop, 1 when an adapter failed or the
// shutdown did not finish in time.
func serve(ctx context.Context, log *slog.Logger, adapters []bot.Adapter, eng *bot.Engine, timeout time.Duration) int {
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, len(adapters))
	for _, a := range adapters {
		log.Info("adapter starting", "adapter", a.Name())
		go func(a bot.Adapter) { errc <- runAdapter(runCtx, a, eng) }(a)
	}
	timersDone := make(chan struct{})
	go func() {
		defer close(timersDone)
		if err := eng.RunTimers(runCtx, deliverByPlatform(adapters, eng)); err != nil && runCtx.Err() == nil {
			log.Error("timers stopped", "err", err)
		}
	}()
	code := 0
	running := len(adapters)
	select {
	case <-ctx.Done():
		log.Info("shutting down: intake stops, accepted events drain", "timeout", timeout)
	case err := <-errc:
		// The first adapter to stop ends the process: the terminal at end of input, a
		// platform adapter when its connection fails for good.
		running--
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Error("adapter stopped", "err", err)
			code = 1
		}
	}
	stop()
	if !waitStopped(log, errc, running, timersDone, timeout+shutdownGrace) {
		return 1
	}
	if ctx.Err() != nil {
		log.Info("shutdown complete")
	}
	return code
}

// waitStopped waits for the running adapters' Run and the timers to return, at most
// limit; it reports whether they all did.
func waitStopped(log *slog.Logger, errc <-chan error, running int, timersDone <-chan struct{}, limit time.Duration) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	ok := true
	for running > 0 || timersDone != nil {
		select {
		case err := <-errc:
			running--
			if err != nil && !errors.Is(err, context.Canceled) {
				log.Error("adapter stopped", "err", err)
				ok = false
			}
		case <-timersDone:
			timersDone = nil
		case <-deadline.C:
			log.Error("shutdown timed out: events accepted may not have been answered", "adapters_running", running, "timers_running", timersDone != nil)
			return false
		}
	}
	return ok
}
