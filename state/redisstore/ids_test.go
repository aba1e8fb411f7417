package redisstore_test

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

func field(id string) string {
	h := sha256.Sum256([]byte(id))
	return string(h[:8])
}

// TestOlderIDsMark: the ids' mark '-' (no older generation) is set only when there is
// none, and the older generation is read whenever the mark is missing: ids that an
// earlier version rotated into ":d1", or that are left there while ":d" is gone (a
// purge between its two keys), are still refused, and a rotation drops the mark.
func TestOlderIDsMark(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv", DedupeWindow: 200 * time.Millisecond, EventIDs: 4})
	defer s.Close()
	step := func(k state.Key, id string) error {
		return s.Update(ctx, k, id, func(b []byte) (state.Change, error) { return state.Change{Data: append(b, 'x')}, nil })
	}
	conv := func(th string) (state.Key, string) {
		return state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: th}, "iv:{slack:T1:C1:" + th + "}"
	}

	k, base := conv("new")
	for i := range 3 {
		if err := step(k, fmt.Sprint("e", i)); err != nil {
			t.Fatal(err)
		}
	}
	if !rdb.HExists(ctx, base+":d", "-").Val() || rdb.Exists(ctx, base+":d1").Val() != 0 {
		t.Fatalf("a new conversation's ids: mark %v, older generation %d; want the mark and none",
			rdb.HExists(ctx, base+":d", "-").Val(), rdb.Exists(ctx, base+":d1").Val())
	}
	// Rotation: the generation holds 4 ids and is older than the window.
	time.Sleep(250 * time.Millisecond)
	for i := 3; i < 6; i++ {
		if err := step(k, fmt.Sprint("e", i)); err != nil {
			t.Fatal(err)
		}
	}
	if rdb.HExists(ctx, base+":d", "-").Val() || rdb.Exists(ctx, base+":d1").Val() != 1 {
		t.Fatalf("after a rotation: mark %v, older generation %d; want no mark and one",
			rdb.HExists(ctx, base+":d", "-").Val(), rdb.Exists(ctx, base+":d1").Val())
	}
	for i := range 6 {
		if err := step(k, fmt.Sprint("e", i)); err != state.ErrDuplicate {
			t.Fatalf("id e%d after a rotation: %v, want ErrDuplicate", i, err)
		}
	}
	if d, d1 := rdb.PTTL(ctx, base+":d").Val(), rdb.PTTL(ctx, base+":d1").Val(); d1 < d-time.Second || d1 > d {
		t.Errorf("the older ids live %v, the current ones %v: want the same", d1, d)
	}

	// Ids rotated by an earlier version: ":d" without the mark, ":d1" with an id.
	k, base = conv("earlier")
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	rdb.HSet(ctx, base+":d", "", now, field("a"), "tok1")
	rdb.HSet(ctx, base+":d1", "", now, field("b"), "tok2")
	rdb.PExpire(ctx, base+":d", time.Hour)
	rdb.PExpire(ctx, base+":d1", time.Hour)
	for _, id := range []string{"a", "b"} {
		if err := step(k, id); err != state.ErrDuplicate {
			t.Fatalf("id %s of an earlier version's generations: %v, want ErrDuplicate", id, err)
		}
	}
	if err := step(k, "c"); err != nil {
		t.Fatal(err)
	}
	if rdb.HExists(ctx, base+":d", "-").Val() {
		t.Error("a generation an earlier version began got the mark")
	}
	if ttl := rdb.PTTL(ctx, base+":d1").Val(); ttl < 24*time.Hour {
		t.Errorf("the older ids live %v after a step with the default retention, want the record's", ttl)
	}

	// ":d" gone, ":d1" left.
	k, base = conv("half")
	rdb.HSet(ctx, base+":d1", "", now, field("x"), "tok3")
	rdb.PExpire(ctx, base+":d1", time.Hour)
	if err := step(k, "x"); err != state.ErrDuplicate {
		t.Fatalf("an id left in the older generation: %v, want ErrDuplicate", err)
	}
	if err := step(k, "y"); err != nil {
		t.Fatal(err)
	}
	if rdb.HExists(ctx, base+":d", "-").Val() {
		t.Error("a new generation got the mark while an older one exists")
	}
	if err := step(k, "x"); err != state.ErrDuplicate {
		t.Fatalf("an id left in the older generation, after a step: %v, want ErrDuplicate", err)
	}
}

// TestStepCalls: a step that appends to a conversation and records its event id, on a
// Redis that never held the layout before the log and within the slack of the expiry an
// earlier step gave, runs 6 commands inside Redis (INFO commandstats): TIME, HMGET,
// GETRANGE, SET (KEEPTTL), RPUSH, HSET. (Before: 10, with a GET of the id's key of the
// layout before, PTTL of the members' bound and two PEXPIREs.)
func TestStepCalls(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
	defer s.Close()
	if err := s.CheckLayout(ctx); err != nil {
		t.Fatal(err)
	}
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	step := func(i int, users ...string) {
		t.Helper()
		if _, err := s.UpdateLog(ctx, k, fmt.Sprint("Ev", i), func(cur state.Record) (state.Change, error) {
			return state.Change{Data: []byte(fmt.Sprintf("head %d", i)), Append: [][]byte{[]byte("entry")}, Users: users}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	step(0, "U1")
	step(1, "U2")
	if err := rdb.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const n = 20
	for i := 2; i < 2+n; i++ {
		step(i)
	}
	info := rdb.Info(ctx, "commandstats").Val()
	calls := map[string]int{}
	for line := range strings.SplitSeq(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(line), "cmdstat_"), ":calls=")
		if !ok {
			continue
		}
		c, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
		calls[name] = c
	}
	if calls["evalsha"] != n {
		t.Fatalf("%d EVALSHA for %d steps (%v)", calls["evalsha"], n, calls)
	}
	inner := 0
	for name, c := range calls {
		if name != "evalsha" && name != "config|resetstat" {
			inner += c
		}
	}
	if inner != 6*n {
		t.Errorf("%d commands inside the script for %d steps, want %d: %v", inner, n, 6*n, calls)
	}
}
