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

// storeFromEnv opens Redis when REDIS_URL is set, else the embedded store. A Redis
// that does not answer yet is not fatal: users are told their message could not be
// saved, and the bot carries on once Redis is back.
func storeFromEnv(ctx context.Context, getenv func(string) string, log *slog.Logger) (state.Store, error) {
	retention, err := durationEnv(getenv, "INTERVISION_RETENTION", state.DefaultRetention)
	if err != nil {
		return nil, err
	}
	url, err := readSecret(getenv, "REDIS_URL")
	if err != nil {
		return nil, err
	}
	if url == "" {
		return memstore.New(memstore.WithRetention(retention)), nil
	}
	client, err := redisstore.NewClient(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		log.Warn("redis does not answer yet; messages will be refused until it does", "err", err)
	}
	return redisstore.New(client, redisstore.Options{Prefix: getenv("REDIS_PREFIX"), Retention: retention}), nil
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
