package redisstore_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
	"github.com/intervision-bot/intervision/state/statetest"
)

func TestAdminConformance(t *testing.T) {
	srv := redistest.Start(t)
	t.Run("plain", func(t *testing.T) {
		statetest.RunAdmin(t, func(t *testing.T) state.Store {
			return redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: uniquePrefix()})
		})
	})
	t.Run("glob prefix", func(t *testing.T) {
		statetest.RunAdmin(t, func(t *testing.T) state.Store {
			return redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "p*[?]\\:" + uniquePrefix()})
		})
	})
}

func TestAdminConformanceCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	statetest.RunAdmin(t, func(t *testing.T) state.Store {
		return redisstore.New(newClient(t, cl.URL()), redisstore.Options{Prefix: uniquePrefix()})
	})
}

// TestPurgeOtherPrefixes purges a space of one store on a server shared with stores
// whose prefixes look alike: only the first store's keys go.
func TestPurgeOtherPrefixes(t *testing.T) {
	srv := redistest.Start(t)
	raw := newClient(t, srv.URL())
	defer raw.Close()
	space := state.Space{Platform: "slack", Workspace: "T1"}
	prefixes := []string{"iv", "iv:x", "iv*", "i?", "iv:u"}
	for _, p := range prefixes {
		s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: p})
		// the layout key now, not in the background after the keys are listed (a CI
		// run once found "iv:u:layout" written between the two listings)
		if err := s.CheckLayout(ctx); err != nil {
			t.Fatal(err)
		}
		k := state.Key{Platform: space.Platform, Workspace: space.Workspace, Channel: "C1", Thread: "1"}
		if err := s.Update(ctx, k, "e1", func([]byte) (state.Change, error) {
			return state.Change{Data: []byte("x"), Users: []string{"U1"}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
	}
	before := scanAll(t, raw)
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv"})
	defer s.Close()
	n, err := s.PurgeSpace(ctx, space)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("PurgeSpace deleted %d keys, want 3 (record, event id, user index)", n)
	}
	after := scanAll(t, raw)
	want := slices.DeleteFunc(slices.Clone(before), func(k string) bool {
		return k == "iv:{slack:T1:C1:1}:s" || k == "iv:{slack:T1:C1:1}:d" || k == "iv:u:{slack:T1}:U1" ||
			k == "iv:{slack:T1:C1:1}:m" // the conversation's indexed users: purged, not counted
	})
	if !slices.Equal(after, want) {
		t.Fatalf("keys after purge:\n  %v\nwant\n  %v", after, want)
	}
}

func scanAll(t *testing.T, c redis.UniversalClient) []string {
	t.Helper()
	var out []string
	iter := c.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		out = append(out, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return slices.Compact(out)
}
