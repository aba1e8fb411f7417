package queue

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// TestDrainWaitsForAcceptedJobs: Drain returns once every job accepted before it, and
// every job submitted while it waits, has run; with a context that ends first it
// reports what was left.
func TestDrainWaitsForAcceptedJobs(t *testing.T) {
	q := New(2, 100, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := q.Drain(context.Background()); err != nil {
		t.Fatalf("Drain of an empty queue: %v", err)
	}
	var ran atomic.Int32
	for i := range 10 {
		key := []string{"a", "b", "c"}[i%3]
		q.Submit(key, func() {
			time.Sleep(5 * time.Millisecond)
			if i == 9 { // a job that hands back more work, as a reply with Opens does
				q.Submit("d", func() { time.Sleep(20 * time.Millisecond); ran.Add(1) })
			}
			ran.Add(1)
		})
	}
	if err := q.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := ran.Load(); n != 11 {
		t.Errorf("after Drain %d jobs ran, want 11", n)
	}

	block := make(chan struct{})
	q.Submit("k", func() { <-block })
	q.Submit("k", func() {})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := q.Drain(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Drain with a blocked job = %v, want a deadline error", err)
	}
	close(block)
	if err := q.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}
