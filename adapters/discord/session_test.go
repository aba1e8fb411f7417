package discord

import (
	"strings"
	"testing"
	"time"

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
	if len(inThread) == 0 || !contains(inThread[0].Buttons, "join") || !contains(inThread[0].Buttons, "next lobby") {
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
	dm    bool // text goes to the bot in the person's DM (a private round)
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
		{who: ann, text: incident}, {who: ann, click: "next"}, // 1 the incident: done by next
		{who: bob, text: question}, {who: cas, text: "Who else was in the room?"}, {who: ann, text: "Only the father."},
		{who: ann, click: "next"},                                          // 2 questions: done by next
		{who: bob, text: analysis}, {who: cas, text: analysis + " Again."}, // 3 analysis: each peer, then next
		{who: ann, click: "next"},
		{who: bob, text: "I would sit down with him.", dm: true}, {who: cas, text: "I would ask when suits him.", dm: true}, // 4, private
		{who: ann, text: "!next"},                                // a command after "!" typed in the thread
		{who: ann, text: "I told him the meeting was required."}, // 5
		{who: ann, click: "next"},
		{who: bob, text: "Partnership starts at the door."}, {who: cas, text: "Time is a resource."}, {who: ann, text: "Yes."},
		{who: ann, text: "next"},                                      // 6 open discussion: a bare command word typed in the thread
		{who: ann, text: "I decided for them without asking."},        // 7 takeaway: one line closes it
		{who: ann, text: "On Monday I will call the father at nine."}, // 8 next step
		{who: ann, click: "next"},
		{who: bob, text: "Good session."}, {who: cas, text: "Clear phases."}, {who: ann, text: "Helpful."}, // 9
		{who: ann, click: "next"},
	}
	for i, s := range script {
		switch {
		case s.click != "":
			h.click(s.who, th, s.click)
		case s.dm:
			h.say(s.who, "", "dm-"+s.who.id, s.text)
		default:
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
		if !strings.Contains(m.Content, "**Summary") || m.Ephemeral || len(m.Files) == 0 {
			continue
		}
		summary = true // the short message, with the whole summary attached as Markdown
		doc := string(m.Files[0].Data)
		for _, want := range []string{incident, question, "On Monday I will call the father at nine."} {
			if !strings.Contains(doc, want) {
				t.Errorf("summary lacks %q:\n%s", want, doc)
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

func TestDirectMessageSoloSession(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	dm := "dm-" + ann.id
	h.f.addChannel(dm, "", 1)
	id := h.slash(ann, "", dm, "start", "method=wsn", "language=en")
	if acks := h.f.acksOf(id); len(acks) != 1 || acks[0].Type != 5 {
		t.Fatalf("acks = %+v", acks)
	}
	key := state.Key{Platform: "discord", Workspace: "dm", Channel: dm}
	if s := h.session(key); s == nil || s["mode"] != "solo" || s["method"] != "wsn" {
		t.Fatalf("session = %v\n%s", s, dump(h.in(dm)))
	}
	answers := []string{
		"The father stood in the doorway and said he had no time for another meeting.",
		"I had planned the meeting without asking him which time suited him.",
		"I relied on habit: we always plan the meetings ourselves.",
		"He may have felt that his time did not count.",
		"I decided for them without asking what they wanted.",
		"On Monday I will call the father and ask which time suits him.",
	}
	for i := 0; i < 40; i++ {
		if s := h.session(key); s["status"] == "done" {
			break
		}
		h.say(ann, "", dm, answers[i%len(answers)])
	}
	if s := h.session(key); s["status"] != "done" {
		t.Fatalf("solo session not done:\n%s", dump(h.in(dm)))
	}
	var summary bool
	for _, m := range h.in(dm) {
		summary = summary || strings.Contains(m.Content, "**Summary")
		if m.Ephemeral {
			t.Errorf("ephemeral message in a DM session: %q", m.Content)
		}
	}
	if !summary {
		t.Fatalf("no summary in the DM:\n%s", dump(h.in(dm)))
	}
	checkSafe(t, h.f.messages())
}

func TestMessageCommandsInDM(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	dm := "dm-" + bob.id
	h.f.addChannel(dm, "", 1)
	h.say(bob, "", dm, "start wsn en") // a bare command word in a DM is a command
	key := state.Key{Platform: "discord", Workspace: "dm", Channel: dm}
	if s := h.session(key); s == nil || s["status"] != "running" {
		t.Fatalf("session = %v\n%s", s, dump(h.in(dm)))
	}
	h.say(bob, "", dm, "The mother did not come to the meeting we planned.")
	h.say(bob, "", dm, "end")
	if s := h.session(key); s["status"] != "done" {
		t.Fatalf("after end: %v\n%s", s["status"], dump(h.in(dm)))
	}
}

func TestEveryoneEchoedHarmlessly(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	loud := person{id: "666", name: "loud", nick: "@everyone", locale: "en-US"}
	h.slash(loud, guildID, channelID, "start", "method=incident")
	th := h.thread()
	h.click(bob, th, "join")
	h.click(loud, th, "bring")
	h.click(loud, th, "next")
	h.say(loud, guildID, th, "@everyone @here <@&42> <@502> the father said no")
	h.slash(loud, guildID, th, "end")
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	if s := h.session(key); s["status"] != "done" {
		t.Fatalf("status %v\n%s", s["status"], dump(h.f.messages()))
	}
	echoed := 0
	for _, m := range h.f.messages() {
		if strings.Contains(m.Content, "everyone") {
			echoed++
		}
	}
	if echoed < 2 { // the opening names the starter; the summary quotes the turn
		t.Fatalf("expected the name and the turn echoed:\n%s", dump(h.f.messages()))
	}
	checkSafe(t, h.f.messages())
}

func TestRateLimitHonoured(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident")
	th := h.thread()
	h.click(bob, th, "join")
	h.click(ann, th, "bring")
	h.click(ann, th, "next")
	path := "/channels/" + th + "/messages"
	h.f.rateLimit("POST", path, 1)
	seen := len(h.f.restCalls())
	h.say(ann, guildID, th, "The father stood in the doorway and said he had no time.")

	var tries []call
	for _, c := range h.f.restCalls()[seen:] {
		if c.Method == "POST" && c.Path == path {
			tries = append(tries, c)
		}
	}
	if len(tries) < 2 || tries[0].Status != 429 || tries[1].Status != 200 {
		t.Fatalf("calls to %s: %+v, want 429 then 200", path, tries)
	}
	if gap := tries[1].At.Sub(tries[0].At); gap < 250*time.Millisecond {
		t.Errorf("retried after %v, before retry_after (300ms)", gap)
	}
	answered := 0
	for _, m := range h.in(th) {
		if strings.Contains(m.Content, "Add more in as many messages") {
			answered++
		}
	}
	if answered != 1 {
		t.Fatalf("the reply to the incident was sent %d times, want once:\n%s", answered, dump(h.in(th)))
	}
}

func TestGatewayDropResumes(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident")
	th := h.thread()
	h.click(bob, th, "join")

	h.f.drop()
	// An event Discord dispatches while the connection is down is replayed on RESUME.
	h.click(cas, th, "join")
	h.until("resume", func() bool { _, r := h.f.counts(); return r == 1 })
	h.click(ann, th, "bring")
	h.click(ann, th, "next")
	h.say(ann, guildID, th, "The father stood in the doorway.")

	if ids, res := h.f.counts(); ids != 1 || res != 1 {
		t.Fatalf("identifies=%d resumes=%d, want 1 and 1", ids, res)
	}
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	s := h.session(key)
	members := s["members"].([]any)
	if len(members) != 3 || s["bringer"] != ann.id || s["status"] != "running" {
		t.Fatalf("session after resume: %v", s)
	}
	if n := len(s["turns"].([]any)); n != 1 {
		t.Fatalf("turns = %d, want 1", n)
	}
}

func TestReplicasOnOneShardAnswerOnce(t *testing.T) {
	t.Parallel()
	h := start(t, 2) // two gateway sessions: every event reaches both
	h.slash(ann, guildID, channelID, "start", "method=incident")
	th := h.thread() // fails unless exactly one thread was opened
	h.click(bob, th, "join")
	h.click(ann, th, "bring")
	h.click(ann, th, "next")
	h.say(ann, guildID, th, "The father stood in the doorway.")
	h.say(ann, guildID, th, "next")
	h.slash(bob, guildID, th, "status")

	count := func(sub string) int {
		n := 0
		for _, m := range h.f.messages() {
			if strings.Contains(m.Content, sub) {
				n++
			}
		}
		return n
	}
	for _, sub := range []string{"The session runs in this thread", "(about 75 min), started by Ann", "Bob joined", "Ann brings a case", "Phase 1/9", "Phase 2/9"} {
		if n := count(sub); n != 1 {
			t.Errorf("%q sent %d times, want once:\n%s", sub, n, dump(h.f.messages()))
		}
	}
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	if n := len(h.session(key)["turns"].([]any)); n != 1 {
		t.Errorf("turns = %d, want 1", n)
	}
}

func TestPrivateRepliesToMessages(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.slash(ann, guildID, channelID, "start", "method=incident")
	th := h.thread()
	h.click(bob, th, "join")
	h.click(ann, th, "bring")
	h.click(ann, th, "next")

	dan := person{"504", "dan", "Danny", "en-US"}
	eve := person{"505", "eve", "", "en-US"}
	h.f.mu.Lock()
	h.f.noDMs[eve.id] = true
	h.f.mu.Unlock()
	before := len(h.in(th))
	h.say(dan, guildID, th, "Can I say something?") // not a member: told privately, by DM
	h.say(eve, guildID, th, "Me too?")              // accepts no DMs: a note by name in the thread

	dm := h.in("dm-" + dan.id)
	if len(dm) != 1 || !contains(dm[0].Buttons, "t:"+th+":join") {
		t.Fatalf("DM to dan:\n%s", dump(dm))
	}
	after := h.in(th)[before:]
	if len(after) != 1 || !strings.HasPrefix(after[0].Content, "Eve, I have a private reply for you but cannot send you a direct message") ||
		len(after[0].Buttons) != 0 {
		t.Fatalf("thread after eve: want only the note, not the private reply:\n%s", dump(after))
	}
	// Dan's Join button in the DM joins the thread's session; the news goes to the thread.
	h.click(dan, "dm-"+dan.id, "t:"+th+":join")
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	if n := len(h.session(key)["members"].([]any)); n != 3 {
		t.Fatalf("members = %d after dan's click in the DM, want 3", n)
	}
	joined := h.in(th)[len(h.in(th))-1]
	if !strings.Contains(joined.Content, "Dan joined") || joined.Ephemeral || joined.Kind != "message" {
		t.Fatalf("thread after dan's click:\n%s", dump(h.in(th)))
	}
	checkSafe(t, h.f.messages())
}

func TestIgnoredMessages(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.f.addThread("777", guildID, channelID, bob.id) // a thread a person opened
	h.say(ann, guildID, channelID, "just chatting at the top level")
	h.say(ann, guildID, "777", "chatting in someone's thread")
	if msgs := h.f.messages(); len(msgs) != 0 {
		t.Fatalf("bot answered chatter:\n%s", dump(msgs))
	}
	// A slash command in someone else's thread opens a session thread in the parent.
	h.slash(ann, guildID, "777", "start", "method=incident")
	th := h.thread()
	h.f.mu.Lock()
	parent := h.f.channels[th]["parent_id"]
	h.f.mu.Unlock()
	if parent != channelID {
		t.Fatalf("thread parent = %v, want %s", parent, channelID)
	}
}

// TestLostSessionThreadToldOnce: in a thread the bot opened whose session record is
// gone (expired, Redis restarted empty), the first message gets one note that the
// session cannot be continued and how to start again; the next ones are ignored.
func TestLostSessionThreadToldOnce(t *testing.T) {
	t.Parallel()
	h := start(t, 1)
	h.f.addThread("888", guildID, channelID, h.f.botID) // the bot's thread, no record
	h.say(ann, guildID, "888", "shall we go on?")
	got := h.in("888")
	if len(got) != 1 || !strings.Contains(got[0].Content, "`start`") || !strings.Contains(got[0].Content, "can't continue") {
		t.Fatalf("first message in a lost session's thread:\n%s", dump(got))
	}
	h.say(bob, guildID, "888", "hello?")
	h.say(ann, guildID, "888", "next")
	if got := h.in("888"); len(got) != 1 {
		t.Fatalf("told more than once:\n%s", dump(got))
	}
	checkSafe(t, h.f.messages())
}

// TestPrivateRoundOverDiscord: in the incident method's private round each peer is
// written to by DM; an answer sent there is acknowledged in the DM, the session's
// thread hears only how many have answered, and the last answer shows all of them
// together, by name, in the thread, with a Next button that acts there.
func TestPrivateRoundOverDiscord(t *testing.T) {
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
	asked := func(p person) bool {
		for _, m := range h.in("dm-" + p.id) {
			if strings.Contains(m.Content, "is private") {
				return true
			}
		}
		return false
	}
	if !asked(bob) || !asked(cas) || asked(ann) {
		t.Fatalf("the peers (and only they) were not written to by DM:\n%s", dump(h.f.messages()))
	}
	public := func() string {
		var b strings.Builder
		for _, m := range h.in(th) {
			if !m.Ephemeral {
				b.WriteString(m.Content + "\n")
			}
		}
		return b.String()
	}
	h.say(bob, "", "dm-"+bob.id, "I would sit down on the step with him.")
	if got := public(); !strings.Contains(got, "1 of 2 have answered") || strings.Contains(got, "on the step") {
		t.Fatalf("the thread after the first answer:\n%s", got)
	}
	var acked bool
	for _, m := range h.in("dm-" + bob.id) {
		acked = acked || strings.Contains(m.Content, "your answer is in")
	}
	if !acked {
		t.Fatalf("no acknowledgement in the DM:\n%s", dump(h.in("dm-"+bob.id)))
	}
	h.say(cas, "", "dm-"+cas.id, "I would ask which time suits him.")
	got := public()
	for _, want := range []string{"shown together", "**Bob:** I would sit down on the step with him.", "**Cas:** I would ask which time suits him."} {
		if !strings.Contains(got, want) {
			t.Errorf("the reveal in the thread lacks %q:\n%s", want, got)
		}
	}
	h.click(ann, th, "next") // the reveal's Next button acts in the thread
	key := state.Key{Platform: "discord", Workspace: guildID, Channel: channelID, Thread: th}
	if s := h.session(key); s["revealed"] != nil {
		t.Errorf("the session did not move on from the round: %v", s["step"])
	}
	checkSafe(t, h.f.messages())
}
