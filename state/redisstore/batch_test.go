package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// pipeHook watches the pipelines a client sends: it records their sizes and start
// times, and can hold the first one back (gate) so that others queue up behind it.
type pipeHook struct {
	mu     sync.Mutex
	sizes  []int
	starts []time.Time
	gate   chan struct{} // when not nil, the first pipeline waits until it is closed
	first  sync.Once
	plain  atomic.Int64 // evalsha/eval sent outside pipelines
}

func (h *pipeHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *pipeHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n == "evalsha" || n == "eval" {
			h.plain.Add(1)
		}
		return next(ctx, cmd)
	}
}
func (h *pipeHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if n := cmds[0].Name(); n != "evalsha" && n != "eval" {
			return next(ctx, cmds) // go-redis's own (HELLO on a new connection)
		}
		h.mu.Lock()
		h.sizes = append(h.sizes, len(cmds))
		h.starts = append(h.starts, time.Now())
		h.mu.Unlock()
		if h.gate != nil {
			h.first.Do(func() { <-h.gate })
		}
		return next(ctx, cmds)
	}
}

// TestBatching: updates that arrive while a pipeline is in flight go out together in
// the next one (as one EVALSHA on one server, one each elsewhere), and every one is
// applied exactly once even when its event is delivered twice at once. Runs on one server, on a cluster, where
// go-redis splits each pipeline by slot, and on a ring of two servers.
func TestBatching(t *testing.T) {
	srv, srv2 := redistest.Start(t), redistest.Start(t)
	cl := redistest.StartCluster(t, 3)
	for _, tc := range []struct {
		name   string
		client func() redis.UniversalClient
	}{
		{"single", func() redis.UniversalClient { return newClient(t, srv.URL()) }},
		{"cluster", func() redis.UniversalClient {
			return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: cl.Addrs(), IsClusterMode: true})
		}},
		{"ring", func() redis.UniversalClient {
			return redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": srv.Addr, "b": srv2.Addr}})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client()
			h := &pipeHook{gate: make(chan struct{})}
			c.AddHook(h)
			s := redisstore.New(c, redisstore.Options{Prefix: uniquePrefix(), BatchConns: 1})
			defer s.Close()
			// Warm up (loads the script on every master) before the gate matters.
			close(h.gate)
			for i := range 10 {
				k := state.Key{Platform: "slack", Workspace: "T1", Channel: "warm", Thread: fmt.Sprint(i)}
				if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
					return state.Change{Data: []byte("w")}, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			h.mu.Lock()
			h.gate, h.first = make(chan struct{}), sync.Once{}
			h.mu.Unlock()
			h.plain.Store(0) // the first warm-up update met NOSCRIPT and ran alone
			before := s.Stats()
			redisBefore := scriptCalls(t, c)

			const convs, events = 40, 5
			var wg sync.WaitGroup
			var released sync.Once
			var started atomic.Int64
			for g := range convs {
				k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C" + fmt.Sprint(g), Thread: "1"}
				for copy := range 2 { // every event twice at once
					wg.Go(func() {
						for i := range events {
							if started.Add(1) == convs*2 {
								// Everyone has sent a first update: let the held pipeline go.
								time.AfterFunc(20*time.Millisecond, func() { released.Do(func() { close(h.gate) }) })
							}
							err := s.Update(ctx, k, fmt.Sprint("e", i), func(cur []byte) (state.Change, error) {
								return state.Change{Data: append(cur, byte('a'+i))}, nil
							})
							if err != nil && !errors.Is(err, state.ErrDuplicate) {
								t.Errorf("conv %d copy %d update %d: %v", g, copy, i, err)
							}
						}
					})
				}
			}
			wg.Wait()
			released.Do(func() { close(h.gate) })
			st := s.Stats()
			updates, pipes, batched := st.Updates-before.Updates, st.Pipelines-before.Pipelines, st.Batched-before.Batched
			cmds := st.RoundTrips - before.RoundTrips
			t.Logf("%d updates, %d update commands, %d pipelines carrying %d", updates, cmds, pipes, batched)
			if batched != cmds {
				t.Errorf("%d update commands but pipelines carried %d", cmds, batched)
			}
			if pipes*4 > updates {
				t.Errorf("%d pipelines for %d updates: not batched", pipes, updates)
			}
			h.mu.Lock()
			maxSize := slices.Max(h.sizes)
			h.mu.Unlock()
			if maxSize > redisstore.DefaultBatchSize {
				t.Errorf("a pipeline carried %d commands, more than %d", maxSize, redisstore.DefaultBatchSize)
			}
			// On one server the commits of a pipeline run as one batchScript (its
			// first EVALSHA meets NOSCRIPT and is sent again); on a cluster each is
			// an EVALSHA of its own, as on a ring (a script with several
			// conversations' keys would go whole to the first key's shard).
			got := scriptCalls(t, c) - redisBefore
			if tc.name != "single" && got != cmds {
				t.Errorf("Redis counted %d script calls for %d update commands", got, cmds)
			}
			if tc.name == "single" && got > pipes+1 {
				t.Errorf("Redis counted %d script calls for %d pipelines of %d update commands", got, pipes, cmds)
			}
			if n := h.plain.Load(); n != 0 {
				t.Errorf("%d script calls went outside pipelines", n)
			}
			for g := range convs {
				k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C" + fmt.Sprint(g), Thread: "1"}
				if got, err := s.Get(ctx, k); err != nil || string(got) != "abcde" {
					t.Errorf("conv %d: record %q, %v; want abcde (each update once, in order)", g, got, err)
				}
			}
		})
	}
}

// scriptCalls sums EVALSHA and EVAL calls over every master (or shard) behind c.
func scriptCalls(t *testing.T, c redis.UniversalClient) int64 {
	t.Helper()
	var addrs []string
	var each func(context.Context, func(context.Context, *redis.Client) error) error
	switch c := c.(type) {
	case *redis.ClusterClient:
		each = c.ForEachMaster
	case *redis.Ring:
		each = c.ForEachShard
	case *redis.Client:
		addrs = []string{c.Options().Addr}
	}
	if each != nil {
		var mu sync.Mutex
		if err := each(ctx, func(ctx context.Context, m *redis.Client) error {
			mu.Lock()
			addrs = append(addrs, m.Options().Addr)
			mu.Unlock()
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	for _, a := range addrs {
		rdb := redis.NewClient(&redis.Options{Addr: a})
		calls := commandCalls(t, rdb)
		n += calls["evalsha"] + calls["eval"]
		_ = rdb.Close()
	}
	return n
}

// TestLoneUpdateNotDelayed: an update with nothing else in flight goes out at once, in
// a pipeline of its own; the dispatcher never waits for company.
func TestLoneUpdateNotDelayed(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv.URL())
	h := &pipeHook{}
	c.AddHook(h)
	s := redisstore.New(c, redisstore.Options{})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	const n = 200
	var ready []time.Time // when fn returned: the update command is built right after
	for i := range n {
		if err := s.Update(ctx, k, fmt.Sprint("e", i), func(cur []byte) (state.Change, error) {
			ready = append(ready, time.Now())
			return state.Change{Data: append(cur, 'x')}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.Pipelines != n || st.Batched != n {
		t.Fatalf("%d sequential updates: %d pipelines carrying %d, want one each", n, st.Pipelines, st.Batched)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// The first update met NOSCRIPT on a fresh server and ran again on its own.
	if len(h.starts) != n || len(ready) != n {
		t.Fatalf("%d pipelines, %d fn calls for %d updates", len(h.starts), len(ready), n)
	}
	delays := make([]time.Duration, n)
	for i := range n {
		delays[i] = h.starts[i].Sub(ready[i])
	}
	slices.Sort(delays)
	t.Logf("fn return → pipeline start: p50 %v, p90 %v, max %v", delays[n/2], delays[n*9/10], delays[n-1])
	// A goroutine hand-off takes microseconds; a batching timer would show here.
	if delays[n/2] > 500*time.Microsecond {
		t.Errorf("lone updates waited %v (median) before their pipeline started", delays[n/2])
	}
	for i, size := range h.sizes {
		if size != 1 {
			t.Fatalf("pipeline %d of sequential updates carried %d commands", i, size)
		}
	}
}

// TestBatchNoScript flushes Redis's script cache under load: the pipelined EVALSHAs
// meet NOSCRIPT, their callers load the script and run again, and every update is
// applied once.
func TestBatchNoScript(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	c := newClient(t, srv.URL())
	h := &pipeHook{}
	c.AddHook(h)
	s := redisstore.New(c, redisstore.Options{})
	defer s.Close()
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Go(func() {
			k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C" + fmt.Sprint(g), Thread: "1"}
			for i := range 30 {
				if g == 0 && i%10 == 5 {
					if err := rdb.ScriptFlush(ctx).Err(); err != nil {
						t.Error(err)
					}
				}
				if err := s.Update(ctx, k, fmt.Sprint("e", i), func(cur []byte) (state.Change, error) {
					return state.Change{Data: append(cur, 'x')}, nil
				}); err != nil {
					t.Errorf("conv %d update %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for g := range 20 {
		k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C" + fmt.Sprint(g), Thread: "1"}
		if got, err := s.Get(ctx, k); err != nil || string(got) != strings.Repeat("x", 30) {
			t.Errorf("conv %d: record %q, %v", g, got, err)
		}
	}
	if h.plain.Load() < 2 {
		t.Errorf("%d commands ran on their own after NOSCRIPT; the flushes went unnoticed", h.plain.Load())
	}
	// The script is loaded again: a later update goes through a pipeline alone.
	before := s.Stats()
	if err := s.Update(ctx, state.Key{Platform: "slack", Workspace: "T1", Channel: "late", Thread: "1"}, "", func([]byte) (state.Change, error) {
		return state.Change{Data: []byte("y")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if after := s.Stats(); after.Pipelines-before.Pipelines != 1 {
		t.Errorf("update after reload took %d pipelines", after.Pipelines-before.Pipelines)
	}
}

// TestBatchCancel: a caller whose context ends while its command waits in a pipeline
// gets its error at once (ErrUnavailable and the context's error); the command may
// still commit, and then counts as applied once.
func TestBatchCancel(t *testing.T) {
	srv := redistest.Start(t)
	c := newClient(t, srv.URL())
	s := redisstore.New(c, redisstore.Options{})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	write := func(ctx context.Context, id, data string) error {
		return s.Update(ctx, k, id, func(cur []byte) (state.Change, error) {
			return state.Change{Data: append(cur, data...)}, nil
		})
	}
	if err := write(ctx, "e0", "a"); err != nil { // loads the script
		t.Fatal(err)
	}
	h := &pipeHook{gate: make(chan struct{})}
	c.AddHook(h)
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- write(cctx, "e1", "b") }()
	for { // wait until the pipeline is held
		h.mu.Lock()
		n := len(h.sizes)
		h.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, state.ErrUnavailable) || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled update: err = %v, want ErrUnavailable and context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled update did not return while its pipeline was held")
	}
	close(h.gate) // the held command commits after all
	// The sender retries the event: it was applied, once.
	if err := write(ctx, "e1", "b"); err != nil && !errors.Is(err, state.ErrDuplicate) {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, k); err != nil || string(got) != "ab" {
		t.Fatalf("record = %q, %v; want ab", got, err)
	}
	// A context that has ended before the update is refused without a command.
	done, cancel2 := context.WithCancel(ctx)
	cancel2()
	before := s.Stats()
	if err := write(done, "e2", "c"); !errors.Is(err, context.Canceled) {
		t.Fatalf("update on an ended context: %v", err)
	}
	if after := s.Stats(); after.RoundTrips != before.RoundTrips {
		t.Fatal("update on an ended context sent a command")
	}
}
