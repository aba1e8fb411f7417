package discord

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// TestBackfillAfterFreshIdentify: the gateway goes down and Discord forgets the
// session, so the reconnect's RESUME gets op 9 and discordgo identifies afresh: nothing
// is replayed. The 121 messages posted in the session thread meanwhile (two pages of
// GET /channels/{id}/messages) are fetched after READY and applied once each, in
// order; the one another replica had already applied (without recording its place, as
// a replica of an earlier version does) is a duplicate; the "next" typed during the
// outage is answered with the next phase, once.
func TestBackfillAfterFreshIdentify(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident", "language=en")
	th := h.thread()
	h.click(bob, th, "join")
	h.click(cas, th, "join")
	h.click(ann, th, "bring")
	h.click(ann, th, "next")
	h.say(ann, guildID, th, "The father stood in the doorway.")
	h.click(ann, th, "next")
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	cursor := fmt.Sprint(h.session(key)["seq"])

	end := h.f.outage()
	var ids, texts []string
	for i := range 120 {
		p := []person{bob, cas}[i%2]
		text := fmt.Sprintf("Question %d: what happened next?", i+1)
		ids = append(ids, h.post(p, guildID, th, text))
		texts = append(texts, text)
	}
	// Another replica applied the first one, without recording its place.
	ev := bot.Event{ID: ids[0], Conv: bot.Conversation{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th},
		User: bot.User{ID: bob.id, Name: "Bob"}, Text: texts[0], Ambient: true, OwnThread: true}
	if out, err := h.eng.Handle(context.Background(), ev); err != nil || out.Duplicate {
		t.Fatalf("direct handle: %+v, %v", out, err)
	}
	next := h.post(ann, guildID, th, "next")
	ids = append(ids, next)
	end()

	h.until("a fresh identify", func() bool { n, _ := h.f.counts(); return n == 2 })
	for _, id := range ids {
		h.wait(id)
	}
	s := h.session(key)
	var got []string
	for _, tr := range s["turns"].([]any) {
		got = append(got, tr.(map[string]any)["text"].(string))
	}
	want := append([]string{"The father stood in the doorway."}, texts...)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("turns after the catch-up (%d, want %d):\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	if s["seq"] != next {
		t.Errorf("seq = %v, want the last message %s", s["seq"], next)
	}
	phase3 := 0
	for _, m := range h.in(th) {
		if strings.Contains(m.Content, "Phase 3/9") {
			phase3++
		}
	}
	if phase3 != 1 {
		t.Errorf("the next typed during the outage was answered %d times, want once:\n%s", phase3, dump(h.in(th)))
	}
	h.mu.Lock()
	for _, id := range ids {
		if h.observed[id] != 1 {
			t.Errorf("message %s handled %d times, want once", id, h.observed[id])
		}
	}
	h.mu.Unlock()
	var pages []string
	for _, c := range h.f.restCalls() {
		if c.Method == "GET" && c.Path == "/channels/"+th+"/messages" {
			pages = append(pages, c.Query)
		}
	}
	if len(pages) != 2 || !strings.Contains(pages[0], "after="+cursor) || !strings.Contains(pages[0], "limit=100") {
		t.Errorf("catch-up calls = %v, want two pages of 100 from after=%s", pages, cursor)
	}
	checkSafe(t, h.f.messages())
}

// TestBackfillDirectMessages: answers written in a solo reflection's DM during an
// outage that ends in a fresh identify are fetched and applied in order, each answered.
func TestBackfillDirectMessages(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	dm := "dm-" + ann.id
	h.f.addChannel(dm, "", 1)
	h.slash(ann, "", dm, "start", "method=wsn", "language=en")
	h.say(ann, "", dm, "The father stood in the doorway and said he had no time for another meeting.")
	key := state.Key{Platform: "discord", Workspace: "dm", Channel: dm}
	before := len(h.session(key)["turns"].([]any))

	end := h.f.outage()
	answers := []string{"I had planned the meeting without asking him.", "I relied on habit: we always plan them ourselves."}
	var ids []string
	for _, a := range answers {
		ids = append(ids, h.post(ann, "", dm, a))
	}
	sentBefore := len(h.in(dm))
	end()
	for _, id := range ids {
		h.wait(id)
	}
	turns := h.session(key)["turns"].([]any)
	if len(turns) != before+2 || turns[before].(map[string]any)["text"] != answers[0] || turns[before+1].(map[string]any)["text"] != answers[1] {
		t.Fatalf("turns after the catch-up: %v", turns)
	}
	if len(h.in(dm)) < sentBefore+2 {
		t.Errorf("the answers written during the outage were not answered:\n%s", dump(h.in(dm)[sentBefore:]))
	}
}

// TestBackfillPrivateRoundDMs: answers to a private round are sent by DM during an
// outage that ends in a fresh identify. After READY the bot fetches the DMs of the
// peers the round still waits for, after the session's last applied message, and
// hands their messages to the engine as the DMs they are: they reach the round, the
// thread hears the reveal once, and the thin answer another replica had applied
// (without recording its place) is a duplicate. The case bringer's DM is not fetched.
func TestBackfillPrivateRoundDMs(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident", "language=en")
	th := h.thread()
	for _, s := range []step{{who: bob, click: "join"}, {who: cas, click: "join"}, {who: ann, click: "bring"}, {who: ann, click: "next"},
		{who: ann, text: "The father stood in the doorway."}, {who: ann, click: "next"}, {who: ann, click: "next"},
		{who: bob, text: "He may have felt rushed."}, {who: cas, text: "Perhaps the time did not suit him."}, {who: ann, click: "next"}} {
		if s.click != "" {
			h.click(s.who, th, s.click)
		} else {
			h.say(s.who, guildID, th, s.text)
		}
	}
	end := h.f.outage()
	thin := h.post(bob, "", "dm-"+bob.id, "yes")
	// Another replica applied Bob's thin first answer, without recording its place.
	ev := bot.Event{ID: thin, Conv: bot.Conversation{Platform: "discord", Workspace: dmWorkspace, Channel: "dm-" + bob.id, Direct: true},
		User: bot.User{ID: bob.id, Name: "Bob"}, Text: "yes"}
	if out, err := h.eng.Handle(context.Background(), ev); err != nil || out.Duplicate || len(out.Replies) == 0 || !strings.Contains(out.Replies[0].Text, "a little more, if you can") {
		t.Fatalf("direct handle: %+v, %v", out, err)
	}
	fuller := h.post(bob, "", "dm-"+bob.id, "I would sit down on the step with him.")
	other := h.post(cas, "", "dm-"+cas.id, "I would ask which time suits him.")
	end()

	h.until("a fresh identify", func() bool { n, _ := h.f.counts(); return n == 2 })
	for _, id := range []string{thin, fuller, other} {
		h.wait(id)
	}
	var reveals []string
	for _, m := range h.in(th) {
		if !m.Ephemeral && strings.Contains(m.Content, "shown together") {
			reveals = append(reveals, m.Content)
		}
	}
	if len(reveals) != 1 || !strings.Contains(reveals[0], "**Bob:**\n  - yes\n  - I would sit down on the step with him.") ||
		!strings.Contains(reveals[0], "**Cas:** I would ask which time suits him.") {
		t.Fatalf("the reveal after the catch-up (%d):\n%s", len(reveals), strings.Join(reveals, "\n---\n"))
	}
	h.mu.Lock()
	for _, id := range []string{thin, fuller, other} {
		if h.observed[id] != 1 {
			t.Errorf("message %s handled %d times, want once", id, h.observed[id])
		}
	}
	h.mu.Unlock()
	var fetched []string
	for _, c := range h.f.restCalls() {
		if c.Method == "GET" && strings.HasPrefix(c.Path, "/channels/dm-") {
			fetched = append(fetched, strings.TrimPrefix(strings.TrimSuffix(c.Path, "/messages"), "/channels/"))
		}
	}
	if got := strings.Join(fetched, " "); got != "dm-"+bob.id+" dm-"+cas.id && got != "dm-"+cas.id+" dm-"+bob.id {
		t.Errorf("DMs fetched: %v, want Bob's and Cas's", fetched)
	}
	checkSafe(t, h.f.messages())
}
