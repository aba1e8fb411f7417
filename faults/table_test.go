package faults_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/internal/proctest"
	"github.com/redis/go-redis/v9"
)

// row is one line of the fault table.
type row struct {
	name     string
	sessions int
	acked    int // acknowledged turns
	told     int // answers "not saved" (or none in time) that the sender typed again after
	lost     int // acknowledged turns missing afterwards
	doubled  int // turns saved more than once
	note     string
}

var (
	tableMu sync.Mutex
	table   []row
)

// report adds r to the table and fails t when it lost or doubled a turn.
func report(t *testing.T, r row) {
	t.Helper()
	tableMu.Lock()
	table = append(table, r)
	tableMu.Unlock()
	t.Logf("%s: sessions=%d acked=%d resent=%d lost=%d doubled=%d %s", r.name, r.sessions, r.acked, r.told, r.lost, r.doubled, r.note)
	if r.lost != 0 || r.doubled != 0 {
		t.Errorf("%s: %d acknowledged turns lost, %d doubled; want 0 and 0", r.name, r.lost, r.doubled)
	}
	if r.acked == 0 {
		t.Errorf("%s: no turn was acknowledged: the case measured nothing", r.name)
	}
}

// long is true for the heavier run of scripts/faults.
var long = os.Getenv("FAULTS_LONG") == "1"

// scale picks the bounded or the long value.
func scale[T any](short, heavy T) T {
	if long {
		return heavy
	}
	return short
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// TestMain silences go-redis's own log lines (the cases stop servers on purpose) and
// writes the table.
func TestMain(m *testing.M) {
	redis.SetLogger(quietLogger{})
	code := proctest.RunInTempDir(m) // the bot binary's summary files stay out of /tmp
	if path := os.Getenv("FAULTS_TABLE"); path != "" && len(table) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "fault suite, %s, long=%v\n\n", time.Now().UTC().Format(time.RFC3339), long)
		b.WriteString("| case | sessions | acknowledged turns | typed again (told \"not saved\", or no answer) | acknowledged lost | doubled | notes |\n|---|---|---|---|---|---|---|\n")
		for _, r := range table {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s |\n", r.name, r.sessions, r.acked, r.told, r.lost, r.doubled, r.note)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "faults: write table:", err)
		}
	}
	os.Exit(code)
}
