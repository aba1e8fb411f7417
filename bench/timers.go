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
		u, stopRedis, err := launchRedis()
		if err != nil {
			return err
		}
		defer stopRedis()
		url = u
	}
	reps, rdb, closeAll, err := b.schedulers(ctx, b.withPoolSize(url))
	defer closeAll()
	if err != nil {
		return err
	}
	rec := newFireRecorder(b.n)

	before, err := takeTimerStats(ctx, rdb)
	if err != nil {
		return err
	}
	start := time.Now()
	first := start.Add(b.delay)
	rec.setDue(first, b.window)
	runCtx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	for _, s := range reps {
		running.Go(func() { _ = s.Run(runCtx, rec.fire) })
	}
	late, err := b.scheduleAll(ctx, reps, rec.due)
	scheduled := time.Since(start)
	if err != nil {
		stop()
		return err
	}
	rec.waitAll(first.Add(b.window + time.Minute))
	allFired := time.Since(start)
	time.Sleep(1500 * time.Millisecond) // doubles would show by now
	stop()
	running.Wait()
	after, err := takeTimerStats(ctx, rdb)
	if err != nil {
		return err
	}
	pend, err := reps[0].Pending(ctx)
	if err != nil {
		return err
	}
	b.report(rec, before, after, pend, late, scheduled, allFired, time.Since(start))
	return nil
}

// launchRedis starts a redis-server in a temporary directory and returns its URL and
// a function that stops it and removes the directory.
func launchRedis() (string, func(), error) {
	dir, err := os.MkdirTemp("", "intervision-bench-")
	if err != nil {
		return "", nil, err
	}
	srv, err := redistest.Launch(dir, 0)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	fmt.Printf("started redis-server at %s\n", srv.Addr)
	return srv.URL(), func() { srv.Stop(); os.RemoveAll(dir) }, nil
}

// withPoolSize adds a pool_size large enough for the enqueuers and the replicas'
// asynq servers to a single-server URL that sets none.
func (b timerBench) withPoolSize(url string) string {
	if strings.Contains(url, "pool_size=") || strings.Contains(url, ",") {
		return url
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "pool_size=" + strconv.Itoa(b.enqueuers+b.replicas*8+16)
}

// schedulers opens one client per replica and a Scheduler on each, under a fresh
// prefix. It returns the schedulers, the first client (for INFO) and a function that
// closes every client opened, to be called even on error.
func (b timerBench) schedulers(ctx context.Context, url string) ([]*redisstore.Scheduler, redis.UniversalClient, func(), error) {
	prefix := fmt.Sprintf("bench%d", time.Now().UnixNano())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := redisstore.SchedulerOptions{Prefix: prefix, Servers: b.servers, Concurrency: b.concurrency, Queues: b.queues,
		DelayedTaskCheckInterval: b.check, Logger: quiet}
	reps := make([]*redisstore.Scheduler, b.replicas)
	var clients []redis.UniversalClient
	closeAll := func() {
		for _, c := range slices.Backward(clients) {
			c.Close()
		}
	}
	for i := range reps {
		c, err := redisstore.NewClient(url)
		if err != nil {
			return nil, nil, closeAll, err
		}
		clients = append(clients, c)
		if err := c.Ping(ctx).Err(); err != nil {
			return nil, nil, closeAll, err
		}
		reps[i] = redisstore.NewScheduler(c, opts)
	}
	return reps, clients[0], closeAll, nil
}

// fireRecorder counts the firings of timers "t0".."t<n-1>" and keeps each one's
// first lag behind its due time.
type fireRecorder struct {
	fired []atomic.Int32
	lags  []atomic.Int64
	total atomic.Int64 // timers fired at least once
	due   []time.Time  // set before any timer fires
}

func newFireRecorder(n int) *fireRecorder {
	return &fireRecorder{fired: make([]atomic.Int32, n), lags: make([]atomic.Int64, n)}
}

// setDue spreads the due times of the timers evenly over window from first on.
func (r *fireRecorder) setDue(first time.Time, window time.Duration) {
	n := len(r.fired)
	r.due = make([]time.Time, n)
	for i := range r.due {
		r.due[i] = first.Add(time.Duration(int64(window) * int64(i) / int64(n)))
	}
}

func (r *fireRecorder) fire(_ context.Context, t state.Timer) error {
	now := time.Now()
	i, err := strconv.Atoi(strings.TrimPrefix(t.ID, "t"))
	if err != nil || i < 0 || i >= len(r.fired) {
		return fmt.Errorf("unexpected timer %q", t.ID)
	}
	if r.fired[i].Add(1) == 1 {
		r.lags[i].Store(int64(now.Sub(r.due[i])))
		r.total.Add(1)
	}
	return nil
}

// waitAll polls until every timer fired once or deadline has passed.
func (r *fireRecorder) waitAll(deadline time.Time) {
	for r.total.Load() < int64(len(r.fired)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// outcome returns the timers that never fired, those that fired more than once, and
// the sorted lags of those that fired.
func (r *fireRecorder) outcome() (lost, doubled int, lags []time.Duration) {
	for i := range r.fired {
		switch n := r.fired[i].Load(); {
		case n == 0:
			lost++
		case n > 1:
			doubled++
		}
		if r.fired[i].Load() > 0 {
			lags = append(lags, time.Duration(r.lags[i].Load()))
		}
	}
	slices.Sort(lags)
	return lost, doubled, lags
}

// scheduleAll schedules timer i at due[i] from b.enqueuers goroutines, spread over
// the replicas, and returns how many were scheduled after their due time.
func (b timerBench) scheduleAll(ctx context.Context, reps []*redisstore.Scheduler, due []time.Time) (int64, error) {
	var wg sync.WaitGroup
	errs := make(chan error, b.enqueuers)
	var late atomic.Int64
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
	close(errs)
	return late.Load(), <-errs
}

// timerStats is a snapshot of Redis counters and the bench process's CPU.
type timerStats struct {
	info     map[string]int64
	cmds     map[string]int64
	mem      int64
	redisCPU time.Duration
	selfCPU  time.Duration
}

// takeTimerStats reads INFO stats (an error there is returned), the command stats,
// used memory and redis-server's CPU (errors there leave zeros), and the bench's CPU.
func takeTimerStats(ctx context.Context, rdb redis.UniversalClient) (timerStats, error) {
	info, err := infoStats(ctx, rdb)
	if err != nil {
		return timerStats{}, err
	}
	s := timerStats{info: info}
	s.cmds, _ = commandStats(ctx, rdb)
	s.mem, _ = usedMemory(ctx, rdb)
	s.redisCPU, _ = redisCPU(ctx, rdb)
	s.selfCPU = selfCPU()
	return s, nil
}

// report prints the lags, the commands per timer by name, CPU and memory, and the
// summary line.
func (b timerBench) report(rec *fireRecorder, before, after timerStats, pend redisstore.TimerStats,
	late int64, scheduled, allFired, elapsed time.Duration) {
	lost, doubled, ls := rec.outcome()
	pct := func(p int) float64 {
		if len(ls) == 0 {
			return -1
		}
		return float64(ls[min(len(ls)-1, len(ls)*p/100)]) / 1e6
	}
	fmt.Printf("replicas=%d scheduled_in=%s scheduled_late=%d all_fired_after=%s max_lag_ms=%.0f min_lag_ms=%.0f unfired_in_redis=%d fired_in_redis=%d\n",
		b.replicas, scheduled.Round(time.Millisecond), late, allFired.Round(time.Millisecond),
		pct(100), pct(0), pend.Unfired(), pend.Fired)
	n := float64(b.n)
	printCommandsPerTimer(before.cmds, after.cmds, n)
	fmt.Printf("\ncpu_s: redis_server=%.1f bench_process=%.1f over %s; used_memory_per_fired_timer=%.0f (kept for state.FiredMemory)\n",
		(after.redisCPU - before.redisCPU).Seconds(), (after.selfCPU - before.selfCPU).Seconds(), elapsed.Round(time.Millisecond),
		float64(after.mem-before.mem)/n)
	fmt.Printf("timers=%d fire_lag_p50_ms=%.0f fire_lag_p99_ms=%.0f cmds_per_timer=%.2f bytes_per_timer=%.0f lost=%d doubled=%d\n",
		b.n, pct(50), pct(99), float64(after.info["total_commands_processed"]-before.info["total_commands_processed"])/n,
		float64(after.info["total_net_input_bytes"]-before.info["total_net_input_bytes"])/n, lost, doubled)
}

// printCommandsPerTimer prints, most called first, every command called at least
// n/10 times between the two command stats, per timer (without a newline).
func printCommandsPerTimer(before, after map[string]int64, n float64) {
	type kv struct {
		name string
		n    int64
	}
	var top []kv
	for name, calls := range after {
		if d := calls - before[name]; float64(d) >= n/10 {
			top = append(top, kv{name, d})
		}
	}
	slices.SortFunc(top, func(a, b kv) int { return int(b.n - a.n) })
	fmt.Print("commands_per_timer:")
	for _, c := range top {
		fmt.Printf(" %s=%.2f", c.name, float64(c.n)/n)
	}
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
