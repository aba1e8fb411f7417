package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// running returns a harness with a 3-person incident session in the given phase.
func running(t *testing.T, phase string) *harness {
	t.Helper()
	h := newHarness(t, bot.Config{})
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for h.Phase != phase {
		if h.Phase == "done" {
			t.Fatalf("phase %q never reached", phase)
		}
		h.say("ann", "/next")
	}
	return h
}

// TestBadInputKeepsState sends bad input in a running session: each gets one private,
// friendly reply and the stored session does not change.
func TestBadInputKeepsState(t *testing.T) {
	cases := []struct {
		name, user, text, phase, want string
	}{
		{"empty", "bob", "   ", "questions", "empty"},
		{"100 KB", "bob", strings.Repeat("a", 100*1024), "questions", "longer than I can take"},
		{"broken UTF-8", "bob", "what did \xff\xfe she say?", "questions", "broken"},
		{"binary", "bob", "PK\x03\x04\x00\x00binary", "questions", "binary"},
		{"advice while asking", "cas", "You should just call her before every meeting.", "questions", "sounds like advice"},
		{"Dutch advice", "cas", "Waarom niet gewoon een huisbezoek doen?", "questions", "sounds like advice"},
		{"bringer talks while listening", "ann", "But I did call her!", "analysis", "you listen"},
		{"peer talks in bringer's phase", "bob", "I think it's about trust.", "incident", "who speaks"},
		{"non-member writes", "dan", "Hello, what is this?", "questions", "not in this session"},
		{"non-member types next", "dan", "/next", "questions", "not in this session"},
		{"peer types next", "bob", "/next", "questions", "is up to ann (case bringer)"},
		{"peer types end", "cas", "/end", "analysis", "Ending the session is up to ann"},
		{"unknown command", "bob", "/dance", "questions", "don't know the command"},
		{"start again", "bob", "/start", "analysis", "already running"},
		{"bring when taken", "bob", "/bring", "questions", "already the case bringer"},
		{"bringer leaves", "ann", "/leave", "analysis", "case bringer"},
		{"keep before end", "ann", "/keep", "analysis", "once a session has ended"},
		{"rewrite without text", "bob", "/rewrite", "analysis", "replaces your last message"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := running(t, c.phase)
			before := h.record()
			out := h.say(c.user, c.text)
			if len(out.Replies) != 1 || out.Replies[0].To != c.user {
				t.Fatalf("want one private reply to %s, got %+v", c.user, out.Replies)
			}
			if !strings.Contains(out.Replies[0].Text, c.want) {
				t.Errorf("reply %q lacks %q", out.Replies[0].Text, c.want)
			}
			if after := h.record(); !bytes.Equal(before, after) {
				t.Errorf("session changed:\nbefore %s\nafter  %s", before, after)
			}
			if c.phase != "" && out.Phase != "" && out.Phase != c.phase {
				t.Errorf("phase moved to %q", out.Phase)
			}
			if out.Lang != "en" {
				t.Errorf("outcome language %q, want the session's (en), so adapters label the reply alike", out.Lang)
			}
		})
	}
}

// TestNoSessionAnswers checks commands where no session runs.
func TestNoSessionAnswers(t *testing.T) {
	cases := []struct{ text, want string }{
		{"/next", "no session here"},
		{"/join", "no session here"},
		{"just some text", "no session here"},
		{"/help", "I facilitate intervision"},
		{"/methods", "incident"},
		{"/status", "no session here"},
		{"/start nosuchmethod", "don't know the method"},
		{"/start incident solo", "needs a group"},
		{"/", "I facilitate intervision"},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			h := newHarness(t, bot.Config{})
			out := h.say("ann", c.text)
			if len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, c.want) {
				t.Fatalf("got %+v, want a reply containing %q", out.Replies, c.want)
			}
			if h.record() != nil {
				t.Errorf("a session was stored")
			}
		})
	}
}

func TestMentionsAreNeutralised(t *testing.T) {
	h := running(t, "incident")
	h.say("ann", "<!channel> @everyone @here <@U123> look: *bold* _it_ `code`\n> quote")
	h.say("ann", "/end")
	summary := bottest.Document(h.Last)
	for _, bad := range []string{"<!channel>", "@everyone", "@here", "<@U123>", " *bold*", "\n> quote"} {
		if strings.Contains(summary, bad) {
			t.Errorf("summary contains %q:\n%s", bad, summary)
		}
	}
	if !strings.Contains(bot.Unescape(summary), "*bold*") {
		t.Errorf("escaped text lost its content:\n%s", summary)
	}
}

func TestDuplicateEventAppliedOnce(t *testing.T) {
	h := running(t, "questions")
	ev := bot.Event{ID: "same", Conv: h.Conv, User: bot.User{ID: "bob", Name: "bob"}, Text: "How old is the child?"}
	var applied int
	for i := 0; i < 3; i++ {
		out, err := h.Engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		if !out.Duplicate {
			applied++
		}
	}
	if applied != 1 {
		t.Fatalf("applied %d times, want 1", applied)
	}
	if n := strings.Count(string(h.record()), "How old is the child?"); n != 1 {
		t.Fatalf("turn stored %d times", n)
	}
}

// TestStartDutchNamesAndLanguage: the methods' Dutch names start them, and a problem
// with start's arguments is told in the language given among them, wherever it stands
// (a user test: "start roddelmethode nl" was answered in English).
func TestStartDutchNamesAndLanguage(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"/start roddelmethode nl", "lobby"},
		{"/start incidentmethode nl", "lobby"},
		{"/start balintgroep nl", "lobby"},
		{"/start koude-en-warme-vragen nl", "lobby"},
	} {
		h := newHarness(t, bot.Config{})
		if h.say("ann", tc.cmd); h.Phase != tc.want {
			t.Errorf("%s: phase %q, want %q", tc.cmd, h.Phase, tc.want)
		}
	}
	h := newHarness(t, bot.Config{})
	out := h.say("ann", "/start roddelmethod nl")
	if text := out.Replies[0].Text; !strings.Contains(text, "ken ik niet") {
		t.Errorf("unknown method before nl: %q", text)
	}
}

func TestStartAtTopLevelOpensThread(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv.Thread = ""
	out := h.say("ann", "/start wsn nl")
	if len(out.Replies) != 1 || out.Replies[0].Opens == nil {
		t.Fatalf("want one opening reply, got %+v", out.Replies)
	}
	if got := out.Replies[0].Opens.Command; got != "start wsn nl" {
		t.Errorf("opening command %q", got)
	}
	if h.record() != nil {
		t.Error("the top level got a session")
	}
	h.Conv.Thread = "1700.1"
	if out := h.say("ann", "/"+out.Replies[0].Opens.Command); out.Phase != "lobby" {
		t.Errorf("session in thread: phase %q", out.Phase)
	}
}

func TestNextStepNudgedOnce(t *testing.T) {
	h := running(t, "next-step")
	h.say("ann", "call her")
	if h.Phase != "next-step" || !strings.Contains(h.Last.Replies[0].Text, "more concrete") {
		t.Fatalf("vague step not nudged: %+v", h.Last.Replies)
	}
	out := h.say("ann", "call")
	if strings.Contains(bottest.Public(out), "more concrete") {
		t.Fatalf("second vague step nudged again: %+v", out.Replies)
	}
	if h.Phase != "next-step" {
		t.Fatalf("the next-step phase closed on content: phase %q", h.Phase)
	}
	if h.say("ann", "/next"); h.Phase != "evaluation" {
		t.Fatalf("next after the step: phase %q", h.Phase)
	}
}

// TestNextStepReadByInterpreter: with the follow-up interpreter a long but general step
// is nudged, a short one that says when is not (it used to go by length only).
func TestNextStepReadByInterpreter(t *testing.T) {
	for _, tc := range []struct {
		step  string
		nudge bool
	}{
		{"I will try to be more patient and open with parents in general from now on.", true},
		{"Monday: call the father.", false},
		{"I will ask the mother at the next visit what she wants to work on.", false},
	} {
		t.Run(tc.step, func(t *testing.T) {
			h := newHarness(t, bot.Config{Interpreter: interpreter(t, prompts.MustBuiltin())})
			for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
				h.say(l[0], l[1])
			}
			for h.Phase != "next-step" {
				if h.Phase == "done" {
					t.Fatal("next-step never reached")
				}
				h.say("ann", "/next")
			}
			out := h.say("ann", tc.step)
			if got := strings.Contains(bottest.Public(out), "more concrete"); got != tc.nudge {
				t.Errorf("nudged = %v, want %v: %+v", got, tc.nudge, out.Replies)
			}
		})
	}
}

func TestForgetAndExport(t *testing.T) {
	h := running(t, "questions")
	h.say("bob", "What did the mother say?")
	h.say("cas", "Who else was there?")
	out := h.say("bob", "/export")
	if !strings.Contains(out.Replies[0].Text, "What did the mother say?") || strings.Contains(out.Replies[0].Text, "Who else") {
		t.Fatalf("export: %s", out.Replies[0].Text)
	}
	out = h.say("bob", "/forget")
	if !strings.Contains(out.Replies[0].Text, "1 message in 1 session,") || out.Replies[0].Actions[0].Command != "forget yes" {
		t.Fatalf("forget asks no confirmation: %+v", out.Replies)
	}
	if !strings.Contains(string(h.record()), "What did the mother say?") {
		t.Fatal("forget deleted before it was confirmed")
	}
	out = h.say("bob", "/forget yes")
	if !strings.Contains(out.Replies[0].Text, "deleted 1 message of yours in 1 session") {
		t.Fatalf("forget: %s", out.Replies[0].Text)
	}
	rec := string(h.record())
	if strings.Contains(rec, "What did the mother say?") || strings.Contains(rec, `"id":"bob"`) {
		t.Fatalf("bob's traces remain: %s", rec)
	}
	if !strings.Contains(rec, "Who else was there?") {
		t.Fatalf("cas's words were deleted too: %s", rec)
	}
	// Another workspace with the same channel names is untouched.
	other := newHarness(t, bot.Config{Store: h.Store})
	other.Conv.Workspace = "elsewhere"
	other.say("bob", "/start wsn solo")
	other.say("bob", "Something happened at school today with a parent.")
	h.say("bob", "/forget yes")
	if !strings.Contains(string(other.record()), "Something happened") {
		t.Fatal("forget reached another workspace")
	}
}

// TestForgetByBringerTellsGroup: the case bringer's forget ends a running group
// session (it cannot go on without the case); the confirmation says so, and the group
// is told in the session's thread. A peer's forget ends nothing and tells no one.
// (Before, the session ended silently and the group found out by being refused.)
func TestForgetByBringerTellsGroup(t *testing.T) {
	h := running(t, "questions")
	h.say("bob", "What did the mother say?")
	out := h.say("bob", "/forget")
	if strings.Contains(out.Replies[0].Text, "ends for the group") {
		t.Errorf("a peer's forget warns of the end: %s", out.Replies[0].Text)
	}
	out = h.say("bob", "/forget yes")
	if len(out.Replies) != 1 || h.Phase == "done" {
		t.Fatalf("a peer's forget: phase %q, replies %+v", h.Phase, out.Replies)
	}
	out = h.say("ann", "/forget")
	if !strings.Contains(out.Replies[0].Text, "ends for the group as well") {
		t.Errorf("the bringer's forget does not warn of the end: %s", out.Replies[0].Text)
	}
	out = h.say("ann", "/forget yes")
	var told *bot.Reply
	for i, r := range out.Replies {
		if r.To == "" {
			told = &out.Replies[i]
		}
	}
	if told == nil || told.In == nil || *told.In != h.Conv || !strings.Contains(told.Text, "This session has ended") {
		t.Fatalf("the group was not told in the thread: %+v", out.Replies)
	}
	if out := h.say("cas", "Who else was there?"); !strings.Contains(bottest.Public(out)+out.Replies[0].Text, "ended") {
		t.Errorf("after the end: %+v", out.Replies)
	}
	// The status of the ended session says so (it said "now in: -").
	if text := h.say("cas", "/status").Replies[0].Text; !strings.Contains(text, "now in: ended") {
		t.Errorf("status after the end:\n%s", text)
	}
}

// TestForgetInLobby: the case bringer's forget in the lobby frees the role and tells no
// one (a review: the lobby was closed and an empty thread told the session had ended).
func TestForgetInLobby(t *testing.T) {
	h := newHarness(t, bot.Config{})
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"ann", "/bring"}} {
		h.say(l[0], l[1])
	}
	if text := h.say("ann", "/forget").Replies[0].Text; strings.Contains(text, "ends for the group") {
		t.Errorf("forget in the lobby warns of an end: %s", text)
	}
	if out := h.say("ann", "/forget yes"); len(out.Replies) != 1 {
		t.Fatalf("forget in the lobby told more than the one who forgot: %+v", out.Replies)
	}
	// The starter's role is handed on, as after leave (a review: "is up to  (who
	// started)" with no name).
	if out := h.say("bob", "/next"); strings.Contains(out.Replies[0].Text, "is up to") {
		t.Errorf("nobody leads after the starter's forget: %q", out.Replies[0].Text)
	}
	if out := h.say("bob", "/bring"); !strings.Contains(bottest.Public(out), "bob") || h.Phase != "lobby" {
		t.Errorf("the freed role could not be taken: phase %q, %+v", h.Phase, out.Replies)
	}
}

// TestStatusWithoutPeers: with every peer gone the status names no empty peer list
// (it said "ann (case bringer);  (peers)").
func TestStatusWithoutPeers(t *testing.T) {
	h := running(t, "questions")
	h.say("bob", "/forget yes")
	h.say("cas", "/forget yes")
	out := h.say("ann", "/status")
	if text := out.Replies[0].Text; strings.Contains(text, "; (") || strings.Contains(text, " (peers)") || !strings.Contains(text, "Speaking now: ann (case bringer).") {
		t.Errorf("status without peers:\n%s", text)
	}
}

// TestKeepWithoutSession: keep with no session says there is none to keep from (it
// pointed to `!keep`, which then answered that there was no session).
func TestKeepWithoutSession(t *testing.T) {
	h := newHarness(t, bot.Config{})
	if out := h.say("ann", "/keep"); !strings.Contains(out.Replies[0].Text, "There is no session here") {
		t.Errorf("keep without a session: %q", out.Replies[0].Text)
	}
}

func TestKeepDropsCaseText(t *testing.T) {
	h := running(t, "incident")
	h.say("ann", "The mother said the plan was ours, not hers.")
	h.say("ann", "/end")
	if out := h.say("bob", "/keep"); !strings.Contains(out.Replies[0].Text, "Only the case bringer") {
		t.Fatalf("peer kept: %+v", out.Replies)
	}
	h.say("ann", "/keep")
	rec := string(h.record())
	if strings.Contains(rec, `"turns"`) || !strings.Contains(rec, "the plan was ours") {
		t.Fatalf("want summary only: %s", rec)
	}
}

// failing is a store that cannot be reached.
type failing struct{ state.Store }

func (failing) Update(context.Context, state.Key, string, state.UpdateFunc) error {
	return errors.Join(state.ErrUnavailable, errors.New("dial tcp: connection refused"))
}

func TestStoreDownGivesFriendlyReply(t *testing.T) {
	h := newHarness(t, bot.Config{Store: failing{}})
	out := h.say("ann", "/start")
	if len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "could not save") {
		t.Fatalf("got %+v", out.Replies)
	}
}

func TestQuote(t *testing.T) {
	cases := []struct{ in, want string }{
		{"@everyone hi", "@\u200beveryone hi"},
		{"<!channel>", "<\u200b!channel>"},
		{"<@U1>", "<\u200b@U1>"},
		{"*a* _b_ ~c~ `d`", `\*a\* \_b\_ \~c\~ ` + "\\`d\\`"},
		{"> not a quote", `\> not a quote`},
		{"plain words", "plain words"},
		{"[click](https://evil.example)", `\[click\](https://evil.example)`},
	}
	for _, c := range cases {
		if got := bot.Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestQuoteBreaksMentionsAnyCase: Slack reads @Channel, @HERE and @Everyone as
// broadcasts whatever their case, so Quote breaks every case.
func TestQuoteBreaksMentionsAnyCase(t *testing.T) {
	cases := []struct{ in, want string }{
		{"@Everyone hi", "@\u200bEveryone hi"},
		{"@HERE", "@\u200bHERE"},
		{"ping @cHaNnEl now", "ping @\u200bcHaNnEl now"},
		{"<!Channel>", "<\u200b!Channel>"},
		{"@Channel@Here", "@\u200bChannel@\u200bHere"},
		{"mail@heretic.example", "mail@\u200bheretic.example"},
	}
	for _, c := range cases {
		if got := bot.Quote(c.in); got != c.want {
			t.Errorf("Quote(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := bot.BreakMentions(c.in); got != c.want {
			t.Errorf("BreakMentions(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAmbientMessageWithoutSessionLeavesNoTrace(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv.Thread = "1700.2"
	out, err := h.Engine.Handle(context.Background(), bot.Event{ID: "a1", Conv: h.Conv, User: bot.User{ID: "x"}, Text: "lunch?", Ambient: true})
	if err != nil || len(out.Replies) != 0 {
		t.Fatalf("want silence, got %+v %v", out, err)
	}
	// The id was not recorded: the same id is still new to the store.
	err = h.Store.Update(context.Background(), bot.Key(h.Conv), "a1", func([]byte) (state.Change, error) { return state.Change{}, nil })
	if err != nil {
		t.Fatalf("event id was recorded: %v", err)
	}
}

func TestRedeliveredTopLevelStartOpensOnce(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv.Thread = ""
	ev := bot.Event{ID: "s1", Conv: h.Conv, User: bot.User{ID: "ann", Name: "ann"}, Text: "start", Command: true}
	first, _ := h.Engine.Handle(context.Background(), ev)
	again, _ := h.Engine.Handle(context.Background(), ev)
	if len(first.Replies) != 1 || first.Replies[0].Opens == nil || !again.Duplicate || len(again.Replies) != 0 {
		t.Fatalf("first %+v, again %+v", first, again)
	}
}

func TestClassifyTyped(t *testing.T) {
	for _, c := range bottest.ClassifyCases {
		got, cmd := bot.Classify(c.Text, bot.Typed)
		if cmd != c.Command || (cmd && got != c.Want) {
			t.Errorf("Classify(%q, Typed) = %q, %v; want %q, %v", c.Text, got, cmd, c.Want, c.Command)
		}
	}
}

func TestClassifyAddressedAndInvoked(t *testing.T) {
	cases := []struct {
		text string
		via  bot.Via
		want string
		cmd  bool
	}{
		{"", bot.Addressed, "help", true},
		{"next", bot.Addressed, "next", true},
		{"start incident en", bot.Addressed, "start incident en", true},
		{"good point, I agree", bot.Addressed, "good point, I agree", false},
		{"", bot.Invoked, "help", true},
		{"frobnicate", bot.Invoked, "frobnicate", true},
		{"/intervision status", bot.Invoked, "status", true},
	}
	for _, c := range cases {
		got, cmd := bot.Classify(c.text, c.via)
		if got != c.want || cmd != c.cmd {
			t.Errorf("Classify(%q, %v) = %q, %v; want %q, %v", c.text, c.via, got, cmd, c.want, c.cmd)
		}
	}
}

func TestPlainStartInDirectMessage(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	if out := h.say("ann", "start gibbs"); out.Phase != "description" {
		t.Fatalf("plain start in a DM: phase %q, replies %+v", out.Phase, out.Replies)
	}
	// Once a session runs, the same words are an answer.
	h.say("ann", "start gibbs")
	if n := strings.Count(string(h.record()), `"text":"start gibbs"`); n != 1 {
		t.Fatalf("answer stored %d times", n)
	}
}

// TestMissingMethodDoesNotCrash runs a session whose method pack disappears.
func TestMissingMethodDoesNotCrash(t *testing.T) {
	dir := t.TempDir()
	pack := strings.Replace(mustRead(t, "../prompts/data/methods/incident.yaml"), "id: incident", "id: myincident", 1)
	if err := os.WriteFile(filepath.Join(dir, "m.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	withPack := prompts.MustBuiltin()
	if err := withPack.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, bot.Config{Library: withPack})
	for _, l := range [][2]string{{"ann", "/start myincident"}, {"bob", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	// The bot restarts without the pack, on the same store.
	h.Engine = bot.New(bot.Config{Store: h.Store, Library: prompts.MustBuiltin()})
	if out := h.say("ann", "It happened on Tuesday."); !strings.Contains(out.Replies[0].Text, "no longer installed") {
		t.Fatalf("got %+v", out.Replies)
	}
	if out := h.say("ann", "/end"); out.Phase != "done" {
		t.Fatalf("end: phase %q", out.Phase)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// clockStore records the TTL of every change.
type clockStore struct {
	state.Store
	ttls []time.Duration // of session records (not notes or report tags)
}

func (c *clockStore) Update(ctx context.Context, k state.Key, id string, fn state.UpdateFunc) error {
	return c.Store.Update(ctx, k, id, func(cur []byte) (state.Change, error) {
		ch, err := fn(cur)
		if !strings.Contains(k.Thread, ":") {
			c.ttls = append(c.ttls, ch.TTL)
		}
		return ch, err
	})
}

// TestFinishedSessionIsNotKeptAlive looks at a finished session on day 6: the record
// must still expire 7 days after the end, not 30 days after the last look.
func TestFinishedSessionIsNotKeptAlive(t *testing.T) {
	cs := &clockStore{Store: memstore.New()}
	h := newHarness(t, bot.Config{Store: cs})
	for _, l := range [][2]string{{"ann", "/start incident"}, {"bob", "/join"}, {"ann", "/bring"}, {"ann", "/next"}, {"ann", "Mother did not come."}, {"ann", "/end"}} {
		h.say(l[0], l[1])
	}
	if got := cs.ttls[len(cs.ttls)-1]; got != 7*24*time.Hour {
		t.Fatalf("ttl at the end %v", got)
	}
	bottest.Clock = bottest.Clock.Add(6 * 24 * time.Hour)
	defer func() { bottest.Clock = bottest.Clock.Add(-6 * 24 * time.Hour) }()
	h.Engine = bot.New(bot.Config{Store: cs, Library: h.Library, Now: func() time.Time { return bottest.Clock }})
	h.say("bob", "/status")
	if got := cs.ttls[len(cs.ttls)-1]; got != 24*time.Hour {
		t.Fatalf("a look on day 6 set the ttl to %v, want the 1 day that is left", got)
	}
}

func TestForgetDropsSummaryThatNamesYou(t *testing.T) {
	h := running(t, "incident")
	h.say("ann", "Mother did not come.")
	h.say("ann", "/end")
	h.say("ann", "/keep")
	h.say("cas", "/forget yes")
	if rec := string(h.record()); strings.Contains(rec, "cas") {
		t.Fatalf("cas is still named: %s", rec)
	}
}

// verbatim is a Pseudonymiser that replaces one name, to drive the privacy flow.
type verbatim struct{}

func (verbatim) Pseudonymise(text, _ string, _ map[string]string) (string, []string) {
	if strings.Contains(text, "Jansen") {
		return strings.ReplaceAll(text, "Jansen", "B"), []string{"name"}
	}
	return text, nil
}

func TestKeepAndRewriteAfterPrivacyNotice(t *testing.T) {
	h := newHarness(t, bot.Config{Pseudonymiser: verbatim{}})
	for _, l := range [][2]string{{"ann", "/start incident"}, {"bob", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	out := h.say("ann", "Mrs Jansen did not come.")
	if out.Replies[0].To != "ann" || !strings.Contains(out.Replies[0].Text, "Mrs B did not come.") {
		t.Fatalf("no private notice with the pseudonymised text: %+v", out.Replies)
	}
	h.say("ann", "/next")
	// The phase moved on; keep still replaces the flagged message, not adds one.
	h.say("ann", "/keep Jansen is the street we met in, not a name.")
	rec := string(h.record())
	if strings.Count(rec, `"user":"ann"`) != 1 || !strings.Contains(rec, "Jansen is the street") || strings.Contains(rec, "Mrs B") {
		t.Fatalf("keep did not replace the last message: %s", rec)
	}
	// rewrite keeps the questions-only rule.
	h.say("bob", "How old is the child?")
	if out := h.say("bob", "/rewrite You should just call her."); !strings.Contains(out.Replies[0].Text, "sounds like advice") {
		t.Fatalf("rewrite let advice in: %+v", out.Replies)
	}
	h.say("bob", "/rewrite How old are the children?")
	if rec := string(h.record()); !strings.Contains(rec, "How old are the children?") || strings.Contains(rec, "How old is the child?") {
		t.Fatalf("rewrite: %s", rec)
	}
}

func TestLobbyNeverWedges(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.say("ann", "/start incident")
	h.say("bob", "/join")
	h.say("ann", "/leave")
	if out := h.say("bob", "/end"); out.Phase != "done" {
		t.Fatalf("bob cannot end after the starter left: %+v", out.Replies)
	}
	h2 := newHarness(t, bot.Config{})
	h2.say("ann", "/start incident")
	h2.say("ann", "/leave")
	if h2.record() != nil {
		t.Fatal("an empty lobby stays")
	}
	if out := h2.say("bob", "/start wsn"); out.Phase != "lobby" {
		t.Fatalf("cannot start again: %+v", out.Replies)
	}
}

func TestStartDoesNotReplaceKeptSummary(t *testing.T) {
	h := running(t, "incident")
	h.say("ann", "Mother did not come.")
	h.say("ann", "/end")
	h.say("ann", "/keep")
	// A new start in a thread that keeps a summary opens a conversation of its own.
	out := h.say("cas", "/start gossip")
	if len(out.Replies) != 1 || out.Replies[0].Opens == nil || !strings.HasPrefix(out.Replies[0].Opens.Command, "start gossip") {
		t.Fatalf("got %+v", out.Replies)
	}
	if !strings.Contains(string(h.record()), "Mother did not come.") {
		t.Fatal("kept summary lost")
	}
	if out := h.say("bob", "/summary"); out.Replies[0].To != "bob" || !strings.Contains(bottest.Document(out), "Mother did not come.") {
		t.Fatalf("summary after keep: %+v", out.Replies)
	}
	if out := h.say("dan", "/summary"); bottest.Document(out) != "" {
		t.Fatalf("a stranger saw the summary: %+v", out.Replies)
	}
}

func TestDutchSessionAnswersInDutch(t *testing.T) {
	h := newHarness(t, bot.Config{})
	for _, l := range [][2]string{{"ann", "/start incident nl"}, {"bob", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for _, c := range []struct{ text, want string }{
		{"  ", "leeg"},
		{"/export", "niets van jou"},
		{"/forget", "Dit wist alles"},
		{"/methods", "op je eentje"},
		{"/dance", "ken ik niet"},
	} {
		if out := h.say("bob", c.text); !strings.Contains(out.Replies[0].Text, c.want) {
			t.Errorf("%q: got %q, want Dutch with %q", c.text, out.Replies[0].Text, c.want)
		}
	}
}

func TestSoloTexts(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	h.say("ann", "/start")
	if out := h.say("ann", "/leave"); !strings.Contains(out.Replies[0].Text, "your own reflection") {
		t.Errorf("leave in solo: %q", out.Replies[0].Text)
	}
	if out := h.say("bob", "hello"); !strings.Contains(out.Replies[0].Text, "own reflection") || len(out.Replies[0].Actions) != 0 {
		t.Errorf("a stranger is offered to join a solo reflection: %+v", out.Replies)
	}
	h.say("ann", "We met the parents at school and it went badly.")
	out := h.say("ann", "/end")
	last := out.Replies[len(out.Replies)-1].Text
	if strings.Contains(last, "Thank you all") || !strings.Contains(last, "reflect") {
		t.Errorf("solo close: %q", last)
	}
	// Ending a session in which nothing was written keeps nothing.
	g := newHarness(t, bot.Config{})
	g.say("ann", "/start")
	if out := g.say("ann", "/end"); out.Phase != "done" || len(out.Replies[len(out.Replies)-1].Actions) != 0 || g.record() != nil {
		t.Errorf("empty end: phase %q, replies %+v", out.Phase, out.Replies)
	}
}

// TestLookBackAtLastNextStep: a case bringer who starts again is reminded of the next
// step they named last time, in a DM and in another group thread.
func TestLookBackAtLastNextStep(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	h.say("ann", "/start wsn")
	for h.Phase != "next-step" {
		h.say("ann", "/next")
	}
	h.say("ann", "On Monday I will call the father and ask which time suits him.")
	h.say("ann", "/end")
	h.say("ann", "/keep")
	out := h.say("ann", "/start gibbs")
	if !strings.Contains(bottest.Public(out)+privateTo(out, "ann"), "call the father") {
		t.Fatalf("no look back in the DM: %+v", out.Replies)
	}
	// In a group thread of the same workspace, when ann brings a case.
	g := newHarness(t, bot.Config{Store: h.Store})
	g.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.1"}
	g.say("bob", "/start incident")
	if out := g.say("ann", "/bring"); !strings.Contains(privateTo(out, "ann"), "call the father") || strings.Contains(bottest.Public(out), "call the father") {
		t.Fatalf("look back in the group must be private to ann: %+v", out.Replies)
	}
	// Not for another workspace, and not after forget.
	g.Conv.Workspace = "T2"
	g.say("bob", "/start incident")
	if out := g.say("ann", "/bring"); strings.Contains(privateTo(out, "ann"), "call the father") {
		t.Fatal("look back crossed workspaces")
	}
	h.say("ann", "/forget yes")
	g.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.2"}
	g.say("bob", "/start incident")
	if out := g.say("ann", "/bring"); strings.Contains(privateTo(out, "ann"), "call the father") {
		t.Fatal("look back after forget")
	}
}

func privateTo(out bot.Outcome, user string) string {
	var b strings.Builder
	for _, r := range out.Replies {
		if r.To == user {
			b.WriteString(r.Text)
		}
	}
	return b.String()
}

func TestQuietPeerNudgedOnce(t *testing.T) {
	clk := bottest.NewManualClock(bottest.Clock)
	h := newHarness(t, bot.Config{Now: clk.Now, Store: memstore.New(memstore.WithClock(clk.Now))})
	for _, l := range [][2]string{{"ann", "/start incident"}, {"bob", "/join"}, {"cas", "/join"}, {"dan", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for h.Phase != "analysis" {
		h.say("ann", "/next")
	}
	if out := h.say("bob", "Maybe the times did not fit her work."); privateTo(out, "cas")+privateTo(out, "dan") != "" {
		t.Fatalf("nudged while two are still quiet: %+v", out.Replies)
	}
	clk.Advance(time.Minute)
	if out := h.say("cas", "Perhaps the plan felt like ours, not hers."); privateTo(out, "dan") != "" {
		t.Fatalf("the last quiet peer was pressed the moment the others had written (user test): %+v", out.Replies)
	}
	clk.Advance(5 * time.Minute) // past half the analysis' ten minutes
	out := h.say("bob", "And the meeting place was far from her home.")
	if !strings.Contains(privateTo(out, "dan"), "dan, the others have shared") {
		t.Fatalf("the last quiet peer was not invited: %+v", out.Replies)
	}
	if out := h.say("cas", "Her mother was in hospital that week."); privateTo(out, "dan") != "" {
		t.Fatal("nudged twice in one phase")
	}
}

// TestLostSessionInOwnThreadToldOnce: a message in a thread the bot opened whose record
// is gone gets one public note (in the user's language) that the session cannot be
// continued; later messages there are ignored again, a redelivery is a duplicate, and
// a thread the adapter does not know to be the bot's stays silent.
func TestLostSessionInOwnThreadToldOnce(t *testing.T) {
	h := newHarness(t, bot.Config{})
	ctx := context.Background()
	h.Conv.Thread = "1700.3"
	ev := bot.Event{ID: "l1", Conv: h.Conv, User: bot.User{ID: "x"}, Text: "where were we?", Ambient: true, OwnThread: true, Lang: "nl"}
	out, err := h.Engine.Handle(ctx, ev)
	if err != nil || len(out.Replies) != 1 || out.Replies[0].To != "" || !strings.Contains(out.Replies[0].Text, "`start`") ||
		!strings.Contains(out.Replies[0].Text, "draad") {
		t.Fatalf("first message: %+v %v", out, err)
	}
	if again, _ := h.Engine.Handle(ctx, ev); !again.Duplicate || len(again.Replies) != 0 {
		t.Fatalf("redelivered: %+v", again)
	}
	for i, text := range []string{"hello?", "next"} {
		ev2 := bot.Event{ID: fmt.Sprint("l", i+2), Conv: h.Conv, User: bot.User{ID: "y"}, Text: text, Ambient: true, OwnThread: true}
		ev2.Text, ev2.Command = bot.Classify(text, bot.Typed)
		if out, err := h.Engine.Handle(ctx, ev2); err != nil || len(out.Replies) != 0 {
			t.Fatalf("message %q after the note: %+v %v", text, out, err)
		}
	}
	other := h.Conv
	other.Thread = "1700.4"
	if out, _ := h.Engine.Handle(ctx, bot.Event{ID: "o1", Conv: other, User: bot.User{ID: "x"}, Text: "hi", Ambient: true}); len(out.Replies) != 0 {
		t.Fatalf("someone else's thread: %+v", out)
	}
	// start in the thread still begins a session over the marker.
	st := bot.Event{ID: "s1", Conv: h.Conv, User: bot.User{ID: "ann", Name: "ann"}, Text: "start", Command: true, Ambient: true, OwnThread: true}
	if out, err := h.Engine.Handle(ctx, st); err != nil || len(out.Replies) == 0 {
		t.Fatalf("start over the marker: %+v %v", out, err)
	}
}

// TestTakeawayInTwoMessages: a takeaway written in two messages stays a takeaway. The
// second message, which opens as a continuation and names no step, is added to the
// takeaway and the bot asks for the step; the step that follows is the session's step.
// A message that opens the same way but says when or that the writer will act is the
// step. (Before, the second message became the next step.)
func TestTakeawayInTwoMessages(t *testing.T) {
	for _, tc := range []struct {
		lang, first, more, step, added, stepLabel string
		isStep                                    bool
	}{
		{lang: "en", first: "I take away that I kept the times fixed.", more: "Also that I never asked them which times would work.",
			step: "I'll call the father on Monday to ask which times suit him.", added: "added that to what you take away", stepLabel: "Next step: "},
		{lang: "nl", first: "Ik neem mee dat ik de regie te snel overneem.", more: "En dat ik moeder als deskundige van haar eigen gezin moet zien.",
			step: "Ik bel moeder donderdag om te vragen wat zij wil.", added: "toegevoegd aan wat je meeneemt", stepLabel: "Volgende stap: "},
		{lang: "en", first: "I take away that I kept the times fixed.", more: "And I'll call the father on Monday to ask which times suit him.",
			added: "added that to what you take away", stepLabel: "Next step: ", isStep: true},
	} {
		t.Run(tc.lang+" "+tc.more, func(t *testing.T) {
			h := newHarness(t, bot.Config{Interpreter: interpreter(t, prompts.MustBuiltin())})
			for _, l := range [][2]string{{"ann", "/start incident " + tc.lang}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
				h.say(l[0], l[1])
			}
			for h.Phase != "takeaway" {
				if h.Phase == "done" {
					t.Fatal("takeaway never reached")
				}
				h.say("ann", "/next")
			}
			h.say("ann", tc.first)
			if h.Phase != "next-step" {
				t.Fatalf("after the takeaway's first line: phase %q", h.Phase)
			}
			out := h.say("ann", tc.more)
			if got := strings.Contains(bottest.Public(out), tc.added); got == tc.isStep {
				t.Fatalf("added to the takeaway = %v, want %v: %+v", got, !tc.isStep, out.Replies)
			}
			if h.Phase != "next-step" {
				t.Fatalf("after the second message: phase %q", h.Phase)
			}
			step := tc.more
			if !tc.isStep {
				step = tc.step
				h.say("ann", tc.step)
			}
			out = h.say("ann", "/end")
			summary := bottest.Public(out)
			if !strings.Contains(summary, tc.stepLabel+step) || strings.Contains(summary, tc.stepLabel+tc.more) != tc.isStep {
				t.Errorf("summary's step is not %q:\n%s", step, summary)
			}
			if !strings.Contains(summary, tc.first) || !strings.Contains(summary, tc.more) {
				t.Errorf("summary lacks the takeaway's lines:\n%s", summary)
			}
			// The chat's brief says the takeaway once, both lines in it.
			if label := map[string]string{"en": "The case bringer takes away:", "nl": "De inbrenger neemt mee:"}[tc.lang]; !tc.isStep && strings.Count(summary, label) != 1 {
				t.Errorf("the brief says %q %d times:\n%s", label, strings.Count(summary, label), summary)
			}
		})
	}
}
