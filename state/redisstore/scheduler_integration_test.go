package redisstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// fireLog records firings across scheduler instances.
type fireLog struct {
	mu    sync.Mutex
	count map[string]int
	lag   map[string]time.Duration
	by    map[string]map[int]int // id → replica → firings
}

func newFireLog() *fireLog {
	return &fireLog{count: map[string]int{}, lag: map[string]time.Duration{}, by: map[string]map[int]int{}}
}

func (l *fireLog) fireFunc(replica int) state.FireFunc {
	return func(_ context.Context, t state.Timer) error {
		now := time.Now()
		l.mu.Lock()
		defer l.mu.Unlock()
		l.count[t.ID]++
		if l.count[t.ID] == 1 {
			l.lag[t.ID] = now.Sub(t.Due)
		}
		if l.by[t.ID] == nil {
			l.by[t.ID] = map[int]int{}
		}
		l.by[t.ID][replica]++
		return nil
	}
}

func (l *fireLog) fired() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.count)
}

// check asserts that every timer fired exactly once, not early and at most maxLag
// late; it returns the largest lag.
func (l *fireLog) check(t *testing.T, timers []state.Timer, maxLag time.Duration) time.Duration {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var worst time.Duration
	bad := 0
	for _, tm := range timers {
		n, lag := l.count[tm.ID], l.lag[tm.ID]
		switch {
		case n != 1:
			t.Errorf("timer %s fired %d times", tm.ID, n)
		case lag < 0:
			t.Errorf("timer %s fired %v early", tm.ID, -lag)
		case lag > maxLag:
			t.Errorf("timer %s fired %v late, want < %v", tm.ID, lag, maxLag)
		}
		if n != 1 || lag < 0 || lag > maxLag {
			if bad++; bad > 10 {
				t.Fatal("too many errors")
			}
		}
		worst = max(worst, lag)
	}
	if len(l.count) != len(timers) {
		t.Errorf("%d ids fired, %d scheduled", len(l.count), len(timers))
	}
	return worst
}

// runScheduler runs s with fire until the test ends.
func runScheduler(t *testing.T, s *redisstore.Scheduler, fire state.FireFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, fire) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	})
}

func scheduleAll(t *testing.T, s state.Scheduler, timers []state.Timer) {
	t.Helper()
	for _, tm := range timers {
		if err := s.Schedule(context.Background(), tm); err != nil {
			t.Fatal(err)
		}
	}
}

func waitFired(t *testing.T, l *fireLog, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for l.fired() < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSchedulerReplicas runs three scheduler instances (replicas, each with its own
// client) on one redis-server; 50 sessions schedule 4 timers each, due within 1–2 s,
// each through a random replica, and some twice: every timer fires exactly once in
// total, within 2 s of its due time.
func TestSchedulerReplicas(t *testing.T) {
	srv := redistest.Start(t)
	prefix := uniquePrefix()
	log := newFireLog()
	var reps [3]*redisstore.Scheduler
	for i := range reps {
		reps[i], _ = newScheduler(t, srv.URL(), redisstore.SchedulerOptions{Prefix: prefix})
		runScheduler(t, reps[i], log.fireFunc(i))
	}
	start := time.Now()
	var timers []state.Timer
	for s := range 50 {
		for k := range 4 {
			timers = append(timers, state.Timer{
				ID:      fmt.Sprintf("slack:T1:C1:1700.%d:phase%d", s, k),
				Due:     start.Add(time.Second + time.Duration(s*4+k)*time.Second/200),
				Payload: []byte(strconv.Itoa(s))})
		}
	}
	var wg sync.WaitGroup
	for i, tm := range timers {
		wg.Go(func() {
			for c := range 1 + i%2 { // every other timer is scheduled twice, on two replicas
				if err := reps[(i+c)%3].Schedule(context.Background(), tm); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	waitFired(t, log, len(timers), 5*time.Second)
	time.Sleep(time.Second) // doubles would show by now
	worst := log.check(t, timers, 2*time.Second)
	perReplica := [3]int{}
	for _, m := range log.by {
		for r, n := range m {
			perReplica[r] += n
		}
	}
	t.Logf("%d timers over 3 replicas: max fire lag %v, firings per replica %v", len(timers), worst, perReplica)
}

// Environment of the child process of TestSchedulerKilled.
const (
	childEnv       = "INTERVISION_TIMER_CHILD" // "schedule" or "run"
	childURLEnv    = "INTERVISION_TIMER_URL"
	childPrefixEnv = "INTERVISION_TIMER_PREFIX"
	childDueEnv    = "INTERVISION_TIMER_DUE" // Unix ms of the first late timer
)

const childEarly, childLate = 20, 100

// runTimerChild is the child process of TestSchedulerKilled (TestMain runs it when
// childEnv is set, instead of the tests). With childEnv=schedule it schedules
// childEarly timers due at once and childLate timers due from childDueEnv on, runs a
// scheduler that appends every firing to a Redis list, and prints READY once the early
// timers fired and nothing is being fired. With childEnv=run it only runs the
// scheduler. It runs until it is killed.
func runTimerChild(mode string) {
	ctx := context.Background()
	rdb, err := redisstore.NewClient(os.Getenv(childURLEnv))
	if err != nil {
		log.Fatal(err)
	}
	prefix := os.Getenv(childPrefixEnv)
	s := redisstore.NewScheduler(rdb, redisstore.SchedulerOptions{Prefix: prefix, Logger: quietSlog})
	list := prefix + ":fired"
	fire := func(ctx context.Context, tm state.Timer) error {
		return rdb.RPush(ctx, list, fmt.Sprintf("%s|%d|%d", tm.ID, time.Now().UnixNano(), os.Getpid())).Err()
	}
	go func() { _ = s.Run(ctx, fire) }()
	if mode == "schedule" {
		ms, _ := strconv.ParseInt(os.Getenv(childDueEnv), 10, 64)
		scheduleChildTimers(ctx, s, rdb, list, time.UnixMilli(ms))
		fmt.Println("READY")
	}
	select {}
}

// scheduleChildTimers schedules the child's early and late timers and waits until the
// early ones fired and nothing is being fired.
func scheduleChildTimers(ctx context.Context, s *redisstore.Scheduler, rdb redis.UniversalClient, list string, due time.Time) {
	for i := range childEarly {
		if err := s.Schedule(ctx, state.Timer{ID: fmt.Sprintf("early-%d", i), Due: time.Now()}); err != nil {
			log.Fatal(err)
		}
	}
	for i := range childLate {
		tm := state.Timer{ID: fmt.Sprintf("late-%d", i), Due: due.Add(time.Duration(i) * 10 * time.Millisecond)}
		if err := s.Schedule(ctx, tm); err != nil {
			log.Fatal(err)
		}
	}
	for {
		n, err := rdb.LLen(ctx, list).Result()
		if err != nil {
			log.Fatal(err)
		}
		st, err := s.Pending(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if n == childEarly && st.Active == 0 && st.Pending == 0 && st.Scheduled == childLate {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if time.Until(due) < time.Second {
		log.Fatal("too slow: the late timers are about to come up before the kill")
	}
}

// TestSchedulerKilled kills (SIGKILL) a process that scheduled timers and runs a
// scheduler, while its late timers are still pending, waits until they are all
// overdue and starts another process: every timer fires exactly once, the late ones
// late. (A process killed while it fires a timer leaves that timer to asynq's
// recoverer, which re-runs it only once its lease has expired for 30 s: about a
// minute later; see docs/redis.md.)
func TestSchedulerKilled(t *testing.T) {
	srv := redistest.Start(t)
	prefix := uniquePrefix()
	due := time.Now().Add(3 * time.Second).Truncate(time.Second).Add(time.Second)
	child := func(mode string) (*exec.Cmd, *bufio.Reader) {
		return startTimerChild(t, mode, srv.URL(), prefix, due)
	}
	first, out := child("schedule")
	waitChildReady(t, out, 15*time.Second)
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = first.Wait()
	killedAt := time.Now()

	rdb := newClient(t, srv.URL())
	defer rdb.Close()
	// Stay down until every late timer is overdue, then restart.
	time.Sleep(time.Until(due.Add(childLate*10*time.Millisecond + 500*time.Millisecond)))
	restartedAt := time.Now()
	second, _ := child("run")
	list := prefix + ":fired"
	waitListLen(t, rdb, list, childEarly+childLate, 10*time.Second)
	time.Sleep(time.Second) // doubles would show by now
	_ = second.Process.Kill()
	entries, err := rdb.LRange(context.Background(), list, 0, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	count, pids, worst := checkKilledEntries(t, entries, due, restartedAt)
	for i := range childEarly {
		if id := fmt.Sprintf("early-%d", i); count[id] != 1 || pids[id] != strconv.Itoa(first.Process.Pid) {
			t.Errorf("%s fired %d times (pid %s), want once by the first process", id, count[id], pids[id])
		}
	}
	for i := range childLate {
		if id := fmt.Sprintf("late-%d", i); count[id] != 1 || pids[id] != strconv.Itoa(second.Process.Pid) {
			t.Errorf("%s fired %d times (pid %s), want once by the second process", id, count[id], pids[id])
		}
	}
	t.Logf("killed at due-%v, restarted at due+%v: %d firings, late timers up to %v after their due time",
		due.Sub(killedAt).Round(time.Millisecond), restartedAt.Sub(due).Round(time.Millisecond), len(entries), worst.Round(time.Millisecond))
}

// startTimerChild re-executes the test binary as the timer child in mode
// ("schedule" or "run") and returns it with its stdout; the child is killed at cleanup.
func startTimerChild(t *testing.T, mode, url, prefix string, due time.Time) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childURLEnv+"="+url,
		childPrefixEnv+"="+prefix, childDueEnv+"="+strconv.FormatInt(due.UnixMilli(), 10))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

// waitChildReady waits until the child prints READY; it fails the test if the child
// ends first or takes longer than timeout.
func waitChildReady(t *testing.T, out *bufio.Reader, timeout time.Duration) {
	t.Helper()
	ready := make(chan string, 1)
	go func() {
		for {
			line, err := out.ReadString('\n')
			if strings.TrimSpace(line) == "READY" || err != nil {
				ready <- strings.TrimSpace(line)
				return
			}
		}
	}()
	select {
	case line := <-ready:
		if line != "READY" {
			t.Fatal("first child ended before it was ready")
		}
	case <-time.After(timeout):
		t.Fatalf("first child not ready within %v", timeout)
	}
}

// waitListLen polls until list holds at least n entries or timeout has passed.
func waitListLen(t *testing.T, rdb redis.UniversalClient, list string, n int64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got, err := rdb.LLen(context.Background(), list).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got >= n || time.Now().After(deadline) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkKilledEntries parses the children's "id|unix ns|pid" firings, checks that no
// late timer fired before its due time, before the restart or more than 2 s after
// it, and returns firings and the last firing pid per id and the largest late lag.
func checkKilledEntries(t *testing.T, entries []string, due, restartedAt time.Time) (map[string]int, map[string]string, time.Duration) {
	t.Helper()
	count := map[string]int{}
	pids := map[string]string{}
	var worst time.Duration
	for _, e := range entries {
		f := strings.Split(e, "|")
		id := f[0]
		count[id]++
		pids[id] = f[2]
		if !strings.HasPrefix(id, "late-") {
			continue
		}
		i, _ := strconv.Atoi(strings.TrimPrefix(id, "late-"))
		ns, _ := strconv.ParseInt(f[1], 10, 64)
		at := time.Unix(0, ns)
		tdue := due.Add(time.Duration(i) * 10 * time.Millisecond)
		if at.Before(tdue) {
			t.Errorf("%s fired %v before its due time", id, tdue.Sub(at))
		}
		if at.Before(restartedAt) {
			t.Errorf("%s fired before the restart (the killed process fired it?)", id)
		}
		if lag := at.Sub(restartedAt); lag > 2*time.Second {
			t.Errorf("%s fired %v after the restart, want < 2s", id, lag)
		}
		worst = max(worst, at.Sub(tdue))
	}
	return count, pids, worst
}

// TestSchedulerRedisRestart kills redis-server (SIGKILL) with AOF on
// (appendfsync always) while a scheduler runs and timers are pending: after the
// restart they fire once, and ids fired before the restart stay no-ops.
func TestSchedulerRedisRestart(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	s, _ := newScheduler(t, srv.URL(), redisstore.SchedulerOptions{Prefix: uniquePrefix()})
	log := newFireLog()
	runScheduler(t, s, log.fireFunc(0))
	now := time.Now()
	var before, after []state.Timer
	for i := range 20 {
		before = append(before, state.Timer{ID: fmt.Sprintf("before-%d", i), Due: now})
	}
	for i := range 50 {
		after = append(after, state.Timer{ID: fmt.Sprintf("after-%d", i),
			Due: now.Add(2500*time.Millisecond + time.Duration(i)*20*time.Millisecond)})
	}
	scheduleAll(t, s, before)
	scheduleAll(t, s, after)
	waitFired(t, log, len(before), 5*time.Second)
	time.Sleep(200 * time.Millisecond) // the firings are recorded as completed
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("redis-server restarted %v before the first pending timer", time.Until(after[0].Due).Round(time.Millisecond))
	scheduleAll(t, s, before) // fired ids are remembered across the restart
	waitFired(t, log, len(before)+len(after), 8*time.Second)
	time.Sleep(time.Second)
	worst := log.check(t, slices.Concat(before, after), 2*time.Second)
	t.Logf("max fire lag %v", worst)
}

// TestSchedulerCluster runs two schedulers on a three-master Redis Cluster: timers
// for many ids fire once, and every master holds timer queues.
func TestSchedulerCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	prefix := uniquePrefix()
	log := newFireLog()
	var reps [2]*redisstore.Scheduler
	for i := range reps {
		reps[i], _ = newScheduler(t, c.URL(), redisstore.SchedulerOptions{Prefix: prefix})
		runScheduler(t, reps[i], log.fireFunc(i))
	}
	start := time.Now()
	var timers []state.Timer
	for i := range 300 {
		timers = append(timers, state.Timer{ID: fmt.Sprintf("conv-%d:checkin", i),
			Due: start.Add(time.Second + time.Duration(i)*time.Second/300)})
	}
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < len(timers); i += 2 {
				if err := reps[w].Schedule(context.Background(), timers[i]); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	scheduleAll(t, reps[1], timers[:50]) // again: no-ops
	waitFired(t, log, len(timers), 6*time.Second)
	time.Sleep(time.Second)
	worst := log.check(t, timers, 2*time.Second)

	// Every master holds keys of some timer queue (completed tasks stay for
	// state.FiredMemory).
	queues := reps[0].Queues()
	for _, srv := range c.Servers {
		node := redis.NewClient(&redis.Options{Addr: srv.Addr})
		var keys []string
		iter := node.Scan(context.Background(), 0, "asynq:{"+prefix+":timers*", 100).Iterator()
		for iter.Next(context.Background()) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
		here := 0
		for _, q := range queues {
			slot, err := node.ClusterKeySlot(context.Background(), "asynq:{"+q+"}:completed").Result()
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := node.ClusterCountKeysInSlot(context.Background(), int(slot)).Result(); n > 0 {
				here++
			}
		}
		_ = node.Close()
		if len(keys) == 0 || here == 0 {
			t.Errorf("master %s holds no timer keys (%d keys, %d queues)", srv.Addr, len(keys), here)
		}
		t.Logf("master %s: %d timer keys, %d of %d queues", srv.Addr, len(keys), here, len(queues))
	}
	t.Logf("%d timers on a 3-master cluster: max fire lag %v", len(timers), worst)
}
