package statetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/intervision-bot/intervision/state"
)

// RunAdmin runs the suite of the operators' capabilities, state.Lister and
// state.Purger, which the store must implement. newStore returns a new, empty store
// for each subtest, as for Run.
func RunAdmin(t *testing.T, newStore func(t *testing.T) state.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s state.Store)
	}{
		{"KeysFilter", testKeysFilter},
		{"KeysAwkwardIDs", testKeysAwkwardIDs},
		{"KeysSkipsDeleted", testKeysSkipsDeleted},
		{"PurgeSpace", testPurgeSpace},
		{"PurgeEmpty", testPurgeEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close() })
			if _, ok := s.(state.Lister); !ok {
				t.Fatalf("%T does not implement state.Lister", s)
			}
			if _, ok := s.(state.Purger); !ok {
				t.Fatalf("%T does not implement state.Purger", s)
			}
			tc.fn(t, s)
		})
	}
}

// adminKeys are records in several spaces, some with names that are prefixes of
// others or hold the characters the stores escape or match on.
var adminKeys = []state.Key{
	{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.5"},
	{Platform: "slack", Workspace: "T1", Channel: "C2", Thread: ""},
	{Platform: "slack", Workspace: "T1", Channel: "", Thread: "note:U1"},
	{Platform: "slack", Workspace: "T1", Channel: "", Thread: "report:"},
	{Platform: "slack", Workspace: "T10", Channel: "C1", Thread: "1.5"},
	{Platform: "slack", Workspace: "T*", Channel: "C1", Thread: "x"},
	{Platform: "slack", Workspace: "T:1", Channel: "C1", Thread: "x"},
	{Platform: "discord", Workspace: "T1", Channel: "C1", Thread: "1.5"},
	{Platform: "discord", Workspace: "G2", Channel: "c{1}", Thread: "t:%2"},
}

func seedAdmin(t *testing.T, s state.Store) {
	t.Helper()
	for i, k := range adminKeys {
		err := s.Update(ctx, k, "ev-"+k.Channel, func([]byte) (state.Change, error) {
			return state.Change{Data: []byte{byte('a' + i)}, Users: []string{"U1", "U:2"}}, nil
		})
		if err != nil {
			t.Fatalf("seed %v: %v", k, err)
		}
	}
}

func listKeys(t *testing.T, s state.Store, f state.Filter) []state.Key {
	t.Helper()
	ks, err := s.(state.Lister).Keys(ctx, f)
	if err != nil {
		t.Fatalf("Keys(%+v): %v", f, err)
	}
	sortKeys(ks)
	return ks
}

func wantKeys(t *testing.T, s state.Store, f state.Filter) {
	t.Helper()
	var want []state.Key
	for _, k := range adminKeys {
		if f.Match(k) {
			want = append(want, k)
		}
	}
	sortKeys(want)
	if got := listKeys(t, s, f); !slices.Equal(got, want) {
		t.Fatalf("Keys(%+v) =\n  %v\nwant\n  %v", f, got, want)
	}
}

func testKeysFilter(t *testing.T, s state.Store) {
	seedAdmin(t, s)
	for _, f := range []state.Filter{
		{},
		{Platform: "slack"},
		{Platform: "discord"},
		{Platform: "slack", Workspace: "T1"},
		{Platform: "slack", Workspace: "T*"},
		{Workspace: "T1"},
		{Platform: "teams"},
		{Platform: "slack", Workspace: "T"},
	} {
		wantKeys(t, s, f)
	}
}

func testKeysAwkwardIDs(t *testing.T, s state.Store) {
	seedAdmin(t, s)
	got := listKeys(t, s, state.Filter{Platform: "discord", Workspace: "G2"})
	want := []state.Key{{Platform: "discord", Workspace: "G2", Channel: "c{1}", Thread: "t:%2"}}
	if !slices.Equal(got, want) {
		t.Fatalf("Keys = %v, want %v", got, want)
	}
	if b := get(t, s, got[0]); len(b) != 1 {
		t.Fatalf("the listed key does not read its record: %q", b)
	}
}

func testKeysSkipsDeleted(t *testing.T, s state.Store) {
	seedAdmin(t, s)
	gone := adminKeys[0]
	if err := s.Update(ctx, gone, "", func([]byte) (state.Change, error) {
		return state.Change{Delete: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := listKeys(t, s, state.Filter{Platform: gone.Platform, Workspace: gone.Workspace}); slices.Contains(got, gone) {
		t.Fatalf("Keys lists the deleted %v: %v", gone, got)
	}
}

func testPurgeSpace(t *testing.T, s state.Store) {
	seedAdmin(t, s)
	p := s.(state.Purger)
	space := state.Space{Platform: "slack", Workspace: "T1"}
	c, err := p.CountSpace(ctx, space)
	if err != nil {
		t.Fatal(err)
	}
	// Four records, four event ids (one per conversation), two users.
	if want := (state.SpaceCount{Records: 4, Users: 2, Events: 4}); c != want {
		t.Fatalf("CountSpace = %+v, want %+v", c, want)
	}
	n, err := p.PurgeSpace(ctx, space)
	if err != nil {
		t.Fatal(err)
	}
	if n != c.Total() {
		t.Fatalf("PurgeSpace deleted %d, CountSpace said %d", n, c.Total())
	}
	if c, err := p.CountSpace(ctx, space); err != nil || c.Total() != 0 {
		t.Fatalf("after purge CountSpace = %+v, %v", c, err)
	}
	for _, k := range adminKeys {
		b := get(t, s, k)
		if (k.Space() == space) != (b == nil) {
			t.Fatalf("after purging %v: %v holds %q", space, k, b)
		}
		ks, err := s.Conversations(ctx, k.Space(), "U1")
		if err != nil {
			t.Fatal(err)
		}
		if (k.Space() == space) != (len(ks) == 0) {
			t.Fatalf("after purging %v: U1's index of %v is %v", space, k.Space(), ks)
		}
		// The event ids of the purged space are forgotten; the others' still refuse.
		err = s.Update(ctx, k, "ev-"+k.Channel, func(cur []byte) (state.Change, error) { return state.Change{}, nil })
		if k.Space() == space && err != nil {
			t.Fatalf("after purge, event id of %v: %v", k, err)
		}
		if k.Space() != space && !errors.Is(err, state.ErrDuplicate) {
			t.Fatalf("event id of %v not remembered after purging %v: %v", k, space, err)
		}
	}
	wantRest := listKeys(t, s, state.Filter{})
	if len(wantRest) != len(adminKeys)-4 {
		t.Fatalf("after purge Keys = %v", wantRest)
	}
}

func testPurgeEmpty(t *testing.T, s state.Store) {
	seedAdmin(t, s)
	n, err := s.(state.Purger).PurgeSpace(ctx, state.Space{Platform: "slack", Workspace: "T"})
	if err != nil || n != 0 {
		t.Fatalf("PurgeSpace of an empty space = %d, %v", n, err)
	}
	wantKeys(t, s, state.Filter{})
}
