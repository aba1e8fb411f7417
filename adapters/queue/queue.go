// Package queue runs an adapter's event handling on a bounded set of workers, in order
// per conversation: jobs with the same key run one after another in the order they
// were submitted, so a session's turns are applied in the order the platform delivered
// them, while different conversations run in parallel.
package queue

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Queue is a keyed, ordered job queue. The zero value is not usable; use New.
type Queue struct {
	sem      chan struct{}
	maxQueue int
	log      *slog.Logger

	mu     sync.Mutex
	queues map[string][]func()
	queued int
	drops  int
	// active counts the drain goroutines; idle is closed while it is zero. (Not a
	// WaitGroup: jobs may be submitted while Drain waits, as timer deliveries are
	// during a shutdown.)
	active int
	idle   chan struct{}
	// holds counts Hold calls not yet released; held are the jobs Submit kept back
	// meanwhile, in submission order.
	holds int
	held  []heldJob
}

// heldJob is a job Submit kept back while the queue was held.
type heldJob struct {
	key string
	job func()
}

// New returns a Queue that runs at most workers jobs at once and holds at most
// maxQueue waiting jobs.
func New(workers, maxQueue int, log *slog.Logger) *Queue {
	idle := make(chan struct{})
	close(idle)
	return &Queue{sem: make(chan struct{}, workers), maxQueue: maxQueue, log: log, queues: map[string][]func(){}, idle: idle}
}

// Submit queues job under key. It never blocks; when too many jobs wait it drops the
// job and reports false (the user sees nothing, which beats running out of memory).
func (q *Queue) Submit(key string, job func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queued >= q.maxQueue {
		q.log.Warn("too many queued events, dropping one")
		q.drops++
		return false
	}
	q.queued++
	if q.holds > 0 {
		q.held = append(q.held, heldJob{key, job})
		return true
	}
	q.enqueueLocked(key, job)
	return true
}

// enqueueLocked appends job to key's queue and starts its drain if none runs (q.mu
// held; the job is counted in queued already).
func (q *Queue) enqueueLocked(key string, job func()) {
	jobs, running := q.queues[key]
	q.queues[key] = append(jobs, job)
	if !running {
		q.startLocked()
		go q.drain(key)
	}
}

// startLocked counts one more busy goroutine (a drain, or a hold).
func (q *Queue) startLocked() {
	if q.active == 0 {
		q.idle = make(chan struct{})
	}
	q.active++
}

// Job is a job for Release: Run runs in Key's order.
type Job struct {
	Key string
	Run func()
}

// Hold keeps the jobs submitted from now on back, in order, until the returned release
// is called: an adapter that reconnected holds its intake while it finds out what it
// missed. release queues first (the catch-up jobs, each under its key) ahead of every
// job held meanwhile, then the held jobs in the order they were submitted; jobs queued
// before Hold run as usual. Holds nest: held jobs start when the last one is released.
// Drain waits for a hold as for a running job. Calling release twice does nothing more.
func (q *Queue) Hold() (release func(first []Job)) {
	q.mu.Lock()
	q.holds++
	q.startLocked()
	q.mu.Unlock()
	var once sync.Once
	return func(first []Job) { once.Do(func() { q.release(first) }) }
}

func (q *Queue) release(first []Job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, j := range first {
		q.queued++
		q.enqueueLocked(j.Key, j.Run)
	}
	q.holds--
	if q.holds == 0 {
		for _, h := range q.held {
			q.enqueueLocked(h.key, h.job)
		}
		q.held = nil
	}
	q.doneLocked()
}

// drain runs the jobs of key until its queue is empty. A key is in q.queues exactly
// while one drain goroutine owns it.
func (q *Queue) drain(key string) {
	defer q.done()
	q.sem <- struct{}{}
	defer func() { <-q.sem }()
	for {
		q.mu.Lock()
		jobs := q.queues[key]
		if len(jobs) == 0 {
			delete(q.queues, key)
			q.mu.Unlock()
			return
		}
		job := jobs[0]
		jobs[0] = nil
		q.queues[key] = jobs[1:]
		q.queued--
		q.mu.Unlock()
		job()
	}
}

// Len is how many jobs wait (not counting those running), for metrics.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued
}

// Drops is how many jobs Submit dropped since New, for metrics.
func (q *Queue) Drops() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.drops
}

// done ends a drain goroutine.
func (q *Queue) done() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.doneLocked()
}

// doneLocked ends a busy goroutine or a hold (q.mu held).
func (q *Queue) doneLocked() {
	q.active--
	if q.active == 0 {
		close(q.idle)
	}
}

// Drain blocks until every job submitted so far has run, and the jobs submitted while
// it waits too, or until ctx ends; then it reports how many were left. The queue keeps
// accepting jobs: an adapter stops its intake first (it stops reading or acknowledging
// events), then drains, so what still arrives comes from work already accepted (a
// reply handed back, a timer's delivery).
func (q *Queue) Drain(ctx context.Context) error {
	for {
		q.mu.Lock()
		idle, active, queued := q.idle, q.active, q.queued
		q.mu.Unlock()
		if active == 0 {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("queue: %d conversations still busy, %d jobs not started: %w", active, queued, ctx.Err())
		}
	}
}

// Wait blocks until every queued job ran, or timeout passed.
func (q *Queue) Wait(timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := q.Drain(ctx); err != nil {
		q.log.Warn("stopped with events still being handled", "err", err)
	}
}

// DrainTimeout is how long an adapter waits, once its intake stopped, for the events
// it accepted, unless configured otherwise (INTERVISION_SHUTDOWN_TIMEOUT).
const DrainTimeout = 20 * time.Second

// JobTimeout bounds one job. Jobs do not stop with the adapter's Run context, so a
// reply being posted at shutdown is not cut in half.
const JobTimeout = 60 * time.Second

// JobContext is the context a job runs under.
func JobContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), JobTimeout)
}
