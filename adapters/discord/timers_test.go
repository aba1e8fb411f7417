package discord

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

// timed is one running adapter with an engine whose time is clock and whose timers
// are kept by sched.
type timed struct {
	*harness
	a     *Adapter
	clock *bottest.ManualClock
	sched *memstore.Scheduler
	eng   *bot.Engine

	pmu    sync.Mutex
	phases map[string]string // "channel/thread" → the phase the last outcome there named
}

func startTimed(t *testing.T) *timed {
	t.Helper()
	clk := bottest.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
	st := memstore.New(memstore.WithClock(clk.Now))
	eng := bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: quiet(), Now: clk.Now, Scheduler: sched})
	tm := &timed{clock: clk, sched: sched, eng: eng, phases: map[string]string{}}
	tm.harness = startWith(t, 1, tm, 0)
	tm.store, tm.harness.eng = st, eng
	tm.a = tm.adapters[0]
	for _, p := range []person{ann, bob, cas} {
		tm.f.addUser(userJSON(p), guildID, "")
	}
	return tm
}

// Handle hands ev to the engine and notes the phase its conversation is in.
func (tm *timed) Handle(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
	out, err := tm.eng.Handle(ctx, ev)
	if err == nil && out.Phase != "" {
		tm.pmu.Lock()
		tm.phases[ev.Conv.Channel+"/"+ev.Conv.Thread] = out.Phase
		tm.pmu.Unlock()
	}
	return out, err
}

// sayNow posts a message in a guild channel stamped with the test's clock (the engine
// takes a message's time from Discord's timestamp) and waits for its answer.
func (tm *timed) sayNow(p person, channel, text string) {
	tm.t.Helper()
	id := tm.newID()
	tm.f.dispatch("MESSAGE_CREATE", map[string]any{"id": id, "channel_id": channel, "content": text, "type": 0,
		"timestamp": tm.clock.Now().Format(time.RFC3339), "author": userJSON(p),
		"guild_id": guildID, "member": map[string]any{"nick": p.nick}})
	tm.wait(id)
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
		if err := tm.a.Deliver(ctx, tm, conv, out); err != nil {
			tm.t.Errorf("Deliver %+v: %v", out.Replies, err)
		}
		return nil
	})
	if err != nil {
		tm.t.Fatalf("FireDue: %v", err)
	}
	return n
}

// phase is the phase of the session in thread th, as the engine last said.
func (tm *timed) phase(th string) string {
	tm.pmu.Lock()
	defer tm.pmu.Unlock()
	return tm.phases[channelID+"/"+th]
}

// clickTo presses next in th until the session is in phase want (at most 12 times).
func (tm *timed) clickTo(th, want string) {
	tm.t.Helper()
	for i := 0; tm.phase(th) != want; i++ {
		if i == 12 || tm.phase(th) == "done" && want != "done" {
			tm.t.Fatalf("the session did not reach %s (at %q)", want, tm.phase(th))
		}
		tm.click(ann, th, "next")
	}
}

// TestTimersOverDiscord runs a live incident session over Discord with the engine's
// clock and timers under the test's control. Two minutes before Analysis's box ends
// the thread hears the time left, and the one peer who has not spoken there (Cas) is
// invited by DM, she alone. Fifteen days after the session the case bringer (Ann)
// gets a check-in by DM quoting her next step, and the solo reflection it offers
// opens in that DM.
func TestTimersOverDiscord(t *testing.T) {
	t.Parallel()
	tm := startTimed(t)
	th := tm.toAnalysis()

	// +9m: the notice and the invitation. The box is 10 minutes and the notice is due 2
	// minutes before its end; fired a minute late, it tells the time really left.
	before := len(tm.f.messages())
	tm.clock.Advance(9 * time.Minute)
	if n := tm.fireDue(); n == 0 {
		t.Fatalf("no timer fired at +9m; pending %+v", tm.sched.Pending())
	}
	checkTimeLeft(t, tm.f.messages()[before:], th)

	// Finish the session; Ann notes a takeaway and a next step.
	tm.clickTo(th, "takeaway")
	tm.sayNow(ann, th, "I decided the plan without her.")
	if p := tm.phase(th); p != "next-step" {
		t.Fatalf("after the takeaway: phase %q, want next-step", p)
	}
	tm.sayNow(ann, th, "On Monday I will call her and ask which time suits her.")
	tm.clickTo(th, "done")

	// +15d: the check-in (two weeks by default) in Ann's DM, and the solo reflection.
	before = len(tm.f.messages())
	tm.clock.Advance(15 * 24 * time.Hour)
	tm.fireDue()
	checkCheckIn(t, tm.f.messages()[before:], "dm-"+ann.id, "On Monday I will call her")
	// The solo reflection it offers opened in the DM, in its first phase.
	tm.pmu.Lock()
	opened := tm.phases["dm-"+ann.id+"/"]
	tm.pmu.Unlock()
	if opened != "action" {
		t.Errorf("the reflection in the DM is in phase %q, want action", opened)
	}
	checkSafe(t, tm.f.messages())
}

// toAnalysis starts an incident session with Ann (who brings the case), Bob and Cas;
// Bob asks a question and, in Analysis, writes. It returns the session's thread.
func (tm *timed) toAnalysis() string {
	t := tm.t
	t.Helper()
	tm.slash(ann, guildID, channelID, "start", "method=incident", "language=en")
	th := tm.thread()
	tm.click(bob, th, "join")
	tm.click(cas, th, "join")
	tm.click(ann, th, "bring")
	tm.click(ann, th, "next")
	tm.sayNow(ann, th, "A mother did not come to the third meeting; I had to decide what to do.")
	tm.click(ann, th, "next")
	tm.sayNow(bob, th, "How were the meeting times chosen?")
	tm.click(ann, th, "next")
	if p := tm.phase(th); p != "analysis" {
		t.Fatalf("after the questions: phase %q, want analysis", p)
	}
	tm.sayNow(bob, th, "Maybe the times don't fit her shifts.")
	return th
}

// checkTimeLeft checks the messages of the time-left timer: one notice in the thread
// th, one invitation by DM to Cas, and nothing anywhere else.
func checkTimeLeft(t *testing.T, warn []sent, th string) {
	t.Helper()
	var notice, invited int
	for _, m := range warn {
		switch {
		case strings.Contains(m.Content, "About 1 minute left for this phase (Analysis)"):
			notice++
			if m.Kind != "message" || m.Channel != th || m.Ephemeral {
				t.Errorf("time-left notice: %s in %s (ephemeral %v), want a message in thread %s", m.Kind, m.Channel, m.Ephemeral, th)
			}
		case strings.Contains(m.Content, "the group would like to hear from you"):
			invited++
			if m.Kind != "message" || m.Channel != "dm-"+cas.id {
				t.Errorf("invitation: %s in %s, want a DM to Cas (dm-%s)", m.Kind, m.Channel, cas.id)
			}
			if !strings.HasPrefix(m.Content, "Cas") {
				t.Errorf("invitation does not address Cas: %q", m.Content)
			}
		}
		if m.Channel != th && m.Channel != "dm-"+cas.id {
			t.Errorf("at +9m a message in %s (Bob spoke, Ann brought the case): %q", m.Channel, m.Content)
		}
	}
	if notice != 1 || invited != 1 {
		t.Errorf("at +9m: %d notices and %d invitations, want one each:\n%s", notice, invited, dump(warn))
	}
}

// checkCheckIn checks the messages of the check-in: a message in the DM dm quoting
// step, no second question after it, and nothing elsewhere.
func checkCheckIn(t *testing.T, later []sent, dm, step string) {
	t.Helper()
	i := slices.IndexFunc(later, func(m sent) bool { return strings.Contains(m.Content, "you planned this next step") })
	if i < 0 {
		t.Fatalf("no check-in after 15 days:\n%s", dump(later))
	}
	if ci := later[i]; ci.Kind != "message" || ci.Channel != dm || !strings.Contains(ci.Content, step) {
		t.Errorf("check-in: %s in %s %q, want a DM in %s quoting the next step", ci.Kind, ci.Channel, ci.Content, dm)
	}
	// One question: the check-in's; the reflection it opens does not announce its
	// first phase with another.
	if slices.ContainsFunc(later[i+1:], func(m sent) bool { return strings.Contains(m.Content, "Phase 1/") }) {
		t.Errorf("a second question after the check-in:\n%s", dump(later))
	}
	for _, m := range later {
		if m.Channel != dm {
			t.Errorf("message outside the DM %s at +15d: %s in %s: %q", dm, m.Kind, m.Channel, m.Content)
		}
	}
}
