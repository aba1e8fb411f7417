package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// A scripted session: the same steps run straight through the engine (the golden run)
// and through Slack, and must pass through the same phases.
type scriptStep struct {
	who  string // user id
	kind string // "slash", "click", "say", "dm" (a message in the user's DM with the bot)
	text string // command, button command, or message
}

var names = map[string]string{"UALICE": "Alice", "UBOB": "Bob", "UCAROL": "Carol", "UDAN": "Dan"}

// incidentScript: Alice starts, Bob joins, Carol brings a case; they walk every phase
// of the incident method and the closing phases. Bob's question includes a channel
// ping, which the summary echoes.
var incidentScript = []scriptStep{
	{"UALICE", "slash", "start incident en"},
	{"UBOB", "click", "join"},
	{"UCAROL", "click", "bring"},
	{"UALICE", "click", "next"}, // begin
	{"UCAROL", "say", "At a home visit the mother shouted at me at the door and I had to decide on the spot whether to go in."},
	{"UCAROL", "click", "next"},
	{"UBOB", "say", "<!channel> @here What did the mother say exactly, and were the children there?"},
	{"UCAROL", "say", "She said I was taking her kids away. The two children stood behind her."},
	{"UALICE", "say", "How long had you been working with this family?"},
	{"UCAROL", "click", "next"},
	{"UALICE", "say", "Maybe she felt threatened by the visit and expected bad news."},
	{"UBOB", "say", "Earlier experiences with services might play a role for this mother."},
	{"UCAROL", "click", "next"},
	{"UALICE", "dm", "I would stay at the door and name what I see: that she is scared."}, // a private round
	{"UBOB", "dm", "I would ask whether a colleague she trusts could come along next time."},
	{"UCAROL", "click", "next"},
	{"UCAROL", "say", "I stayed outside, said I was not there to take anyone, and we made a new appointment."},
	{"UCAROL", "click", "next"},
	{"UBOB", "say", "It shows how much weight the first minute at the door carries."},
	{"UCAROL", "click", "next"},
	{"UCAROL", "say", "I take away that I can slow down at the door instead of pushing on."},
	{"UCAROL", "say", "Next Tuesday I call the mother to plan the visit together with her."},
	{"UCAROL", "click", "next"},
	{"UALICE", "say", "Good session, clear structure."},
	{"UBOB", "say", "Useful, I would keep the round of what would you do."},
	{"UCAROL", "say", "It helped me a lot, thank you both."},
	{"UCAROL", "click", "next"},
}

// goldenPhases runs script straight through a fresh engine in one thread.
func goldenPhases(t *testing.T, script []scriptStep, conv bot.Conversation) []string {
	t.Helper()
	eng := newEngine()
	var phases []string
	for i, s := range script {
		ev := bot.Event{ID: fmt.Sprintf("g%d", i), Conv: conv, User: bot.User{ID: s.who, Name: names[s.who]},
			Text: s.text, Command: s.kind != "say" && s.kind != "dm"}
		if s.kind == "dm" {
			ev.Conv = bot.Conversation{Platform: conv.Platform, Workspace: conv.Workspace, Channel: "D" + s.who, Direct: true}
		}
		out, err := eng.Handle(context.Background(), ev)
		if err != nil {
			t.Fatalf("golden step %d: %v", i, err)
		}
		phases = append(phases, out.Phase)
	}
	return phases
}

func TestIncidentSessionOverSlack(t *testing.T) {
	golden := goldenPhases(t, incidentScript, bot.Conversation{Platform: "golden", Workspace: "w", Channel: "c", Thread: "main"})
	if golden[len(golden)-1] != "done" {
		t.Fatalf("golden run did not finish: %v", golden)
	}

	h := start(t, newEngine(), "")
	const channel = "C1"
	var thread string
	var phases []string
	for i, s := range incidentScript {
		var out bot.Outcome
		switch s.kind {
		case "slash":
			out, thread = h.slash(s.who, channel, s.text)
			if thread == "" {
				t.Fatalf("step %d: /intervision %s opened no thread", i, s.text)
			}
		case "click":
			out = h.click(s.who, thread, s.text)
		case "say":
			out = h.say(s.who, channel, thread, s.text)
		case "dm":
			out = h.say(s.who, "D"+s.who, "", s.text)
		}
		phases = append(phases, out.Phase)
	}
	if !slices.Equal(phases, golden) {
		t.Errorf("phases over Slack differ from the engine's golden run\nslack:  %v\ngolden: %v", phases, golden)
	}

	posts := h.fake.allPosts()
	// The opening message is top level; everything after it lives in its thread.
	if posts[0].Thread != "" || posts[0].TS != thread {
		t.Errorf("opening message: thread %q ts %q, session thread %q", posts[0].Thread, posts[0].TS, thread)
	}
	for _, p := range posts[1:] {
		if !strings.HasPrefix(p.Channel, "D") && (p.Channel != channel || p.Thread != thread) {
			t.Errorf("post outside the session thread: %+v", p)
		}
	}
	// The summary is a Markdown file in the thread, and it quotes the contributions.
	var summary bool
	for _, u := range h.fake.sharedFiles() {
		if u.Channel == channel && u.Thread == thread && strings.HasSuffix(u.Name, ".md") &&
			strings.Contains(string(u.Data), "What did the mother say") {
			summary = true
		}
	}
	if !summary {
		t.Errorf("no summary with the contributions was uploaded in the thread: %+v", h.fake.sharedFiles())
	}
	assertInert(t, posts)
}

// soloAnswers are what the person in the DM writes, one per turn.
func soloAnswer(i int) string {
	return fmt.Sprintf("Answer %d: I noticed that I spoke quickly with the father and wanted to fix things for him.", i)
}

// soloScript answers until the engine says the session is done (at most 40 turns).
func runSolo(t *testing.T, turn func(i int, s scriptStep) bot.Outcome) []string {
	t.Helper()
	var phases []string
	out := turn(0, scriptStep{"UDAN", "say", "start wsn solo"})
	phases = append(phases, out.Phase)
	for i := 1; out.Phase != "done"; i++ {
		if i > 40 {
			t.Fatalf("solo session did not end after 40 answers: %v", phases)
		}
		out = turn(i, scriptStep{"UDAN", "say", soloAnswer(i)})
		phases = append(phases, out.Phase)
	}
	return phases
}

func TestSoloSessionInDM(t *testing.T) {
	eng := newEngine()
	conv := bot.Conversation{Platform: "golden", Workspace: "w", Channel: "D-golden", Direct: true}
	golden := runSolo(t, func(i int, s scriptStep) bot.Outcome {
		text, cmd := bot.Classify(s.text, bot.Typed)
		out, err := eng.Handle(context.Background(), bot.Event{ID: fmt.Sprint("g", i), Conv: conv,
			User: bot.User{ID: s.who, Name: "Dan"}, Text: text, Command: cmd})
		if err != nil {
			t.Fatal(err)
		}
		return out
	})

	h := start(t, newEngine(), "")
	const dm = "D42"
	phases := runSolo(t, func(i int, s scriptStep) bot.Outcome { return h.say(s.who, dm, "", s.text) })
	if !slices.Equal(phases, golden) {
		t.Errorf("solo phases over Slack differ from the golden run\nslack:  %v\ngolden: %v", phases, golden)
	}
	if len(slices.Compact(slices.Clone(phases))) < 4 {
		t.Errorf("solo session went through too few phases: %v", phases)
	}
	for _, p := range h.fake.allPosts() {
		if p.Channel != dm || p.Thread != "" || p.Method != "chat.postMessage" {
			t.Errorf("solo reply not a plain DM message: %+v", p)
		}
	}
	assertInert(t, h.fake.allPosts())
}

// A reply in a session thread that mentions the bot along the way is a contribution,
// not a command: Slack sends it as a message and as an app_mention, and it is applied
// once, as a turn, with no "unknown command" answer. A reply that starts with the
// mention and a command is that command, once.
func TestMentionInsideTurn(t *testing.T) {
	h := start(t, newEngine(), "")
	out, thread := h.slash("UALICE", "C6", "start incident en")
	if out.Phase != "lobby" {
		t.Fatalf("start: %+v", out)
	}
	tests := []struct {
		name, text  string
		handled     string // "message", "mention"
		wantText    string
		wantCommand bool
	}{
		{"mention inside a sentence", "Good point, <@" + fakeBotUser + "> I agree", "message", "Good point, @intervision I agree", false},
		{"mention before a sentence", "<@" + fakeBotUser + "> I think she was scared", "message", "@intervision I think she was scared", false},
		{"command by mention", "<@" + fakeBotUser + "> status", "mention", "status", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.fake.allPosts())
			ts := h.ts()
			mentionID, messageID := h.eventID(), h.eventID()
			mention := mentionEvent("UBOB", "C6", thread, ts, "")
			mention["text"] = tt.text
			// Slack sends both; the order between them is not guaranteed: send the
			// app_mention first, so that a handled one would show before the message.
			h.fake.send("events_api", eventPayload(mentionID, mention), 0, "")
			h.fake.send("events_api", eventPayload(messageID, messageEvent("UBOB", "C6", thread, ts, tt.text)), 0, "")
			got, other := messageID, mentionID
			if tt.handled == "mention" {
				got, other = mentionID, messageID
			}
			r := h.wait(got)
			if r.ev.Text != tt.wantText || r.ev.Command != tt.wantCommand || r.err != nil || r.out.Duplicate {
				t.Errorf("handled %q command %v err %v dup %v; want %q command %v", r.ev.Text, r.ev.Command, r.err, r.out.Duplicate, tt.wantText, tt.wantCommand)
			}
			// Both events share the thread's queue; a sentinel behind them proves the
			// other one was never handled.
			h.say("UCAROL", "C6", thread, "status")
			h.mu.Lock()
			n := len(h.results[other])
			h.mu.Unlock()
			if n != 0 {
				t.Errorf("the %s twin was handled too", map[bool]string{true: "message", false: "app_mention"}[tt.handled == "mention"])
			}
			for _, p := range h.fake.allPosts()[before:] {
				if p.To == "UBOB" && strings.Contains(strings.ToLower(p.Text), "command") {
					t.Errorf("answered as a command: %q", p.Text)
				}
			}
		})
	}
}
