package slack

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// recorder is a Handler that records the events it gets and answers each with out.
type recorder struct {
	mu     sync.Mutex
	events []bot.Event
	out    bot.Outcome
}

func (r *recorder) Handle(_ context.Context, ev bot.Event) (bot.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return r.out, nil
}

func (r *recorder) got() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

// TestDeliver delivers outcomes nobody asked for (a timer's) through the running
// adapter and the real slack-go client: a public notice in the session's thread, a
// private one as an ephemeral message in that thread, a Direct one in a DM the bot
// opens, and a Direct one with Opens handed back as a command from its addressee in
// that DM. The subtests share one adapter and run in order.
func TestDeliver(t *testing.T) {
	rec := &recorder{out: bot.Outcome{Replies: []bot.Reply{{Text: "How are you doing?"}, {To: "UDAN", Text: "Only for you"}}}}
	hs := start(t, rec, "")
	conv := bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "C1", Thread: "1700000000.000001"}
	t.Run("thread, ephemeral and DM", func(t *testing.T) { deliverUnasked(t, hs, rec, conv) })
	t.Run("direct with opens", func(t *testing.T) { deliverDirectOpening(t, hs, rec, conv) })
}

// deliverUnasked delivers a notice, a long notice, a private reply with a button and a
// Direct reply, and checks the five posts they make.
func deliverUnasked(t *testing.T, hs *harness, rec *recorder, conv bot.Conversation) {
	long := strings.Repeat("a long notice, ", 4000) // 60,000 characters: two messages
	out := bot.Outcome{Replies: []bot.Reply{
		{Text: "**10 minutes** left <!channel> @here <@UBOB>"},
		{Text: long},
		{To: "UBOB", Text: "Bob, would you like to ask a question?", Actions: []bot.Action{{Label: "Join", Command: "join"}}},
		{To: "UCAROL", Direct: true, Text: "A check-in: how did it go?"},
	}}
	if err := hs.a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	posts := hs.fake.allPosts()
	if len(posts) != 5 {
		t.Fatalf("posts: %+v, want 5", posts)
	}
	checkPublicPosts(t, posts[:3], conv)
	if p := posts[3]; p.Method != "chat.postEphemeral" || p.Channel != "C1" || p.Thread != conv.Thread || p.To != "UBOB" || len(p.Blocks) == 0 {
		t.Errorf("private reply: %+v, want chat.postEphemeral for UBOB in C1's thread with its button", p)
	}
	if p := posts[4]; p.Method != "chat.postMessage" || p.Channel != "DUCAROL" || p.Thread != "" || !strings.Contains(p.Text, "check-in") {
		t.Errorf("direct reply: %+v, want chat.postMessage in DUCAROL", p)
	}
	if n := hs.fake.callCount("conversations.open"); n != 1 {
		t.Errorf("conversations.open called %d times, want 1", n)
	}
	assertInert(t, posts)
	if len(rec.got()) != 0 {
		t.Errorf("the engine got events %+v for a delivery without Opens", rec.got())
	}
}

// checkPublicPosts checks the notice and the long notice in two pieces, all in the
// session's thread.
func checkPublicPosts(t *testing.T, posts []fakePost, conv bot.Conversation) {
	t.Helper()
	for i, p := range posts {
		if p.Method != "chat.postMessage" || p.Channel != "C1" || p.Thread != conv.Thread {
			t.Errorf("public post %d: %s in %s thread %q, want chat.postMessage in C1 thread %s", i, p.Method, p.Channel, p.Thread, conv.Thread)
		}
	}
	if !strings.Contains(posts[0].Text, "*10 minutes*") || !strings.Contains(posts[0].Text, "&lt;!channel&gt;") {
		t.Errorf("notice not converted and escaped as replies are: %q", posts[0].Text)
	}
	if got := posts[1].Text + posts[2].Text; strings.Count(got, "a long notice") != 4000 {
		t.Errorf("the long notice was not posted whole in two pieces")
	}
}

// deliverDirectOpening: Direct with Opens. The invitation goes to Dan's DM, and the
// command comes back from Dan in that DM; its replies are delivered there.
func deliverDirectOpening(t *testing.T, hs *harness, rec *recorder, conv bot.Conversation) {
	before := len(hs.fake.allPosts())
	out := bot.Outcome{Replies: []bot.Reply{{To: "UDAN", Direct: true, Text: "Time for a solo reflection?",
		Opens: &bot.Opening{Command: "start wsn solo", Lang: "nl"}}}}
	if err := hs.a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	evs := rec.got()
	if len(evs) != 1 {
		t.Fatalf("engine got %d events, want the one handed back", len(evs))
	}
	ev := evs[0]
	want := bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "DUDAN", Direct: true}
	if ev.Conv != want || !ev.Command || ev.Text != "start wsn solo" || ev.User != (bot.User{ID: "UDAN", Name: "Dan"}) || ev.Lang != "nl" {
		t.Errorf("handed back %+v, want command %q from Dan in %+v, lang nl", ev, "start wsn solo", want)
	}
	posts := hs.fake.allPosts()[before:]
	if len(posts) != 3 {
		t.Fatalf("posts after the direct opening: %+v, want 3", posts)
	}
	for _, p := range posts {
		if p.Method != "chat.postMessage" || p.Channel != "DUDAN" || p.Thread != "" {
			t.Errorf("post %+v, want chat.postMessage in DUDAN (the DM is private already)", p)
		}
	}
	if posts[0].Text != "Time for a solo reflection?" || posts[2].Text != "Only for you" {
		t.Errorf("posts %q, %q, %q", posts[0].Text, posts[1].Text, posts[2].Text)
	}
}

// TestDeliverFailures: an unknown conversation is refused, and a DM that cannot be
// opened (no im:write, a deactivated user) is an error after the other replies went out.
func TestDeliverFailures(t *testing.T) {
	rec := &recorder{}
	hs := start(t, rec, "")
	ctx := context.Background()
	if err := hs.a.Deliver(ctx, rec, bot.Conversation{Platform: "discord", Channel: "C1"}, bot.Outcome{}); err == nil {
		t.Error("Deliver to a Discord conversation: no error")
	}
	hs.fake.failWith("conversations.open", "missing_scope")
	conv := bot.Conversation{Platform: Platform, Workspace: fakeTeam, Channel: "C1", Thread: "1700000000.000001"}
	out := bot.Outcome{Replies: []bot.Reply{
		{To: "UCAROL", Direct: true, Text: "check-in", Opens: &bot.Opening{Command: "start"}},
		{Text: "still here"},
	}}
	err := hs.a.Deliver(ctx, rec, conv, out)
	if err == nil || !strings.Contains(err.Error(), "missing_scope") {
		t.Errorf("Deliver = %v, want the conversations.open error", err)
	}
	posts := hs.fake.allPosts()
	if len(posts) != 1 || posts[0].Text != "still here" {
		t.Errorf("posts %+v, want only the public reply", posts)
	}
	if len(rec.got()) != 0 {
		t.Errorf("handed back %+v although the DM failed", rec.got())
	}
}
