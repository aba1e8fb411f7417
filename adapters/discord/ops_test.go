package discord

import "testing"

func TestOpsReadyAndReconnects(t *testing.T) {
	t.Parallel()
	a, err := New(Config{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Ready() == nil {
		t.Error("Ready before Run is nil")
	}
	h := start(t, 1)
	ad := h.adapters[0]
	h.until("ready", func() bool { return ad.Ready() == nil })
	if n := ad.Reconnects(); n != 0 {
		t.Errorf("Reconnects after the first connection = %d", n)
	}
	if d, n := ad.QueueStats(); d != 0 || n != 0 {
		t.Errorf("QueueStats when idle = %d, %d", d, n)
	}
	h.f.drop()
	h.until("resume", func() bool { _, r := h.f.counts(); return r == 1 })
	h.until("a counted reconnect", func() bool { return ad.Reconnects() == 1 && ad.Ready() == nil })
}
