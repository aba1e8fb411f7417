package discord

import (
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/state"
)

func TestSlashStartOpensThread(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	id := h.slash(ann, guildID, channelID, "start", "method=incident", "language=en")

	acks := h.f.acksOf(id)
	if len(acks) != 1 || acks[0].Type != 5 || acks[0].Ephemeral {
		t.Fatalf("acks = %+v, want one public deferred response", acks)
	}
	th := h.thread()
	top := h.in(channelID)
	if len(top) != 1 || top[0].Kind != "original" || !strings.Contains(top[0].Content, "Incident method") {
		t.Fatalf("channel messages:\n%s", dump(top))
	}
	inThread := h.in(th)
	if len(inThread) == 0 || !contains(inThread[0].Buttons, "join") || !contains(inThread[0].Buttons, "next") {
		t.Fatalf("thread messages:\n%s", dump(inThread))
	}
	s := h.session(state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th})
	if s == nil || s["method"] != "incident" || s["status"] != "lobby" {
		t.Fatalf("session = %v", s)
	}
	checkSafe(t, h.f.messages())
	t.Logf("\n%s", dump(h.f.messages()))
}

// step is one move of a scripted session: a button click (the engine's action command)
// or a message in the session's conversation.
type step struct {
	who   person
	click string
	text  string
}

func TestGroupSessionWithButtons(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident", "language=en")
	th := h.thread()
	const (
		incident = "The father stood in the doorway and said he had no time for another meeting."
		question = "What did the mother say when you arrived?"
		analysis = "I notice the plan was written before the parents were asked."
	)
	script := []step{
		{who: bob, click: "join"}, {who: cas, click: "join"}, {who: ann, click: "bring"}, {who: ann, click: "next"},
		{who: ann, text: incident}, // 1 the incident: done when the bringer wrote
		{who: bob, text: question}, {who: cas, text: "Who else was in the room?"}, {who: ann, text: "Only the father."},
		{who: ann, click: "next"}, // 2 questions: done by next
		{who: bob, text: analysis}, {who: cas, text: analysis + " Again."}, // 3 analysis: each peer
		{who: bob, text: "I would sit down with him."}, {who: cas, text: "I would ask when suits him."}, // 4
		{who: ann, text: "I told him the meeting was required."},                                       // 5
		{who: bob, text: "Partnership starts at the door."}, {who: cas, text: "Time is a resource."}, {who: ann, text: "Yes."},
		{who: ann, click: "next"},                                      // 6 open discussion: done by next
		{who: ann, text: "I decided for them without asking."},       // 7 takeaway
		{who: ann, text: "On Monday I will call the father at nine."}, // 8 next step
		{who: bob, text: "Good session."}, {who: cas, text: "Clear phases."}, {who: ann, text: "Helpful."}, // 9
	}
	for i, s := range script {
		if s.click != "" {
			h.click(s.who, th, s.click)
		} else {
			h.say(s.who, guildID, th, s.text)
		}
		if t.Failed() {
			t.Fatalf("step %d failed:\n%s", i, dump(h.in(th)))
		}
	}
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	sess := h.session(key)
	if sess["status"] != "done" {
		t.Fatalf("status = %v, want done; thread:\n%s", sess["status"], dump(h.in(th)))
	}
	var summary bool
	for _, m := range h.in(th) {
		if strings.Contains(m.Content, "**Summary") && !m.Ephemeral {
			summary = true
			for _, want := range []string{incident, question, "On Monday I will call the father at nine."} {
				if !strings.Contains(m.Content, want) {
					t.Errorf("summary lacks %q:\n%s", want, m.Content)
				}
			}
		}
	}
	if !summary {
		t.Fatalf("no summary in the thread:\n%s", dump(h.in(th)))
	}
	// The bot's own messages come back as MESSAGE_CREATE and must not count as turns.
	if n := len(sess["turns"].([]any)); n != 17 {
		t.Errorf("turns = %d, want 17", n)
	}
	// Button clicks are acknowledged with a deferred update, once.
	for _, c := range h.f.restCalls() {
		if strings.HasSuffix(c.Path, "/callback") && c.Status != 204 {
			t.Errorf("callback %s answered %d", c.Path, c.Status)
		}
	}
	checkSafe(t, h.f.messages())
	t.Logf("\n%s", dump(h.f.messages()))
}
