package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// adminRun runs `intervision admin ARGS` and returns its exit code and output.
func adminRun(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"admin"}, args...), strings.NewReader(stdin), &out, &errb, envMap(env))
	return code, out.String(), errb.String()
}

// seedRedis drives an engine on the Redis at url (key prefix prefix) through
// bottest.Seed, plus one record in workspace T10, whose id starts with T1's.
func seedRedis(t *testing.T, url, prefix string) (*redisstore.Store, []bottest.OpenSession) {
	t.Helper()
	c, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(c, redisstore.Options{Prefix: prefix})
	t.Cleanup(func() { _ = st.Close() })
	eng := bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return bottest.Clock }})
	open := bottest.Seed(t, eng)
	k := state.Key{Platform: "slack", Workspace: "T10", Channel: "C1", Thread: "1.0"}
	if err := st.Update(context.Background(), k, "e1", func([]byte) (state.Change, error) {
		return state.Change{Data: []byte(`{"v":1}`), Users: []string{"ann"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	return st, open
}

func TestAdminSessions(t *testing.T) {
	srv := redistest.Start(t)
	_, open := seedRedis(t, srv.URL(), "iv")
	env := map[string]string{"REDIS_URL": srv.URL(), "REDIS_PREFIX": "iv"}
	for _, tc := range []struct {
		args []string
		f    state.Filter
	}{
		{nil, state.Filter{}},
		{[]string{"--platform", "slack"}, state.Filter{Platform: "slack"}},
		{[]string{"--platform", "slack", "--workspace", "T1"}, state.Filter{Platform: "slack", Workspace: "T1"}},
		{[]string{"--workspace", "G1"}, state.Filter{Workspace: "G1"}},
	} {
		code, out, errs := adminRun(t, env, "", append([]string{"sessions", "--json"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("sessions %v: exit %d: %s", tc.args, code, errs)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line == "" {
				continue
			}
			var s struct {
				Platform, Workspace, Channel, Thread, Method, Phase string
				Members                                             int
			}
			if err := json.Unmarshal([]byte(line), &s); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			got = append(got, fmt.Sprintf("%s:%s:%s:%s %s %s %d", s.Platform, s.Workspace, s.Channel, s.Thread, s.Method, s.Phase, s.Members))
		}
		var want []string
		for _, o := range open {
			if tc.f.Match(o.Key) {
				want = append(want, fmt.Sprintf("%s %s %s %d", o.Key, o.Method, o.Phase, o.Members))
			}
		}
		sort.Strings(got)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("sessions %v:\n got %v\nwant %v", tc.args, got, want)
		}
	}
	code, out, errs := adminRun(t, env, "", "sessions")
	if code != 0 || !strings.Contains(out, "PHASE") || !strings.Contains(out, fmt.Sprintf("%d open sessions", len(open))) {
		t.Fatalf("table: exit %d\n%s%s", code, out, errs)
	}
	for _, secret := range []string{"Name ann", "ann", bottest.SeedCase} {
		if strings.Contains(out, secret) {
			t.Errorf("the table shows %q:\n%s", secret, out)
		}
	}
}

func TestAdminEmbeddedSaysSo(t *testing.T) {
	code, out, errs := adminRun(t, nil, "", "sessions")
	if code != 0 || !strings.Contains(errs, "REDIS_URL is not set") || !strings.Contains(out, "0 open sessions") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := adminRun(t, nil, "", "bogus"); code != 2 || !strings.Contains(errs, "usage") {
		t.Fatalf("unknown command: exit %d: %s", code, errs)
	}
	if code, _, _ := adminRun(t, nil, "", "forget-user", "T1", "ann"); code != 2 {
		t.Fatalf("forget-user without --platform: exit %d", code)
	}
}

// rawKeys SCANs every master of the Redis at addrs.
func rawKeys(t *testing.T, addrs ...string) []string {
	t.Helper()
	var out []string
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		iter := c.Scan(context.Background(), 0, "*", 100).Iterator()
		for iter.Next(context.Background()) {
			out = append(out, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Fatal(err)
		}
		_ = c.Close()
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// ofT1 tells the keys of workspace slack:T1 (records, event ids, user indexes).
func ofT1(k string) bool {
	return strings.Contains(k, ":{slack:T1:") || strings.Contains(k, ":u:{slack:T1}:")
}

func checkPurge(t *testing.T, url string, addrs []string) {
	t.Helper()
	seedRedis(t, url, "iv")
	seedRedis(t, url, "other") // the same workspaces under another prefix stay
	env := map[string]string{"REDIS_URL": url, "REDIS_PREFIX": "iv"}
	before := rawKeys(t, addrs...)
	kinds := map[string]bool{}
	for _, k := range before {
		if ofT1(k) && strings.HasPrefix(k, "iv:") {
			kinds["record"] = kinds["record"] || strings.HasSuffix(k, "}:s")
			kinds["event id"] = kinds["event id"] || strings.HasSuffix(k, "}:d")
			kinds["user index"] = kinds["user index"] || strings.HasPrefix(k, "iv:u:")
		}
	}
	if len(kinds) != 3 || !kinds["record"] || !kinds["event id"] || !kinds["user index"] {
		t.Fatalf("the seed lacks some kind of key of T1: %v\n%v", kinds, before)
	}
	code, out, _ := adminRun(t, env, "T2\n", "purge-workspace", "--platform", "slack", "T1")
	if code != 1 || !strings.Contains(out, "sessions") || !strings.Contains(out, "Type the workspace id") {
		t.Fatalf("unconfirmed purge: exit %d\n%s", code, out)
	}
	if after := rawKeys(t, addrs...); !slices.Equal(after, before) {
		t.Fatal("an unconfirmed purge deleted keys")
	}
	fields := hashFields(t, url, before)
	code, out, errs := adminRun(t, env, "", "purge-workspace", "T1", "--platform", "slack", "--yes")
	if code != 0 {
		t.Fatalf("purge: exit %d\n%s%s", code, out, errs)
	}
	after := rawKeys(t, addrs...)
	want := slices.DeleteFunc(slices.Clone(before), func(k string) bool { return ofT1(k) && strings.HasPrefix(k, "iv:") })
	if !slices.Equal(after, want) {
		t.Fatalf("after purge:\n  %v\nwant\n  %v", after, want)
	}
	n := purgedEntries(before, after, fields)
	if !strings.Contains(out, fmt.Sprintf("deleted %d entries", n)) {
		t.Errorf("purge of %d keys says:\n%s", n, out)
	}
	if code, out, _ := adminRun(t, env, "", "purge-workspace", "--platform", "slack", "T1"); code != 0 || !strings.Contains(out, "nothing to delete") {
		t.Errorf("second purge: exit %d\n%s", code, out)
	}
}

// purgedEntries is how many entries a purge from before to after deleted. A
// conversation's member set (":m", kept for the index's expiry) and its log (":l") go
// with its record and are not counted as entries of their own; a hash of recent event
// ids (":d", ":d1") counts its ids (hashFields: its fields less the generation's start
// and the mark of a first generation).
func purgedEntries(before, after []string, fields map[string]int) int {
	n := 0
	for _, k := range before {
		switch {
		case slices.Contains(after, k), strings.HasSuffix(k, "}:m"), strings.HasSuffix(k, "}:l"):
		case strings.HasSuffix(k, "}:d"), strings.HasSuffix(k, "}:d1"):
			n += fields[k]
		default:
			n++
		}
	}
	return n
}

// hashFields returns the number of fields of every hash among keys, less the fields
// of a hash of event ids that are no ids ("", "-", "*" and "=": docs/redis.md).
func hashFields(t *testing.T, url string, keys []string) map[string]int {
	t.Helper()
	c, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string]int{}
	for _, k := range keys {
		if c.Type(context.Background(), k).Val() == "hash" {
			out[k] = int(c.HLen(context.Background(), k).Val())
			if strings.HasSuffix(k, "}:d") || strings.HasSuffix(k, "}:d1") {
				for _, f := range []string{"", "-", "*", "="} {
					if c.HExists(context.Background(), k, f).Val() {
						out[k]--
					}
				}
			}
		}
	}
	return out
}

func TestAdminPurge(t *testing.T) {
	srv := redistest.Start(t)
	checkPurge(t, srv.URL(), []string{srv.Addr})
}

func TestAdminPurgeCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	checkPurge(t, cl.URL(), cl.Addrs())
	for _, a := range cl.Addrs() {
		if len(rawKeys(t, a)) == 0 {
			t.Errorf("master %s holds no key: the test did not spread over the cluster", a)
		}
	}
}

// TestAdminForgetUser: ann's own `forget yes` and the operator's forget-user leave the
// same records in two identically seeded stores.
func TestAdminForgetUser(t *testing.T) {
	srv := redistest.Start(t)
	own, _ := seedRedis(t, srv.URL(), "own")
	admin, _ := seedRedis(t, srv.URL(), "admin")
	eng := bot.New(bot.Config{Store: own, Library: prompts.MustBuiltin(), Logger: slog.New(slog.DiscardHandler)})
	if _, err := eng.Handle(context.Background(), bot.Event{ID: "f1", Command: true, Text: "forget yes",
		User: bot.User{ID: "ann"}, Conv: bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D9", Direct: true}}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"REDIS_URL": srv.URL(), "REDIS_PREFIX": "admin"}
	code, out, errs := adminRun(t, env, "", "forget-user", "--platform", "slack", "T1", "ann")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"messages deleted", "sessions changed or deleted  3", "kept summaries edited", "next-step note deleted       yes"} {
		if !strings.Contains(out, want) {
			t.Errorf("receipt lacks %q:\n%s", want, out)
		}
	}
	a, b := storeRecords(t, own), storeRecords(t, admin)
	if len(a) != len(b) {
		t.Fatalf("forget left %d records, forget-user %d", len(a), len(b))
	}
	// Both run on the wall clock: a session closed by the forget (ann brought its case)
	// may get its "finished" stamp a second apart. bot's TestForgetUserSameAsForget
	// compares with one fixed clock.
	for k, v := range a {
		if !bytes.Equal(finished.ReplaceAll(v, nil), finished.ReplaceAll(b[k], nil)) {
			t.Errorf("%v differs:\nforget:      %s\nforget-user: %s", k, v, b[k])
		}
	}
}

var finished = regexp.MustCompile(`,"finished":[0-9]+`)

func storeRecords(t *testing.T, st *redisstore.Store) map[state.Key][]byte {
	t.Helper()
	keys, err := st.Keys(context.Background(), state.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[state.Key][]byte{}
	for _, k := range keys {
		b, err := st.Get(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		out[k] = b
	}
	return out
}

func TestAdminTimers(t *testing.T) {
	srv := redistest.Start(t)
	c, err := redisstore.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sched := redisstore.NewScheduler(c, redisstore.SchedulerOptions{Prefix: "iv"})
	due := time.Now().Add(-time.Hour)
	for i, d := range []time.Time{due, time.Now().Add(time.Hour)} {
		if err := sched.Schedule(context.Background(), state.Timer{ID: fmt.Sprint("t", i), Due: d, Payload: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"REDIS_URL": srv.URL(), "REDIS_PREFIX": "iv"}
	code, out, errs := adminRun(t, env, "", "timers")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"scheduled (not due yet)", "pending (due, waiting for a replica)  1", due.UTC().Format(time.RFC3339)} {
		if !strings.Contains(out, want) {
			t.Errorf("timers lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "lag                                   0s") || !strings.Contains(out, "lag") {
		t.Errorf("no lag for a timer an hour late:\n%s", out)
	}
}
