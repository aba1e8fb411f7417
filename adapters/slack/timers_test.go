package slack

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// timed is a running adapter with an engine whose time is clock and whose timers are
// kept by sched.
type timed struct {
	*harness
	clock *bottest.ManualClock
	sched *memstore.Scheduler
	eng   *bot.Engine
}

func startTimed(t *testing.T) *timed {
	t.Helper()
	clk := bottest.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
	eng := bot.New(bot.Config{Store: memstore.New(memstore.WithClock(clk.Now)), Library: prompts.MustBuiltin(),
		Logger: quietLogger(), Now: clk.Now, Scheduler: sched})
	h := startWith(t, eng, "", func(c *Config) { c.Now = clk.Now })
	return &timed{harness: h, clock: clk, sched: sched, eng: eng}
}

// fireDue fires the timers due by the clock as RunTimers does: each through the
// engine, and its replies through the adapter's Deliver. It returns how many fired.
func (tm *timed) fireDue() int {
	tm.t.Helper()
	n, err := tm.sched.FireDue(context.Background(), func(ctx context.Context, timer state.Timer) error {
		conv, out, err := tm.eng.Fire(ctx, timer)
		if err != nil {
			return err
		}
		if out.Duplicate || len(out.Replies) == 0 {
			return nil
		}
		if err := tm.a.Deliver(ctx, tm.eng, conv, out); err != nil {
			tm.t.Errorf("Deliver %+v: %v", out.Replies, err)
		}
		return nil
	})
	if err != nil {
		tm.t.Fatalf("FireDue: %v", err)
	}
	return n
}

// postsSince returns the posts after the first n.
func (tm *timed) postsSince(n int) []fakePost { return tm.fake.allPosts()[n:] }

func dumpPosts(ps []fakePost) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Method + " ch=" + p.Channel + " thread=" + p.Thread + " to=" + p.To + ": " + p.Text + "\n")
	}
	return b.String()
}

// TestTimersOverSlack runs a live incident session over Slack with the engine's clock
// and timers under the test's control. Two minutes before Analysis's box ends the
// thread hears the time left, and the one peer who has not spoken there (Carol) is
// invited by an ephemeral message in the thread, she alone. Fifteen days after the
// session the case bringer (Alice) gets a check-in in a DM the bot opens, quoting her
// next step, and the solo reflection it offers opens in that DM: her answer there is
// its first phase's.
func TestTimersOverSlack(t *testing.T) {
	tm := startTimed(t)
	const channel = "C7"
	thread := tm.toAnalysis(channel)

	// +9m: the notice and the invitation. The box is 10 minutes and the notice is due 2
	// minutes before its end; fired a minute late, it tells the time really left.
	before := len(tm.fake.allPosts())
	tm.clock.Advance(9 * time.Minute)
	if n := tm.fireDue(); n == 0 {
		t.Fatalf("no timer fired at +9m; pending %+v", tm.sched.Pending())
	}
	checkTimeLeft(t, tm.postsSince(before), channel, thread)

	tm.finish(channel, thread, "On Monday I will call her and ask which time suits her.")

	// +15d: the check-in (two weeks by default) in Alice's DM, and the solo reflection.
	before = len(tm.fake.allPosts())
	opens := tm.fake.callCount("conversations.open")
	tm.clock.Advance(15 * 24 * time.Hour)
	tm.fireDue()
	checkCheckIn(t, tm.postsSince(before), "DUALICE", "On Monday I will call her")
	if n := tm.fake.callCount("conversations.open") - opens; n < 1 {
		t.Errorf("conversations.open called %d times for the check-in, want the DM opened", n)
	}
	// The solo reflection opened in the DM: Alice's answer there is its first phase's.
	if out := tm.say("UALICE", "DUALICE", "", "I called and she picked up; we found a time together."); out.Phase == "" {
		t.Errorf("the answer to the check-in found no reflection in the DM: %+v", out.Replies)
	}
	assertInert(t, tm.fake.allPosts())
}

// toAnalysis starts an incident session in channel with Alice (who brings the case),
// Bob and Carol; Bob asks a question and, in Analysis, writes. It returns the thread.
func (tm *timed) toAnalysis(channel string) string {
	t := tm.t
	t.Helper()
	out, thread := tm.slash("UALICE", channel, "start incident en")
	if thread == "" || out.Phase != "lobby" {
		t.Fatalf("start: phase %q thread %q", out.Phase, thread)
	}
	tm.click("UBOB", thread, "join")
	tm.click("UCAROL", thread, "join")
	tm.click("UALICE", thread, "bring")
	tm.click("UALICE", thread, "next")
	tm.say("UALICE", channel, thread, "A mother did not come to the third meeting; I had to decide what to do.")
	tm.click("UALICE", thread, "next")
	tm.say("UBOB", channel, thread, "How were the meeting times chosen?")
	if out := tm.click("UALICE", thread, "next"); out.Phase != "analysis" {
		t.Fatalf("after the questions: phase %q, want analysis", out.Phase)
	}
	tm.say("UBOB", channel, thread, "Maybe the times don't fit her shifts.")
	return thread
}

// checkTimeLeft checks the posts of the time-left timer: one notice in the thread, one
// ephemeral invitation there to Carol, and nothing private for anyone else.
func checkTimeLeft(t *testing.T, warn []fakePost, channel, thread string) {
	t.Helper()
	var notice, invited int
	for _, p := range warn {
		switch {
		case strings.Contains(p.Text, "About 1 minute left for this phase (Analysis)"):
			notice++
			if p.Method != "chat.postMessage" || p.Channel != channel || p.Thread != thread {
				t.Errorf("time-left notice %s in %s thread %q, want chat.postMessage in %s thread %s", p.Method, p.Channel, p.Thread, channel, thread)
			}
		case strings.Contains(p.Text, "the group would like to hear from you"):
			invited++
			if p.Method != "chat.postEphemeral" || p.To != "UCAROL" || p.Channel != channel || p.Thread != thread {
				t.Errorf("invitation %s to %q in %s thread %q, want chat.postEphemeral to UCAROL in the session thread", p.Method, p.To, p.Channel, p.Thread)
			}
			if !strings.Contains(p.Text, "Carol") {
				t.Errorf("invitation does not name Carol: %q", p.Text)
			}
		}
		if p.Method == "chat.postEphemeral" && p.To != "UCAROL" {
			t.Errorf("private post to %s at +9m (Bob spoke, Alice brought the case): %q", p.To, p.Text)
		}
	}
	if notice != 1 || invited != 1 {
		t.Errorf("at +9m: %d notices and %d invitations, want one each:\n%s", notice, invited, dumpPosts(warn))
	}
}

// finish moves the session on to the takeaway, where Alice notes a takeaway and
// nextStep, and on until it is done.
func (tm *timed) finish(channel, thread, nextStep string) {
	t := tm.t
	t.Helper()
	for out := tm.click("UALICE", thread, "next"); out.Phase != "takeaway"; out = tm.click("UALICE", thread, "next") {
		if out.Phase == "done" || out.Phase == "" {
			t.Fatalf("the session skipped the takeaway: phase %q", out.Phase)
		}
	}
	if out := tm.say("UALICE", channel, thread, "I decided the plan without her."); out.Phase != "next-step" {
		t.Fatalf("after the takeaway: phase %q, want next-step", out.Phase)
	}
	tm.say("UALICE", channel, thread, nextStep)
	for out := tm.click("UALICE", thread, "next"); out.Phase != "done"; out = tm.click("UALICE", thread, "next") {
		if out.Phase == "" {
			t.Fatal("the session did not finish")
		}
	}
}

// checkCheckIn checks the posts of the check-in: a message in the DM dm quoting step,
// then the first phase of the solo reflection there, and nothing elsewhere.
func checkCheckIn(t *testing.T, later []fakePost, dm, step string) {
	t.Helper()
	i := slices.IndexFunc(later, func(p fakePost) bool { return strings.Contains(p.Text, "you planned this next step") })
	if i < 0 {
		t.Fatalf("no check-in after 15 days:\n%s", dumpPosts(later))
	}
	ci := later[i]
	if ci.Method != "chat.postMessage" || ci.Channel != dm || ci.Thread != "" {
		t.Errorf("check-in %s in %s thread %q, want chat.postMessage in the DM %s", ci.Method, ci.Channel, ci.Thread, dm)
	}
	if !strings.Contains(ci.Text, step) {
		t.Errorf("check-in does not quote the next step: %q", ci.Text)
	}
	// One question: the check-in's; the reflection it opens does not announce its
	// first phase with another.
	if slices.ContainsFunc(later[i+1:], func(p fakePost) bool { return strings.Contains(p.Text, "Phase 1/") }) {
		t.Errorf("a second question after the check-in:\n%s", dumpPosts(later))
	}
	for _, p := range later {
		if p.Channel != dm {
			t.Errorf("post outside the DM %s at +15d: %s in %s: %q", dm, p.Method, p.Channel, p.Text)
		}
	}
}
