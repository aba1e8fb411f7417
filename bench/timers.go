package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// timerBench schedules n timers, due spread over window from delay after scheduling
// begins, through replicas Scheduler instances that all run, and reports fire lags
// and Redis load per timer.
type timerBench struct {
	n, replicas, enqueuers, servers, concurrency, queues int
	window, delay, check                                 time.Duration
}

func (b timerBench) run(url string) error {
	if b.replicas < 1 || b.enqueuers < 1 {
		return errors.New("need --timers-replicas >= 1 and --timers-enqueuers >= 1")
	}
	ctx := context.Background()
	if url == "" {
		dir, err := os.MkdirTemp("", "intervision-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		srv, err := redistest.Launch(dir, 0)
		if err != nil {
			return err
		}
		defer srv.Stop()
		url = srv.URL()
		fmt.Printf("started redis-server at %s\n", srv.Addr)
	}
	if !strings.Contains(url, "pool_size=") && !strings.Contains(url, ",") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "pool_size=" + strconv.Itoa(b.enqueuers+b.replicas*8+16)
	}
	prefix := fmt.Sprintf("bench%d", time.Now().UnixNano())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := redisstore.SchedulerOptions{Prefix: prefix, Servers: b.servers, Concurrency: b.concurrency, Queues: b.queues,
		DelayedTaskCheckInterval: b.check, Logger: quiet}
	reps := make([]*redisstore.Scheduler, b.replicas)
	clients := make([]redis.UniversalClient, b.replicas)
	for i := range reps {
		c, err := redisstore.NewClient(url)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.Ping(ctx).Err(); err != nil {
			return err
		}
		clients[i] = c
		reps[i] = redisstore.NewScheduler(c, opts)
	}
	rdb := clients[0]

	fired := make([]atomic.Int32, b.n)
	lags := make([]atomic.Int64, b.n)
	var total atomic.Int64
	var due []time.Time // set before any timer fires
	fire := func(_ context.Context, t state.Timer) error {
		now := time.Now()
		i, err := strconv.Atoi(strings.TrimPrefix(t.ID, "t"))
		if err != nil || i < 0 || i >= b.n {
			return fmt.Errorf("unexpected timer %q", t.ID)
		}
		if fired[i].Add(1) == 1 {
			lags[i].Store(int64(now.Sub(due[i])))
			total.Add(1)
		}
		return nil
	}

	before, err := infoStats(ctx, rdb)
	if err != nil {
		return err
	}
	cmdsBefore, _ := commandStats(ctx, rdb)
	memBefore, _ := usedMemory(ctx, rdb)
	cpuBefore, _ := redisCPU(ctx, rdb)
	selfBefore := selfCPU()
	start := time.Now()
	first := start.Add(b.delay)
	due = make([]time.Time, b.n)
	for i := range due {
		due[i] = first.Add(time.Duration(int64(b.window) * int64(i) / int64(b.n)))
	}
	runCtx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	for _, s := range reps {
		running.Go(func() { _ = s.Run(runCtx, fire) })
	}
	var wg sync.WaitGroup
	errs := make(chan error, b.enqueuers)
	var late atomic.Int64 // timers scheduled after their due time
	for w := range b.enqueuers {
		wg.Go(func() {
			s := reps[w%len(reps)]
			for i := w; i < b.n; i += b.enqueuers {
				if err := s.Schedule(ctx, state.Timer{ID: "t" + strconv.Itoa(i), Due: due[i]}); err != nil {
					errs <- err
					return
				}
				if time.Now().After(due[i]) {
					late.Add(1)
				}
			}
		})
	}
	wg.Wait()
	scheduled := time.Since(start)
	close(errs)
	if err := <-errs; err != nil {
		stop()
		return err
	}
	deadline := first.Add(b.window + time.Minute)
	for total.Load() < int64(b.n) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	allFired := time.Since(start)
	time.Sleep(1500 * time.Millisecond) // doubles would show by now
	stop()
	running.Wait()
	after, err := infoStats(ctx, rdb)
	if err != nil {
		return err
	}
	cmdsAfter, _ := commandStats(ctx, rdb)
	memAfter, _ := usedMemory(ctx, rdb)
	cpuAfter, _ := redisCPU(ctx, rdb)
	selfAfter := selfCPU()
	pend, err := reps[0].Pending(ctx)
	if err != nil {
		return err
	}

	var lost, doubled int
	var ls []time.Duration
	for i := range fired {
		switch n := fired[i].Load(); {
		case n == 0:
			lost++
		case n > 1:
			doubled++
		}
		if fired[i].Load() > 0 {
			ls = append(ls, time.Duration(lags[i].Load()))
		}
	}
	slices.Sort(ls)
	pct := func(p int) float64 {
		if len(ls) == 0 {
			return -1
		}
		return float64(ls[min(len(ls)-1, len(ls)*p/100)]) / 1e6
	}
	fmt.Printf("replicas=%d scheduled_in=%s scheduled_late=%d all_fired_after=%s max_lag_ms=%.0f min_lag_ms=%.0f unfired_in_redis=%d fired_in_redis=%d\n",
		b.replicas, scheduled.Round(time.Millisecond), late.Load(), allFired.Round(time.Millisecond),
		pct(100), pct(0), pend.Unfired(), pend.Fired)
	n := float64(b.n)
	type kv struct {
		name string
		n    int64
	}
	var top []kv
	for name, calls := range cmdsAfter {
		if d := calls - cmdsBefore[name]; float64(d) >= n/10 {
			top = append(top, kv{name, d})
		}
	}
	slices.SortFunc(top, func(a, b kv) int { return int(b.n - a.n) })
	fmt.Print("commands_per_timer:")
	for _, c := range top {
		fmt.Printf(" %s=%.2f", c.name, float64(c.n)/n)
	}
	fmt.Printf("\ncpu_s: redis_server=%.1f bench_process=%.1f over %s; used_memory_per_fired_timer=%.0f (kept for state.FiredMemory)\n",
		(cpuAfter - cpuBefore).Seconds(), (selfAfter - selfBefore).Seconds(), time.Since(start).Round(time.Millisecond),
		float64(memAfter-memBefore)/n)
	fmt.Printf("timers=%d fire_lag_p50_ms=%.0f fire_lag_p99_ms=%.0f cmds_per_timer=%.2f bytes_per_timer=%.0f lost=%d doubled=%d\n",
		b.n, pct(50), pct(99), float64(after["total_commands_processed"]-before["total_commands_processed"])/n,
		float64(after["total_net_input_bytes"]-before["total_net_input_bytes"])/n, lost, doubled)
	return nil
}

// infoStats returns the numeric fields of INFO stats.
func infoStats(ctx context.Context, rdb redis.UniversalClient) (map[string]int64, error) {
	info, err := rdb.Info(ctx, "stats").Result()
	if err != nil {
		return nil, fmt.Errorf("INFO stats: %w", err)
	}
	out := map[string]int64{}
	for _, m := range regexp.MustCompile(`(?m)^(\w+):(\d+)\r?$`).FindAllStringSubmatch(info, -1) {
		out[m[1]], _ = strconv.ParseInt(m[2], 10, 64)
	}
	return out, nil
}
