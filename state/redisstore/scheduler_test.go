package redisstore_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
	"github.com/intervision-bot/intervision/state/statetest"
)

var quietSlog = slog.New(slog.NewTextHandler(io.Discard, nil))

// newScheduler returns a scheduler with its own client on url; both are closed when
// t ends.
func newScheduler(t testing.TB, url string, opts redisstore.SchedulerOptions) (*redisstore.Scheduler, redis.UniversalClient) {
	t.Helper()
	c := newClient(t, url)
	t.Cleanup(func() { _ = c.Close() })
	if opts.Logger == nil {
		opts.Logger = quietSlog
	}
	s := redisstore.NewScheduler(c, opts)
	t.Cleanup(func() { _ = s.Close() })
	return s, c
}

func TestSchedulerConformance(t *testing.T) {
	srv := redistest.Start(t)
	statetest.RunScheduler(t, func(t *testing.T) state.Scheduler {
		s, _ := newScheduler(t, srv.URL(), redisstore.SchedulerOptions{Prefix: uniquePrefix()})
		return s
	})
}
