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

// TestLateBringerMovesOn: a phase that waited past its time for the case bringer moves
// on a few minutes after they have written, as its opening promised ("when the time is
// up, I move on once ann has written"). A user test saw the session stand still for
// two hours after the case was told.
func TestLateBringerMovesOn(t *testing.T) {
	for _, tc := range []struct {
		lang, start, phase, promise, late string
		box                               time.Duration
	}{
		{"en", "/start incident en", "", "once ann has written", "I will move on in 3 minutes", 10 * time.Minute},
		{"nl", "/start incident nl", "", "zodra ann iets heeft geschreven", "over 3 minuten ga ik verder", 10 * time.Minute},
		// a phase every member writes in, a peer still silent (a review: it extended
		// instead of moving on as promised)
		{"gibbs", "/start gibbs en", "analysis", "once ann has written", "I will move on in 3 minutes", 15 * time.Minute},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			clk := bottest.NewManualClock(bottest.Clock)
			sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
			h := newHarness(t, bot.Config{Scheduler: sched, Now: clk.Now, Store: memstore.New(memstore.WithClock(clk.Now))})
			fire := func(d time.Duration) {
				clk.Advance(d)
				if _, err := sched.FireDue(context.Background(), func(ctx context.Context, tm state.Timer) error {
					_, out, err := h.Engine.Fire(ctx, tm)
					if out.Phase != "" {
						h.Phase = out.Phase
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			h.say("ann", tc.start)
			h.say("bob", "/join")
			h.say("ann", "/bring")
			out := h.say("ann", "/next")
			for tc.phase != "" && h.Phase != tc.phase {
				if h.Phase == "done" {
					t.Fatalf("phase %s never came", tc.phase)
				}
				out = h.say("ann", "/next")
			}
			if !strings.Contains(bottest.Public(out), tc.promise) {
				t.Fatalf("the opening does not promise to move on: %s", bottest.Public(out))
			}
			first := h.Phase
			fire(tc.box + time.Minute) // the box ends: the phase waits for the case bringer
			if h.Phase != first {
				t.Fatalf("moved on without the case: %s", h.Phase)
			}
			if out := h.say("ann", "The mother did not come to the meeting at school."); !strings.Contains(bottest.Public(out), tc.late) {
				t.Fatalf("a late case does not say when the phase moves on: %s", bottest.Public(out))
			}
			h.say("ann", "I had called her twice.")
			fire(2 * time.Minute)
			if h.Phase != first {
				t.Fatalf("moved on before the grace ended: %s", h.Phase)
			}
			fire(time.Minute)
			if h.Phase == first {
				t.Fatal("the phase still waits after the case bringer wrote")
			}
		})
	}
}

// TestSoloNextStepClosesCleanly: in a solo reflection a concrete next step gets the
// check-in offer and no further question (its answer read as a second step); a vague one
// is asked once to be more concrete, and the offer that comes with it does not thank for
// the step (a user test saw "Could you make that step more concrete?" and "Thank you"
// in one turn).
func TestSoloNextStepClosesCleanly(t *testing.T) {
	for _, tc := range []struct {
		step, want, not string
	}{
		{"On Monday I will call the father and ask which time suits him.", "When shall I check back with you", "more concrete"},
		{"Be more patient.", "once your step is clear", "Thank you"},
	} {
		t.Run(tc.step, func(t *testing.T) {
			clk := bottest.NewManualClock(bottest.Clock)
			sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
			lib := prompts.MustBuiltin()
			h := newHarness(t, bot.Config{Scheduler: sched, Now: clk.Now, Store: memstore.New(memstore.WithClock(clk.Now)),
				Interpreter: interpreter(t, lib)})
			h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
			h.say("ann", "/start gibbs en")
			for h.Phase != "next-step" {
				if h.Phase == "done" {
					t.Fatal("next-step never reached")
				}
				h.say("ann", "/next")
			}
			out := bottest.Public(h.say("ann", tc.step))
			if !strings.Contains(out, tc.want) || strings.Contains(out, tc.not) || strings.Contains(out, "**") {
				t.Errorf("after the step %q:\n%s", tc.step, out)
			}
			if tc.not != "Thank you" {
				return
			}
			// the concrete step after the request is thanked for, and the check-in asked
			// again rather than booked by default as the reflection closed
			out = bottest.Public(h.say("ann", "On Monday I will call the father and ask which time suits him."))
			if !strings.Contains(out, "When shall I check back with you") || h.Phase != "next-step" {
				t.Errorf("the concrete step after the request (phase %s):\n%s", h.Phase, out)
			}
		})
	}
}

// TestListenerAddressed: in a phase where the case bringer only listens (the gossip
// round), a peer who speaks to them by name is reminded privately, and the message is
// kept; one that speaks about them is not reminded (user test: "Ann, you should just
// phone him." passed without a word).
func TestListenerAddressed(t *testing.T) {
	for _, tc := range []struct{ lang, start, to, about, want string }{
		{"en", "/start gossip en", "Ann, you should just phone him.", "I think ann should phone him.", "talk with each other about ann and the case, not to ann"},
		{"nl", "/start gossip nl", "@ann je moet hem gewoon bellen.", "Ik denk dat ann hem moet bellen.", "praat met elkaar over ann en de casus, niet tegen ann"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			h := newHarness(t, bot.Config{})
			for _, l := range [][2]string{{"ann", tc.start}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}} {
				h.say(l[0], l[1])
			}
			for h.Phase != "gossip" {
				if h.Phase == "done" {
					t.Fatal("the gossip round never came")
				}
				h.say("ann", "/next")
			}
			if out := h.say("bob", tc.to); !strings.Contains(privateTo(out, "bob"), tc.want) {
				t.Errorf("speaking to the listener: %+v", out.Replies)
			}
			if !strings.Contains(string(h.record()), "phone him") && !strings.Contains(string(h.record()), "bellen") {
				t.Error("the message was not kept")
			}
			if out := h.say("cas", tc.about); strings.Contains(privateTo(out, "cas"), tc.want) {
				t.Errorf("speaking about the listener was reminded: %+v", out.Replies)
			}
			if out := h.say("bob", tc.to+" Really."); strings.Contains(privateTo(out, "bob"), tc.want) {
				t.Errorf("the reminder came twice in one phase: %+v", out.Replies)
			}
		})
	}
}

// TestJudgementReminderFitsTheForm: a judgement made as a statement is not told that "a
// question can carry one too" (user test: "Je had haar gewoon vooraf moeten bellen.").
func TestJudgementReminderFitsTheForm(t *testing.T) {
	lib := prompts.MustBuiltin()
	h := newHarness(t, bot.Config{Interpreter: interpreter(t, lib)})
	for _, l := range [][2]string{{"ann", "/start incident nl"}, {"bob", "/meedoen"}, {"ann", "/inbrengen"}, {"ann", "/volgende"},
		{"ann", "Moeder kwam niet naar het gesprek."}, {"ann", "/volgende"}} {
		h.say(l[0], l[1])
	}
	if got := privateTo(h.say("bob", "Je had haar gewoon vooraf moeten bellen."), "bob"); !strings.Contains(got, "oordeel") || strings.Contains(got, "ook een vraag") {
		t.Errorf("a judgement as a statement: %q", got)
	}
	if got := privateTo(h.say("bob", "Is ze niet gewoon lui?"), "bob"); !strings.Contains(got, "ook een vraag kan er een bevatten") {
		t.Errorf("a judgement as a question: %q", got)
	}
}
