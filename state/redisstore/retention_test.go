package redisstore_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
	"github.com/intervision-bot/intervision/state/statetest"
)

// TestRetentionConformance runs statetest.RunRetention on one server (with and without
// cache and batching) and on a 3-master cluster, where a user's index and the records
// it lists live on different slots.
func TestRetentionConformance(t *testing.T) {
	srv := redistest.Start(t)
	for name, o := range map[string]redisstore.Options{
		"cache": {}, "nocache": {CacheSize: -1}, "nobatch": {NoBatch: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			statetest.RunRetention(t, func(t *testing.T, r time.Duration) state.Store {
				o.Prefix, o.Retention = uniquePrefix(), r
				return redisstore.New(newClient(t, srv.URL()), o)
			})
		})
	}
	t.Run("cluster", func(t *testing.T) {
		t.Parallel()
		cl := redistest.StartCluster(t, 3)
		statetest.RunRetention(t, func(t *testing.T, r time.Duration) state.Store {
			c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: cl.Addrs(), IsClusterMode: true})
			return redisstore.New(c, redisstore.Options{Prefix: uniquePrefix(), Retention: r})
		})
	})
}

// TestEraseWhenFull fills a redis-server that has maxmemory and noeviction until it
// refuses writes: an ordinary update that rewrites a record fails with OOM, an erasure
// (state.Change.Erase) that shrinks it commits, keeps its expiry and frees memory.
func TestEraseWhenFull(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: uniquePrefix()})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	long := []byte(strings.Repeat("bob wrote this. ", 200))
	if err := s.Update(ctx, k, "e1", func([]byte) (state.Change, error) {
		return state.Change{Data: long, TTL: time.Hour, Users: []string{"bob"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	fill(t, rdb)
	short := []byte("ann wrote this.")
	err := s.Update(ctx, k, "", func([]byte) (state.Change, error) { return state.Change{Data: short}, nil })
	if err == nil || !strings.Contains(err.Error(), "OOM") {
		t.Fatalf("an ordinary update when full: %v, want an OOM error", err)
	}
	if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
		return state.Change{Data: short, Erase: true}, nil // default retention: 30 days
	}); err != nil {
		t.Fatalf("an erasure when full: %v", err)
	}
	if got, err := s.Get(ctx, k); err != nil || string(got) != string(short) {
		t.Fatalf("after the erasure the record is %q (%v)", got, err)
	}
	if ttl, err := s.TTL(ctx, k); err != nil || ttl > time.Hour+time.Hour/1000 {
		t.Fatalf("the erasure lengthened the record's life to %v (%v)", ttl, err)
	}
	if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
		return state.Change{Delete: true, Erase: true}, nil
	}); err != nil {
		t.Fatalf("an erasing delete when full: %v", err)
	}
	if got, err := s.Get(ctx, k); err != nil || got != nil {
		t.Fatalf("after the erasing delete the record is %q (%v)", got, err)
	}
}

// fill writes junk keys to rdb, large ones and then small ones, until Redis refuses
// even a small write with OOM.
func fill(t *testing.T, rdb *redis.Client) {
	t.Helper()
	n := 0
	for _, size := range []int{4096, 64} {
		junk := strings.Repeat("j", size)
		for {
			n++
			err := rdb.Set(ctx, "junk:"+strconv.Itoa(n), junk, 0).Err()
			if err != nil && strings.HasPrefix(err.Error(), "OOM") {
				break
			}
			if err != nil || n > 100000 {
				t.Fatalf("filling Redis: %v after %d keys", err, n)
			}
		}
	}
}

// TestMembersKey: a conversation's indexed users are a hash, which Redis keeps as a
// listpack (a set of strings is a hash table of ~300 bytes on Redis 7.0); a
// conversation indexed before keeps its set: a join adds to it, and when the record
// would outlive it the users it lists get their indexes refreshed.
func TestMembersKey(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
	defer s.Close()
	step := func(k state.Key, ev string, users ...string) {
		t.Helper()
		if err := s.Update(ctx, k, ev, func(b []byte) (state.Change, error) {
			return state.Change{Data: append(b, 'x'), TTL: time.Hour, Users: users}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	step(k, "e1", "ann")
	step(k, "e2", "bob")
	if typ, enc := rdb.Type(ctx, "iv:{slack:T1:C1:1}:m").Val(), rdb.ObjectEncoding(ctx, "iv:{slack:T1:C1:1}:m").Val(); typ != "hash" || enc != "listpack" {
		t.Errorf("members key is a %s (%s), want a hash in a listpack", typ, enc)
	}
	if got := rdb.HKeys(ctx, "iv:{slack:T1:C1:1}:m").Val(); len(got) != 2 {
		t.Errorf("members %v, want ann and bob", got)
	}

	old := state.Key{Platform: "slack", Workspace: "T1", Channel: "C2", Thread: "1"}
	step(old, "o1")
	for key, ttl := range map[string]time.Duration{"iv:{slack:T1:C2:1}:m": time.Second, "iv:u:{slack:T1}:ann": 2 * time.Second} {
		if err := rdb.SAdd(ctx, key, map[bool]string{true: "ann", false: "C2:1"}[strings.HasSuffix(key, ":m")]).Err(); err != nil {
			t.Fatal(err)
		}
		rdb.PExpire(ctx, key, ttl)
	}
	step(old, "o2") // the record (1 h) would outlive the set (1 s): ann's index is refreshed
	if ttl := rdb.PTTL(ctx, "iv:u:{slack:T1}:ann").Val(); ttl < time.Hour {
		t.Errorf("ann's index lives %v after a step of a conversation indexed before, want over an hour", ttl)
	}
	step(old, "o3", "bob")
	if typ, got := rdb.Type(ctx, "iv:{slack:T1:C2:1}:m").Val(), rdb.SMembers(ctx, "iv:{slack:T1:C2:1}:m").Val(); typ != "set" || len(got) != 2 {
		t.Errorf("the old members set is a %s of %v, want a set of ann and bob", typ, got)
	}
	if ttl := rdb.PTTL(ctx, "iv:{slack:T1:C2:1}:m").Val(); ttl < time.Hour {
		t.Errorf("the old members set lives %v, want over an hour", ttl)
	}
}
