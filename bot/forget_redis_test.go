package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

const bobsQuestion = "What did the mother say when you arrived at the house?"

// forgetChat drives an engine on the real clock in one thread.
type forgetChat struct {
	t    *testing.T
	eng  *bot.Engine
	conv bot.Conversation
	seq  int
}

func newForgetChat(t *testing.T, st state.Store) *forgetChat {
	return &forgetChat{t: t, conv: bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"},
		eng: bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: slog.New(slog.DiscardHandler), Now: time.Now})}
}

func (c *forgetChat) say(user, text string) bot.Outcome {
	c.t.Helper()
	return c.sayIn(c.conv, user, text)
}

func (c *forgetChat) sayIn(conv bot.Conversation, user, text string) bot.Outcome {
	c.t.Helper()
	c.seq++
	ev := bot.Event{ID: fmt.Sprintf("ev-%d", c.seq), Conv: conv, User: bot.User{ID: user, Name: user}, Text: text, Time: time.Now()}
	if strings.HasPrefix(text, "/") {
		ev.Command, ev.Text = true, text[1:]
	}
	out, err := c.eng.Handle(context.Background(), ev)
	if err != nil {
		c.t.Fatalf("%s: %q: %v", user, text, err)
	}
	return out
}

// contribute starts a session of ann's in which bob joins and asks one question.
func (c *forgetChat) contribute() {
	c.t.Helper()
	c.say("ann", "/start incident en")
	c.say("bob", "/join")
	c.say("ann", "/bring")
	c.say("ann", "/next")
	c.say("ann", "The father stood in the doorway and said he had no time for another meeting.")
	c.say("ann", "/next")
	c.say("bob", bobsQuestion)
}

// forgetBob sends bob's `forget yes` from a direct conversation in the same workspace
// (so only his index leads to the session) and checks that it reports his one message.
func (c *forgetChat) forgetBob() {
	c.t.Helper()
	dm := bot.Conversation{Platform: c.conv.Platform, Workspace: c.conv.Workspace, Channel: "D-bob", Direct: true}
	out := c.sayIn(dm, "bob", "/forget yes")
	var text string
	for _, r := range out.Replies {
		text += r.Text
	}
	if !strings.Contains(text, "I deleted 1 message of yours in 1 session") {
		c.t.Fatalf("forget yes answered %q, want 1 message deleted", text)
	}
}

// TestForgetAfterIndexTTL: with a retention of 3 s, bob contributes once and ann then
// keeps the session alive with `status` every second for 7 s, past the lifetime bob's
// index got when he joined. `forget yes` must still find and erase his words.
func TestForgetAfterIndexTTL(t *testing.T) {
	const retention = 3 * time.Second
	srv := redistest.Start(t)
	stores := map[string]func() state.Store{
		"memstore": func() state.Store { return memstore.New(memstore.WithRetention(retention)) },
		"redis": func() state.Store {
			c, err := redisstore.NewClient(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			return redisstore.New(c, redisstore.Options{Prefix: "ttl", Retention: retention})
		},
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st := newStore()
			t.Cleanup(func() { _ = st.Close() })
			c := newForgetChat(t, st)
			c.contribute()
			for range 7 {
				time.Sleep(time.Second)
				c.say("ann", "/status")
			}
			rec, err := st.Get(context.Background(), bot.Key(c.conv))
			if err != nil || !strings.Contains(string(rec), bobsQuestion) {
				t.Fatalf("before forget the record (%v) lacks bob's question: %s", err, rec)
			}
			c.forgetBob()
			rec, err = st.Get(context.Background(), bot.Key(c.conv))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(rec), bobsQuestion) || strings.Contains(string(rec), `"bob"`) {
				t.Fatalf("after forget the record still holds bob: %s", rec)
			}
		})
	}
}

// TestForgetWhenRedisFull: Redis is at maxmemory with noeviction, so it refuses
// every write that may grow memory (checked: a SET fails with OOM). `forget yes` must
// still erase bob's words and say so.
func TestForgetWhenRedisFull(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
	c, err := redisstore.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(c, redisstore.Options{Prefix: "full"})
	t.Cleanup(func() { _ = st.Close() })
	chat := newForgetChat(t, st)
	chat.contribute()
	chat.say("cas", "/join") // a member who writes nothing: forgetting her shrinks only the head

	ctx := context.Background()
	rdb := fillRedis(t, srv.Addr)
	key := bot.Key(chat.conv)
	before, err := st.Get(ctx, key)
	if err != nil || !strings.Contains(string(before), bobsQuestion) {
		t.Fatalf("before forget the record (%v) lacks bob's question", err)
	}

	chat.forgetBob()

	after, err := st.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) >= len(before) {
		t.Errorf("the record grew from %d to %d bytes", len(before), len(after))
	}
	// No key in Redis holds bob's words any more.
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	n := 0
	for iter.Next(ctx) {
		k := iter.Val()
		n++
		if strings.HasPrefix(k, "junk:") {
			continue
		}
		typ, err := rdb.Type(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		switch typ {
		case "string":
			vals = []string{rdb.Get(ctx, k).Val()}
		case "set":
			vals = rdb.SMembers(ctx, k).Val()
		case "list": // a session's contributions
			vals = rdb.LRange(ctx, k, 0, -1).Val()
		}
		for _, v := range vals {
			if strings.Contains(v, bobsQuestion) {
				t.Errorf("key %s still holds bob's question", k)
			}
		}
	}
	if err := iter.Err(); err != nil || n == 0 {
		t.Fatalf("scan: %d keys, %v", n, err)
	}
	chat.sayIn(bot.Conversation{Platform: chat.conv.Platform, Workspace: chat.conv.Workspace, Channel: "D-cas", Direct: true}, "cas", "/forget yes")
	if rec, err := st.Get(ctx, key); err != nil || strings.Contains(string(rec), `"cas"`) || !strings.Contains(string(rec), "doorway") {
		t.Fatalf("after cas's forget (%v): %s", err, rec)
	}
}

// fillRedis writes large junk keys, then small ones, into the Redis at addr (started
// with maxmemory and noeviction) until even a small write is refused, and returns a
// client for it.
func fillRedis(t *testing.T, addr string) *redis.Client {
	t.Helper()
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	n := 0
	for _, size := range []int{4096, 64} {
		junk := strings.Repeat("j", size)
		for {
			n++
			err := rdb.Set(ctx, fmt.Sprintf("junk:%d", n), junk, 0).Err()
			if err != nil && strings.Contains(err.Error(), "OOM") {
				break
			}
			if err != nil || n > 100000 {
				t.Fatalf("filling Redis: %v after %d keys", err, n)
			}
		}
	}
	return rdb
}
