package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// adminStores returns a constructor of empty stores per kind: embedded, and Redis on
// one real redis-server (a fresh prefix each).
func adminStores(t *testing.T) map[string]func() state.Store {
	srv := redistest.Start(t)
	n := 0
	return map[string]func() state.Store{
		"memstore": func() state.Store { return memstore.New(memstore.WithClock(func() time.Time { return bottest.Clock })) },
		"redis": func() state.Store {
			n++
			c, err := redisstore.NewClient(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			s := redisstore.New(c, redisstore.Options{Prefix: fmt.Sprintf("admin%d", n)})
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	}
}

func adminEngine(st state.Store, now time.Time) *bot.Engine {
	return bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
}

func TestOpenSessions(t *testing.T) {
	for name, newStore := range adminStores(t) {
		t.Run(name, func(t *testing.T) {
			st := newStore()
			open := bottest.Seed(t, adminEngine(st, bottest.Clock))
			later := bottest.Clock.Add(90 * time.Minute)
			eng := adminEngine(st, later)
			for _, f := range []state.Filter{{}, {Platform: "slack"}, {Platform: "slack", Workspace: "T1"},
				{Platform: "slack", Workspace: "T2"}, {Workspace: "G1"}, {Platform: "slack", Workspace: "T3"}} {
				got, err := eng.OpenSessions(context.Background(), f)
				if err != nil {
					t.Fatal(err)
				}
				var want []string
				for _, o := range open {
					if f.Match(o.Key) {
						want = append(want, fmt.Sprintf("%s %s %s %d", o.Key, o.Method, o.Phase, o.Members))
					}
				}
				var have []string
				for _, s := range got {
					have = append(have, fmt.Sprintf("%s %s %s %d", s.Key, s.Method, s.Phase, s.Members))
					if s.Age != 90*time.Minute || !s.Started.Equal(bottest.Clock) {
						t.Errorf("%v: started %v, age %v", s.Key, s.Started, s.Age)
					}
				}
				sort.Strings(want)
				sort.Strings(have)
				if !slices.Equal(have, want) {
					t.Errorf("OpenSessions(%+v) =\n  %v\nwant\n  %v", f, have, want)
				}
			}
		})
	}
}

// TestForgetUserSameAsForget seeds two identical stores; ann forgets herself in one
// (`forget yes`), an operator forgets her in the other (ForgetUser): the stores end up
// holding the same records, and the receipt counts what her reply says.
func TestForgetUserSameAsForget(t *testing.T) {
	for name, newStore := range adminStores(t) {
		t.Run(name, func(t *testing.T) {
			own, admin := newStore(), newStore()
			bottest.Seed(t, adminEngine(own, bottest.Clock))
			bottest.Seed(t, adminEngine(admin, bottest.Clock))
			if a, b := records(t, own), records(t, admin); !maps(a, b) {
				t.Fatal("the two seeded stores differ")
			}
			before := records(t, own)
			s := &bottest.Seeder{T: t, Engine: adminEngine(own, bottest.Clock)}
			ev := bot.Event{ID: "forget-1", Command: true, Text: "forget yes", User: bot.User{ID: "ann", Name: "ann"},
				Conv: bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C7", Thread: "9.0"}}
			out, err := s.Engine.Handle(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			space := state.Space{Platform: "slack", Workspace: "T1"}
			r, err := adminEngine(admin, bottest.Clock).ForgetUser(context.Background(), space, "ann")
			if err != nil {
				t.Fatal(err)
			}
			a, b := records(t, own), records(t, admin)
			if !maps(a, b) {
				t.Fatalf("forget and ForgetUser leave different records:\nforget:     %v\nForgetUser: %v", keysOf(a), keysOf(b))
			}
			if maps(a, before) {
				t.Fatal("forget changed nothing")
			}
			for k, v := range b {
				if k.Workspace == "T1" && bytes.Contains(v, []byte(`"ann"`)) {
					t.Errorf("%v still names ann: %s", k, v)
				}
			}
			for k, v := range before {
				if k.Workspace != "T1" && !bytes.Equal(b[k], v) {
					t.Errorf("ForgetUser in T1 changed %v", k)
				}
			}
			// ann's group sessions: 1.0 and 2.0 changed, the solo one deleted; 2.0 and the
			// solo one kept summaries quoting her (their case text is gone: only 1.0's
			// contribution is a message); she has a note.
			if r.Sessions != 3 || r.Summaries != 2 || !r.Note || r.Messages != 1 {
				t.Errorf("receipt %+v", r)
			}
			reply := out.Replies[0].Text
			if !strings.Contains(reply, fmt.Sprint(r.Messages)) || !strings.Contains(reply, fmt.Sprint(r.Sessions)) {
				t.Errorf("reply %q does not match receipt %+v", reply, r)
			}
			for _, st := range []state.Store{own, admin} {
				if ks, err := st.Conversations(context.Background(), space, "ann"); err != nil || len(ks) != 0 {
					t.Errorf("ann still indexed: %v %v", ks, err)
				}
			}
		})
	}
}

func TestAdminNeedsLister(t *testing.T) {
	eng := adminEngine(plainStore{memstore.New()}, bottest.Clock)
	if _, err := eng.OpenSessions(context.Background(), state.Filter{}); !errors.Is(err, bot.ErrNotListable) {
		t.Fatalf("OpenSessions on a store without Keys: %v", err)
	}
	if _, err := eng.PurgeSpace(context.Background(), state.Space{Platform: "slack", Workspace: "T1"}); !errors.Is(err, bot.ErrNotListable) {
		t.Fatalf("PurgeSpace on a store without PurgeSpace: %v", err)
	}
}

// plainStore hides the optional capabilities of a store.
type plainStore struct{ state.Store }

// records reads every record of a store.
func records(t *testing.T, st state.Store) map[state.Key][]byte {
	t.Helper()
	keys, err := st.(state.Lister).Keys(context.Background(), state.Filter{})
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

func maps(a, b map[state.Key][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

func keysOf(m map[state.Key][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k.String())
	}
	sort.Strings(out)
	return out
}
