package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/redisstore"
)

// backend is where state and timers live.
type backend struct {
	store state.Store
	sched state.Scheduler
	close func()
}

// backendFromEnv opens Redis when REDIS_URL is set, else the embedded store and its
// in-process scheduler. now, when set (replay), is the clock of the embedded store and
// of an in-process scheduler, which replay uses even with Redis. A Redis that does not
// answer yet is not fatal: users are told their message could not be saved, and the
// bot carries on once Redis is back.
func backendFromEnv(ctx context.Context, getenv func(string) string, log *slog.Logger, now func() time.Time) (backend, error) {
	retention, err := durationEnv(getenv, "INTERVISION_RETENTION", state.DefaultRetention)
	if err != nil {
		return backend{}, err
	}
	url, err := readSecret(getenv, "REDIS_URL")
	if err != nil {
		return backend{}, err
	}
	var sched *memstore.Scheduler
	if now != nil {
		sched = memstore.NewScheduler(memstore.WithSchedulerClock(now))
	}
	if url == "" {
		if sched == nil {
			sched = memstore.NewScheduler()
		}
		opts := []memstore.Option{memstore.WithRetention(retention)}
		if now != nil {
			opts = append(opts, memstore.WithClock(now))
		}
		st := memstore.New(opts...)
		return backend{store: st, sched: sched, close: func() { st.Close() }}, nil
	}
	client, err := redisstore.NewClient(url)
	if err != nil {
		return backend{}, fmt.Errorf("REDIS_URL: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		log.Warn("redis does not answer yet; messages will be refused until it does", "err", err)
	}
	st := redisstore.New(client, redisstore.Options{Prefix: getenv("REDIS_PREFIX"), Retention: retention})
	if sched != nil { // replay: its own clock, in process
		return backend{store: st, sched: sched, close: func() { st.Close() }}, nil
	}
	rs := redisstore.NewScheduler(client, redisstore.SchedulerOptions{Prefix: getenv("REDIS_PREFIX"), Logger: log})
	return backend{store: st, sched: rs, close: func() { rs.Close(); st.Close() }}, nil
}

// durationEnv reads a Go duration ("720h") from the environment.
func durationEnv(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 720h", key, v)
	}
	return d, nil
}
