package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// namePseudonymiser replaces the family name "Jansen", as the privacy package would.
type namePseudonymiser struct{}

func (namePseudonymiser) Pseudonymise(text, _ string, _ map[string]string) (string, []string) {
	if !strings.Contains(text, "Jansen") {
		return text, nil
	}
	return strings.ReplaceAll(text, "Jansen", "[name 1]"), []string{"name"}
}

// toRound walks an incident session with peers bob, cas and dan to its private round.
func toRound(t *testing.T, cfg bot.Config) *harness {
	t.Helper()
	h := newHarness(t, cfg)
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"cas", "/join"}, {"dan", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for h.Phase != "what-would-you-do" {
		h.say("ann", "/next")
	}
	return h
}

// thread returns the replies a DM's turn sends to the session's thread (Reply.In).
func thread(out bot.Outcome) string {
	var s []string
	for _, r := range out.Replies {
		if r.In != nil {
			s = append(s, r.Text)
		}
	}
	return strings.Join(s, "\n")
}

// TestPrivateRoundCollectsByDMAndRevealsTogether: entering the round writes to every
// peer by DM; a peer's answer in their DM is saved in the group session (pseudonymised,
// with the privacy notice in the DM), the thread hears only "N of M have answered", and
// the last answer shows them all, by name, in the thread.
func TestPrivateRoundCollectsByDMAndRevealsTogether(t *testing.T) {
	h := newHarness(t, bot.Config{Pseudonymiser: namePseudonymiser{}})
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"cas", "/join"}, {"dan", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	var entry bot.Outcome
	for h.Phase != "what-would-you-do" {
		entry = h.say("ann", "/next")
	}
	checkAsked(t, entry, "bob", "cas", "dan")

	// In the thread, a peer's answer is refused and not saved; the case bringer listens.
	if out := h.say("bob", "I would call the mother right away."); !strings.Contains(privateTo(out, "bob"), "send me your answer in a direct message") || bottest.Public(out) != "" {
		t.Fatalf("a peer's answer in the thread: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "call the mother") {
		t.Fatal("an answer given in the thread was saved")
	}

	firstAnswer(t, h)
	if out := h.Direct("bob", "And I would bring the plan along."); thread(out) != "" || !strings.Contains(privateTo(out, "bob"), "Added") {
		t.Fatalf("a second message from the same peer: %+v", out.Replies)
	}
	out := h.Direct("cas", "I would wait and ask the school first.")
	if got := thread(out); got != "2 of 3 have answered (What would you do?)." {
		t.Fatalf("the thread after the second answer: %q", got)
	}
	out = h.Direct("dan", "I would visit together with a colleague.")
	checkReveal(t, thread(out))
	// After the reveal, the thread is open for the why; a late DM is not saved.
	if out := h.say("bob", "I chose that because she asked for help last time."); privateTo(out, "bob") != "" {
		t.Errorf("a remark in the thread after the reveal was refused: %+v", out.Replies)
	}
	if out := h.Direct("cas", "Actually I changed my mind."); !strings.Contains(privateTo(out, "cas"), "did not save") {
		t.Errorf("a DM after the reveal: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "changed my mind") {
		t.Error("a DM told it was not saved was saved")
	}
	if b, err := h.Store.Get(context.Background(), state.Key{Platform: "terminal", Thread: "private:cas"}); err != nil || b != nil {
		t.Errorf("the pointer of a round whose answers were shown was kept: %s %v", b, err)
	}
	if h.say("ann", "/next"); h.Phase != "what-i-did" {
		t.Fatalf("phase %s after next", h.Phase)
	}
}

// checkAsked checks that the round's opening wrote by DM to exactly the peers.
func checkAsked(t *testing.T, entry bot.Outcome, peers ...string) {
	t.Helper()
	var asked []string
	for _, r := range entry.Replies {
		if r.Direct && strings.Contains(r.Text, "this round (What would you do?) is private") {
			asked = append(asked, r.To)
		}
	}
	if strings.Join(asked, " ") != strings.Join(peers, " ") {
		t.Fatalf("the round wrote by DM to %v, want the peers %v: %+v", asked, peers, entry.Replies)
	}
}

// firstAnswer sends bob's answer, with a family name, by DM: the thread hears a count,
// bob an acknowledgement and the privacy notice, and the session keeps it pseudonymised.
func firstAnswer(t *testing.T, h *harness) {
	t.Helper()
	out := h.Direct("bob", "I would call mrs Jansen at once and ask what she needs.")
	if got := thread(out); got != "1 of 3 have answered (What would you do?)." {
		t.Fatalf("the thread after the first answer: %q", got)
	}
	for _, r := range out.Replies {
		if r.To == "" && (r.In == nil || *r.In != h.Conv) {
			t.Errorf("a public reply of a DM's turn is not sent to the thread: %+v", r)
		}
		if r.To == "bob" && r.Direct {
			t.Errorf("the writer's own reply should stay in their DM, not open another: %+v", r)
		}
	}
	if !strings.Contains(privateTo(out, "bob"), `[name 1\]`) || !strings.Contains(privateTo(out, "bob"), "your answer is in") {
		t.Errorf("the DM answer was not pseudonymised with a notice, or not acknowledged: %+v", out.Replies)
	}
	rec := string(h.record())
	if strings.Contains(rec, "Jansen") || !strings.Contains(rec, "I would call mrs [name 1] at once") {
		t.Fatalf("the answer is not stored pseudonymised in the group session: %s", rec)
	}
}

// checkReveal checks the reveal of the three answers, by name, without a count.
func checkReveal(t *testing.T, got string) {
	t.Helper()
	for _, want := range []string{"shown together", "- **bob:**\n  - I would call mrs \\[name 1\\] at once and ask what she needs.\n  - And I would bring the plan along.",
		"- **cas:** I would wait and ask the school first.", "- **dan:** I would visit together with a colleague."} {
		if !strings.Contains(got, want) {
			t.Errorf("the reveal lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "have answered") {
		t.Errorf("the reveal came with a count: %s", got)
	}
}

// TestPrivateRoundNextRevealsWhatIsIn: moving on before all have answered shows what is
// in, and says who gave no answer.
func TestPrivateRoundNextRevealsWhatIsIn(t *testing.T) {
	h := toRound(t, bot.Config{})
	h.Direct("bob", "I would call the mother.")
	out := h.say("ann", "/next")
	got := bottest.Public(out)
	if !strings.Contains(got, "- **bob:** I would call the mother.") || !strings.Contains(got, "- **cas:** _no answer_") ||
		!strings.Contains(got, "- **dan:** _no answer_") || h.Phase != "what-i-did" {
		t.Fatalf("next in an open round (phase %s):\n%s", h.Phase, got)
	}
	if strings.Index(got, "shown together") > strings.Index(got, "What I did") {
		t.Error("the answers were shown after the next phase opened")
	}
	// Once the session moved on, a late DM hears that the round is over, once; then
	// the pointer is gone and a DM is an ordinary DM again.
	if out := h.Direct("cas", "I would call the school."); thread(out) != "" || !strings.Contains(privateTo(out, "cas"), "private round is over") {
		t.Errorf("a DM after the round's phase: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "call the school") {
		t.Error("a late DM told it was not saved was saved")
	}
	if out := h.Direct("cas", "I would call the school."); !strings.Contains(privateTo(out, "cas"), "no session here") {
		t.Errorf("a DM after the late answer: %+v", out.Replies)
	}
}

// TestBackFromRoundShowsWhatIsIn: going back from an open round shows the answers
// (they were never hidden only to be lost), and the round, entered again, is open talk.
func TestBackFromRoundShowsWhatIsIn(t *testing.T) {
	h := toRound(t, bot.Config{})
	h.Direct("bob", "I would call the mother.")
	if out := h.say("ann", "/back"); !strings.Contains(bottest.Public(out), "- **bob:** I would call the mother.") || h.Phase != "analysis" {
		t.Fatalf("back from an open round (phase %s):\n%s", h.Phase, bottest.Public(out))
	}
	out := h.say("ann", "/next")
	for _, r := range out.Replies {
		if r.Direct {
			t.Errorf("a round whose answers were shown asked again: %+v", r)
		}
	}
	if out := h.say("cas", "I would visit her."); privateTo(out, "cas") != "" {
		t.Errorf("a message in a shown round was refused: %+v", out.Replies)
	}
}

// TestPrivateAnswerForgottenAndExported: forget (typed in the thread) finds an answer
// given by DM, and export lists it.
func TestPrivateAnswerForgottenAndExported(t *testing.T) {
	h := toRound(t, bot.Config{})
	h.Direct("bob", "I would call the mother tonight.")
	if out := h.say("bob", "/export"); !strings.Contains(privateTo(out, "bob"), "I would call the mother tonight.") {
		t.Fatalf("export lacks the DM answer: %+v", out.Replies)
	}
	if out := h.say("bob", "/forget yes"); !strings.Contains(privateTo(out, "bob"), "1 message") {
		t.Fatalf("forget did not count the DM answer: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "call the mother tonight") {
		t.Fatal("forget left the DM answer")
	}
	if b, err := h.Store.Get(context.Background(), state.Key{Platform: "terminal", Thread: "private:bob"}); err != nil || b != nil {
		t.Fatalf("forget left the pointer to the round: %s %v", b, err)
	}
	// bob left the session with forget: his DM is an ordinary DM again.
	if out := h.Direct("bob", "I would call the mother."); thread(out) != "" || strings.Contains(string(h.record()), "I would call the mother.") {
		t.Fatalf("a DM from someone who forgot everything went to the session: %+v", out.Replies)
	}
}

// TestDirectMessageWithoutRoundOrWithSolo: a DM from someone no round waits for gets
// the ordinary answer; a solo reflection open in the DM keeps its messages, even while
// a round waits for its writer.
func TestDirectMessageWithoutRoundOrWithSolo(t *testing.T) {
	h := toRound(t, bot.Config{})
	if out := h.Direct("eve", "Hello there."); thread(out) != "" {
		t.Fatalf("a stranger's DM reached the thread: %+v", out.Replies)
	}
	h.Direct("cas", "/start wsn en")
	out := h.Direct("cas", "A mother called me about her son's school.")
	if thread(out) != "" || out.Phase == "what-would-you-do" {
		t.Fatalf("a solo reflection's answer went to the group round: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "her son's school") {
		t.Fatal("the solo text was saved in the group session")
	}
}

// TestLateJoinerAskedAndRoundTimesOut: someone who joins during the round is asked by
// DM too; when the box ends the missing are reminded by DM, and when the extension
// ends the answers are shown and the session moves on.
func TestLateJoinerAskedAndRoundTimesOut(t *testing.T) {
	clk := bottest.NewManualClock(bottest.Clock)
	sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
	h := toRound(t, bot.Config{Scheduler: sched, Now: clk.Now, Store: memstore.New(memstore.WithClock(clk.Now))})
	if out := h.say("eve", "/join"); !strings.Contains(privateTo(out, "eve"), "this round (What would you do?) is private") {
		t.Fatalf("a late joiner was not asked: %+v", out.Replies)
	}
	h.Direct("bob", "I would call the mother.")
	fire := func(d time.Duration) []bot.Outcome {
		clk.Advance(d)
		var outs []bot.Outcome
		if _, err := sched.FireDue(context.Background(), func(ctx context.Context, tm state.Timer) error {
			_, out, err := h.Engine.Fire(ctx, tm)
			outs = append(outs, out)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return outs
	}
	var reminded []string
	for _, out := range fire(10 * time.Minute) {
		for _, r := range out.Replies {
			if r.Direct && strings.Contains(r.Text, "waiting for your answer in the private round") {
				reminded = append(reminded, r.To)
			}
			if r.To == "" && strings.Contains(r.Text, "I would call") {
				t.Errorf("an answer shown before the round closed: %s", r.Text)
			}
		}
	}
	if strings.Join(reminded, " ") != "cas dan eve" {
		t.Fatalf("reminded by DM: %v", reminded)
	}
	var shown string
	for _, out := range fire(6 * time.Minute) {
		shown += bottest.Public(out)
	}
	if !strings.Contains(shown, "- **bob:** I would call the mother.") || !strings.Contains(shown, "- **eve:** _no answer_") ||
		!strings.Contains(shown, "What I did") {
		t.Fatalf("after the extension:\n%s", shown)
	}
}

// TestThinPrivateAnswerIsPressedInPrivate: a one-word answer to a private round gets one
// kind request for a detail in the same DM, never in the thread, and not twice in a row.
func TestThinPrivateAnswerIsPressedInPrivate(t *testing.T) {
	h := toRound(t, bot.Config{})
	out := h.Direct("bob", "Bellen.")
	if !strings.Contains(privateTo(out, "bob"), "one concrete detail helps") {
		t.Fatalf("a thin private answer got no follow-up in the DM: %+v", out.Replies)
	}
	if strings.Contains(thread(out), "concrete detail") || strings.Contains(bottest.Public(out), "concrete detail") {
		t.Fatalf("a thin private answer was pressed in public: %+v", out.Replies)
	}
	if out := h.Direct("bob", "Echt bellen."); strings.Contains(privateTo(out, "bob"), "one concrete detail helps") {
		t.Fatalf("a second thin answer in a row was pressed again: %+v", out.Replies)
	}
}

// TestThinLastAnswerWaitsForTheFullerOne: the last peer's thin answer is asked about in
// private and not counted yet, so the round does not open on it; the fuller answer that
// follows is saved, counts, and the reveal shows both, each message on a line of its
// own under the name (not "yes / I would…").
func TestThinLastAnswerWaitsForTheFullerOne(t *testing.T) {
	h := toRound(t, bot.Config{})
	h.Direct("bob", "I would step back and ask what he needs.")
	h.Direct("dan", "I would visit together with a colleague.")
	out := h.Direct("cas", "yes")
	if !strings.Contains(privateTo(out, "cas"), "Tell a little more, if you can") || thread(out) != "" {
		t.Fatalf("a thin last answer: %+v", out.Replies)
	}
	out = h.Direct("cas", "I would ask the school what they saw first.")
	if strings.Contains(privateTo(out, "cas"), "did not save") || !strings.Contains(privateTo(out, "cas"), "last answer") {
		t.Fatalf("the fuller answer after the request: %+v", out.Replies)
	}
	if got := thread(out); !strings.Contains(got, "- **cas:**\n  - yes\n  - I would ask the school what they saw first.\n") ||
		!strings.Contains(got, "- **bob:** I would step back and ask what he needs.") {
		t.Fatalf("the reveal:\n%s", got)
	}
}

// TestRoundReenteredLateDMInSessionLanguage: a Dutch round shown, left with terug and
// entered again with volgende is open talk; a DM sent then hears in Dutch that the
// private round is over, and is not saved.
func TestRoundReenteredLateDMInSessionLanguage(t *testing.T) {
	h := newHarness(t, bot.Config{})
	for _, l := range [][2]string{{"ann", "/start incident nl"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for h.Phase != "what-would-you-do" {
		h.say("ann", "/next")
	}
	h.Direct("bob", "Ik zou de moeder bellen.")
	h.Direct("cas", "Ik zou eerst de school vragen wat zij zagen.")
	h.say("ann", "/terug")
	back := h.say("ann", "/volgende")
	if h.Phase != "what-would-you-do" {
		t.Fatalf("phase %s", h.Phase)
	}
	if !strings.Contains(bottest.Public(back), "zijn al getoond, dus niemand hoeft er opnieuw een te sturen") {
		t.Errorf("back in a round whose answers were shown, the thread is not told so: %s", bottest.Public(back))
	}
	out := h.Direct("cas", "Toch liever aanbellen.")
	if !strings.Contains(privateTo(out, "cas"), "Die privéronde is voorbij") {
		t.Fatalf("a late DM in a Dutch session: %+v", out.Replies)
	}
	if strings.Contains(string(h.record()), "liever aanbellen") {
		t.Fatal("a late DM told it was not saved was saved")
	}
	if b, err := h.Store.Get(context.Background(), state.Key{Platform: "terminal", Thread: "private:cas"}); err != nil || b != nil {
		t.Fatalf("the pointer of a round that is over was kept: %s %v", b, err)
	}
}

// TestPrivateRoundOpensWithoutQuestionInThread: the round's opening in the thread asks
// nobody a question there (answers go by DM), and help says where to answer.
func TestPrivateRoundOpensWithoutQuestionInThread(t *testing.T) {
	lib := prompts.MustBuiltin()
	h := newHarness(t, bot.Config{Library: lib, Interpreter: interpreter(t, lib)})
	for _, l := range [][2]string{{"ann", "/start incident nl"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	for h.Phase != "analysis" {
		h.say("ann", "/volgende")
	}
	h.say("bob", peerRemark["nl"]) // text the opener would read
	h.say("cas", peerRemark["nl"])
	entry := h.say("ann", "/volgende")
	if got := bottest.Public(entry); h.Phase != "what-would-you-do" || strings.Contains(got, "Een vraag om bij stil te staan") || !strings.Contains(got, "Wat zou jij doen") {
		t.Fatalf("the private round opened with a question in the thread:\n%s", got)
	}
	help := privateTo(h.say("bob", "/hulp"), "bob")
	if strings.Contains(help, "Schrijf in deze draad") || !strings.Contains(help, "privébericht") {
		t.Fatalf("help in a private round: %s", help)
	}
}

// TestSoloInDMAndRoundInvitation: someone whose solo reflection is open in their DM
// is told so when the round asks them, with the way to answer it (antwoord …); plain
// text stays in the solo reflection, the answer word reaches the round. Someone without
// a solo reflection gets the plain invitation.
func TestSoloInDMAndRoundInvitation(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Direct("cas", "/start wsn nl")
	for _, l := range [][2]string{{"ann", "/start incident nl"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
		h.say(l[0], l[1])
	}
	var entry bot.Outcome
	for h.Phase != "what-would-you-do" {
		entry = h.say("ann", "/volgende")
	}
	if got := privateTo(entry, "cas"); !strings.Contains(got, "solo-reflectie") || !strings.Contains(got, "`!antwoord Ik zou eerst…`") {
		t.Fatalf("the invitation to someone with a solo reflection open: %q", got)
	}
	if words, cmd := bot.Classify("!antwoord Ik zou eerst…", bot.Typed); !cmd || words != "antwoord Ik zou eerst…" {
		t.Fatalf("the invitation's example is no command when typed: %q %v", words, cmd)
	}
	if got := privateTo(entry, "bob"); strings.Contains(got, "solo") || !strings.Contains(got, "schrijf je antwoord hier") {
		t.Fatalf("the invitation to someone without: %q", got)
	}
	if out := h.Direct("cas", "Een moeder belde me over de school van haar zoon."); thread(out) != "" {
		t.Fatalf("plain text in the solo DM went to the round: %+v", out.Replies)
	}
	out := h.Direct("cas", "/antwoord Ik zou eerst de school bellen.") // as Classify gives "!antwoord …"
	if got := thread(out); !strings.Contains(got, "Geantwoord: 1 van de 2") {
		t.Fatalf("the answer word did not reach the round: %+v", out.Replies)
	}
	rec := string(h.record())
	if !strings.Contains(rec, "Ik zou eerst de school bellen.") || strings.Contains(rec, "antwoord Ik") || strings.Contains(rec, "haar zoon") {
		t.Fatalf("the group session holds: %s", rec)
	}
	if out := h.Direct("bob", "/antwoord"); !strings.Contains(privateTo(out, "bob"), "na het woord") {
		t.Fatalf("the answer word alone: %+v", out.Replies)
	}
	if out := h.Direct("eve", "/antwoord Iets."); !strings.Contains(privateTo(out, "eve"), "Er wacht geen privéronde") {
		t.Fatalf("the answer word with no round: %+v", out.Replies)
	}
}

// TestPointersAreNoSessions: the pointers a round writes are not counted or listed as
// sessions by the operator's commands.
func TestPointersAreNoSessions(t *testing.T) {
	h := toRound(t, bot.Config{})
	ctx := context.Background()
	inv, err := h.Engine.SpaceInventory(ctx, state.Space{Platform: "terminal"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Sessions != 1 || inv.Pointers != 4 { // the peers' three, the case bringer's listening one
		t.Fatalf("the terminal holds %+v, want 1 session and 4 pointers", inv)
	}
	open, err := h.Engine.OpenSessions(ctx, state.Filter{Platform: "terminal"})
	if err != nil || len(open) != 1 {
		t.Fatalf("open sessions: %+v %v", open, err)
	}
}

// TestRevealWhenMovingOnHasNoStaleButton: when the lead moves on before all answered,
// the answers are shown without an invitation to talk them over or a Next button for
// the phase that is ending in that same turn.
func TestRevealWhenMovingOnHasNoStaleButton(t *testing.T) {
	h := toRound(t, bot.Config{})
	h.Direct("bob", "I would call the mother right away.")
	out := h.say("ann", "/next")
	pub := bottest.Public(out)
	if !strings.Contains(pub, "bob:** I would call the mother") || strings.Contains(pub, "moves on with `next` when you are ready") {
		t.Fatalf("the reveal when moving on: %s", pub)
	}
	for _, r := range out.Replies {
		if strings.Contains(r.Text, "shown together") && len(r.Actions) > 0 {
			t.Fatalf("the reveal when moving on offers %+v", r.Actions)
		}
	}
}

// TestCaseBringerDMDuringPrivateRound: the case bringer, whom the round does not wait
// for, writes to the bot by DM while the peers answer: they hear kindly, in the
// session's language, that the peers are answering and the answers will be shown in
// the thread, not "no session here"; nothing is saved, a redelivered DM gets no second
// reply, and once the answers are shown their DM is an ordinary DM again.
func TestCaseBringerDMDuringPrivateRound(t *testing.T) {
	for _, tc := range []struct{ lang, want, start string }{
		{"en", "Your peers are answering this round (What would you do?) privately now; once everyone has answered, I show all the answers together in the thread.", "/start incident en"},
		{"nl", "Je collega's beantwoorden deze ronde (Wat zou jij doen?) nu elk privé; zodra iedereen geantwoord heeft, toon ik alle antwoorden samen in de draad.", "/start incident nl"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			h := newHarness(t, bot.Config{})
			for _, l := range [][2]string{{"ann", tc.start}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
				h.say(l[0], l[1])
			}
			for h.Phase != "what-would-you-do" {
				h.say("ann", "/next")
			}
			ev := bot.Event{ID: "dm-ann-1", Conv: bot.Conversation{Platform: "terminal", Channel: "dm-ann", Direct: true},
				User: bot.User{ID: "ann", Name: "ann"}, Text: "Hoe gaat het met de antwoorden?"}
			out, err := h.Engine.Handle(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if got := privateTo(out, "ann"); !strings.Contains(got, tc.want) || thread(out) != "" {
				t.Fatalf("the case bringer's DM during the round: %+v", out.Replies)
			}
			if strings.Contains(string(h.record()), "Hoe gaat het") {
				t.Fatal("the case bringer's DM was saved")
			}
			if again, err := h.Engine.Handle(context.Background(), ev); err != nil || !again.Duplicate {
				t.Fatalf("a redelivered DM: %+v %v", again, err)
			}
			h.Direct("bob", "I would call the mother.")
			h.Direct("cas", "I would visit her at home.") // the last answer: all are shown
			if out := h.Direct("ann", "En nu?"); strings.Contains(privateTo(out, "ann"), tc.want) {
				t.Fatalf("after the answers were shown: %+v", out.Replies)
			}
		})
	}
}

// TestListeningPointerKeepsAnotherRoundsAnswer: a listening pointer never replaces
// the pointer of another session's open round that waits for the same person: bob,
// a peer in ann's round and the case bringer in his own, still answers ann's round by
// DM once his own round opens, and ann, a peer in bob's round, answers that one.
func TestListeningPointerKeepsAnotherRoundsAnswer(t *testing.T) {
	h := toRound(t, bot.Config{})
	h2 := &harness{bottest.New(t, bot.Config{Store: h.Store})}
	h2.Conv.Thread = "second"
	for _, l := range [][2]string{{"bob", "/start incident en"}, {"ann", "/join"}, {"eve", "/join"}, {"bob", "/bring"}, {"bob", "/next"}} {
		h2.say(l[0], l[1])
	}
	for h2.Phase != "what-would-you-do" {
		h2.say("bob", "/next")
	}
	if got := thread(h.Direct("bob", "I would call the mother.")); got != "1 of 3 have answered (What would you do?)." {
		t.Fatalf("bob's answer to ann's round after his own round opened: %q", got)
	}
	if got := thread(h.Direct("ann", "I would ask the school.")); got != "1 of 2 have answered (What would you do?)." {
		t.Fatalf("ann's answer to bob's round: %q", got)
	}
}

// TestResumableOwing: the open sessions an adapter catches up on name the members an
// open private round still waits for (their DMs may hold answers sent while the
// adapter was away): not who answered, still who was asked for more after a thin
// answer; none once the answers were shown.
func TestResumableOwing(t *testing.T) {
	h := toRound(t, bot.Config{})
	owing := func() string {
		t.Helper()
		open, err := h.Engine.Resumable(context.Background(), state.Filter{Platform: "terminal"})
		if err != nil || len(open) != 1 {
			t.Fatalf("resumable: %+v %v", open, err)
		}
		return strings.Join(open[0].Owing, " ")
	}
	if got := owing(); got != "bob cas dan" {
		t.Fatalf("owing at the round's start: %q", got)
	}
	h.Direct("bob", "I would call the mother.")
	h.Direct("cas", "yes") // thin: asked for more, not counted yet
	if got := owing(); got != "cas dan" {
		t.Fatalf("owing after bob's answer and cas's thin one: %q", got)
	}
	h.say("ann", "/next")
	if got := owing(); got != "" {
		t.Fatalf("owing after the answers were shown: %q", got)
	}
}
