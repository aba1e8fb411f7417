// Package statetest is the conformance suite every state.Store passes: the embedded
// store and the Redis store run the same tests.
package statetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// TTLReader is implemented by stores that can tell how long a record has left to live.
// The suite checks expiries on such stores; on others it checks that the record exists.
type TTLReader interface {
	// TTL returns the remaining lifetime of key's record, or a negative duration when
	// there is no record.
	TTL(ctx context.Context, key state.Key) (time.Duration, error)
}

// RetentionReporter is implemented by stores that tell their default retention, so
// the suite can check that a change without TTL gets it.
type RetentionReporter interface {
	// Retention is the lifetime of a record after a change without TTL.
	Retention() time.Duration
}

// Run runs the suite. newStore returns a new, empty store for each subtest; stores
// sharing one backend must not see each other's data (use a fresh prefix or server).
func Run(t *testing.T, newStore func(t *testing.T) state.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s state.Store)
	}{
		{"NewKeyNil", testNewKeyNil},
		{"RoundTrip", testRoundTrip},
		{"BinaryData", testBinaryData},
		{"ReadOnlyChange", testReadOnlyChange},
		{"FuncErrorAborts", testFuncErrorAborts},
		{"Duplicate", testDuplicate},
		{"Delete", testDelete},
		{"ConflictRetry", testConflictRetry},
		{"TTL", testTTL},
		{"Users", testUsers},
		{"Isolation", testIsolation},
		{"ManyKeys", testManyKeys},
		{"ContextCanceled", testContextCanceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close() })
			tc.fn(t, s)
		})
	}
	// A LogStore's log, or a plain store's through state.Logged.
	for _, tc := range logTests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close() })
			tc.fn(t, state.Logged(s))
		})
	}
}

var ctx = context.Background()

func key(ch, th string) state.Key {
	return state.Key{Platform: "slack", Workspace: "T1", Channel: ch, Thread: th}
}

// put writes data to key.
func put(t *testing.T, s state.Store, k state.Key, eventID string, data []byte) {
	t.Helper()
	err := s.Update(ctx, k, eventID, func([]byte) (state.Change, error) {
		return state.Change{Data: data}, nil
	})
	if err != nil {
		t.Fatalf("Update(%v, %q): %v", k, eventID, err)
	}
}

func get(t *testing.T, s state.Store, k state.Key) []byte {
	t.Helper()
	b, err := s.Get(ctx, k)
	if err != nil {
		t.Fatalf("Get(%v): %v", k, err)
	}
	return b
}

func wantData(t *testing.T, s state.Store, k state.Key, want []byte) {
	t.Helper()
	if got := get(t, s, k); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("Get(%v) = %q, want %q", k, got, want)
	}
}

func testNewKeyNil(t *testing.T, s state.Store) {
	k := key("C1", "new")
	wantData(t, s, k, nil)
	calls := 0
	err := s.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
		calls++
		if cur != nil {
			t.Errorf("cur = %q for a new key, want nil", cur)
		}
		return state.Change{}, nil
	})
	if err != nil || calls != 1 {
		t.Fatalf("Update = %v after %d calls", err, calls)
	}
	// A read-only change on a missing record creates nothing.
	wantData(t, s, k, nil)
}

func testRoundTrip(t *testing.T, s state.Store) {
	k := key("C1", "1700.1")
	for i, tc := range []struct {
		event string
		want  string // what fn must see
		write string
	}{
		{"e1", "", "one"},
		{"e2", "one", "two"},
		{"", "two", "three"},
		{"", "three", "four"},
	} {
		// fn may be shown an older record first; what counts is the last call.
		var last []byte
		err := s.Update(ctx, k, tc.event, func(cur []byte) (state.Change, error) {
			last = cur
			return state.Change{Data: []byte(tc.write)}, nil
		})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if string(last) != tc.want {
			t.Errorf("step %d: cur = %q, want %q", i, last, tc.want)
		}
		wantData(t, s, k, []byte(tc.write))
	}
}

func testBinaryData(t *testing.T, s state.Store) {
	k := key("C1", "bin")
	data := make([]byte, 70_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	put(t, s, k, "", data)
	wantData(t, s, k, data)
	// The store keeps its own copy: changing the caller's slice changes nothing.
	data[0]++
	if got := get(t, s, k); got[0] == data[0] {
		t.Fatal("store shares memory with the caller's Data")
	}
}

func testReadOnlyChange(t *testing.T, s state.Store) {
	k := key("C1", "ro")
	put(t, s, k, "e1", []byte("kept"))
	var last []byte
	if err := s.Update(ctx, k, "e2", func(cur []byte) (state.Change, error) {
		last = cur
		return state.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if string(last) != "kept" {
		t.Errorf("cur = %q, want kept", last)
	}
	wantData(t, s, k, []byte("kept"))
	// The event id of a read-only change is recorded too.
	err := s.Update(ctx, k, "e2", func([]byte) (state.Change, error) {
		return state.Change{Data: []byte("changed")}, nil
	})
	if !errors.Is(err, state.ErrDuplicate) {
		t.Fatalf("replayed read-only event: err = %v, want ErrDuplicate", err)
	}
	wantData(t, s, k, []byte("kept"))
}

func testFuncErrorAborts(t *testing.T, s state.Store) {
	k := key("C1", "err")
	put(t, s, k, "", []byte("before"))
	boom := errors.New("boom")
	for _, tc := range []struct {
		name   string
		change state.Change
	}{
		{"write", state.Change{Data: []byte("after")}},
		{"delete", state.Change{Delete: true}},
		{"users", state.Change{Data: []byte("after"), Users: []string{"U9"}}},
	} {
		err := s.Update(ctx, k, "e-"+tc.name, func([]byte) (state.Change, error) {
			return tc.change, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("%s: err = %v, want the function's error", tc.name, err)
		}
		wantData(t, s, k, []byte("before"))
	}
	// The event id of an aborted update was not recorded: it can be applied later.
	put(t, s, k, "e-write", []byte("after"))
	wantData(t, s, k, []byte("after"))
}

func testDuplicate(t *testing.T, s state.Store) {
	k := key("C1", "dup")
	apply := func(event, data string) error {
		return s.Update(ctx, k, event, func(cur []byte) (state.Change, error) {
			return state.Change{Data: append(append([]byte{}, cur...), data...)}, nil
		})
	}
	for i, tc := range []struct {
		event, data string
		dup         bool
		want        string
	}{
		{"e1", "a", false, "a"},
		{"e1", "b", true, "a"},
		{"e2", "c", false, "ac"},
		{"e1", "d", true, "ac"},
		{"e2", "e", true, "ac"},
		{"", "f", false, "acf"}, // no id: never a duplicate
		{"", "g", false, "acfg"},
		{"e:1", "h", false, "acfgh"}, // ids with separators are ids like any other
		{"e%3A1", "i", false, "acfghi"},
		{"e:1", "j", true, "acfghi"},
	} {
		err := apply(tc.event, tc.data)
		switch {
		case tc.dup && !errors.Is(err, state.ErrDuplicate):
			t.Fatalf("step %d (%q): err = %v, want ErrDuplicate", i, tc.event, err)
		case !tc.dup && err != nil:
			t.Fatalf("step %d (%q): %v", i, tc.event, err)
		}
		wantData(t, s, k, []byte(tc.want))
	}
	// The same event delivered three times at once is applied once.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { errs[i] = apply("e3", "x") })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, state.ErrDuplicate):
			t.Fatalf("concurrent duplicate: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("event delivered 3 times applied %d times", ok)
	}
	wantData(t, s, k, []byte("acfghix"))
}

func testDelete(t *testing.T, s state.Store) {
	k := key("C1", "del")
	put(t, s, k, "e1", []byte("x"))
	if err := s.Update(ctx, k, "e2", func(cur []byte) (state.Change, error) {
		return state.Change{Delete: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	wantData(t, s, k, nil)
	if err := s.Update(ctx, k, "e2", func([]byte) (state.Change, error) {
		return state.Change{Data: []byte("again")}, nil
	}); !errors.Is(err, state.ErrDuplicate) {
		t.Fatalf("replayed delete event: err = %v, want ErrDuplicate", err)
	}
	var last []byte
	if err := s.Update(ctx, k, "e3", func(cur []byte) (state.Change, error) {
		last = cur
		return state.Change{Data: []byte("new")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if last != nil {
		t.Errorf("cur after delete = %q, want nil", last)
	}
	wantData(t, s, k, []byte("new"))
	// Deleting a missing record is fine.
	for range 2 {
		if err := s.Update(ctx, key("C1", "never"), "", func([]byte) (state.Change, error) {
			return state.Change{Delete: true}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// testConflictRetry has two goroutines increment one counter 100 times each, every
// increment with its own event id and delivered twice: the counter ends at 200.
func testConflictRetry(t *testing.T, s state.Store) {
	k := key("C1", "counter")
	const workers, each = 2, 100
	var wg sync.WaitGroup
	var applied, dups sync.Map
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				for range 2 {
					err := s.Update(ctx, k, id, func(cur []byte) (state.Change, error) {
						n := 0
						if cur != nil {
							var err error
							if n, err = strconv.Atoi(string(cur)); err != nil {
								return state.Change{}, err
							}
						}
						return state.Change{Data: []byte(strconv.Itoa(n + 1))}, nil
					})
					switch {
					case err == nil:
						if _, loaded := applied.LoadOrStore(id, true); loaded {
							t.Errorf("event %s applied twice", id)
						}
					case errors.Is(err, state.ErrDuplicate):
						dups.Store(id, true)
					default:
						t.Errorf("update %s: %v", id, err)
					}
				}
			}
		})
	}
	wg.Wait()
	wantData(t, s, k, []byte(strconv.Itoa(workers*each)))
}

func testTTL(t *testing.T, s state.Store) {
	ttlr, hasTTL := s.(TTLReader)
	retention := state.DefaultRetention
	if r, ok := s.(RetentionReporter); ok {
		retention = r.Retention()
	}
	for _, tc := range []struct {
		name   string
		change func() state.Change
		want   time.Duration
	}{
		{"default", func() state.Change { return state.Change{Data: []byte("x")} }, retention},
		{"explicit", func() state.Change { return state.Change{Data: []byte("x"), TTL: time.Hour} }, time.Hour},
		{"read-only refresh", func() state.Change { return state.Change{TTL: 2 * time.Hour} }, 2 * time.Hour},
	} {
		k := key("C1", "ttl")
		if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) { return tc.change(), nil }); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		wantData(t, s, k, []byte("x"))
		if !hasTTL {
			continue
		}
		got, err := ttlr.TTL(ctx, k)
		if err != nil {
			t.Fatalf("%s: TTL: %v", tc.name, err)
		}
		// A store may let a record live a little longer (redisstore: a thousandth, at
		// most a minute), never shorter.
		if got > tc.want+time.Minute || got < tc.want-time.Minute {
			t.Fatalf("%s: TTL = %v, want about %v", tc.name, got, tc.want)
		}
	}
}

func testUsers(t *testing.T, s state.Store) {
	a, b := key("C1", "a"), key("C2", "b")
	other := state.Key{Platform: "slack", Workspace: "T2", Channel: "C1", Thread: "a"}
	for _, w := range []struct {
		k     state.Key
		users []string
	}{
		{a, []string{"U1", "U2"}},
		{b, []string{"U1"}},
		{a, []string{"U1"}}, // again: listed once
		{other, []string{"U3", "U1"}},
		{key("C3", "c"), nil},
	} {
		if err := s.Update(ctx, w.k, "", func([]byte) (state.Change, error) {
			return state.Change{Data: []byte("x"), Users: w.users}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	sp, sp2 := a.Space(), other.Space()
	check := func(sp state.Space, user string, want ...state.Key) {
		t.Helper()
		got, err := s.Conversations(ctx, sp, user)
		if err != nil {
			t.Fatalf("Conversations(%v, %s): %v", sp, user, err)
		}
		sortKeys(got)
		sortKeys(want)
		if !slices.Equal(got, want) {
			t.Fatalf("Conversations(%v, %s) = %v, want %v", sp, user, got, want)
		}
	}
	check(sp, "U1", a, b)
	check(sp, "U2", a)
	check(sp, "U3")
	check(sp2, "U1", other)
	check(sp2, "U3", other)
	check(state.Space{Platform: "discord", Workspace: "T1"}, "U1")
	if err := s.Unindex(ctx, sp, "U1"); err != nil {
		t.Fatal(err)
	}
	check(sp, "U1")
	check(sp, "U2", a)
	check(sp2, "U1", other)
	// Unindexing an unknown user is fine.
	if err := s.Unindex(ctx, sp, "nobody"); err != nil {
		t.Fatal(err)
	}
}

func sortKeys(ks []state.Key) {
	slices.SortFunc(ks, func(x, y state.Key) int {
		if c := bytes.Compare([]byte(x.String()), []byte(y.String())); c != 0 {
			return c
		}
		return bytes.Compare([]byte(x.Channel+"\x00"+x.Thread), []byte(y.Channel+"\x00"+y.Thread))
	})
}

// testIsolation writes keys whose parts, joined naively, look alike: none may reach
// another's record, event ids or user index.
func testIsolation(t *testing.T, s state.Store) {
	keys := []state.Key{
		{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"},
		{Platform: "slack", Workspace: "T2", Channel: "C1", Thread: "1"},
		{Platform: "discord", Workspace: "T1", Channel: "C1", Thread: "1"},
		{Platform: "slack", Workspace: "T1:C1", Channel: "1", Thread: ""},
		{Platform: "slack", Workspace: "T1", Channel: "C1:1", Thread: ""},
		{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1:"},
		{Platform: "slack", Workspace: "T1}", Channel: "C1", Thread: "1"},
		{Platform: "slack", Workspace: "{T1", Channel: "C1", Thread: "1"},
		{Platform: "slack", Workspace: "T1", Channel: "}:{T2", Thread: "1"},
		{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1}:u:{slack:T2"},
		{Platform: "slack", Workspace: "T1%3AC1", Channel: "1", Thread: ""},
		{Platform: "slack", Workspace: "T1", Channel: "C1%", Thread: "1"},
		{Platform: "slack", Workspace: "", Channel: "", Thread: ""},
		{Platform: "slack:T1", Workspace: "C1", Channel: "1", Thread: ""},
	}
	for i, k := range keys {
		put(t, s, k, "same-event", []byte("r"+strconv.Itoa(i)))
		if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
			return state.Change{Users: []string{"U1", "U:" + strconv.Itoa(i)}}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range keys {
		wantData(t, s, k, []byte("r"+strconv.Itoa(i)))
		got, err := s.Conversations(ctx, k.Space(), "U1")
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			if g.Space() != k.Space() {
				t.Fatalf("Conversations(%v) lists %v from another space", k.Space(), g)
			}
		}
		if !slices.Contains(got, k) {
			t.Fatalf("Conversations(%v, U1) = %v, missing %v", k.Space(), got, k)
		}
	}
	// Forgetting in one space leaves the others alone.
	if err := s.Unindex(ctx, keys[0].Space(), "U1"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Conversations(ctx, keys[1].Space(), "U1")
	if err != nil || !slices.Contains(got, keys[1]) {
		t.Fatalf("after unindexing in %v: Conversations(%v) = %v, %v", keys[0].Space(), keys[1].Space(), got, err)
	}
}

// testManyKeys spreads records over many keys (and, on a cluster, over slots).
func testManyKeys(t *testing.T, s state.Store) {
	const n = 64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k := state.Key{Platform: "discord", Workspace: "G" + strconv.Itoa(i%4), Channel: "c" + strconv.Itoa(i), Thread: "t"}
			for j := range 3 {
				if err := s.Update(ctx, k, "e"+strconv.Itoa(j), func(cur []byte) (state.Change, error) {
					return state.Change{Data: append(append([]byte{}, cur...), byte('0'+j)), Users: []string{"U" + strconv.Itoa(i%4)}}, nil
				}); err != nil {
					t.Errorf("%v: %v", k, err)
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		k := state.Key{Platform: "discord", Workspace: "G" + strconv.Itoa(i%4), Channel: "c" + strconv.Itoa(i), Thread: "t"}
		wantData(t, s, k, []byte("012"))
	}
	for g := range 4 {
		got, err := s.Conversations(ctx, state.Space{Platform: "discord", Workspace: "G" + strconv.Itoa(g)}, "U"+strconv.Itoa(g))
		if err != nil || len(got) != n/4 {
			t.Fatalf("Conversations(G%d) = %d keys, %v; want %d", g, len(got), err, n/4)
		}
	}
}

func testContextCanceled(t *testing.T, s state.Store) {
	k := key("C1", "ctx")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err := s.Update(cctx, k, "e1", func([]byte) (state.Change, error) {
		return state.Change{Data: []byte("x")}, nil
	})
	if err == nil {
		t.Fatal("Update with a canceled context succeeded")
	}
	wantData(t, s, k, nil)
	put(t, s, k, "e1", []byte("y"))
	wantData(t, s, k, []byte("y"))
}
