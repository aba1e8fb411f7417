package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// This file is the check-in: in the next-step phase the case bringer picks when the bot
// checks back (a week, two weeks, or not); then it writes to them privately with their
// next step and a first look-back question, and their answer opens a short solo
// reflection (ALACT, which starts by looking back on action).

// Check-in choices.
const (
	checkInOff = "off"
	// checkInMethod is the solo method a check-in opens.
	checkInMethod = "alact"
)

// checkInChoices are the buttons' values and their spans.
var checkInChoices = map[string]time.Duration{"1w": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour}

// offerCheckIn asks the case bringer, once, when the bot should check back.
func (tr *turn) offerCheckIn() { tr.offerCheckInAs("checkin.offer") }

// canOfferCheckIn reports whether the check-in can still be offered: there is a
// scheduler, none is chosen, and it was not offered before.
func (tr *turn) canOfferCheckIn() bool {
	return tr.e.cfg.Scheduler != nil && tr.sess.CheckIn == "" && !tr.sess.CheckInOffered
}

// chosenAhead reports whether the case bringer chose a check-in before naming the
// step, and has not been told since that it is set.
func (tr *turn) chosenAhead() bool {
	return tr.e.cfg.Scheduler != nil && tr.sess.CheckIn != "" && tr.sess.CheckIn != checkInOff && !tr.sess.CheckInOffered
}

// confirmChosen says, once, that the check-in chosen before the step will come.
func (tr *turn) confirmChosen(actions ...Action) {
	if !tr.chosenAhead() {
		return
	}
	tr.sess.CheckInOffered = true
	d, _ := checkInSpan(tr.sess.CheckIn, tr.e.cfg.CheckIn)
	tr.say(tr.msg("checkin.chosen", "name", Quote(tr.ev.User.Name), "time", tr.spanText(d)), actions...)
}

// hasStepPhase reports whether the session's plan has a next-step phase.
func (tr *turn) hasStepPhase() bool {
	return slices.ContainsFunc(tr.phases(), func(ph prompts.Phase) bool { return ph.Stage == prompts.StageNextStep })
}

// stepNamed reports whether the case bringer has written in a next-step phase.
func (tr *turn) stepNamed() bool {
	for _, ph := range tr.phases() {
		if ph.Stage == prompts.StageNextStep && tr.sess.contributed(tr.sess.Bringer, ph.ID) {
			return true
		}
	}
	return false
}

// offerCheckInAs offers the check-in with the message key: after a request for a more
// concrete step it does not thank for the step (checkin.offer.nudged).
func (tr *turn) offerCheckInAs(key string) {
	if tr.chosenAhead() {
		// The check-in was chosen before the step: say that it is set, once, when the
		// step is in (not right after asking for a more concrete one).
		if key == "checkin.offer" {
			tr.confirmChosen(tr.nextButton())
		}
		return
	}
	if !tr.canOfferCheckIn() {
		return
	}
	tr.sess.CheckInOffered = true
	def := tr.e.cfg.CheckIn
	primary := func(d time.Duration) bool { return d == def }
	tr.say(tr.msg(key, "name", Quote(tr.ev.User.Name)),
		Action{Label: tr.msg("button.checkin.1w"), Command: "checkin 1w", Primary: primary(checkInChoices["1w"])},
		Action{Label: tr.msg("button.checkin.2w"), Command: "checkin 2w", Primary: primary(checkInChoices["2w"])},
		Action{Label: tr.msg("button.checkin.off"), Command: "checkin " + checkInOff},
		tr.nextButton())
}

// chooseCheckIn records the case bringer's choice; in the next-step phase, once the
// step is written, the choice moves the session on, as a move nobody asked for with
// next: the next-step phase told the case bringer to type `next`, and a next that
// follows is meant for it, not for the evaluation the choice just opened.
func (tr *turn) chooseCheckIn(args []string) {
	if !tr.needMember() {
		return
	}
	if tr.user() != tr.sess.Bringer {
		tr.tell(tr.msg("checkin.not_bringer", "bringer", tr.bringerName()))
		return
	}
	if !tr.active() || tr.e.cfg.Scheduler == nil {
		tr.tell(tr.msg("checkin.none"))
		return
	}
	choice, ok := parseCheckIn(args)
	if !ok {
		tr.tell(tr.msg("checkin.how"))
		return
	}
	if !tr.hasStepPhase() {
		tr.tell(tr.msg("checkin.no_step")) // a check-in is about the step (Balint names none)
		return
	}
	tr.sess.CheckIn = choice
	tr.dirty = true
	switch d, _ := checkInSpan(choice, tr.e.cfg.CheckIn); {
	case choice == checkInOff:
		tr.tell(tr.msg("checkin.off"))
	case !tr.stepNamed():
		// Chosen ahead: there is no step to check back on yet.
		tr.tell(tr.msg("checkin.set_ahead", "time", tr.spanText(d)))
	default:
		tr.tell(tr.msg("checkin.set", "time", tr.spanText(d)))
	}
	if ph := tr.phase(); ph != nil && ph.Stage == prompts.StageNextStep && tr.sess.contributed(tr.user(), ph.ID) {
		tr.advance(true)
	}
}

// parseCheckIn reads a check-in choice: 1w, 2w, a span such as 10d, or off.
func parseCheckIn(args []string) (string, bool) {
	if len(args) != 1 {
		return "", false
	}
	switch a := args[0]; a {
	case checkInOff, dutchArg("checkin", checkInOff), "geen", "none", "no", "nee":
		return checkInOff, true
	default:
		d, ok := ParseSpan(a)
		return a, ok && d >= 24*time.Hour && d <= 12*7*24*time.Hour
	}
}

// checkInSpan is how long after the session a choice checks in; def for none made.
func checkInSpan(choice string, def time.Duration) (time.Duration, bool) {
	switch choice {
	case checkInOff:
		return 0, false
	case "":
		return def, def > 0
	}
	if d, ok := checkInChoices[choice]; ok {
		return d, true
	}
	return ParseSpan(choice)
}

// planCheckIn sets the check-in timer when a session closes with a next step from
// the case bringer.
func (tr *turn) planCheckIn() {
	s := tr.sess
	d, ok := checkInSpan(s.CheckIn, tr.e.cfg.CheckIn)
	if !ok || tr.e.cfg.Scheduler == nil || s.Bringer == "" || !tr.wroteNextStep() {
		return
	}
	tr.setTimer(wake{Kind: wakeCheckIn, User: s.Bringer, Lang: s.Lang, Plan: int(s.Started)}, tr.ev.Time.Add(d))
}

// wroteNextStep reports whether the case bringer wrote in the next-step phase.
func (tr *turn) wroteNextStep() bool {
	for _, ph := range tr.phases() {
		if ph.Stage == prompts.StageNextStep && tr.sess.contributed(tr.sess.Bringer, ph.ID) {
			return true
		}
	}
	return false
}

// checkIn fires a check-in: it writes to the case bringer privately, quoting the next
// step they noted (if they have not asked to forget it), and opens a short solo
// reflection in that direct conversation. The note's key records the timer's event
// id, so a check-in is sent once.
func (e *Engine) checkIn(ctx context.Context, ev Event) (Outcome, error) {
	w := ev.timer
	space := Key(ev.Conv).Space()
	n := e.readNote(ctx, space, w.User)
	if n == nil {
		return Outcome{}, nil
	}
	err := e.store.Update(ctx, noteKey(space, w.User), ev.ID, func([]byte) (state.Change, error) {
		return state.Change{}, nil
	})
	switch {
	case errors.Is(err, state.ErrDuplicate):
		return Outcome{Duplicate: true}, nil
	case err != nil:
		return Outcome{}, fmt.Errorf("check-in: %w", err)
	}
	lang := w.Lang
	if _, ok := prompts.ParseLanguage(lang); !ok {
		lang = e.cfg.Lang
	}
	text := e.msg("checkin.message", lang, "date", n.At.Time().Format("2006-01-02"), "step", blockquote(n.NextStep))
	open := &Opening{Command: fmt.Sprintf("solo %s %s checkin", checkInMethod, lang), Lang: lang}
	return Outcome{Replies: []Reply{{To: w.User, Direct: true, Text: text, Opens: open}}}, nil
}

// decodeWake reads a timer's payload.
func decodeWake(b []byte) (wake, error) {
	var w wake
	if err := json.Unmarshal(b, &w); err != nil {
		return w, fmt.Errorf("decode timer: %w", err)
	}
	return w, nil
}
