package redisstore_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// TestLogLayout checks where a record with a log lives and what a step costs: the log
// is a list next to the record, every key of the conversation gets the record's
// expiry in the same script, a step that appends sends the same bytes at entry 5 and
// at entry 500, and, with a dedupe window of 1 ms, the event ids kept stay bounded in
// two hashes (at least the last EventIDs).
func TestLogLayout(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv", Retention: time.Hour, DedupeWindow: time.Millisecond})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	base := "iv:{slack:T1:C1:1}"
	entry := []byte(strings.Repeat("e", 150))
	inBytes := func() int64 { return netInput(t, rdb) }
	var cost []int64 // bytes Redis received for step 5 and step 500
	for i := range 500 {
		before := inBytes()
		if _, err := s.UpdateLog(ctx, k, fmt.Sprint("Ev", i), func(cur state.Record) (state.Change, error) {
			return state.Change{Data: []byte(fmt.Sprintf("head %04d", len(cur.Log))), Append: [][]byte{entry}, Users: []string{"U1"}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		if i == 4 || i == 499 {
			// Less the INFO command's own bytes, which are the same each time.
			cost = append(cost, inBytes()-before)
		}
	}
	if cost[1] > cost[0]+16 {
		t.Errorf("step 500 sent %d bytes, step 5 %d: a step's cost grows with the log", cost[1], cost[0])
	}
	if n, err := rdb.LLen(ctx, base+":l").Result(); err != nil || n != 500 {
		t.Fatalf("log of %d entries (%v), want 500", n, err)
	}
	ids := 0
	for _, suffix := range []string{":d", ":d1"} {
		n, err := rdb.HLen(ctx, base+suffix).Result()
		if err != nil {
			t.Fatal(err)
		}
		ids += int(n) - 1 // less the generation's start
	}
	if ids < redisstore.DefaultEventIDs || ids > 2*(redisstore.DefaultEventIDs+1) {
		t.Fatalf("%d event ids remembered after 500 events, want %d to %d", ids, redisstore.DefaultEventIDs, 2*(redisstore.DefaultEventIDs+1))
	}
	for i := 500 - redisstore.DefaultEventIDs; i < 500; i++ {
		if ok, err := s.Remembers(ctx, k, fmt.Sprint("Ev", i)); err != nil || !ok {
			t.Fatalf("event %d of 500 forgotten (%v)", i, err)
		}
	}
	checkLogExpiryAndDelete(t, s, rdb, k, base)
}

// netInput is what Redis has received (INFO stats total_net_input_bytes).
func netInput(t *testing.T, rdb *redis.Client) int64 {
	t.Helper()
	info, err := rdb.Info(ctx, "stats").Result()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_net_input_bytes:"); ok {
			fmt.Sscan(v, &n)
		}
	}
	return n
}

// checkLogExpiryAndDelete: a read-only step refreshes the expiry of every key of the
// conversation k (named base) in the same script; a rewrite replaces the list; a
// delete removes the record's keys but keeps the event ids.
func checkLogExpiryAndDelete(t *testing.T, s *redisstore.Store, rdb *redis.Client, k state.Key, base string) {
	t.Helper()
	for _, suffix := range []string{":s", ":l", ":d", ":d1", ":m"} {
		if err := rdb.PExpire(ctx, base+suffix, time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UpdateLog(ctx, k, "read-only", func(state.Record) (state.Change, error) {
		return state.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{":s", ":l", ":d", ":d1"} {
		ttl, err := rdb.PTTL(ctx, base+suffix).Result()
		if err != nil || ttl < 59*time.Minute {
			t.Errorf("%s lives %v after a step (%v), want the retention", suffix, ttl, err)
		}
	}
	if _, err := s.UpdateLog(ctx, k, "", func(state.Record) (state.Change, error) {
		return state.Change{Data: []byte("h"), Append: [][]byte{[]byte("only")}, Rewrite: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := rdb.LRange(ctx, base+":l", 0, -1).Result(); err != nil || len(got) != 1 || got[0] != "only" {
		t.Fatalf("log after rewrite %q (%v)", got, err)
	}
	if _, err := s.UpdateLog(ctx, k, "del", func(state.Record) (state.Change, error) {
		return state.Change{Delete: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for suffix, want := range map[string]int64{":s": 0, ":l": 0, ":m": 0, ":d": 1} {
		if n, err := rdb.Exists(ctx, base+suffix).Result(); err != nil || n != want {
			t.Errorf("after delete %s exists = %d (%v), want %d", suffix, n, err, want)
		}
	}
}

// TestLegacyEventKey: an event id remembered by the layout before the log (a key of its
// own) is still refused.
func TestLegacyEventKey(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	if err := rdb.Set(ctx, "iv:{slack:T1:C1:1}:e:Ev%3A1", "0123456789abcdef", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, k, "Ev:1", func([]byte) (state.Change, error) { return state.Change{Data: []byte("x")}, nil })
	if err != state.ErrDuplicate {
		t.Fatalf("an id of the old layout: %v, want ErrDuplicate", err)
	}
}

// TestEventIDsCompact: an event id takes an 8-byte field and a 4-byte value (what it
// keeps of the committing attempt's token) in a listpack, and an id stored before with
// the token's hex digits is still refused.
func TestEventIDsCompact(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	step := func(id string) error {
		return s.Update(ctx, k, id, func(b []byte) (state.Change, error) { return state.Change{Data: append(b, 'x')}, nil })
	}
	for i := range 30 {
		if err := step(fmt.Sprintf("Ev%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	ids := rdb.HGetAll(ctx, "iv:{slack:T1:C1:1}:d").Val()
	if len(ids) != 34 || ids["-"] != "" || ids["*"] == "" || len(ids["="]) != 8 {
		t.Fatalf("%d fields, want 30 ids, the generation's start, the mark of a first generation ('-') and the expiry given in advance ('*', '=')", len(ids))
	}
	for f, v := range ids {
		if len(f) > 1 && (len(f) != 8 || len(v) != 4) {
			t.Errorf("id field of %d bytes with a value of %d bytes (%q), want 8 and 4", len(f), len(v), v)
		}
	}
	if enc := rdb.ObjectEncoding(ctx, "iv:{slack:T1:C1:1}:d").Val(); enc != "listpack" {
		t.Errorf("ids kept as %s, want a listpack", enc)
	}
	if n := rdb.MemoryUsage(ctx, "iv:{slack:T1:C1:1}:d", 0).Val(); n > 720 {
		t.Errorf("30 ids take %d bytes, want at most 720", n)
	}
	h := sha256.Sum256([]byte("old"))
	if err := rdb.HSet(ctx, "iv:{slack:T1:C1:1}:d", string(h[:8]), "0123abcd").Err(); err != nil {
		t.Fatal(err)
	}
	if err := step("old"); err != state.ErrDuplicate {
		t.Fatalf("an id stored with hex digits: %v, want ErrDuplicate", err)
	}
	if err := step("Ev3"); err != state.ErrDuplicate {
		t.Fatalf("a redelivered id: %v, want ErrDuplicate", err)
	}
}
