package redisstore_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// TestExpiryGivenInAdvance: a plain append within the slack of the expiry an earlier
// step gave sets no expiry, yet every key of the conversation still lives at least the
// retention past it; and whatever gave another expiry since (a change with a TTL of its
// own, with or without an event id, an erasure that shortened the record's life) makes
// the next append give the full one again instead of keeping the shorter; and a log
// that the append begins (a rewrite left none) gets an expiry too.
func TestExpiryGivenInAdvance(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	const retention = time.Hour // slack: 3.6 s
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv", Retention: retention})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	base := "iv:{slack:T1:C1:1}"
	n := 0
	step := func(id string, ch state.Change) {
		t.Helper()
		n++
		ch.Append = [][]byte{[]byte("entry " + strconv.Itoa(n))}
		if ch.Data == nil {
			ch.Data = []byte(fmt.Sprintf("head %d", n))
		}
		if _, err := s.UpdateLog(ctx, k, id, func(state.Record) (state.Change, error) { return ch, nil }); err != nil {
			t.Fatal(err)
		}
	}
	lives := func(what string, lo, hi time.Duration) {
		t.Helper()
		for _, suffix := range []string{":s", ":l"} {
			d := rdb.PTTL(ctx, base+suffix).Val()
			if suffix == ":l" && d == -2*time.Nanosecond {
				continue // no entries (an erasure that replaced the record)
			}
			if d < lo || d > hi {
				t.Errorf("%s: %s lives %v, want %v to %v", what, suffix, d, lo, hi)
			}
		}
		if d := rdb.PTTL(ctx, base+":d").Val(); d < lo && d < state.DedupeWindow {
			t.Errorf("%s: the ids live %v, want at least %v", what, d, min(lo, state.DedupeWindow))
		}
	}
	full := func(ttl time.Duration) (time.Duration, time.Duration) {
		return ttl - 2*time.Second, ttl + ttl/1000
	}
	step("e1", state.Change{Users: []string{"U1"}})
	lo, hi := full(retention)
	lives("first step", lo, hi)
	if got := rdb.HGet(ctx, base+":d", "*").Val(); got == "" || got == "0" {
		t.Errorf("expiry given in advance until %q, want a time", got)
	}
	for i := range 5 {
		step(fmt.Sprint("a", i), state.Change{})
	}
	lives("appends", lo, hi)

	lo1, hi1 := full(time.Minute)
	for _, tc := range []struct {
		name    string
		shorten func()
	}{
		{"a TTL of its own", func() { step("t1", state.Change{TTL: time.Minute}) }},
		{"a TTL of its own without an event id", func() { step("", state.Change{TTL: time.Minute}) }},
		{"an erasure", func() {
			if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
				return state.Change{Data: []byte("h"), Erase: true, TTL: time.Minute}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		tc.shorten()
		lives(tc.name, lo1, hi1)
		step("after "+tc.name, state.Change{})
		lives("an append after "+tc.name, lo, hi)
	}
	if err := s.Update(ctx, k, "r1", func([]byte) (state.Change, error) { return state.Change{Data: []byte("h")}, nil }); err != nil {
		t.Fatal(err)
	}
	step("after a rewrite that leaves no entries", state.Change{})
	lives("an append after a rewrite that leaves no entries", lo, hi)
}

// TestExpirySlackPasses: once the slack of the expiry given in advance has passed, an
// append gives expiry again.
func TestExpirySlackPasses(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	const retention = 4 * time.Second // slack: 4 ms
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv", Retention: retention})
	defer s.Close()
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	for i := range 3 {
		if i > 0 {
			time.Sleep(300 * time.Millisecond)
		}
		if _, err := s.UpdateLog(ctx, k, fmt.Sprint("e", i), func(state.Record) (state.Change, error) {
			return state.Change{Data: []byte("head"), Append: [][]byte{[]byte("x")}}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Without a new expiry the record would have ~3.4 s left.
	for _, suffix := range []string{":s", ":l", ":d"} {
		if d := rdb.PTTL(ctx, "iv:{slack:T1:C1:1}"+suffix).Val(); d < retention-250*time.Millisecond {
			t.Errorf("%s lives %v after the last append, want about %v", suffix, d, retention)
		}
	}
}

// TestLayoutKey: the store looks for event ids in the layout before the log (a key of
// their own) only while such keys may remain: on a Redis that held keys when the log
// layout first reached it, for a day (DedupeWindow) and an hour after that; on one that
// held none, never.
func TestLayoutKey(t *testing.T) {
	for _, tc := range []struct {
		name    string
		before  func(rdb *redis.Client) // what Redis holds before the store first reads it
		refused bool
	}{
		{"empty Redis", func(*redis.Client) {}, false},
		{"Redis with keys", func(rdb *redis.Client) { rdb.Set(ctx, "other", "x", 0) }, true},
		{"layout of yesterday", func(rdb *redis.Client) {
			since := time.Now().Add(-state.DedupeWindow - time.Hour - time.Minute).UnixMilli()
			rdb.Set(ctx, "iv:layout", strconv.FormatInt(since, 10), 0)
		}, false},
		{"layout of an hour ago", func(rdb *redis.Client) {
			rdb.Set(ctx, "iv:layout", strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10), 0)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redistest.Start(t)
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
			defer rdb.Close()
			tc.before(rdb)
			s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
			defer s.Close()
			if err := s.CheckLayout(ctx); err != nil {
				t.Fatal(err)
			}
			if err := rdb.Set(ctx, "iv:{slack:T1:C1:1}:e:Ev1", "0123456789abcdef", time.Hour).Err(); err != nil {
				t.Fatal(err)
			}
			k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
			err := s.Update(ctx, k, "Ev1", func([]byte) (state.Change, error) { return state.Change{Data: []byte("x")}, nil })
			if refused := err == state.ErrDuplicate; refused != tc.refused || err != nil && !refused {
				t.Errorf("an id of the layout before: %v, want refused %v", err, tc.refused)
			}
		})
	}
}
