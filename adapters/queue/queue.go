// Package queue runs an adapter's event handling on a bounded set of workers, in order
// per conversation: jobs with the same key run one after another in the order they
// were submitted, so a session's turns are applied in the order the platform delivered
// them, while different conversations run in parallel.
package queue

import (
	"context"
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
	wg     sync.WaitGroup
}

// New returns a Queue that runs at most workers jobs at once and holds at most
// maxQueue waiting jobs.
func New(workers, maxQueue int, log *slog.Logger) *Queue {
	return &Queue{sem: make(chan struct{}, workers), maxQueue: maxQueue, log: log, queues: map[string][]func(){}}
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
	jobs, running := q.queues[key]
	q.queues[key] = append(jobs, job)
	q.queued++
	if !running {
		q.wg.Add(1)
		go q.drain(key)
	}
	return true
}

// drain runs the jobs of key until its queue is empty. A key is in q.queues exactly
// while one drain goroutine owns it.
func (q *Queue) drain(key string) {
	defer q.wg.Done()
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

// Wait blocks until every queued job ran, or timeout passed.
func (q *Queue) Wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		q.log.Warn("stopped with events still being handled")
	}
}

// JobTimeout bounds one job. Jobs do not stop with the adapter's Run context, so a
// reply being posted at shutdown is not cut in half.
const JobTimeout = 60 * time.Second

// JobContext is the context a job runs under.
func JobContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), JobTimeout)
}
