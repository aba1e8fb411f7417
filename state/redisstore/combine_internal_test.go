package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redistest"
)

// pipeSizes counts the commands of every pipeline of scripts a client sends; with a
// gate, the first such pipeline waits until the gate is closed.
type pipeSizes struct {
	mu    sync.Mutex
	sizes []int
	gate  chan struct{}
	first sync.Once
}

func (h *pipeSizes) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *pipeSizes) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *pipeSizes) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if n := cmds[0].Name(); n == "evalsha" || n == "eval" {
			h.mu.Lock()
			h.sizes = append(h.sizes, len(cmds))
			gate := h.gate
			h.mu.Unlock()
			if gate != nil {
				h.first.Do(func() { <-gate })
			}
		}
		return next(ctx, cmds)
	}
}

// stepReq is the batcher's request for a commit that writes data (appending one
// entry) to k as event, as Update builds it, with the deadline the commit carries.
func stepReq(s *Store, k state.Key, event, version string, deadline time.Time) *updateReq {
	convKeys := s.updateKeys(k, "")
	boxed := make([]any, len(convKeys))
	for i, key := range convKeys {
		boxed[i] = key
	}
	keys, keyArgs, field := s.eventKeys(convKeys, boxed, event)
	c := commit{keys: keys, keyArgs: keyArgs, field: field, version: version, ttl: s.opts.Retention,
		token: newVersion(), deadline: deadline}
	c.set(state.Record{Version: version}, state.Change{Data: []byte("head"), Append: [][]byte{[]byte(event)}})
	cmd := append([]any{"evalsha", updateSHA, len(keyArgs)}, keyArgs...)
	r := newReq()
	r.ctx, r.script, r.keys, r.cmd, r.step = context.Background(), updateScript, keys, c.appendArgs(s, cmd), true
	return r
}

// sendSteps sends reqs as one pipeline and returns each one's reply.
func sendSteps(s *Store, reqs ...*updateReq) []updateRes {
	s.batch.send(reqs)
	res := make([]updateRes, len(reqs))
	for i, r := range reqs {
		res[i] = <-r.done
	}
	return res
}

// testKey is a conversation of the tests here, named by its channel.
func testKey(ch string) state.Key {
	return state.Key{Platform: "slack", Workspace: "T1", Channel: ch, Thread: "1"}
}

// startStore starts a redis-server and returns a client on it (with hooks, if any)
// and a Store with opts on that client.
func startStore(t *testing.T, opts Options, hooks ...redis.Hook) (*redis.Client, *Store) {
	t.Helper()
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr})
	for _, h := range hooks {
		c.AddHook(h)
	}
	return c, New(c, opts)
}

// TestBatchScriptSteps sends seven commits as one batchScript, each as Update would,
// and checks that each gets the reply its own EVALSHA would give: a new record
// commits, a commit past its deadline is refused and writes nothing, a seen event id
// gives its token, a stale version gives the current record, a step whose redis.call
// fails gives that error (a redis.Error), a Lua error gives ERR, and the step after
// them still commits. The
// first round meets NOSCRIPT on a fresh server, the second after SCRIPT FLUSH: the
// batcher loads batchScript and sends the steps again as one command.
func TestBatchScriptSteps(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr})
	h := &pipeSizes{}
	c.AddHook(h)
	ctx := context.Background()
	for round := range 2 {
		s, key := New(c, Options{Prefix: "cmb" + string(rune('a'+round))}), testKey
		if err := s.Update(ctx, key("dup"), "e1", write("one")); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, key("stale"), "s1", write("cur")); err != nil {
			t.Fatal(err)
		}
		if err := c.RPush(ctx, s.recordKey(key("bad")), "x").Err(); err != nil {
			t.Fatal(err)
		}
		// An ids' field that the script reads as a number, and is not one: a Lua error.
		if err := c.HSet(ctx, s.eventsKey(key("lua")), "", "x").Err(); err != nil {
			t.Fatal(err)
		}
		if round == 1 {
			if err := c.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		h.mu.Lock()
		h.sizes = nil
		h.mu.Unlock()

		soon := time.Now().Add(time.Minute)
		reqs := []*updateReq{
			stepReq(s, key("new"), "n1", "", soon),
			stepReq(s, key("late"), "l1", "", time.Now().Add(-time.Second)),
			stepReq(s, key("dup"), "e1", "", soon),
			stepReq(s, key("stale"), "s2", "0000000000000000", soon),
			stepReq(s, key("bad"), "b1", "", soon),
			stepReq(s, key("lua"), "u1", "", soon),
			stepReq(s, key("after"), "a1", "", soon),
		}
		res := sendSteps(s, reqs...)
		h.mu.Lock()
		sizes := h.sizes
		h.mu.Unlock()
		code := func(i int) int64 {
			t.Helper()
			if res[i].err != nil {
				t.Fatalf("round %d step %d: %v", round, i, res[i].err)
			}
			u, err := parseReply(res[i].val.([]any))
			if err != nil {
				t.Fatalf("round %d step %d: %v", round, i, err)
			}
			return u.code
		}
		for i, want := range map[int]int64{0: replyCommitted, 1: replyLate, 2: replySeen, 3: replyCurrent, 6: replyCommitted} {
			if got := code(i); got != want {
				t.Errorf("round %d step %d: reply %d, want %d", round, i, got, want)
			}
		}
		var rerr redis.Error
		if err := res[4].err; !errors.As(err, &rerr) || !redis.HasErrorPrefix(err, "WRONGTYPE") {
			t.Errorf("round %d: the step on a list: %v, want WRONGTYPE as a redis.Error", round, err)
		}
		if err := res[5].err; !errors.As(err, &rerr) || !strings.HasPrefix(err.Error(), "ERR ") {
			t.Errorf("round %d: the step with a Lua error: %v, want ERR as a redis.Error", round, err)
		}
		if n := c.Exists(ctx, s.recordKey(key("late")), s.logKey(key("late")), s.eventsKey(key("late"))).Val(); n != 0 {
			t.Errorf("round %d: the step past its deadline left %d keys", round, n)
		}
		for _, ch := range []string{"new", "after"} {
			if got, err := s.load(ctx, key(ch)); err != nil || len(got.Log) != 1 {
				t.Errorf("round %d: %s: %+v, %v; want the step's record", round, ch, got, err)
			}
		}
		// NOSCRIPT, then the steps again after the load: one command each time.
		if len(sizes) != 2 || sizes[0] != 1 || sizes[1] != 1 {
			t.Errorf("round %d: pipelines of %v commands, want [1 1]", round, sizes)
		}
	}
}

func write(data string) state.UpdateFunc {
	return func([]byte) (state.Change, error) { return state.Change{Data: []byte(data)}, nil }
}

// TestBatchScriptOOM: while Redis is over maxmemory (noeviction) every step of a
// batchScript is refused with OOM and writes nothing, as each would on its own; the
// same steps commit once memory is free again.
func TestBatchScriptOOM(t *testing.T) {
	c, s := startStore(t, Options{Prefix: "oom"})
	ctx, key := context.Background(), testKey
	send := func(chs ...string) []updateRes {
		var reqs []*updateReq
		for _, ch := range chs {
			reqs = append(reqs, stepReq(s, key(ch), ch+"-e", "", time.Now().Add(time.Minute)))
		}
		return sendSteps(s, reqs...)
	}
	for _, r := range send("warm1", "warm2") { // loads batchScript
		if r.err != nil {
			t.Fatal(r.err)
		}
	}
	if err := c.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigSet(ctx, "maxmemory", "1").Err(); err != nil {
		t.Fatal(err)
	}
	for i, r := range send("a", "b", "c") {
		if r.err == nil || !redis.HasErrorPrefix(r.err, "OOM") {
			t.Errorf("step %d while full: %v, %v; want OOM", i, r.val, r.err)
		}
	}
	if n := c.Exists(ctx, s.recordKey(key("a")), s.recordKey(key("b")), s.recordKey(key("c"))).Val(); n != 0 {
		t.Errorf("%d steps wrote while Redis was full", n)
	}
	if err := c.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	for i, r := range send("a", "b", "c") {
		if r.err != nil {
			t.Errorf("step %d after memory was freed: %v", i, r.err)
		}
	}
}

// TestBatchScriptDeadlinePerStep: each step of a batchScript checks its deadline when
// it runs, not when the batch began. A slow step (a stale version whose reply is a log
// of a million entries, ~0.2 s of LRANGE) runs between two steps with the same
// deadline 40 ms away: the one before it commits, the one after it is refused and
// writes nothing.
func TestBatchScriptDeadlinePerStep(t *testing.T) {
	c, s := startStore(t, Options{Prefix: "dl"})
	ctx, key := context.Background(), testKey
	if err := c.Set(ctx, s.recordKey(key("slow")), "ffffffffffffffff{}", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Eval(ctx, `for i = 1, 1000 do local t = {} for j = 1, 1000 do t[j] = 'x' end
		redis.call('RPUSH', KEYS[1], unpack(t)) end`, []string{s.logKey(key("slow"))}).Result(); err != nil && err != redis.Nil {
		t.Fatal(err)
	}
	for _, r := range []*updateReq{stepReq(s, key("w1"), "w1", "", time.Now().Add(time.Minute)), stepReq(s, key("w2"), "w2", "", time.Now().Add(time.Minute))} {
		sendSteps(s, r) // loads updateScript
	}
	for attempt := 1; ; attempt++ {
		in := time.Now().Add(40 * time.Millisecond)
		before, after := fmt.Sprint("b", attempt), fmt.Sprint("a", attempt)
		reqs := []*updateReq{
			stepReq(s, key(before), "e", "", in),
			stepReq(s, key("slow"), "s", "0000000000000000", time.Now().Add(time.Minute)),
			stepReq(s, key(after), "e", "", in),
		}
		res := sendSteps(s, reqs...)
		for i := range res {
			if res[i].err != nil {
				t.Fatalf("step %d: %v", i, res[i].err)
			}
		}
		first, _ := parseReply(res[0].val.([]any))
		if first.code == replyLate && attempt < 3 {
			continue // the batch reached Redis after 40 ms: try again
		}
		if first.code != replyCommitted {
			t.Fatalf("the step before the slow one: reply %d, want committed", first.code)
		}
		if last, _ := parseReply(res[2].val.([]any)); last.code != replyLate {
			t.Errorf("the step after the slow one, past its deadline: reply %d, want %d (refused)", last.code, replyLate)
		}
		if n := c.Exists(ctx, s.recordKey(key(after)), s.logKey(key(after))).Val(); n != 0 {
			t.Errorf("the refused step left %d keys", n)
		}
		return
	}
}

// TestCombineOnlyHeadWrites: with Redis over maxmemory, a commit that refreshes an
// expiry (op t, whose first write, a PEXPIRE, Redis allows when full) queued before
// two new records' commits in one pipeline must not share their batchScript: had it
// gone first, Redis would have let their SETs through. Through Update, as the bot
// commits.
func TestCombineOnlyHeadWrites(t *testing.T) {
	h := &pipeSizes{}
	c, s := startStore(t, Options{Prefix: "full", BatchConns: 1}, h)
	ctx, key := context.Background(), testKey
	if err := s.Update(ctx, key("kept"), "k1", write("kept")); err != nil {
		t.Fatal(err)
	}
	// Loads batchScript.
	for _, res := range sendSteps(s, stepReq(s, key("w1"), "w", "", time.Now().Add(time.Minute)), stepReq(s, key("w2"), "w", "", time.Now().Add(time.Minute))) {
		if res.err != nil {
			t.Fatal(res.err)
		}
	}
	for _, kv := range [][2]string{{"maxmemory-policy", "noeviction"}, {"maxmemory", "1"}} {
		if err := c.ConfigSet(ctx, kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { c.ConfigSet(ctx, "maxmemory", "0") })
	h.mu.Lock()
	h.gate = make(chan struct{})
	h.mu.Unlock()
	var wg sync.WaitGroup
	wg.Go(func() { _ = s.Update(ctx, key("held"), "h", write("held")) }) // held at the gate
	time.Sleep(50 * time.Millisecond)
	wg.Go(func() {
		// No change: the record's expiry is refreshed (op t).
		_ = s.Update(ctx, key("kept"), "k2", func([]byte) (state.Change, error) { return state.Change{}, nil })
	})
	time.Sleep(50 * time.Millisecond)
	errs := make([]error, 2)
	for i, ch := range []string{"a", "b"} {
		wg.Go(func() { errs[i] = s.Update(ctx, key(ch), "e", write(ch)) })
	}
	time.Sleep(50 * time.Millisecond)
	close(h.gate)
	wg.Wait()
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "OOM") {
			t.Errorf("new record %d while Redis is full: %v, want OOM", i, err)
		}
	}
	if n := c.Exists(ctx, s.recordKey(key("a")), s.recordKey(key("b"))).Val(); n != 0 {
		t.Errorf("%d new records were written while Redis was full", n)
	}
	h.mu.Lock()
	sizes := h.sizes
	h.mu.Unlock()
	// The held pipeline, then the expiry refresh with the two commits' batchScript.
	if len(sizes) < 2 || sizes[len(sizes)-1] != 2 {
		t.Errorf("pipelines of %v commands, want the last one to carry the refresh and one batchScript", sizes)
	}
}
