package statetest

import (
	"slices"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// RetentionTime is the retention RunRetention asks newStore for.
const RetentionTime = 3 * time.Second

// RunRetention checks, in real time, that a user's index lives at least as long as
// every record it lists: a user contributes once, then updates without users keep
// refreshing the record's expiry for twice the retention and more; the user's
// conversations must still be found. newStore returns an empty store whose records
// live retention after their last change.
func RunRetention(t *testing.T, newStore func(t *testing.T, retention time.Duration) state.Store) {
	t.Run("IndexOutlivesRecord", func(t *testing.T) {
		t.Parallel()
		s := newStore(t, RetentionTime)
		t.Cleanup(func() { _ = s.Close() })
		k := key("C1", "kept-alive")
		if err := s.Update(ctx, k, "join", func([]byte) (state.Change, error) {
			return state.Change{Data: []byte("bob wrote this"), Users: []string{"bob"}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		// Someone else keeps the conversation alive: a read-only refresh (a status
		// on a kept summary) and a rewrite, alternately, every second for 7 s.
		for i := range 7 {
			time.Sleep(time.Second)
			ch := state.Change{}
			if i%2 == 1 {
				ch.Data = []byte("bob wrote this; ann looked " + string(rune('0'+i)))
			}
			if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) { return ch, nil }); err != nil {
				t.Fatal(err)
			}
		}
		if get(t, s, k) == nil {
			t.Fatal("the record expired although it was refreshed every second")
		}
		got, err := s.Conversations(ctx, k.Space(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, k) {
			t.Fatalf("Conversations(bob) = %v after %v of refreshes with retention %v: the index expired before the record",
				got, 7*time.Second, RetentionTime)
		}
	})
}
