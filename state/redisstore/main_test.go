package redisstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestMain silences go-redis's own log lines (the tests stop servers on purpose), and
// runs as the timer child process instead of the tests when TestSchedulerKilled starts
// the test binary with childEnv set.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	if mode := os.Getenv(childEnv); mode != "" {
		runTimerChild(mode)
	}
	os.Exit(m.Run())
}
