package redisstore_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// serverPid reads the redis-server's process id from INFO server.
func serverPid(t *testing.T, srv *redistest.Server) int {
	t.Helper()
	c := newClient(t, srv.URL())
	defer c.Close()
	info, err := c.Info(ctx, "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			pid, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatal("no process_id in INFO server")
	return 0
}

func write(data string) state.UpdateFunc {
	return func([]byte) (state.Change, error) { return state.Change{Data: []byte(data)}, nil }
}

// TestUpdatePastDeadlineNeverCommits stalls Redis (SIGSTOP) while an Update with a 1 s
// deadline is in flight: the Update reports ErrUnavailable, and when Redis resumes the
// command it had received must not commit (the user was told it was not saved). The
// same change sent again then commits exactly once.
func TestUpdatePastDeadlineNeverCommits(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts redisstore.Options
	}{
		{"batch", redisstore.Options{}},
		{"nobatch", redisstore.Options{NoBatch: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, key, stall := stalledStore(t, "", tc.opts)
			resume := stall.resume
			tctx, cancel := context.WithTimeout(ctx, time.Second)
			start := time.Now()
			err := s.Update(tctx, key, "e2", write("second"))
			cancel()
			took := time.Since(start)
			if !errors.Is(err, state.ErrUnavailable) {
				t.Fatalf("Update on a stalled Redis: %v, want ErrUnavailable", err)
			}
			if took > 2500*time.Millisecond {
				t.Errorf("Update on a stalled Redis took %v with a 1 s deadline", took)
			}
			// Let the stalled command (and any resend by the client) reach Redis.
			time.Sleep(200 * time.Millisecond)
			resume()
			time.Sleep(500 * time.Millisecond)

			got, err := s.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "first" {
				t.Fatalf("after a reported failure the record is %q, want %q", got, "first")
			}
			// The user sends the message again: it commits once.
			if err := s.Update(ctx, key, "e2", write("second")); err != nil {
				t.Fatalf("resend: %v", err)
			}
			if err := s.Update(ctx, key, "e2", write("second")); !errors.Is(err, state.ErrDuplicate) {
				t.Fatalf("second resend: %v, want ErrDuplicate", err)
			}
			if got, _ := s.Get(ctx, key); string(got) != "second" {
				t.Fatalf("record %q, want %q", got, "second")
			}
		})
	}
}

// TestUpdatePastReadTimeoutNeverCommits: with a long caller deadline (30 s) the client
// still stops waiting at its read timeout (go-redis's default is 3 s; 1 s here, and
// go-redis sends the command again up to 3 times) and the Update reports
// ErrUnavailable; when the stalled Redis resumes, the command it had received must not
// commit then either (its sender was told it was not saved).
func TestUpdatePastReadTimeoutNeverCommits(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts redisstore.Options
	}{
		{"batch", redisstore.Options{}},
		{"nobatch", redisstore.Options{NoBatch: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, key, stall := stalledStore(t, "?read_timeout=1s", tc.opts)
			tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := s.Update(tctx, key, "e2", write("second"))
			cancel()
			if !errors.Is(err, state.ErrUnavailable) {
				t.Fatalf("Update on a stalled Redis: %v, want ErrUnavailable", err)
			}
			stall.resume()
			time.Sleep(500 * time.Millisecond)
			if got, err := s.Get(ctx, key); err != nil || string(got) != "first" {
				t.Fatalf("after a reported failure the record is %q (%v), want %q", got, err, "first")
			}
		})
	}
}

// stall is a redis-server stopped with SIGSTOP until resume (or the test's end).
type stall struct {
	pid     int
	resumed bool
}

func (s *stall) resume() {
	if !s.resumed {
		s.resumed = true
		_ = syscall.Kill(s.pid, syscall.SIGCONT)
	}
}

// stalledStore starts a redis-server, opens a Store on it (URL + query), writes "first"
// as event e1 and then stops the server.
func stalledStore(t *testing.T, query string, o redisstore.Options) (*redisstore.Store, state.Key, *stall) {
	t.Helper()
	srv := redistest.Start(t)
	pid := serverPid(t, srv)
	o.Prefix = uniquePrefix()
	s := redisstore.New(newClient(t, srv.URL()+query), o)
	t.Cleanup(func() { _ = s.Close() })
	key := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}
	if err := s.Update(ctx, key, "e1", write("first")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	st := &stall{pid: pid}
	t.Cleanup(st.resume)
	return s, key, st
}
