package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
	"github.com/intervision-bot/intervision/state/statetest"
)

var ctx = context.Background()

var prefixes atomic.Int64

// uniquePrefix gives each store in a test run its own key space on a shared server.
func uniquePrefix() string { return "t" + strconv.FormatInt(prefixes.Add(1), 10) }

func newClient(t testing.TB, url string) redis.UniversalClient {
	t.Helper()
	c, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	for _, tc := range []struct {
		name string
		opts redisstore.Options
	}{
		{"cache", redisstore.Options{}},
		{"nocache", redisstore.Options{CacheSize: -1}},
		{"tinycache", redisstore.Options{CacheSize: 2, Retention: 90 * time.Minute}},
		{"nobatch", redisstore.Options{NoBatch: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			statetest.Run(t, func(t *testing.T) state.Store {
				o := tc.opts
				o.Prefix = uniquePrefix()
				return redisstore.New(newClient(t, srv.URL()), o)
			})
		})
	}
}

// TestConformanceReplicas runs the suite through two Stores (two replicas with their
// own caches) sharing one Redis, alternating between them on every call.
func TestConformanceReplicas(t *testing.T) {
	srv := redistest.Start(t)
	statetest.Run(t, func(t *testing.T) state.Store {
		o := redisstore.Options{Prefix: uniquePrefix()}
		return &alternating{stores: [2]*redisstore.Store{
			redisstore.New(newClient(t, srv.URL()), o),
			redisstore.New(newClient(t, srv.URL()), o),
		}}
	})
}

type alternating struct {
	stores [2]*redisstore.Store
	n      atomic.Int64
}

func (a *alternating) next() *redisstore.Store { return a.stores[a.n.Add(1)%2] }

func (a *alternating) Update(ctx context.Context, k state.Key, id string, fn state.UpdateFunc) error {
	return a.next().Update(ctx, k, id, fn)
}
func (a *alternating) Get(ctx context.Context, k state.Key) ([]byte, error) {
	return a.next().Get(ctx, k)
}
func (a *alternating) Conversations(ctx context.Context, sp state.Space, u string) ([]state.Key, error) {
	return a.next().Conversations(ctx, sp, u)
}
func (a *alternating) Unindex(ctx context.Context, sp state.Space, u string) error {
	return a.next().Unindex(ctx, sp, u)
}
func (a *alternating) Close() error {
	return errors.Join(a.stores[0].Close(), a.stores[1].Close())
}
func (a *alternating) TTL(ctx context.Context, k state.Key) (time.Duration, error) {
	return a.stores[0].TTL(ctx, k)
}

// TestCluster runs the suite on a 3-master Redis Cluster through NewUniversalClient
// and checks that the records spread over all masters.
func TestCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	statetest.Run(t, func(t *testing.T) state.Store {
		c := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: cl.Addrs(), IsClusterMode: true})
		return redisstore.New(c, redisstore.Options{Prefix: uniquePrefix()})
	})
	t.Run("URL", func(t *testing.T) {
		for _, url := range []string{cl.URL(), strings.Join(prefixed("redis://", cl.Addrs()), ",")} {
			s, err := redisstore.Open(ctx, url, redisstore.Options{Prefix: uniquePrefix()})
			if err != nil {
				t.Fatalf("Open(%s): %v", url, err)
			}
			if _, ok := s.Client().(*redis.ClusterClient); !ok {
				t.Fatalf("Open(%s) made a %T, want a cluster client", url, s.Client())
			}
			for i := range 30 {
				k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C" + strconv.Itoa(i), Thread: "1"}
				if err := s.Update(ctx, k, "e", func([]byte) (state.Change, error) {
					return state.Change{Data: []byte("x")}, nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			_ = s.Close()
		}
	})
	for _, srv := range cl.Servers {
		n, err := redis.NewClient(&redis.Options{Addr: srv.Addr}).DBSize(ctx).Result()
		if err != nil || n == 0 {
			t.Errorf("master %s holds %d keys (%v): records did not spread over slots", srv.Addr, n, err)
		}
	}
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// TestKeyLayout checks the key names and that crafted ids cannot leave their
// workspace's key space or hash tag.
func TestKeyLayout(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{Prefix: "iv{x}"})
	if err := s.CheckLayout(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key         state.Key
		event, user string
		want        []string
	}{
		{
			state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700.1"}, "Ev1", "U1",
			[]string{"iv%7Bx%7D:{slack:T1:C1:1700.1}:s", "iv%7Bx%7D:{slack:T1:C1:1700.1}:d",
				"iv%7Bx%7D:{slack:T1:C1:1700.1}:m", "iv%7Bx%7D:u:{slack:T1}:U1"},
		},
		{
			state.Key{Platform: "slack", Workspace: "T1}:u:{slack:T2", Channel: "C:1", Thread: "{x}"}, "a:{b}", "U}1",
			[]string{
				"iv%7Bx%7D:{slack:T1%7D%3Au%3A%7Bslack%3AT2:C%3A1:%7Bx%7D}:s",
				"iv%7Bx%7D:{slack:T1%7D%3Au%3A%7Bslack%3AT2:C%3A1:%7Bx%7D}:d",
				"iv%7Bx%7D:{slack:T1%7D%3Au%3A%7Bslack%3AT2:C%3A1:%7Bx%7D}:m",
				"iv%7Bx%7D:u:{slack:T1%7D%3Au%3A%7Bslack%3AT2}:U%7D1",
			},
		},
	} {
		if err := s.Update(ctx, tc.key, tc.event, func([]byte) (state.Change, error) {
			return state.Change{Data: []byte("x"), Users: []string{tc.user}}, nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, k := range tc.want {
			if n, err := rdb.Exists(ctx, k).Result(); err != nil || n != 1 {
				t.Errorf("key %q missing (%v)", k, err)
			}
			// Redis Cluster hashes what lies between the first '{' and the next '}':
			// it must be exactly the escaped conversation or space.
			open := strings.IndexByte(k, '{')
			end := strings.IndexByte(k[open:], '}') + open
			tag := k[open+1 : end]
			want := strings.Join(esc(tc.key.Platform, tc.key.Workspace, tc.key.Channel, tc.key.Thread), ":")
			if strings.Contains(k, ":u:") {
				want = strings.Join(esc(tc.key.Platform, tc.key.Workspace), ":")
			}
			if tag != want {
				t.Errorf("hash tag of %q = %q, want %q", k, tag, want)
			}
		}
	}
	// And the key that says since when this Redis has held the layout with the log
	// (written in the background after the first update: learnt now, so it is there).
	if err := s.CheckLayout(ctx); err != nil {
		t.Fatal(err)
	}
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil || len(keys) != 9 || !slices.Contains(keys, "iv%7Bx%7D:layout") {
		t.Fatalf("keys = %q, %v; want 9 keys", keys, err)
	}
}

func esc(xs ...string) []string {
	r := strings.NewReplacer("%", "%25", ":", "%3A", "{", "%7B", "}", "%7D")
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = r.Replace(x)
	}
	return out
}

// TestOneRoundTrip checks that an update on a cached record is one command, that an
// update without a cache entry is two, and what Redis counts agrees.
func TestOneRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	update := func(id string) {
		t.Helper()
		if err := s.Update(ctx, k, id, func(cur []byte) (state.Change, error) {
			return state.Change{Data: append(cur, 'x')}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	update("warm") // a new conversation: one
	if got := s.Stats().RoundTrips; got != 1 {
		t.Fatalf("first update took %d round trips, want 1", got)
	}
	// Another replica, without a cache entry: two (the first commit returns the record).
	other := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	if err := other.Update(ctx, k, "other", func(cur []byte) (state.Change, error) {
		return state.Change{Data: append(cur, 'x')}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := other.Stats().RoundTrips; got != 2 {
		t.Fatalf("first update on another replica took %d round trips, want 2", got)
	}
	update("stale") // s's cache is behind: two
	if got := s.Stats().RoundTrips; got != 3 {
		t.Fatalf("stale update: %d round trips in all, want 3", got)
	}
	if err := rdb.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const n = 50
	for i := range n {
		update("e" + strconv.Itoa(i))
	}
	if got := s.Stats().RoundTrips - 3; got != n {
		t.Fatalf("%d cached updates took %d round trips", n, got)
	}
	calls := commandCalls(t, rdb)
	if got := calls["evalsha"] + calls["eval"]; got != n {
		t.Fatalf("Redis counted %d script calls for %d updates: %v", got, n, calls)
	}
	if got, want := calls["set"], int64(n); got != want { // the record
		t.Fatalf("Redis counted %d SETs for %d updates, want %d", got, n, want)
	}
	if got, want := calls["hset"], int64(n); got != want { // the event id
		t.Fatalf("Redis counted %d HSETs for %d updates, want %d", got, n, want)
	}
}

// commandCalls parses INFO commandstats.
func commandCalls(t testing.TB, rdb *redis.Client) map[string]int64 {
	t.Helper()
	info, err := rdb.Info(ctx, "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for line := range strings.SplitSeq(info, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(rest, "calls="), ",")
		n, _ := strconv.ParseInt(calls, 10, 64)
		out[strings.TrimPrefix(name, "cmdstat_")] = n
	}
	return out
}

// TestStaleCache has one replica commit behind another's back: the other's next update
// gets the current record from its failed commit and retries without a separate GET.
func TestStaleCache(t *testing.T) {
	srv := redistest.Start(t)
	a := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	b := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	k := state.Key{Platform: "discord", Workspace: "G1", Channel: "c", Thread: "t"}
	appendUpdate := func(s *redisstore.Store, c byte) {
		t.Helper()
		if err := s.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
			return state.Change{Data: append(cur, c)}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	appendUpdate(a, '1')
	appendUpdate(b, '2')
	before := a.Stats()
	appendUpdate(a, '3')
	after := a.Stats()
	if got := after.RoundTrips - before.RoundTrips; got != 2 {
		t.Errorf("stale update took %d round trips, want 2", got)
	}
	if got := after.Conflicts - before.Conflicts; got != 1 {
		t.Errorf("stale update had %d conflicts, want 1", got)
	}
	// Delete and re-create behind a's back: random versions keep a's cache from
	// mistaking the new record for the one it saw.
	if err := b.Update(ctx, k, "", func([]byte) (state.Change, error) { return state.Change{Delete: true}, nil }); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		appendUpdate(b, 'n')
	}
	appendUpdate(a, '4')
	got, _ := a.Get(ctx, k)
	if string(got) != "nnn4" {
		t.Fatalf("record = %q, want nnn4", got)
	}
}

// resend is a hook that sends every script call twice and returns the second reply,
// as a client does when it retries after losing a reply.
type resend struct{}

func (resend) DialHook(next redis.DialHook) redis.DialHook { return next }
func (resend) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if err := next(ctx, cmds); err != nil {
			return err
		}
		return next(ctx, cmds)
	}
}
func (resend) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if n := cmd.Name(); n != "evalsha" && n != "eval" {
			return next(ctx, cmd)
		}
		if err := next(ctx, cmd); err != nil {
			return err
		}
		return next(ctx, cmd)
	}
}

// TestResentCommand: a commit that reaches Redis twice is applied once, whether it
// went alone or in a pipeline (batching), which the hook then sends twice.
func TestResentCommand(t *testing.T) {
	srv := redistest.Start(t)
	for _, noBatch := range []bool{true, false} {
		c := redis.NewClient(&redis.Options{Addr: srv.Addr})
		c.AddHook(resend{})
		s := redisstore.New(c, redisstore.Options{NoBatch: noBatch, Prefix: uniquePrefix()})
		k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
		for i, id := range []string{"e1", "", "e2", ""} {
			if err := s.Update(ctx, k, id, func(cur []byte) (state.Change, error) {
				return state.Change{Data: append(cur, byte('a'+i))}, nil
			}); err != nil {
				t.Fatalf("NoBatch=%v update %d: %v", noBatch, i, err)
			}
		}
		got, err := s.Get(ctx, k)
		if err != nil || string(got) != "abcd" {
			t.Fatalf("NoBatch=%v: record = %q, %v; want abcd", noBatch, got, err)
		}
		if st := s.Stats(); noBatch == (st.Pipelines > 0) {
			t.Fatalf("NoBatch=%v: %d pipelines", noBatch, st.Pipelines)
		}
	}
}

// TestUnavailable stops Redis mid-test: updates fail with ErrUnavailable and leave
// nothing half-written; when Redis is back on the same port the store works again.
func TestUnavailable(t *testing.T) {
	srv := redistest.Start(t)
	s := redisstore.New(newClient(t, srv.URL()+"?max_retries=1&dial_timeout=200ms"), redisstore.Options{})
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	write := func(id, data string) error {
		return s.Update(ctx, k, id, func([]byte) (state.Change, error) {
			return state.Change{Data: []byte(data), Users: []string{"U1"}}, nil
		})
	}
	if err := write("e1", "one"); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	start := time.Now()
	for _, op := range []struct {
		name string
		run  func() error
	}{
		{"update", func() error { return write("e2", "two") }},
		{"update again", func() error { return write("e2", "two") }},
		{"get", func() error { _, err := s.Get(ctx, k); return err }},
		{"conversations", func() error { _, err := s.Conversations(ctx, k.Space(), "U1"); return err }},
		{"unindex", func() error { return s.Unindex(ctx, k.Space(), "U1") }},
	} {
		if err := op.run(); !errors.Is(err, state.ErrUnavailable) {
			t.Fatalf("%s with Redis down: err = %v, want ErrUnavailable", op.name, err)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("failing calls took %v", d)
	}
	if err := srv.Restart(); err != nil { // an empty Redis on the same port
		t.Fatal(err)
	}
	if err := write("e2", "two"); err != nil {
		t.Fatalf("after Redis came back: %v", err)
	}
	if got, err := s.Get(ctx, k); err != nil || string(got) != "two" {
		t.Fatalf("after Redis came back: record = %q, %v", got, err)
	}
	if err := write("e2", "three"); !errors.Is(err, state.ErrDuplicate) {
		t.Fatalf("replay after recovery: err = %v, want ErrDuplicate", err)
	}
}

// TestOpen checks the URL forms Open accepts.
func TestOpen(t *testing.T) {
	srv := redistest.Start(t, "--requirepass", "s3cret")
	host := srv.Addr
	for _, tc := range []struct {
		url     string
		wantErr bool
		db      int
	}{
		{"redis://:s3cret@" + host + "/3", false, 3},
		{"redis://default:s3cret@" + host, false, 0},
		{"redis://:wrong@" + host, true, 0},
		{"redis://" + host, true, 0},
		{"", true, 0},
		{"http://" + host, true, 0},
		{"redis://:s3cret@127.0.0.1:1", true, 0},
	} {
		t.Run(tc.url, func(t *testing.T) {
			s, err := redisstore.Open(ctx, tc.url, redisstore.Options{Prefix: "open"})
			if tc.wantErr {
				if err == nil {
					_ = s.Close()
					t.Fatal("Open succeeded")
				}
				if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "wrong") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			k := state.Key{Platform: "terminal", Workspace: "local", Channel: "c", Thread: "main"}
			if err := s.Update(ctx, k, "", func([]byte) (state.Change, error) {
				return state.Change{Data: []byte("x")}, nil
			}); err != nil {
				t.Fatal(err)
			}
			direct := redis.NewClient(&redis.Options{Addr: host, Password: "s3cret", DB: tc.db})
			if n, err := direct.Exists(ctx, "open:{terminal:local:c:main}:s").Result(); err != nil || n != 1 {
				t.Fatalf("record not in db %d: %d, %v", tc.db, n, err)
			}
		})
	}
	if _, err := redisstore.Open(ctx, "redis://127.0.0.1:1", redisstore.Options{}); !errors.Is(err, state.ErrUnavailable) {
		t.Fatalf("Open of a closed port: %v, want ErrUnavailable", err)
	}
}

// TestFuncErrorOnStaleView: an update function that fails on what it was shown is
// shown the current record before its error is believed.
func TestFuncErrorOnStaleView(t *testing.T) {
	srv := redistest.Start(t)
	a := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	b := redisstore.New(newClient(t, srv.URL()), redisstore.Options{})
	k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1"}
	need := func(want string) state.UpdateFunc {
		return func(cur []byte) (state.Change, error) {
			if string(cur) != want {
				return state.Change{}, fmt.Errorf("cur = %q, want %q", cur, want)
			}
			return state.Change{Data: append(cur, 'x')}, nil
		}
	}
	if err := a.Update(ctx, k, "", need("")); err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, k, "", need("x")); err != nil { // b has no cache entry
		t.Fatal(err)
	}
	if err := a.Update(ctx, k, "", need("xx")); err != nil { // a's cache is stale
		t.Fatal(err)
	}
	if err := a.Update(ctx, k, "", need("nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("error on the current record: %v", err)
	}
}

// TestCacheBound writes more records than the cache holds; all stay correct.
func TestCacheBound(t *testing.T) {
	srv := redistest.Start(t)
	s := redisstore.New(newClient(t, srv.URL()), redisstore.Options{CacheSize: 8})
	for round := range 3 {
		for i := range 20 {
			k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C", Thread: fmt.Sprint(i)}
			if err := s.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
				if len(cur) != round {
					return state.Change{}, fmt.Errorf("round %d: cur = %q", round, cur)
				}
				return state.Change{Data: append(cur, 'x')}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
