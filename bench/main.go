// Command bench drives concurrent intervision sessions through the engine and the Redis
// store for a while and reports throughput, latency, Redis commands per step and memory
// per session:
//
//	go run ./bench --redis redis://127.0.0.1:6379 --sessions 50 --duration 5s
//
// Without --redis it starts a redis-server of its own on a free port and (--pin, on
// Linux with 2 CPUs or more) gives it the first CPU to itself and the bench, and so
// redis-benchmark, the others (pin_linux.go). Each session is one goroutine that plays
// a group session of three people of its own, step by step (start, bring, two joins,
// next, the incident, then clarifying questions), and moves to a new thread in its
// channel after --steps steps, so records keep a realistic size. After the run it runs
// redis-benchmark (when installed) for a one-key EVAL of GET+SET with as many clients
// as sessions, against the same server, and prints the ratio; --rounds N splits the
// run into N rounds with redis-benchmark after each (the machine's speed drifts), and
// prints each round's ratio and their median too. The last line is:
//
//	steps_per_s=.. p50_us=.. p99_us=.. cmds_per_step=.. bytes_per_session=.. bytes_per_step=..
//
// Before it the bench prints pipelines=.. mean_batch=.. (the store's batching of
// concurrent steps; --batch=false turns it off, --batch-conns and --batch-size tune it,
// --combine=false sends each commit of a pipeline as an EVALSHA of its own).
// cmds_per_step counts the commands clients sent (INFO commandstats, leaving out the
// commands scripts run inside Redis, which script_cmds_per_step counts); bytes_per_session is the growth of used_memory
// per finished session (record, event ids and user index); bytes_per_step is what Redis
// received per step (INFO stats total_net_input_bytes). It resets no statistics:
// it works on differences, so it can run against a shared server, which it only adds
// keys to under a fresh prefix. Before the last line it prints memory_usage_bytes:
// MEMORY USAGE of each key of one finished session and its share of the user indexes.
//
// Its fresh prefix's layout key says that no key of the layout before the log can exist
// (so steps do not look for such keys, whatever else the server holds).
//
// It runs with the bot's garbage collector settings (internal/gctune, as cmd/intervision
// sets them: GOGC=400 unless GOGC is set).
//
// With --timers N it measures the Redis scheduler instead (timers.go):
//
//	go run ./bench --timers 100000
//
// prints timers=N fire_lag_p50_ms=.. fire_lag_p99_ms=.. cmds_per_timer=..
// bytes_per_timer=.. lost=.. doubled=..
//
// With --flood N one peer floods one session with N messages of 8,000 characters,
// once without limits, once with the session budget and once with the binary's
// defaults (flood.go):
//
//	go run ./bench --flood 400
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/gctune"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

func main() {
	url := flag.String("redis", "", "Redis URL; empty starts a redis-server on a free port")
	sessions := flag.Int("sessions", 50, "concurrent sessions")
	duration := flag.Duration("duration", 5*time.Second, "how long to drive the sessions")
	steps := flag.Int("steps", 30, "steps per session before it moves to a new thread")
	compare := flag.Bool("compare", true, "run redis-benchmark against the same server afterwards")
	pin := flag.Bool("pin", true, "when the bench starts its own redis-server: give it a CPU of its own and the bench the others (Linux)")
	rounds := flag.Int("rounds", 1, "split --duration into this many rounds, with redis-benchmark run after each (the machine's speed drifts)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	memprofile := flag.String("memprofile", "", "write an allocation profile (all allocations of the run) to this file")
	batch := flag.Bool("batch", true, "let concurrent steps share pipelines (false: redisstore.Options.NoBatch)")
	combine := flag.Bool("combine", true, "let the commits in a pipeline go out as one script (false: redisstore.Options.NoCombine)")
	batchConns := flag.Int("batch-conns", 0, "pipelines in flight at most (0: redisstore.DefaultBatchConns)")
	batchSize := flag.Int("batch-size", 0, "step commands per pipeline at most (0: redisstore.DefaultBatchSize)")
	var tb timerBench
	flag.IntVar(&tb.n, "timers", 0, "instead of sessions: schedule this many timers on 3 schedulers and measure fire lag")
	flag.DurationVar(&tb.window, "timers-window", 5*time.Second, "timers are due spread over this window")
	flag.DurationVar(&tb.delay, "timers-delay", time.Second, "the window starts this long after scheduling begins")
	flag.IntVar(&tb.replicas, "timers-replicas", 3, "scheduler instances (replicas), each with its own client")
	flag.IntVar(&tb.enqueuers, "timers-enqueuers", 64, "goroutines scheduling timers")
	flag.IntVar(&tb.servers, "timers-servers", 0, "SchedulerOptions.Servers per replica (0: default)")
	flag.IntVar(&tb.concurrency, "timers-concurrency", 0, "SchedulerOptions.Concurrency per asynq server (0: default)")
	flag.IntVar(&tb.queues, "timers-queues", 0, "SchedulerOptions.Queues (0: default)")
	flag.DurationVar(&tb.check, "timers-check", 0, "SchedulerOptions.DelayedTaskCheckInterval (0: default)")
	var fb floodBench
	flag.IntVar(&fb.n, "flood", 0, "instead of sessions: one peer sends this many messages of 8,000 characters into one session, per set of limits")
	flag.Parse()
	// The bot's own garbage collector settings (cmd/intervision runs the same).
	if set := gctune.Apply(os.Getenv); set != "" {
		fmt.Printf("gc: %s\n", set)
	}
	storeOpts := redisstore.Options{NoBatch: !*batch, NoCombine: !*combine, BatchConns: *batchConns, BatchSize: *batchSize}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *memprofile != "" {
		runtime.MemProfileRate = 4096
		defer writeMemProfile(*memprofile)
	}
	if fb.n > 0 {
		if err := fb.run(*url); err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if tb.n > 0 {
		if err := tb.run(*url); err != nil {
			pprof.StopCPUProfile()
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*url, *sessions, *duration, *steps, *rounds, *compare, *pin, storeOpts); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// writeMemProfile writes the allocations made so far (pprof's allocs profile).
func writeMemProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
	}
}

func run(url string, sessions int, duration time.Duration, steps, rounds int, compare, pin bool, opts redisstore.Options) error {
	if sessions < 1 || steps < 7 || rounds < 1 {
		return errors.New("need --sessions >= 1, --steps >= 7 and --rounds >= 1")
	}
	ctx := context.Background()
	pinned := false
	if url == "" {
		var stop func()
		var err error
		if url, stop, pinned, err = startServer(pin); err != nil {
			return err
		}
		defer stop()
	}
	// One connection per session, as a replica under this load would be configured.
	if !strings.Contains(url, "pool_size=") && !strings.Contains(url, ",") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "pool_size=" + strconv.Itoa(sessions+4)
	}
	prefix := fmt.Sprintf("bench%d", time.Now().UnixNano())
	opts.Prefix = prefix
	st, err := openFresh(ctx, url, opts)
	if err != nil {
		return err
	}
	defer st.Close()
	rdb := st.Client()
	// No session budget: --steps 1000 measures a session longer than the default
	// budget (bot.DefaultSessionMaxTurns) allows; --flood measures the budget.
	eng := bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), SessionMaxTurns: -1, SessionMaxBytes: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})

	// Warm up: the script is loaded and the connection pool filled.
	if err := drive(ctx, eng, prefix+"warm", sessions, steps, 500*time.Millisecond, nil); err != nil {
		return err
	}

	var total counters
	var res result
	var elapsed time.Duration
	var rates, rbRates []float64 // per round: steps/s, redis-benchmark's EVAL/s
	for round := range rounds {
		d := duration / time.Duration(rounds)
		before, err := readCounters(ctx, rdb, st)
		if err != nil {
			return err
		}
		n0 := len(res.latencies)
		start := time.Now()
		if err := drive(ctx, eng, fmt.Sprintf("%s-%d", prefix, round), sessions, steps, d, &res); err != nil {
			return err
		}
		took := time.Since(start)
		after, err := readCounters(ctx, rdb, st)
		if err != nil {
			return err
		}
		total.add(after, before)
		elapsed += took
		rates = append(rates, float64(len(res.latencies)-n0)/took.Seconds())
		if compare {
			rps, err := redisBenchmark(url, sessions)
			if err != nil {
				fmt.Printf("redis-benchmark: %v\n", err)
				compare = false
				continue
			}
			rbRates = append(rbRates, rps)
		}
	}

	n := len(res.latencies)
	if n == 0 {
		return errors.New("no steps completed")
	}
	slices.Sort(res.latencies)
	stepsPerS := float64(n) / elapsed.Seconds()
	p50 := res.latencies[n*50/100]
	p99 := res.latencies[min(n-1, n*99/100)]
	var clientCmds, innerCmds int64
	for name, calls := range total.stats {
		switch {
		case scriptInner[name]:
			innerCmds += calls
		case !benchOwn[name]:
			clientCmds += calls
		}
	}
	cmdsPerStep := float64(clientCmds) / float64(n)
	bytesPerSession := float64(total.mem) / float64(max(res.threads.Load(), 1))
	rtPerStep := float64(total.store.RoundTrips) / float64(n)
	fmt.Printf("sessions=%d duration=%s steps=%d threads=%d conflicts=%d store_round_trips_per_step=%.3f\n",
		sessions, elapsed.Round(time.Millisecond), n, res.threads.Load(), total.store.Conflicts, rtPerStep)
	if p := total.store.Pipelines; p > 0 {
		fmt.Printf("pipelines=%d mean_batch=%.1f\n", p, float64(total.store.Batched)/float64(p))
	} else {
		fmt.Println("pipelines=0 (batching off)")
	}
	fmt.Printf("script_cmds_per_step=%.2f (commands the store's scripts ran inside Redis)\n", float64(innerCmds)/float64(n))
	fmt.Printf("cpu_us_per_step: bench_process=%.1f redis_server=%.1f (cores used: %.2f, %.2f)\n",
		total.self.Seconds()*1e6/float64(n), total.redisCPU.Seconds()*1e6/float64(n),
		total.self.Seconds()/elapsed.Seconds(), total.redisCPU.Seconds()/elapsed.Seconds())

	if compare {
		printCompare(sessions, pinned, stepsPerS, rates, rbRates)
	}
	if err := breakdown(ctx, rdb, prefix, prefix+"-0"); err != nil {
		fmt.Printf("memory breakdown: %v\n", err)
	}
	fmt.Printf("steps_per_s=%.0f p50_us=%d p99_us=%d cmds_per_step=%.2f bytes_per_session=%.0f bytes_per_step=%.0f\n",
		stepsPerS, p50.Microseconds(), p99.Microseconds(), cmdsPerStep, bytesPerSession,
		float64(total.in)/float64(n))
	return nil
}

// counters are what the bench reads from Redis and the store around the rounds it
// drives (so that redis-benchmark's commands, CPU and bytes between them count for
// none of the bench's numbers); added up as differences.
type counters struct {
	mem, in        int64            // used_memory, total_net_input_bytes
	stats          map[string]int64 // calls per command
	redisCPU, self time.Duration
	store          redisstore.Stats
}

func readCounters(ctx context.Context, rdb redis.UniversalClient, st *redisstore.Store) (counters, error) {
	var c counters
	var err error
	if c.mem, err = usedMemory(ctx, rdb); err != nil {
		return c, err
	}
	if c.in, err = netInput(ctx, rdb); err != nil {
		return c, err
	}
	if c.stats, err = commandStats(ctx, rdb); err != nil {
		return c, err
	}
	c.redisCPU, _ = redisCPU(ctx, rdb)
	c.self, c.store = selfCPU(), st.Stats()
	return c, nil
}

// add adds after less before to c.
func (c *counters) add(after, before counters) {
	c.mem += after.mem - before.mem
	c.in += after.in - before.in
	if c.stats == nil {
		c.stats = map[string]int64{}
	}
	for name, calls := range after.stats {
		c.stats[name] += calls - before.stats[name]
	}
	c.redisCPU += after.redisCPU - before.redisCPU
	c.self += after.self - before.self
	c.store.RoundTrips += after.store.RoundTrips - before.store.RoundTrips
	c.store.Conflicts += after.store.Conflicts - before.store.Conflicts
	c.store.Pipelines += after.store.Pipelines - before.store.Pipelines
	c.store.Batched += after.store.Batched - before.store.Batched
}

// startServer starts a redis-server of the bench's own, pinned (see pinCPUs) when
// pin is set, and returns its URL, what stops it and whether it was pinned.
func startServer(pin bool) (string, func(), bool, error) {
	dir, err := os.MkdirTemp("", "intervision-bench-")
	if err != nil {
		return "", nil, false, err
	}
	srv, err := redistest.Launch(dir, 0)
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, false, err
	}
	fmt.Printf("started redis-server at %s\n", srv.Addr)
	pinned := false
	if pin {
		if how, err := pinCPUs(srv.Pid()); err != nil {
			fmt.Printf("pinned: no (%v)\n", err)
		} else {
			fmt.Printf("pinned: %s\n", how)
			pinned = true
		}
	}
	return srv.URL(), func() { srv.Stop(); os.RemoveAll(dir) }, pinned, nil
}

// openFresh opens a store on url under the new prefix opts.Prefix and tells it that the
// prefix is new: no key of the layout before the log can exist under it (docs/redis.md,
// the key layout), so the run measures the steps of a store that no longer looks for
// such keys, not those of a server that held other keys before it.
func openFresh(ctx context.Context, url string, opts redisstore.Options) (*redisstore.Store, error) {
	st, err := redisstore.Open(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	err = st.Client().SetNX(ctx, opts.Prefix+":layout", "0", 0).Err()
	if err == nil {
		err = st.CheckLayout(ctx)
	}
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("mark the fresh prefix's layout: %w", err)
	}
	return st, nil
}

// printCompare prints redis-benchmark's result and the ratio of steps/s to it: the
// mean of its rounds' EVAL/s, and with more than one round each round's ratio (its
// steps/s to the redis-benchmark run right after it) and their median; pinned says
// whether the server and the bench had CPUs of their own (pinCPUs).
func printCompare(sessions int, pinned bool, stepsPerS float64, rates, rbRates []float64) {
	if len(rbRates) == 0 {
		return
	}
	var sum float64
	ratios := make([]float64, len(rbRates))
	for i, r := range rbRates {
		sum += r
		ratios[i] = rates[i] / r
	}
	rps := sum / float64(len(rbRates))
	fmt.Printf("redis_benchmark_eval_rps=%.0f clients=%d pinned=%v ratio=%.2f\n", rps, sessions, pinned, stepsPerS/rps)
	if len(ratios) > 1 {
		parts := make([]string, len(ratios))
		for i, r := range ratios {
			parts[i] = strconv.FormatFloat(r, 'f', 2, 64)
		}
		slices.Sort(ratios)
		fmt.Printf("round_ratios=%s median=%.2f\n", strings.Join(parts, ","), ratios[len(ratios)/2])
	}
}

// breakdown prints MEMORY USAGE of each key of one finished session (the first
// session goroutine's first thread) and of the user indexes it is listed in, divided
// by the members each index lists (a session's share of them). The key names follow
// docs/redis.md; the bench's ids need no escaping.
func breakdown(ctx context.Context, rdb redis.UniversalClient, prefix, threads string) error {
	tag := fmt.Sprintf("%s:{slack:T0:C0:%s.0}", prefix, threads)
	var parts []string
	total := int64(0)
	for _, suffix := range []string{"s", "l", "d", "d1", "m"} {
		n, err := rdb.MemoryUsage(ctx, tag+":"+suffix, 0).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return fmt.Errorf("MEMORY USAGE %s: %w", suffix, err)
		}
		enc, _ := rdb.ObjectEncoding(ctx, tag+":"+suffix).Result()
		parts = append(parts, fmt.Sprintf("%s=%d(%s)", suffix, n, enc))
		total += n
	}
	llen, _ := rdb.LLen(ctx, tag+":l").Result()
	ids, _ := rdb.HLen(ctx, tag+":d").Result()
	var index float64
	for _, u := range people(0) {
		k := fmt.Sprintf("%s:u:{slack:T0}:%s", prefix, u.ID)
		n, err := rdb.MemoryUsage(ctx, k, 0).Result()
		if err != nil {
			return fmt.Errorf("MEMORY USAGE %s: %w", k, err)
		}
		c, err := rdb.SCard(ctx, k).Result()
		if err != nil || c == 0 {
			return fmt.Errorf("SCARD %s: %d, %w", k, c, err)
		}
		index += float64(n) / float64(c)
	}
	fmt.Printf("memory_usage_bytes: %s index_share=%.0f total=%.0f (log entries=%d, ids=%d)\n",
		strings.Join(parts, " "), index, float64(total)+index, llen, ids)
	return nil
}

// scriptInner are the commands the store's scripts run inside Redis; INFO commandstats
// counts them too, but no client sent them. (The bench path sends none of them itself.)
var scriptInner = map[string]bool{"get": true, "getrange": true, "set": true, "del": true, "pexpire": true, "sadd": true, "pttl": true,
	"hget": true, "hmget": true, "hset": true, "hdel": true, "hlen": true, "rename": true, "rpush": true, "rpushx": true, "lrange": true, "smembers": true,
	"time": true, "exists": true, "type": true, "hkeys": true}

// benchOwn are the commands the bench sends to measure.
var benchOwn = map[string]bool{"info": true, "memory|usage": true, "ping": true, "hello": true,
	"client|setinfo": true, "client|setname": true}

type result struct {
	mu        sync.Mutex
	latencies []time.Duration
	threads   atomic.Int64
}

// drive runs sessions goroutines, each playing sessions in new threads, until d has
// passed. Every step must succeed; latencies go to res when it is not nil.
func drive(ctx context.Context, eng *bot.Engine, prefix string, sessions, steps int, d time.Duration, res *result) error {
	deadline := time.Now().Add(d)
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	for s := range sessions {
		wg.Go(func() {
			var lat []time.Duration
			defer func() {
				if res != nil {
					res.mu.Lock()
					res.latencies = append(res.latencies, lat...)
					res.mu.Unlock()
				}
			}()
			who := people(s)
			for thread := 0; time.Now().Before(deadline); thread++ {
				conv := bot.Conversation{Platform: "slack", Workspace: "T" + strconv.Itoa(s%4),
					Channel: "C" + strconv.Itoa(s), Thread: prefix + "." + strconv.Itoa(thread)}
				for i := 0; i < steps && time.Now().Before(deadline); i++ {
					ev := script(conv, who, thread, i)
					t0 := time.Now()
					out, err := eng.Handle(ctx, ev)
					lat = append(lat, time.Since(t0))
					private := false
					for _, r := range out.Replies {
						private = private || r.To != ""
					}
					// From step 7 on every step is a recorded question or answer: a
					// private reply would mean the engine refused it.
					if err == nil && (out.Duplicate || out.Phase == "" || i >= 7 && (out.Phase != "questions" || private)) {
						err = fmt.Errorf("step %d of %v: duplicate=%v phase=%q replies=%v", i, conv, out.Duplicate, out.Phase, out.Replies)
					}
					if err != nil {
						errs <- err
						return
					}
				}
				if res != nil {
					res.threads.Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// people are the three members of the sessions of session goroutine n: each channel
// has its own, as in a real workspace. (With the same three everywhere, each of them
// was a member of every thread of a dozen sessions, and their user indexes listed all
// of those threads.)
func people(n int) [3]bot.User {
	id := strconv.Itoa(n)
	return [3]bot.User{{ID: "UANN" + id, Name: "ann" + id}, {ID: "UBOB" + id, Name: "bob" + id}, {ID: "UCAS" + id, Name: "cas" + id}}
}

// script is step i of a group session: setup, the incident, then questions. Every
// step after the setup is recorded (the bench checks the phase stays "questions").
func script(conv bot.Conversation, who [3]bot.User, thread, i int) bot.Event {
	// Built without fmt: the bench's own work counts in its CPU per step.
	n := strconv.Itoa(i)
	ev := bot.Event{ID: conv.Channel + ":" + conv.Thread + ":" + strconv.Itoa(thread) + ":" + n, Conv: conv}
	ann, bob, cas := who[0], who[1], who[2]
	switch i {
	case 0:
		ev.User, ev.Text, ev.Command = ann, "start incident en", true
	case 1:
		ev.User, ev.Text, ev.Command = ann, "bring", true
	case 2:
		ev.User, ev.Text, ev.Command = bob, "join", true
	case 3:
		ev.User, ev.Text, ev.Command = cas, "join", true
	case 4:
		ev.User, ev.Text, ev.Command = ann, "next", true
	case 5:
		ev.User, ev.Text = ann, "The father stood in the doorway and said he had no time for another meeting."
	case 6:
		ev.User, ev.Text, ev.Command = ann, "next", true
	default:
		switch i % 3 {
		case 0:
			ev.User, ev.Text = bob, "What did the mother say when you arrived the "+n+". time?"
		case 1:
			ev.User, ev.Text = cas, "How long had you known the family by the "+n+". visit?"
		default:
			// Each text differs: the engine keeps a resent text once (TestResendKeptOnce).
			ev.User, ev.Text = ann, "About a year; at the "+n+". visit she said nothing and went inside."
		}
	}
	return ev
}

// redisCPU is the CPU time redis-server has used (INFO cpu, user + system).
func redisCPU(ctx context.Context, rdb redis.UniversalClient) (time.Duration, error) {
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, fmt.Errorf("INFO cpu: %w", err)
	}
	var total float64
	for _, m := range regexp.MustCompile(`(?m)^used_cpu_(?:sys|user):([\d.]+)`).FindAllStringSubmatch(info, -1) {
		f, _ := strconv.ParseFloat(m[1], 64)
		total += f
	}
	return time.Duration(total * float64(time.Second)), nil
}

// selfCPU is the CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func usedMemory(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("INFO memory: %w", err)
	}
	m := regexp.MustCompile(`(?m)^used_memory:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0, errors.New("INFO memory has no used_memory")
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// netInput is what Redis has received from all clients (INFO stats
// total_net_input_bytes), the bench's own INFO commands included (a few hundred bytes
// per run).
func netInput(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	info, err := rdb.Info(ctx, "stats").Result()
	if err != nil {
		return 0, fmt.Errorf("INFO stats: %w", err)
	}
	m := regexp.MustCompile(`(?m)^total_net_input_bytes:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0, errors.New("INFO stats has no total_net_input_bytes")
	}
	return strconv.ParseInt(m[1], 10, 64)
}

// commandStats returns calls per command from INFO commandstats.
func commandStats(ctx context.Context, rdb redis.UniversalClient) (map[string]int64, error) {
	info, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		return nil, fmt.Errorf("INFO commandstats: %w", err)
	}
	out := map[string]int64{}
	for _, m := range regexp.MustCompile(`(?m)^cmdstat_([^:]+):calls=(\d+)`).FindAllStringSubmatch(info, -1) {
		n, _ := strconv.ParseInt(m[2], 10, 64)
		out[m[1]] = n
	}
	return out, nil
}

// redisBenchmark runs redis-benchmark for a one-key EVAL of GET+SET and returns its
// requests per second.
func redisBenchmark(url string, clients int) (float64, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return 0, fmt.Errorf("only a single-server redis:// URL can be compared: %w", err)
	}
	host, port, _ := strings.Cut(o.Addr, ":")
	args := []string{"-h", host, "-p", port, "-c", strconv.Itoa(clients), "-n", "100000", "-q"}
	if o.Password != "" {
		args = append(args, "-a", o.Password, "--no-auth-warning")
		if o.Username != "" {
			args = append(args, "--user", o.Username)
		}
	}
	if o.DB != 0 {
		args = append(args, "--dbnum", strconv.Itoa(o.DB))
	}
	if o.TLSConfig != nil {
		args = append(args, "--tls")
	}
	args = append(args, "EVAL", "redis.call('GET',KEYS[1]); return redis.call('SET',KEYS[1],ARGV[1])", "1",
		"intervision-bench-k", "v")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "redis-benchmark", args...).Output()
	if err != nil {
		return 0, fmt.Errorf("run: %w", err)
	}
	// -q prints progress lines separated by '\r', then "...: N requests per second".
	m := regexp.MustCompile(`([\d.]+) requests per second`).FindAllSubmatch(out, -1)
	if m == nil {
		return 0, fmt.Errorf("no result in %q", out)
	}
	return strconv.ParseFloat(string(m[len(m)-1][1]), 64)
}
