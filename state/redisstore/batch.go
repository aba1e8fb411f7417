package redisstore

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Natural batching ("auto-pipelining") of update commands. Update hands its EVALSHAs
// to the batcher (the commit, and before it the user index commands it needs) and
// waits for each reply. A dispatcher goroutine takes every request
// queued at that moment (at most BatchSize), sends them as one pipeline and hands each
// caller its own reply; while it waits for Redis, new requests queue up and go out
// together in the next pipeline. Nothing ever waits for a batch to fill: a request that
// finds no idle dispatcher starts one at once (up to BatchConns of them), so a lone
// request goes out alone immediately, and under load the pipelines grow by themselves.
// There are no timers (only deadlines: see send).
//
// Every request is still exactly one EVALSHA with its own reply; only the write and
// read system calls are shared. A pipeline does not fall back from EVALSHA to EVAL
// as Script.Run does, so a request that meets NOSCRIPT (a restarted or flushed
// server) is handed back to its caller, which loads the script and runs the command
// on its own.

// DefaultBatchSize is the most update commands one pipeline carries when
// Options.BatchSize is 0.
const DefaultBatchSize = 64

// DefaultBatchConns is how many pipelines may be in flight at once when
// Options.BatchConns is 0.
const DefaultBatchConns = 2

type updateReq struct {
	ctx    context.Context
	script *redis.Script
	keys   []string
	args   []any
	cmd    []any          // instead of script, keys and args: the whole EVALSHA
	done   chan updateRes // buffered: the dispatcher never blocks on a caller that left
}

type updateRes struct {
	val      any // the script's reply
	err      error
	noScript bool
}

type batcher struct {
	rdb     redis.UniversalClient
	max     int // requests per pipeline
	conns   int // dispatchers at most
	onFlush func(n int)

	mu      sync.Mutex
	queue   []*updateReq
	running int // dispatchers alive
	idle    int // dispatchers about to take from the queue (not waiting for Redis)
}

func newBatcher(rdb redis.UniversalClient, max, conns int, onFlush func(int)) *batcher {
	return &batcher{rdb: rdb, max: max, conns: conns, onFlush: onFlush}
}

// do queues one EVALSHA of script and waits for its reply or the end of ctx. When ctx
// ends first the command may still be sent or still be waiting in a stalled Redis; a
// commit carries the caller's deadline, and updateScript refuses to commit after it.
func (b *batcher) do(ctx context.Context, script *redis.Script, keys []string, args []any) updateRes {
	r := newReq()
	r.ctx, r.script, r.keys, r.args = ctx, script, keys, args
	return b.queue1(r)
}

// doCmd is do with the whole EVALSHA of script built by the caller (cmd: "evalsha",
// the hash, the key count, the keys, the arguments).
func (b *batcher) doCmd(ctx context.Context, script *redis.Script, keys []string, cmd []any) updateRes {
	r := newReq()
	r.ctx, r.script, r.keys, r.cmd = ctx, script, keys, cmd
	return b.queue1(r)
}

// reqs are requests whose reply was taken, for reuse (a request and its channel are
// two allocations a step).
var reqs = sync.Pool{New: func() any { return &updateReq{done: make(chan updateRes, 1)} }}

func newReq() *updateReq { return reqs.Get().(*updateReq) }

// queue1 queues r and waits for its reply or the end of its context. Once its reply
// is taken, r goes back to reqs; a request whose caller left is not reused (its
// reply may still come).
func (b *batcher) queue1(r *updateReq) updateRes {
	ctx := r.ctx
	b.mu.Lock()
	b.queue = append(b.queue, r)
	start := b.idle == 0 && b.running < b.conns
	if start {
		b.running++
		b.idle++
	}
	b.mu.Unlock()
	if start {
		go b.dispatch()
	}
	select {
	case res := <-r.done:
		*r = updateReq{done: r.done}
		reqs.Put(r)
		return res
	case <-ctx.Done():
		return updateRes{err: ctx.Err()}
	}
}

// dispatch sends queued requests as pipelines until the queue is empty.
func (b *batcher) dispatch() {
	var batch []*updateReq
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running--
			b.idle--
			b.mu.Unlock()
			return
		}
		n := min(len(b.queue), b.max)
		batch = append(batch[:0], b.queue[:n]...)
		rest := copy(b.queue, b.queue[n:])
		clear(b.queue[rest:])
		b.queue = b.queue[:rest]
		b.idle--
		b.mu.Unlock()

		b.send(batch)
		clear(batch)

		b.mu.Lock()
		b.idle++
		b.mu.Unlock()
	}
}

// send runs one pipeline of the live requests in batch and delivers every reply.
func (b *batcher) send(batch []*updateReq) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- updateRes{err: err} // its caller has left or is leaving
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	b.onFlush(len(live))
	// The pipeline serves many callers, so it runs on a context of none of them: a
	// caller whose context ends stops waiting (see do); the others still get replies.
	// It ends at the latest of their deadlines, so that a stalled Redis does not hold
	// a dispatcher (and the requests queued behind it) longer than any caller waits.
	ctx, cancel := context.WithDeadline(context.Background(), latestDeadline(live))
	defer cancel()
	cmds := make([]*redis.Cmd, len(live))
	pipeErr := func() error {
		_, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, r := range live {
				if r.cmd == nil {
					cmds[i] = r.script.EvalSha(ctx, p, r.keys, r.args...)
					continue
				}
				c := redis.NewCmd(ctx, r.cmd...)
				c.SetFirstKeyPos(3)
				_ = p.Process(ctx, c)
				cmds[i] = c
			}
			return nil
		})
		return err
	}()
	for i, r := range live {
		val, err := cmds[i].Result()
		if err == nil && val == nil && pipeErr != nil {
			err = pipeErr
		}
		r.done <- updateRes{val: val, err: err, noScript: err != nil && redis.HasErrorPrefix(err, "NOSCRIPT")}
	}
}

// latestDeadline is the latest deadline of the requests in batch; a request without
// one counts as DefaultUpdateTimeout from now.
func latestDeadline(batch []*updateReq) time.Time {
	var latest time.Time
	for _, r := range batch {
		d, ok := r.ctx.Deadline()
		if !ok {
			d = time.Now().Add(DefaultUpdateTimeout)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return latest
}
