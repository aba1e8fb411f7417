package redisstore_test

import (
	"crypto/sha256"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// TestExpiryRollingUpgrade: a replica of the version before 901982a commits a plain
// step inside the slack window that a new replica opened; the new replica's next plain
// step must not take the fast path (KEEPTTL, no PEXPIRE): it would keep the old
// replica's expiry, so the record would live less than its TTL after its last change
// and (with a TTL below the dedupe window) the id of that change less than
// DedupeWindow. The ids' field '=' names the head the expiry in advance belongs to;
// the old replica wrote another. (Found by review; failed before '='.)
func TestExpiryRollingUpgrade(t *testing.T) {
	src, err := os.ReadFile("testdata/update_before_901982a.lua")
	if err != nil {
		t.Fatal(err)
	}
	old := redis.NewScript(string(src))
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	const retention = time.Hour // slack 3.6 s; below the 24 h dedupe window
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv", Retention: retention})
	defer s.Close()
	if err := s.CheckLayout(ctx); err != nil {
		t.Fatal(err)
	}
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	base := "iv:{slack:T1:C1:1}"
	step := func(id string) {
		t.Helper()
		if _, err := s.UpdateLog(ctx, k, id, func(state.Record) (state.Change, error) {
			return state.Change{Data: []byte("head " + id), Append: [][]byte{[]byte(id)}}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	step("e1") // the new replica gives expiry in advance
	time.Sleep(1500 * time.Millisecond)
	// The old replica's plain step: SET PX <retention>, PEXPIRE ids max(DW, retention).
	ver := rdb.GetRange(ctx, base+":s", 0, 15).Val()
	h := sha256.Sum256([]byte("e2"))
	args := []any{ver, "w", "00000000000000aa" + "head e2", strconv.FormatInt(retention.Milliseconds(), 10),
		strconv.FormatInt(state.DedupeWindow.Milliseconds(), 10), "\x00\x00\x00\xaa", "0", "",
		strconv.FormatInt(time.Now().Add(5*time.Second).UnixMicro(), 10), string(h[:8]), "64", "0", "e2"}
	keys := []string{base + ":s", base + ":m", base + ":l", base + ":d", base + ":d1"}
	if res, err := old.Run(ctx, rdb, keys, args...).Slice(); err != nil || res[0].(int64) != 2 {
		t.Fatalf("old script: %v %v", res, err)
	}
	time.Sleep(1500 * time.Millisecond)
	step("e3") // new replica, within the slack of e1: the fast path
	if d := rdb.PTTL(ctx, base+":s").Val(); d < retention-time.Second {
		t.Errorf("record lives %v after its last change, want at least ~%v", d, retention)
	}
	if d := rdb.PTTL(ctx, base+":d").Val(); d < state.DedupeWindow-time.Second {
		t.Errorf("id e3 lives %v, want at least ~%v (DedupeWindow)", d, state.DedupeWindow)
	}
}
