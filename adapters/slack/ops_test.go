package slack

import (
	"testing"
	"time"
)

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestOpsReadyAndReconnects(t *testing.T) {
	a, err := New(Config{BotToken: "xoxb-test", AppToken: "xapp-test"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Ready() == nil {
		t.Error("Ready before Run is nil")
	}
	if d, n := a.QueueStats(); d != 0 || n != 0 {
		t.Errorf("QueueStats before Run = %d, %d", d, n)
	}

	h := start(t, newEngine(), "")
	eventually(t, "ready", func() bool { return h.a.Ready() == nil })
	if n := h.a.Reconnects(); n != 0 {
		t.Errorf("Reconnects after the first connection = %d, want 0", n)
	}
	h.fake.drop()
	h.fake.waitConnected()
	eventually(t, "a counted reconnect", func() bool { return h.a.Reconnects() == 1 && h.a.Ready() == nil })
}

func TestOpsReadyHTTP(t *testing.T) {
	h := start(t, newEngine(), "secret")
	if err := h.a.Ready(); err != nil {
		t.Errorf("Ready while the events API listens: %v", err)
	}
}
