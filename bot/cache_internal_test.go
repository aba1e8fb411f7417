package bot

import (
	"testing"

	"github.com/intervision-bot/intervision/state"
)

// TestSessionCacheTake checks that a session is taken once and only for its version,
// and that a turn's take and put of a cached key allocate nothing.
func TestSessionCacheTake(t *testing.T) {
	key := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.2"}
	c := newSessionCache(4)
	s := &session{Method: "incident"}
	c.put(key, "v1", s)
	if got := c.take(key, "v2"); got != nil {
		t.Fatalf("take of another version = %p; want nil", got)
	}
	c.put(key, "v1", s)
	if got := c.take(key, "v1"); got != s {
		t.Fatalf("take = %p; want the session put (%p)", got, s)
	}
	if got := c.take(key, "v1"); got != nil {
		t.Fatalf("second take = %p; want nil: the first took it", got)
	}
	if n := testing.AllocsPerRun(100, func() {
		c.put(key, "v1", s)
		c.take(key, "v1")
	}); n != 0 {
		t.Fatalf("put and take of a cached key: %v allocations; want 0", n)
	}
}
