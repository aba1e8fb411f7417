package slack

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// dispatcher runs jobs on a bounded set of workers. Jobs with the same key (one
// conversation) run one after another in the order they were submitted, so a
// session's turns are applied in the order Slack delivered them; different
// conversations run in parallel.
type dispatcher struct {
	sem      chan struct{}
	maxQueue int
	log      *slog.Logger

	mu     sync.Mutex
	queues map[string][]func()
	queued int
	wg     sync.WaitGroup
}

func newDispatcher(workers, maxQueue int, log *slog.Logger) *dispatcher {
	return &dispatcher{sem: make(chan struct{}, workers), maxQueue: maxQueue, log: log, queues: map[string][]func(){}}
}

// submit queues job under key. It never blocks; when too many jobs wait it drops the
// job and reports false (Slack will show the user nothing, which beats running out of
// memory).
func (d *dispatcher) submit(key string, job func()) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.queued >= d.maxQueue {
		d.log.Warn("slack: too many queued events, dropping one")
		return false
	}
	q, running := d.queues[key]
	d.queues[key] = append(q, job)
	d.queued++
	if !running {
		d.wg.Add(1)
		go d.drain(key)
	}
	return true
}

// drain runs the jobs of key until its queue is empty. A key is in d.queues exactly
// while one drain goroutine owns it.
func (d *dispatcher) drain(key string) {
	defer d.wg.Done()
	d.sem <- struct{}{}
	defer func() { <-d.sem }()
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		job := q[0]
		q[0] = nil
		d.queues[key] = q[1:]
		d.queued--
		d.mu.Unlock()
		job()
	}
}

// wait blocks until every queued job ran, or timeout passed.
func (d *dispatcher) wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		d.log.Warn("slack: stopped with events still being handled")
	}
}

// jobTimeout bounds one job. Jobs do not stop with the Run context, so a reply being
// posted at shutdown is not cut in half.
const jobTimeout = 60 * time.Second

func jobContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), jobTimeout)
}
