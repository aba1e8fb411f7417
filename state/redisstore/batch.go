package redisstore

import (
	"context"
	"fmt"
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
// Every request gets its own reply. Commits (updateScript's EVALSHAs) that share a
// pipeline on a single server (not a cluster or a ring) go out as one EVALSHA of batchScript,
// which runs updateScript's step for each of them in turn and replies with each
// step's reply (see combine); other requests are an EVALSHA each. A pipeline does
// not fall back from EVALSHA to EVAL as Script.Run does, so a request that meets
// NOSCRIPT (a restarted or flushed server) is handed back to its caller, which loads
// the script and runs the command on its own.

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
	step   bool           // cmd is a commit that batchScript may run with others
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
	combine bool // commits that share a pipeline go out as one batchScript

	mu      sync.Mutex
	queue   []*updateReq
	running int // dispatchers alive
	idle    int // dispatchers about to take from the queue (not waiting for Redis)
}

// newBatcher returns a batcher on rdb; combine lets commits that share a pipeline go
// out as one batchScript (only on a single server: a cluster or a ring would send it
// whole to its first key's node).
func newBatcher(rdb redis.UniversalClient, max, conns int, combine bool, onFlush func(int)) *batcher {
	return &batcher{rdb: rdb, max: max, conns: conns, combine: combine, onFlush: onFlush}
}

// do queues one EVALSHA of script and waits for its reply or the end of ctx. When ctx
// ends first the command may still be sent or still be waiting in a stalled Redis; a
// commit carries the caller's deadline, and updateScript refuses to commit after it.
func (b *batcher) do(ctx context.Context, script *redis.Script, keys []string, args []any) updateRes {
	r := newReq()
	r.ctx, r.script, r.keys, r.args = ctx, script, keys, args
	return b.queue1(r)
}

// doStep is do for a commit: cmd is the whole EVALSHA of updateScript ("evalsha", the
// hash, the key count, the keys, the arguments); combinable says that it may run in
// a batchScript with others (see batchScript).
func (b *batcher) doStep(ctx context.Context, keys []string, cmd []any, combinable bool) updateRes {
	r := newReq()
	r.ctx, r.script, r.keys, r.cmd = ctx, updateScript, keys, cmd
	r.step = b.combine && combinable && len(cmd) <= maxStepArgs
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

// dropLeft hands each request in batch whose caller has left (or is leaving) its
// context's error and returns the others, in batch's array.
func dropLeft(batch []*updateReq) []*updateReq {
	out := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- updateRes{err: err}
			continue
		}
		out = append(out, r)
	}
	return out
}

// send runs one pipeline of the live requests in batch and delivers every reply.
func (b *batcher) send(batch []*updateReq) {
	live := dropLeft(batch)
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
	steps, rest := b.split(live)
	var stepsCmd *redis.Cmd
	cmds := make([]*redis.Cmd, len(rest))
	pipeErr := func() error {
		_, err := b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			if len(steps) > 0 {
				// First: go-redis retries a pipeline, and drops its connection on
				// READONLY, by the error of its first command (see batchScript).
				stepsCmd = redis.NewCmd(ctx, combine(steps)...)
				_ = p.Process(ctx, stepsCmd)
			}
			for i, r := range rest {
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
	for i, r := range rest {
		val, err := result(cmds[i], pipeErr)
		r.done <- updateRes{val: val, err: err, noScript: isNoScript(err)}
	}
	if stepsCmd != nil {
		b.deliverSteps(ctx, steps, stepsCmd, pipeErr)
	}
}

func isNoScript(err error) bool { return err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") }

// result is c's reply in a pipeline that failed with pipeErr (nil: it did not): a
// command without a reply of its own gets the pipeline's error.
func result(c *redis.Cmd, pipeErr error) (any, error) {
	val, err := c.Result()
	if err == nil && val == nil && pipeErr != nil {
		err = pipeErr
	}
	return val, err
}

// split parts live into the commits that go out as one batchScript (none when fewer
// than two may) and the requests that go out on their own.
func (b *batcher) split(live []*updateReq) (steps, rest []*updateReq) {
	n := 0
	for _, r := range live {
		if r.step {
			n++
		}
	}
	if n < 2 {
		return nil, live
	}
	steps = make([]*updateReq, 0, n)
	rest = make([]*updateReq, 0, len(live)-n)
	for _, r := range live {
		if r.step {
			steps = append(steps, r)
		} else {
			rest = append(rest, r)
		}
	}
	return steps, rest
}

// deliverSteps hands each commit in steps its own reply from batchScript's (c). When
// c failed as a whole, every commit gets its error. A NOSCRIPT (nothing ran) loads
// batchScript and sends the commits of callers who have not left once more, as one
// EVALSHA; only when that meets NOSCRIPT again is each commit sent back to its caller,
// which runs it on its own with updateScript.
func (b *batcher) deliverSteps(ctx context.Context, steps []*updateReq, c *redis.Cmd, pipeErr error) {
	val, err := result(c, pipeErr)
	if isNoScript(err) {
		_ = batchScript.Load(ctx, b.rdb).Err()
		steps = dropLeft(steps) // as in send: nothing is sent for a caller who left
		if len(steps) == 0 {
			return
		}
		c = redis.NewCmd(ctx, combine(steps)...)
		_, pipeErr = b.rdb.Pipelined(ctx, func(p redis.Pipeliner) error { return p.Process(ctx, c) })
		val, err = result(c, pipeErr)
	}
	replies, ok := val.([]any)
	if err == nil && (!ok || len(replies) != len(steps)) {
		err = fmt.Errorf("redisstore: batch script replied %T for %d steps", val, len(steps))
	}
	if err != nil {
		noScript := isNoScript(err)
		for _, r := range steps {
			r.done <- updateRes{err: err, noScript: noScript}
		}
		return
	}
	for i, r := range steps {
		r.done <- stepReply(replies[i])
	}
}

// stepReply is one step's reply in batchScript's: updateScript's reply, or {6,
// message} for a step that failed with an error.
func stepReply(v any) updateRes {
	if res, ok := v.([]any); ok && len(res) == 2 {
		if code, _ := res[0].(int64); code == replyFailed {
			msg, _ := res[1].(string)
			return updateRes{err: stepError(msg)}
		}
	}
	return updateRes{val: v}
}

// stepError is the error one step met in batchScript (redis.call raised it): a
// redis.Error, as it would be from updateScript on its own.
type stepError string

func (e stepError) Error() string { return string(e) }

// RedisError marks stepError as an error Redis replied (redis.Error).
func (stepError) RedisError() {}

// maxStepArgs bounds the length of a commit that batchScript runs with others (its
// EVALSHA's parts): a longer commit (a rewrite of a long log) goes out on its own, so
// that the steps sharing a script, whose replies all wait for its end, wait for no
// long one.
const maxStepArgs = 256

// combine builds batchScript's EVALSHA for steps: their keys in turn, then ARGV:
// the number of steps, each step's key count, each step's ARGV count, then their
// ARGV in turn.
func combine(steps []*updateReq) []any {
	nk, na := 0, 0
	for _, r := range steps {
		nk += len(r.keys)
		na += len(r.cmd) - 3 - len(r.keys)
	}
	cmd := make([]any, 0, 4+nk+2*len(steps)+na)
	cmd = append(cmd, "evalsha", batchSHA, nk)
	for _, r := range steps {
		cmd = append(cmd, r.cmd[3:3+len(r.keys)]...)
	}
	cmd = append(cmd, len(steps))
	for _, r := range steps {
		cmd = append(cmd, len(r.keys))
	}
	for _, r := range steps {
		cmd = append(cmd, len(r.cmd)-3-len(r.keys))
	}
	for _, r := range steps {
		cmd = append(cmd, r.cmd[3+len(r.keys):]...)
	}
	return cmd
}

// batchScript runs updateScript's step for several commits in one EVALSHA (see
// combine for its KEYS and ARGV), each with a TIME of its own (its deadline is checked
// when it runs, as on its own), and replies with each step's reply in turn. A step
// that raises an error (a redis.call that failed: OOM, a wrong type; or Lua's own, given
// the code ERR) replies {6, message} and the others still run, so that each caller
// learns what became of its own commit, as with an EVALSHA of its own; like
// updateScript on its own, a failed step may have written part of its commit before
// the error. READONLY (a replica, after a failover behind one address) fails the whole
// command instead: no step can have written, and go-redis must see it to drop the
// connection.
//
// Only commits that write a head share a batchScript: their first write is a SET,
// which Redis refuses while over maxmemory. Redis decides whether it is out of memory
// once per EVALSHA and, for a script without flags, refuses a write that may grow
// memory only until the script's first write; so while out of memory every step of a
// batch is refused at its SET, as it would be on its own, and a step whose first
// write is a DEL or an expiry (ops d and t) must not go first and let the others
// write. A batch that starts below maxmemory runs whole (the memory it adds is at most
// the batch's own).
var batchScript = redis.NewScript(updatePrelude + updateStep + `
local n = tonumber(ARGV[1])
local out, ko, ao = {}, 0, 1 + 2 * n
for i = 1, n do
  local kc, ac = tonumber(ARGV[1 + i]), tonumber(ARGV[1 + n + i])
  local ok, res = pcall(step, KEYS, ko, kc, ARGV, ao, ac, redis.call('TIME'))
  if not ok then
    if type(res) == 'table' and res.err then res = res.err end
    res = tostring(res)
    -- On a read-only replica nothing can have been written: the whole command fails,
    -- so that the client sees READONLY (go-redis then drops the connection).
    if string.sub(res, 1, 9) == 'READONLY ' then return redis.error_reply(res) end
    if not string.find(res, '^%u+ ') then res = 'ERR ' .. res end
    res = {6, res}
  end
  out[i] = res
  ko, ao = ko + kc, ao + ac
end
return out
`)

// batchSHA is batchScript's hash as a command argument.
var batchSHA any = batchScript.Hash()

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
