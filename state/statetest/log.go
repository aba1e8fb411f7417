package statetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/state"
)

// logTests run on state.Logged(store): on a LogStore itself, on any other store
// through the flat adapter (whose versions are always "").
var logTests = []struct {
	name string
	fn   func(t *testing.T, s state.LogStore)
}{
	{"LogAppend", testLogAppend},
	{"LogRewrite", testLogRewrite},
	{"LogFlatUpdate", testLogFlatUpdate},
	{"LogShared", testLogShared},
	{"LogConflict", testLogConflict},
	{"LogDelete", testLogDelete},
	{"LogErase", testLogErase},
	{"ManyEventIDs", testManyEventIDs},
}

// entries makes log entries of strings.
func entries(es ...string) [][]byte {
	out := make([][]byte, len(es))
	for i, e := range es {
		out[i] = []byte(e)
	}
	return out
}

// seen is what fn saw, head and entries joined by "|" (so a LogStore's record and
// the flat adapter's compare alike).
func seen(r state.Record) string { return strings.ReplaceAll(string(r.Flat()), "\n", "|") }

// step runs one UpdateLog that records what fn saw last and returns the version.
func step(t *testing.T, s state.LogStore, k state.Key, eventID string, ch state.Change, last *state.Record) string {
	t.Helper()
	v, err := s.UpdateLog(ctx, k, eventID, func(cur state.Record) (state.Change, error) {
		if last != nil {
			*last = cur
		}
		return ch, nil
	})
	if err != nil {
		t.Fatalf("UpdateLog(%v, %q): %v", k, eventID, err)
	}
	return v
}

func testLogAppend(t *testing.T, s state.LogStore) {
	k := key("C1", "log")
	var last state.Record
	versions := map[string]bool{}
	for i, tc := range []struct {
		ch   state.Change
		want string // what fn sees (head|entries...) on the last call
		flat string // Get afterwards
	}{
		{state.Change{Data: []byte("h0")}, "", "h0"},
		{state.Change{Data: []byte("h1"), Append: entries("a")}, "h0", "h1\na"},
		{state.Change{Data: []byte("h2"), Append: entries("b", "c")}, "h1|a", "h2\na\nb\nc"},
		{state.Change{}, "h2|a|b|c", "h2\na\nb\nc"}, // read-only: all kept
		{state.Change{Data: []byte("h3")}, "h2|a|b|c", "h3\na\nb\nc"},
	} {
		v := step(t, s, k, "e"+fmt.Sprint(i), tc.ch, &last)
		if got := seen(last); got != tc.want && !(tc.want == "" && last.Data == nil) {
			t.Fatalf("step %d: fn saw %q, want %q", i, got, tc.want)
		}
		if got := string(get(t, s, k)); got != tc.flat {
			t.Fatalf("step %d: Get = %q, want %q", i, got, tc.flat)
		}
		if v != "" {
			if tc.ch.Data != nil && versions[v] {
				t.Fatalf("step %d: version %q repeated", i, v)
			}
			versions[v] = true
			// The next call sees the version this one returned.
			var cur state.Record
			step(t, s, k, "", state.Change{}, &cur)
			if cur.Version != v {
				t.Fatalf("step %d: UpdateLog returned version %q, the record then has %q", i, v, cur.Version)
			}
		}
	}
}

func testLogRewrite(t *testing.T, s state.LogStore) {
	k := key("C1", "rewrite")
	step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries("a", "b", "c")}, nil)
	step(t, s, k, "", state.Change{Data: []byte("h2"), Append: entries("b2"), Rewrite: true}, nil)
	wantData(t, s, k, []byte("h2\nb2"))
	step(t, s, k, "", state.Change{Data: []byte("h3"), Rewrite: true}, nil)
	wantData(t, s, k, []byte("h3"))
	var last state.Record
	step(t, s, k, "", state.Change{Data: []byte("h4"), Append: entries("d")}, &last)
	if seen(last) != "h3" {
		t.Fatalf("after a rewrite to no entries fn saw %q", seen(last))
	}
	wantData(t, s, k, []byte("h4\nd"))
}

// testLogFlatUpdate: Store.Update sees a record with a log flat, and its Data replaces
// head and log; UpdateLog then sees what Update wrote as the head.
func testLogFlatUpdate(t *testing.T, s state.LogStore) {
	k := key("C1", "flat")
	step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries("a", "b")}, nil)
	var flat []byte
	if err := s.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
		flat = cur
		return state.Change{Data: []byte("whole\nx")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if string(flat) != "h\na\nb" {
		t.Fatalf("Update saw %q, want the flat record", flat)
	}
	wantData(t, s, k, []byte("whole\nx"))
	var last state.Record
	step(t, s, k, "", state.Change{Data: []byte("h2"), Append: entries("c"), Rewrite: true}, &last)
	if got := string(last.Flat()); got != "whole\nx" {
		t.Fatalf("UpdateLog after Update saw %q", got)
	}
	wantData(t, s, k, []byte("h2\nc"))
}

// testLogShared: a record an update function was shown never changes afterwards,
// however the log grows from it, also when two updates start from the same record.
func testLogShared(t *testing.T, s state.LogStore) {
	k := key("C1", "shared")
	step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries("a")}, nil)
	var base state.Record
	step(t, s, k, "", state.Change{Data: []byte("h1"), Append: entries("b")}, &base)
	before := seen(base)
	for i := range 20 {
		step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries(fmt.Sprint("x", i))}, nil)
	}
	if seen(base) != before {
		t.Fatalf("a record shown to fn changed from %q to %q", before, seen(base))
	}
	if got := len(strings.Split(string(get(t, s, k)), "\n")); got != 23 {
		t.Fatalf("log of %d lines, want 23", got)
	}
}

// testLogConflict has two goroutines append 50 entries each, every append with its own
// event id and delivered twice: the log ends with each entry exactly once, in each
// writer's order.
func testLogConflict(t *testing.T, s state.LogStore) {
	k := key("C1", "log-counter")
	const workers, each = 2, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				for range 2 {
					_, err := s.UpdateLog(ctx, k, id, func(cur state.Record) (state.Change, error) {
						return state.Change{Data: []byte(fmt.Sprint(len(cur.Log) + 1)), Append: entries(id)}, nil
					})
					if err != nil && !errors.Is(err, state.ErrDuplicate) {
						t.Errorf("update %s: %v", id, err)
					}
				}
			}
		})
	}
	wg.Wait()
	lines := strings.Split(string(get(t, s, k)), "\n")
	if len(lines) != 1+workers*each {
		t.Fatalf("%d lines, want %d", len(lines), 1+workers*each)
	}
	// With the flat adapter the head is whatever the last writer counted from a
	// flat record; a LogStore's head counts its entries.
	next := make([]int, workers)
	for _, l := range lines[1:] {
		var w, i int
		if _, err := fmt.Sscanf(l, "w%d-%d", &w, &i); err != nil || i != next[w] {
			t.Fatalf("entry %q out of order (want w%d-%d)", l, w, next[w])
		}
		next[w]++
	}
}

func testLogDelete(t *testing.T, s state.LogStore) {
	k := key("C1", "log-del")
	step(t, s, k, "e1", state.Change{Data: []byte("h"), Append: entries("a", "b")}, nil)
	if v := step(t, s, k, "e2", state.Change{Delete: true}, nil); v != "" {
		t.Fatalf("version after delete %q", v)
	}
	wantData(t, s, k, nil)
	var last state.Record
	step(t, s, k, "e3", state.Change{Data: []byte("new"), Append: entries("c")}, &last)
	if last.Data != nil || len(last.Log) != 0 {
		t.Fatalf("after delete fn saw %q", seen(last))
	}
	wantData(t, s, k, []byte("new\nc"))
	if _, err := s.UpdateLog(ctx, k, "e2", func(state.Record) (state.Change, error) {
		return state.Change{Delete: true}, nil
	}); !errors.Is(err, state.ErrDuplicate) {
		t.Fatalf("replayed delete: %v", err)
	}
}

// testLogErase: an erasure that rewrites the log to fewer entries commits.
func testLogErase(t *testing.T, s state.LogStore) {
	k := key("C1", "log-erase")
	step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries("ann: a", "bob: b", "ann: c")}, nil)
	step(t, s, k, "", state.Change{Data: []byte("h"), Append: entries("bob: b"), Rewrite: true, Erase: true}, nil)
	wantData(t, s, k, []byte("h\nbob: b"))
}

// testManyEventIDs: within the dedupe window every event id of a conversation is
// refused, however many events came after it (here 300), on a record with a log.
func testManyEventIDs(t *testing.T, s state.LogStore) {
	k := key("C1", "many-ids")
	const n = 300
	for i := range n {
		step(t, s, k, fmt.Sprint("ev-", i), state.Change{Data: []byte("h"), Append: entries(fmt.Sprint(i))}, nil)
	}
	for i := range n {
		_, err := s.UpdateLog(ctx, k, fmt.Sprint("ev-", i), func(state.Record) (state.Change, error) {
			return state.Change{Data: []byte("again"), Append: entries("again")}, nil
		})
		if !errors.Is(err, state.ErrDuplicate) {
			t.Fatalf("event %d of %d redelivered: %v, want ErrDuplicate", i, n, err)
		}
	}
	if got := strings.Count(string(get(t, s, k)), "\n"); got != n {
		t.Fatalf("%d entries, want %d", got, n)
	}
}
