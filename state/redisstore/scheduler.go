package redisstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
)

// Scheduler is the state.Scheduler on Redis, built on asynq (github.com/hibiken/asynq):
// a timer is an asynq task with the timer's id as task id, scheduled for its due
// time. Every replica runs Run; asynq hands each due task to one of them. The
// scheduler shares the bot's go-redis client, so it works on a single server and on
// Redis Cluster alike, and closing it never closes the client.
//
// Layout (see docs/redis.md, "Timers"): the timers are spread over
// SchedulerOptions.Queues asynq queues named "<prefix>:timers<i>.<n>", chosen by a
// hash of the timer id. asynq keeps every key of a queue under the hash tag
// asynq:{<queue>}, so one queue lives on one cluster slot; the suffix n is chosen so
// that queue i hashes into the i-th equal share of the 16384 slots. A cluster whose
// masters own contiguous, about equal ranges (as redis-cli --cluster create assigns
// them) then carries timers on every master when there are at least twice as many
// queues as masters (8 queues: up to 4 masters for sure).
//
// asynq stores a task's due time in whole seconds and moves it to pending when that
// second has begun, so a task can come up to a second early: the handler waits for
// the exact due time before it fires.
type Scheduler struct {
	rdb    redis.UniversalClient
	opts   SchedulerOptions
	client *asynq.Client
	insp   *asynq.Inspector
	queues []string
	closed atomic.Bool
}

// SchedulerOptions configures a Scheduler. The zero value uses the defaults.
type SchedulerOptions struct {
	// Prefix starts the queue names ("intervision" when empty), so that two bots on
	// one Redis (REDIS_PREFIX) keep their timers apart. '{' and '}' are escaped.
	Prefix string
	// Queues is how many asynq queues the timers are spread over (DefaultTimerQueues
	// when 0). Every replica must use the same number: it decides where an id lives.
	Queues int
	// Servers is how many asynq servers one Run starts, each consuming its share of
	// the queues (DefaultTimerServers when 0, at most Queues). An asynq server takes
	// one task off Redis per round trip, so this bounds a replica's firing rate when
	// Redis is far away.
	Servers int
	// Concurrency bounds the timers one asynq server fires at once, including timers
	// waiting for the last fraction of their due second (DefaultTimerConcurrency
	// when 0).
	Concurrency int
	// DelayedTaskCheckInterval is how often Run moves due timers to pending
	// (DefaultDelayedTaskCheckInterval when 0). A timer fires at most about this much
	// after its due time when Run is idle.
	DelayedTaskCheckInterval time.Duration
	// TaskCheckInterval is how often an idle Run polls for pending timers
	// (DefaultTaskCheckInterval when 0; asynq polls, it does not block).
	TaskCheckInterval time.Duration
	// RetryDelay is the pause before a timer whose fire failed is fired again
	// (DefaultRetryDelay when 0). After ten failures in a row the pause grows to
	// 30 s.
	RetryDelay time.Duration
	// MaxRetry is how often a failing timer is retried before asynq archives it
	// (DefaultTimerMaxRetry when 0); archived timers stay in Redis and show in
	// Pending, nothing is deleted.
	MaxRetry int
	// FireTimeout bounds one fire (DefaultFireTimeout when 0).
	FireTimeout time.Duration
	// ShutdownTimeout is how long Run waits for fires in flight when its context ends
	// (DefaultTimerShutdownTimeout when 0); unfinished ones are handed back to Redis.
	ShutdownTimeout time.Duration
	// Logger receives asynq's warnings and errors (slog.Default() when nil).
	Logger *slog.Logger
}

// Defaults of SchedulerOptions.
const (
	DefaultTimerQueues              = 8
	DefaultTimerServers             = 1
	DefaultTimerConcurrency         = 500
	DefaultDelayedTaskCheckInterval = time.Second
	DefaultTaskCheckInterval        = 100 * time.Millisecond
	DefaultRetryDelay               = time.Second
	DefaultTimerMaxRetry            = 10000
	DefaultFireTimeout              = time.Minute
	DefaultTimerShutdownTimeout     = 5 * time.Second
)

func (o SchedulerOptions) withDefaults() SchedulerOptions {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	o.Prefix = prefixEscaper.Replace(o.Prefix)
	orDefault(&o.Queues, DefaultTimerQueues)
	orDefault(&o.Servers, DefaultTimerServers)
	orDefault(&o.Concurrency, DefaultTimerConcurrency)
	orDefault(&o.DelayedTaskCheckInterval, DefaultDelayedTaskCheckInterval)
	orDefault(&o.TaskCheckInterval, DefaultTaskCheckInterval)
	orDefault(&o.RetryDelay, DefaultRetryDelay)
	orDefault(&o.MaxRetry, DefaultTimerMaxRetry)
	orDefault(&o.FireTimeout, DefaultFireTimeout)
	orDefault(&o.ShutdownTimeout, DefaultTimerShutdownTimeout)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// orDefault sets *v to def when it is not positive.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// timerTaskType is the asynq task type of a timer.
const timerTaskType = "intervision:timer"

// NewScheduler returns a Scheduler on client. It does not connect.
func NewScheduler(client redis.UniversalClient, opts SchedulerOptions) *Scheduler {
	opts = opts.withDefaults()
	return &Scheduler{
		rdb:    client,
		opts:   opts,
		client: asynq.NewClientFromRedisClient(client),
		insp:   asynq.NewInspectorFromRedisClient(client),
		queues: TimerQueues(opts.Prefix, opts.Queues),
	}
}

// TimerQueues returns the asynq queue names of n timer queues under prefix: queue i
// hashes into the i-th of n equal shares of the cluster slots.
func TimerQueues(prefix string, n int) []string {
	out := make([]string, n)
	for i := range n {
		base := prefix + ":timers" + strconv.Itoa(i)
		for k := 0; ; k++ {
			name := base + "." + strconv.Itoa(k)
			if int(keySlot(name))*n/16384 == i {
				out[i] = name
				break
			}
		}
	}
	return out
}

// Queues returns the asynq queues the scheduler uses.
func (s *Scheduler) Queues() []string { return slices.Clone(s.queues) }

// queueFor is the queue of a timer id.
func (s *Scheduler) queueFor(id string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return s.queues[h.Sum32()%uint32(len(s.queues))]
}

// ErrSchedulerClosed is returned by Schedule after Close.
var ErrSchedulerClosed = errors.New("redisstore: scheduler closed")

// Schedule adds t unless a timer with its id is pending or fired within
// state.FiredMemory. It returns once Redis has the timer.
func (s *Scheduler) Schedule(ctx context.Context, t state.Timer) error {
	if s.closed.Load() {
		return ErrSchedulerClosed
	}
	if t.ID == "" {
		return errors.New("redisstore: timer without id")
	}
	_, err := s.client.EnqueueContext(ctx, asynq.NewTask(timerTaskType, encodeTimer(t)),
		asynq.Queue(s.queueFor(t.ID)),
		asynq.TaskID(t.ID),
		asynq.ProcessAt(t.Due),
		asynq.Retention(state.FiredMemory),
		asynq.MaxRetry(s.opts.MaxRetry),
		asynq.Timeout(s.opts.FireTimeout))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("redisstore: schedule timer %s: %w", t.ID, err)
	}
	return nil
}

// errStopping hands a timer that was waiting for its due time back to Redis when Run
// ends; it does not count as a failure.
var errStopping = errors.New("redisstore: scheduler stopping")

// Run fires due timers with fire until ctx ends, then waits up to
// SchedulerOptions.ShutdownTimeout for fires in flight and returns ctx.Err(). A fire
// that returns an error is retried after RetryDelay. Run may be called again after it
// returned, and by any number of replicas at once.
func (s *Scheduler) Run(ctx context.Context, fire state.FireFunc) error {
	if s.closed.Load() {
		return ErrSchedulerClosed
	}
	stop := make(chan struct{})
	handler := asynq.HandlerFunc(func(hctx context.Context, task *asynq.Task) error {
		id, _ := asynq.GetTaskID(hctx)
		t, err := decodeTimer(id, task.Payload())
		if err != nil {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		// asynq keeps due times in whole seconds: wait for the rest of the second.
		if d := time.Until(t.Due); d > 0 {
			w := time.NewTimer(d)
			select {
			case <-w.C:
			case <-stop:
				w.Stop()
				return errStopping
			case <-hctx.Done():
				w.Stop()
				return hctx.Err()
			}
		}
		return fire(hctx, t)
	})
	// One asynq server takes one task off Redis per round trip: several servers, each
	// on its share of the queues, take several at once.
	n := min(s.opts.Servers, len(s.queues))
	servers := make([]*asynq.Server, 0, n)
	for i := range n {
		var qs []string
		for k := i; k < len(s.queues); k += n {
			qs = append(qs, s.queues[k])
		}
		srv := s.newServer(qs)
		if err := srv.Start(handler); err != nil {
			for _, started := range servers {
				started.Shutdown()
			}
			return fmt.Errorf("redisstore: start timer server: %w", err)
		}
		servers = append(servers, srv)
	}
	<-ctx.Done()
	close(stop)
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(srv.Shutdown)
	}
	wg.Wait()
	return ctx.Err()
}

// newServer returns an asynq server on queues.
func (s *Scheduler) newServer(queues []string) *asynq.Server {
	weights := make(map[string]int, len(queues))
	for _, q := range queues {
		weights[q] = 1
	}
	retry := s.opts.RetryDelay
	return asynq.NewServerFromRedisClient(s.rdb, asynq.Config{
		Concurrency:              s.opts.Concurrency,
		Queues:                   weights,
		DelayedTaskCheckInterval: s.opts.DelayedTaskCheckInterval,
		TaskCheckInterval:        s.opts.TaskCheckInterval,
		ShutdownTimeout:          s.opts.ShutdownTimeout,
		RetryDelayFunc: func(n int, err error, _ *asynq.Task) time.Duration {
			switch {
			case errors.Is(err, errStopping):
				return 0
			case n < 10:
				return retry
			default:
				return max(retry, 30*time.Second)
			}
		},
		IsFailure: func(err error) bool { return !errors.Is(err, errStopping) },
		Logger:    slogAdapter{s.opts.Logger},
		LogLevel:  asynq.WarnLevel,
	})
}

// Close stops Schedule and Run from starting anew. It does not close the shared
// client (the caller owns it); a Run in progress ends with its context.
func (s *Scheduler) Close() error {
	s.closed.Store(true)
	return nil
}

// TimerStats describes the timers not fired yet, for an operator.
type TimerStats struct {
	// Scheduled timers are not due yet.
	Scheduled int
	// Pending timers are due and wait for a replica; Active ones are being fired;
	// Retry ones failed and wait to be fired again.
	Pending, Active, Retry int
	// Archived timers failed MaxRetry times; they stay until an operator acts.
	Archived int
	// Fired is how many fired timers are remembered (state.FiredMemory).
	Fired int
	// OldestDue is the earliest due time among pending, retry and scheduled timers
	// (zero when there are none); long past means no replica runs.
	OldestDue time.Time
}

// Unfired is the number of timers waiting to fire (all but archived and fired).
func (st TimerStats) Unfired() int { return st.Scheduled + st.Pending + st.Active + st.Retry }

// Pending reports the timers not fired yet over all the scheduler's queues.
func (s *Scheduler) Pending(ctx context.Context) (TimerStats, error) {
	var st TimerStats
	known, err := s.insp.Queues()
	if err != nil {
		return st, fmt.Errorf("redisstore: list timer queues: %w", err)
	}
	oldest := func(tasks []*asynq.TaskInfo) {
		for _, ti := range tasks {
			t, err := decodeTimer(ti.ID, ti.Payload)
			if err == nil && (st.OldestDue.IsZero() || t.Due.Before(st.OldestDue)) {
				st.OldestDue = t.Due
			}
		}
	}
	for _, q := range s.queues {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if !slices.Contains(known, q) {
			continue
		}
		info, err := s.insp.GetQueueInfo(q)
		if err != nil {
			return st, fmt.Errorf("redisstore: timer queue %s: %w", q, err)
		}
		st.Scheduled += info.Scheduled
		st.Pending += info.Pending
		st.Active += info.Active
		st.Retry += info.Retry
		st.Archived += info.Archived
		st.Fired += info.Completed
		if info.Pending > 0 {
			ts, err := s.insp.ListPendingTasks(q, asynq.PageSize(100))
			if err != nil {
				return st, err
			}
			oldest(ts)
		}
		if info.Retry > 0 {
			ts, err := s.insp.ListRetryTasks(q, asynq.PageSize(1))
			if err != nil {
				return st, err
			}
			oldest(ts)
		}
		if info.Scheduled > 0 {
			ts, err := s.insp.ListScheduledTasks(q, asynq.PageSize(1))
			if err != nil {
				return st, err
			}
			oldest(ts)
		}
	}
	return st, nil
}

// Task payload: version byte 1, due time in Unix nanoseconds (8 bytes, big endian),
// then the timer's payload.
const timerEncoding = 1

func encodeTimer(t state.Timer) []byte {
	b := make([]byte, 9, 9+len(t.Payload))
	b[0] = timerEncoding
	binary.BigEndian.PutUint64(b[1:], uint64(t.Due.UnixNano()))
	return append(b, t.Payload...)
}

func decodeTimer(id string, b []byte) (state.Timer, error) {
	if len(b) < 9 || b[0] != timerEncoding {
		return state.Timer{}, fmt.Errorf("redisstore: timer %s: malformed task payload", id)
	}
	t := state.Timer{ID: id, Due: time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9])))}
	if len(b) > 9 {
		t.Payload = slices.Clone(b[9:])
	}
	return t, nil
}

// keySlot is the Redis Cluster slot of a key without hash tag: CRC16 (XMODEM) mod 16384.
func keySlot(key string) uint16 {
	var crc uint16
	for i := 0; i < len(key); i++ {
		crc ^= uint16(key[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc % 16384
}

// slogAdapter is asynq's Logger on slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Debug(args ...any) { a.l.Debug("asynq: " + fmt.Sprint(args...)) }
func (a slogAdapter) Info(args ...any)  { a.l.Info("asynq: " + fmt.Sprint(args...)) }
func (a slogAdapter) Warn(args ...any)  { a.l.Warn("asynq: " + fmt.Sprint(args...)) }
func (a slogAdapter) Error(args ...any) { a.l.Error("asynq: " + fmt.Sprint(args...)) }
func (a slogAdapter) Fatal(args ...any) { a.l.Error("asynq (fatal): " + fmt.Sprint(args...)) }

var _ state.Scheduler = (*Scheduler)(nil)
