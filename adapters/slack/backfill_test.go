package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// engineOn is the real engine on an in-memory store the test can read.
func engineOn() (*bot.Engine, *memstore.Store) {
	st := memstore.New()
	return bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: quietLogger()}), st
}

// alwaysCatchUp makes the adapter catch up after every reconnect, however short the
// drop (the tests' drops last milliseconds).
func alwaysCatchUp(c *Config) { c.catchUpGap = -1 }

// sayKept posts a message in a thread as say does, and keeps it in the fake's history.
func (h *harness) sayKept(user, channel, thread, text string) string {
	h.t.Helper()
	ts := h.ts()
	h.fake.addMessage(channel, thread, user, ts, text)
	id := h.eventID()
	h.fake.send("events_api", eventPayload(id, messageEvent(user, channel, thread, ts, text)), 0, "")
	h.wait(id)
	return ts
}

// TestBackfillAfterSocketDrop: 21 messages are written in a session thread while the
// bot's Socket Mode connection is down, so Slack delivers none of their events. After
// the reconnect the bot fetches them with conversations.replies (two pages, after a 429
// waited out) from the last message it applied, and applies each once, in order; the
// one another replica had applied already (without recording its place, as a replica
// of an earlier version does) is a duplicate; the "next" written meanwhile is answered
// with the next phase, once.
func TestBackfillAfterSocketDrop(t *testing.T) {
	eng, st := engineOn()
	h := startWith(t, eng, "", alwaysCatchUp)
	const channel = "C1"
	_, th := h.slash("UALICE", channel, "start incident en")
	h.click("UBOB", th, "join")
	h.click("UCAROL", th, "join")
	h.click("UALICE", th, "bring")
	h.click("UALICE", th, "next")
	cursor := h.sayKept("UALICE", channel, th, "The father stood in the doorway.")
	h.click("UALICE", th, "next")
	conv := bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: channel, Thread: th}

	var tss, texts []string
	for i := range 20 {
		user := []string{"UBOB", "UCAROL"}[i%2]
		text := fmt.Sprintf("Question %d: what happened next?", i+1)
		ts := h.ts()
		h.fake.addMessage(channel, th, user, ts, text)
		tss, texts = append(tss, ts), append(texts, text)
	}
	// Another replica applied the first one, without recording its place.
	ev := bot.Event{ID: msgID(channel, tss[0]), Conv: conv, User: bot.User{ID: "UBOB", Name: "Bob"}, Text: texts[0], Ambient: true}
	if out, err := eng.Handle(context.Background(), ev); err != nil || out.Duplicate {
		t.Fatalf("direct handle: %+v, %v", out, err)
	}
	next := h.ts()
	h.fake.addMessage(channel, th, "UALICE", next, "next")
	tss = append(tss, next)
	h.fake.limit("conversations.replies", 1)
	h.fake.drop()
	h.fake.waitConnected()

	for i, ts := range tss {
		r := h.wait(msgID(channel, ts))
		if r.out.Duplicate != (i == 0) {
			t.Errorf("message %d: duplicate = %v, want %v", i, r.out.Duplicate, i == 0)
		}
	}
	b, err := st.Get(context.Background(), bot.Key(conv))
	if err == nil {
		b, err = bot.RecordJSON(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Seq   string
		Turns []struct{ Text string }
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range rec.Turns {
		got = append(got, tr.Text)
	}
	want := append([]string{"The father stood in the doorway."}, texts...)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("turns after the catch-up (%d, want %d):\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	if rec.Seq != next {
		t.Errorf("seq = %q, want the last message %s", rec.Seq, next)
	}
	phase3 := 0
	for _, p := range h.fake.allPosts() {
		if p.Thread == th && strings.Contains(p.Text+blockText(p), "Phase 3/9") {
			phase3++
		}
	}
	if phase3 != 1 {
		t.Errorf("the next written during the drop was answered %d times, want once", phase3)
	}
	h.mu.Lock()
	for _, ts := range tss {
		if n := len(h.results[msgID(channel, ts)]); n != 1 {
			t.Errorf("message %s handled %d times, want once", ts, n)
		}
	}
	h.mu.Unlock()
	var oldest []string
	h.fake.mu.Lock()
	for _, c := range h.fake.calls {
		if c.Method == "conversations.replies" {
			oldest = append(oldest, c.Form.Get("oldest")+"/"+c.Form.Get("cursor"))
		}
	}
	h.fake.mu.Unlock()
	if len(oldest) != 3 || oldest[0] != cursor+"/" || oldest[1] != cursor+"/" || oldest[2] != cursor+"/15" {
		t.Errorf("conversations.replies calls (oldest/cursor) = %v, want a 429, then two pages from %s", oldest, cursor)
	}
	assertInert(t, h.fake.allPosts())
}

// blockText is the text of p's section blocks.
func blockText(p fakePost) string {
	var b strings.Builder
	for _, bl := range p.Blocks {
		if bl.Text != nil {
			b.WriteString(bl.Text.Text)
		}
	}
	return b.String()
}

// TestLostSessionInOwnSlackThread: a reply in a thread whose parent message is the
// bot's (parent_user_id), with no session record (expired, lost), gets one note that
// the session cannot be continued and how to start again; a reply in someone else's
// thread gets nothing.
func TestLostSessionInOwnSlackThread(t *testing.T) {
	eng, st := engineOn()
	h := start(t, eng, "")
	reply := func(thread, parent, user, text string) string {
		m := messageEvent(user, "C7", thread, h.ts(), text)
		m["parent_user_id"] = parent
		id := h.eventID()
		h.fake.send("events_api", eventPayload(id, m), 0, "")
		h.wait(id)
		return id
	}
	reply("1699990000.000001", "UALICE", "UBOB", "shall we go on?") // someone else's thread
	reply("1699990000.000002", fakeBotUser, "UBOB", "shall we go on?")
	reply("1699990000.000002", fakeBotUser, "UCAROL", "hello?")
	notes := h.fake.allPosts()
	if len(notes) != 1 || notes[0].Thread != "1699990000.000002" || !strings.Contains(notes[0].Text+blockText(notes[0]), "can't continue") {
		t.Fatalf("posts = %+v, want one note in the bot's thread", notes)
	}
	if b, _ := st.Get(context.Background(), state.Key{Platform: Platform, Workspace: fakeTeam, Channel: "C7", Thread: "1699990000.000001"}); b != nil {
		t.Errorf("someone else's thread got a record: %s", b)
	}
	assertInert(t, h.fake.allPosts())
}

// TestBackfillDirectMessages: answers written in a solo reflection's DM while the
// connection was down are fetched with conversations.history (newest first, in pages)
// after the last one applied, and applied oldest first; the bot's own messages there
// are not turns.
func TestBackfillDirectMessages(t *testing.T) {
	eng, st := engineOn()
	h := startWith(t, eng, "", alwaysCatchUp)
	const dm = "D9"
	h.sayKept("UDAN", dm, "", "start wsn solo")
	cursor := h.sayKept("UDAN", dm, "", soloAnswer(1))
	var tss []string
	for i := 2; i <= 4; i++ {
		ts := h.ts()
		h.fake.addMessage(dm, "", "UDAN", ts, soloAnswer(i))
		tss = append(tss, ts)
	}
	h.fake.drop()
	h.fake.waitConnected()
	for _, ts := range tss {
		if r := h.wait(msgID(dm, ts)); r.out.Duplicate || len(r.out.Replies) == 0 {
			t.Errorf("answer %s: %+v, want applied and answered", ts, r.out)
		}
	}
	b, err := st.Get(context.Background(), state.Key{Platform: Platform, Workspace: fakeTeam, Channel: dm})
	if err == nil {
		b, err = bot.RecordJSON(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	var rec struct{ Turns []struct{ Text string } }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range rec.Turns {
		got = append(got, tr.Text)
	}
	if want := []string{soloAnswer(1), soloAnswer(2), soloAnswer(3), soloAnswer(4)}; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("turns = %q, want %q", got, want)
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	calls := 0
	for _, c := range h.fake.calls {
		if c.Method == "conversations.history" {
			calls++
			if c.Form.Get("oldest") != cursor {
				t.Errorf("conversations.history from %q, want after the last answer applied %s", c.Form.Get("oldest"), cursor)
			}
		}
	}
	if calls != 1 {
		t.Errorf("conversations.history called %d times, want once", calls)
	}
}

// TestShortDropNeedsNoCatchUp: after a drop shorter than Slack's retry window the bot
// does not fetch anything (Slack retries what it could not deliver); at the first
// connection, and after a long gap, it does.
func TestShortDropNeedsNoCatchUp(t *testing.T) {
	eng, _ := engineOn()
	h := start(t, eng, "")
	_, th := h.slash("UALICE", "C1", "start incident en")
	h.fake.drop()
	h.fake.waitConnected()
	h.say("UALICE", "C1", th, "join") // handled after the reconnect: nothing was held back
	if n := h.fake.callCount("conversations.replies"); n != 0 {
		t.Errorf("conversations.replies called %d times after a short drop, want none", n)
	}

	t0 := time.Unix(1700000000, 0)
	for _, c := range []struct {
		name  string
		steps func(o *outage) bool
		want  bool
	}{
		{"first connection", func(o *outage) bool { return o.up(t0, time.Minute) }, true},
		{"short gap", func(o *outage) bool {
			o.up(t0, time.Minute)
			o.down(t0.Add(time.Second))
			o.down(t0.Add(20 * time.Second)) // the gap began at the first
			return o.up(t0.Add(50*time.Second), time.Minute)
		}, false},
		{"long gap", func(o *outage) bool {
			o.up(t0, time.Minute)
			o.down(t0.Add(time.Second))
			return o.up(t0.Add(time.Second+time.Minute), time.Minute)
		}, true},
		{"always", func(o *outage) bool {
			o.up(t0, -1)
			o.down(t0)
			return o.up(t0, -1)
		}, true},
	} {
		var o outage
		if got := c.steps(&o); got != c.want {
			t.Errorf("%s: catch up = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestHTTPCatchUpAtStart: over the HTTP Events API there is no connection to lose, but
// Slack's retries of what it sent while the process was down run out; the bot catches
// up on the open sessions when its listener starts.
func TestHTTPCatchUpAtStart(t *testing.T) {
	eng, _ := engineOn()
	conv := bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "C4", Thread: "1700000000.000040"}
	if _, err := eng.Handle(context.Background(), bot.Event{ID: "seed", Seq: "1700000000.000050", Conv: conv,
		User: bot.User{ID: "UALICE", Name: "Alice"}, Text: "start incident en", Command: true}); err != nil {
		t.Fatal(err)
	}
	h := start(t, eng, "http-secret")
	deadline := time.Now().Add(5 * time.Second)
	for h.fake.callCount("conversations.replies") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	var got []string
	for _, c := range h.fake.calls {
		if c.Method == "conversations.replies" {
			got = append(got, c.Form.Get("channel")+" "+c.Form.Get("ts")+" "+c.Form.Get("oldest"))
		}
	}
	if want := "C4 1700000000.000040 1700000000.000050"; len(got) != 1 || got[0] != want {
		t.Errorf("conversations.replies calls = %q, want one: %q", got, want)
	}
}

// TestBackfillPrivateRoundDMs: answers to a private round are sent by DM while the
// bot's Socket Mode connection is down. After the reconnect the bot opens the DMs of
// the peers the round still waits for (conversations.open), fetches each one after the
// session's last applied message (conversations.history) and hands the messages to the
// engine as the DMs they are: they reach the round, the thread hears the reveal once,
// and the thin answer another replica had applied (without recording its place) is a
// duplicate. The case bringer's DM, which holds no answer, is not fetched.
func TestBackfillPrivateRoundDMs(t *testing.T) {
	eng, _ := engineOn()
	h := startWith(t, eng, "", alwaysCatchUp)
	const channel = "C1"
	thread := toPrivateRound(t, h, channel)

	// Another replica applied Alice's thin first answer, without recording its place.
	thin := h.ts()
	h.fake.addMessage("DUALICE", "", "UALICE", thin, "yes")
	dm := func(user string) bot.Conversation {
		return bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "D" + user, Direct: true}
	}
	ev := bot.Event{ID: msgID("DUALICE", thin), Conv: dm("UALICE"), User: bot.User{ID: "UALICE", Name: "Alice"}, Text: "yes"}
	if out, err := eng.Handle(context.Background(), ev); err != nil || out.Duplicate || !strings.Contains(out.Replies[0].Text, "a little more, if you can") {
		t.Fatalf("direct handle: %+v, %v", out, err)
	}
	// Written while the connection is down: Slack keeps them, their events never come.
	alice, bob := h.ts(), h.ts()
	h.fake.addMessage("DUALICE", "", "UALICE", alice, "I would stay at the door and name what I see.")
	h.fake.addMessage("DUBOB", "", "UBOB", bob, "I would ask a colleague she trusts to come along.")
	h.fake.drop()
	h.fake.waitConnected()

	if r := h.wait(msgID("DUALICE", thin)); !r.out.Duplicate {
		t.Errorf("the thin answer applied before was applied again: %+v", r.out)
	}
	for _, id := range []string{msgID("DUALICE", alice), msgID("DUBOB", bob)} {
		if r := h.wait(id); r.out.Duplicate || r.err != nil {
			t.Errorf("%s: %+v %v", id, r.out, r.err)
		}
	}
	var reveals []string
	for _, p := range h.fake.allPosts() {
		if p.Channel == channel && p.Thread == thread && strings.Contains(p.Text+blockText(p), "shown together") {
			reveals = append(reveals, p.Text+blockText(p))
		}
	}
	if len(reveals) != 1 || !strings.Contains(reveals[0], "• yes\n") || !strings.Contains(reveals[0], "I would stay at the door and name what I see.") ||
		!strings.Contains(reveals[0], "Bob:* I would ask a colleague she trusts to come along.") {
		t.Fatalf("the reveal after the catch-up (%d):\n%s", len(reveals), strings.Join(reveals, "\n---\n"))
	}
	h.fake.mu.Lock()
	var fetched []string
	for _, c := range h.fake.calls {
		if c.Method == "conversations.history" {
			fetched = append(fetched, c.Form.Get("channel"))
		}
	}
	h.fake.mu.Unlock()
	if strings.Join(fetched, " ") != "DUALICE DUBOB" && strings.Join(fetched, " ") != "DUBOB DUALICE" {
		t.Errorf("conversations.history fetched %v, want the DMs of Alice and Bob", fetched)
	}
	h.mu.Lock()
	for _, id := range []string{msgID("DUALICE", thin), msgID("DUALICE", alice), msgID("DUBOB", bob)} {
		if n := len(h.results[id]); n != 1 {
			t.Errorf("message %s handled %d times, want once", id, n)
		}
	}
	h.mu.Unlock()
	assertInert(t, h.fake.allPosts())
}
