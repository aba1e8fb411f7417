package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// summaryOf returns the text of out's replies and its document, if any.
func summaryOf(out bot.Outcome) (text, doc string) {
	for _, r := range out.Replies {
		text += r.Text
		if r.File != nil {
			doc = string(r.File.Data)
		}
	}
	return text, doc
}

// TestEndWhenRedisFull: Redis is at maxmemory with noeviction. A turn is refused with
// "storage is full" and nothing changes; `end` cannot close the session (that writes
// the summary into it), but it still hands over the summary as it stands, says that the
// session stays open and that nothing was saved, and leaves the record as it was. Once
// there is room, `end` closes the session as usual.
func TestEndWhenRedisFull(t *testing.T) {
	srv := redistest.Start(t, "--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
	c, err := redisstore.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(c, redisstore.Options{Prefix: "fullend"})
	t.Cleanup(func() { _ = st.Close() })
	chat := newForgetChat(t, st)
	chat.contribute()
	ctx := context.Background()
	rdb := fillRedis(t, srv.Addr)
	key := bot.Key(chat.conv)
	before, err := st.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}

	out := chat.say("bob", "Who else was in the room?")
	if text, _ := summaryOf(out); !out.Failed() || !strings.Contains(text, "storage is full") || strings.Contains(text, "in a moment") {
		t.Fatalf("a turn while Redis is full: failed=%v %q, want the \"storage is full\" answer", out.Failed(), text)
	}
	out = chat.say("ann", "/end")
	text, doc := summaryOf(out)
	if !out.Failed() || !strings.Contains(text, "could not close the session") || !strings.Contains(text, "nothing of this `end` was saved") {
		t.Fatalf("end while Redis is full: failed=%v %q", out.Failed(), text)
	}
	if !strings.Contains(doc, bobsQuestion) || strings.Contains(doc, "Who else was in the room?") {
		t.Fatalf("end while Redis is full: the summary lacks bob's question or holds the refused turn:\n%s", doc)
	}
	after, err := st.Get(ctx, key)
	if err != nil || string(after) != string(before) {
		t.Fatalf("end while Redis is full changed the record (%v)", err)
	}
	if text, _ := summaryOf(chat.say("ann", "/status")); strings.Contains(text, "ended") {
		t.Fatalf("after end while full the session is not open: %q", text)
	}

	if err := rdb.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	out = chat.say("ann", "/end")
	if text, doc := summaryOf(out); out.Failed() || !strings.Contains(doc, bobsQuestion) || strings.Contains(text, "storage is full") {
		t.Fatalf("end once there is room: failed=%v %q", out.Failed(), text)
	}
	if text, _ := summaryOf(chat.say("bob", "One more thing.")); !strings.Contains(text, "ended") {
		t.Fatalf("after end the session still takes turns: %q", text)
	}
}
