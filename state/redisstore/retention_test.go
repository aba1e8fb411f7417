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
	if ttl, err := s.TTL(ctx, k); err != nil || ttl > time.Hour {
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
