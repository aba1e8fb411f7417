package queue

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBoundsWorkersAndKeepsOrder(t *testing.T) {
	d := New(2, 1000, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var running, peak atomic.Int32
	var mu sync.Mutex
	order := map[string][]int{}
	for i := range 60 {
		key := []string{"a", "b", "c", "d"}[i%4]
		d.Submit(key, func() {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			mu.Lock()
			order[key] = append(order[key], i)
			mu.Unlock()
			running.Add(-1)
		})
	}
	d.Wait(10 * time.Second)
	if peak.Load() > 2 {
		t.Errorf("%d jobs ran at once, want at most 2", peak.Load())
	}
	for key, got := range order {
		for j := 1; j < len(got); j++ {
			if got[j] < got[j-1] {
				t.Errorf("key %s ran out of order: %v", key, got)
				break
			}
		}
		if len(got) != 15 {
			t.Errorf("key %s ran %d jobs, want 15", key, len(got))
		}
	}
	small := New(1, 1, slog.New(slog.NewTextHandler(io.Discard, nil)))
	block := make(chan struct{})
	small.Submit("k", func() { <-block })
	time.Sleep(10 * time.Millisecond)
	small.Submit("k", func() {})
	if small.Submit("k", func() {}) {
		t.Error("a full queue accepted another job")
	}
	close(block)
	small.Wait(time.Second)
}

func TestLenAndDrops(t *testing.T) {
	q := New(1, 2, slog.New(slog.NewTextHandler(io.Discard, nil)))
	release := make(chan struct{})
	started := make(chan struct{})
	q.Submit("a", func() { close(started); <-release })
	<-started
	q.Submit("a", func() {})
	q.Submit("a", func() {})
	if q.Submit("a", func() {}) {
		t.Fatal("a third waiting job was accepted with maxQueue 2")
	}
	if q.Len() != 2 || q.Drops() != 1 {
		t.Errorf("Len %d Drops %d, want 2 and 1", q.Len(), q.Drops())
	}
	close(release)
	q.Wait(5 * time.Second)
	if q.Len() != 0 || q.Drops() != 1 {
		t.Errorf("after Wait: Len %d Drops %d, want 0 and 1", q.Len(), q.Drops())
	}
}

// TestHoldPutsCatchUpFirst: jobs submitted while the queue is held wait; on release
// the catch-up jobs run first in their keys, then the held ones in submission order,
// and Drain waits for the hold.
func TestHoldPutsCatchUpFirst(t *testing.T) {
	d := New(4, 1000, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var mu sync.Mutex
	var order []string
	rec := func(s string) func() {
		return func() {
			mu.Lock()
			order = append(order, s)
			mu.Unlock()
		}
	}
	release := d.Hold()
	d.Submit("a", rec("live a1"))
	d.Submit("b", rec("live b1"))
	d.Submit("a", rec("live a2"))
	time.Sleep(20 * time.Millisecond)
	mu.Lock()
	if len(order) != 0 {
		t.Fatalf("held jobs ran: %v", order)
	}
	mu.Unlock()
	drained := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		drained <- d.Drain(ctx)
	}()
	select {
	case <-drained:
		t.Fatal("Drain returned while the queue was held")
	case <-time.After(20 * time.Millisecond):
	}
	release([]Job{{Key: "a", Run: rec("catch-up a")}})
	release(nil) // a second call does nothing
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, s := range order {
		pos[s] = i
	}
	if len(order) != 4 || pos["catch-up a"] > pos["live a1"] || pos["live a1"] > pos["live a2"] {
		t.Fatalf("order = %v, want the catch-up of a before a's held jobs, in order", order)
	}
}
