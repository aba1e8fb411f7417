package memstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// TestSweepDropsExpired commits enough to trigger sweeps and checks that expired
// records and event ids are gone from memory, not only hidden.
func TestSweepDropsExpired(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := New(WithClock(func() time.Time { return now }))
	ctx := context.Background()
	write := func(k state.Key, id string) {
		if err := s.Update(ctx, k, id, func([]byte) (state.Change, error) {
			return state.Change{Data: []byte("x"), TTL: time.Minute}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		write(state.Key{Platform: "t", Workspace: "w", Channel: "old", Thread: fmt.Sprint(i)}, fmt.Sprint("old", i))
	}
	now = now.Add(48 * time.Hour)
	for i := 0; i < sweepEvery; i++ {
		write(state.Key{Platform: "t", Workspace: "w", Channel: "new", Thread: "1"}, fmt.Sprint("new", i))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.records) != 1 {
		t.Errorf("records after sweep: %d, want 1", len(s.records))
	}
	for k := range s.seen {
		if k.key.Channel == "old" {
			t.Errorf("expired event id %v kept", k)
		}
	}
}
