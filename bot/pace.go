package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// This file keeps time: phase time boxes (live or spread over days), the time-left
// notice and invitations, extension, more, back, pause and resume, and a session that
// goes quiet. Timers are durable (state.Scheduler); each carries the phase and plan it
// was set for and is void once the session has moved on.

// Timer kinds.
const (
	wakeWarn    = "warn"    // a time-left notice before the phase's box ends
	wakeEnd     = "end"     // the phase's box ends
	wakeIdle    = "idle"    // check whether the session went quiet
	wakeCheckIn = "checkin" // write to the case bringer about their next step
)

// wake is a timer's payload: what to do when it fires. Ids only, never text.
type wake struct {
	Conv  Conversation `json:"conv"`
	Kind  string       `json:"kind"`
	Phase int          `json:"phase,omitempty"` // the session's PhaseSeq
	Plan  int          `json:"plan,omitempty"`  // the session's TimerSeq, or the idle due time
	User  string       `json:"user,omitempty"`  // check-in: the case bringer
	Lang  string       `json:"lang,omitempty"`
	// Due is when it was set for (Unix seconds): a timer left by a turn that never
	// committed, set for another time, is void.
	Due int64 `json:"due,omitempty"`
}

// ParseSpan reads a span of time: a Go duration ("90m", "2h") or a whole number of
// days or weeks ("3d", "1w").
func ParseSpan(s string) (time.Duration, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	case strings.HasSuffix(s, "u"): // uur: the Dutch texts write `langer 2u`
		unit = time.Hour
	}
	if unit != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n <= 0 {
			return 0, false
		}
		return time.Duration(n) * unit, true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// setTimer asks for a timer of w's kind at due, for this conversation.
func (tr *turn) setTimer(w wake, due time.Time) {
	w.Conv, w.Due = tr.ev.Conv, due.Unix()
	b, err := json.Marshal(w)
	if err != nil {
		return
	}
	id := fmt.Sprintf("%s|%s|%d|%d|%d", Key(w.Conv).String(), w.Kind, w.Phase, w.Plan, w.Due)
	if w.Kind == wakeCheckIn {
		id = fmt.Sprintf("%s|checkin|%s|%d", Key(w.Conv).String(), w.User, w.Plan)
	}
	tr.timers = append(tr.timers, state.Timer{ID: id, Due: due, Payload: b})
}

// box is a phase's time box at the session's pace: the method's minutes live, or its
// share of the span.
func (tr *turn) box(ph *prompts.Phase) time.Duration {
	d := time.Duration(ph.Timebox)
	if tr.sess.Span <= 0 {
		return d
	}
	var total time.Duration
	for _, p := range tr.phases() {
		total += time.Duration(p.Timebox)
	}
	if total <= 0 {
		return d
	}
	return time.Duration(float64(d) * float64(tr.sess.Span) * float64(time.Second) / float64(total))
}

// deadline is when the current phase's box ends, extensions and pauses included.
func (tr *turn) deadline(ph *prompts.Phase) time.Time {
	return tr.sess.PhaseStarted.Time().Add(tr.box(ph) + time.Duration(tr.sess.Extra)*time.Second)
}

// left is the time left in the current phase's box (held while paused).
func (tr *turn) left(ph *prompts.Phase) time.Duration {
	now := tr.ev.Time
	if tr.sess.Paused != 0 {
		now = tr.sess.Paused.Time()
	}
	return tr.deadline(ph).Sub(now)
}

// lead is how long before a box ends the time-left notice comes: a fifth of the box,
// at least a minute.
func (tr *turn) lead(ph *prompts.Phase) time.Duration {
	return max(tr.box(ph)/5, time.Minute)
}

// timed reports whether the session keeps time boxes: group sessions do; a solo
// reflection is paced by its own dialogue.
func (tr *turn) timed() bool { return !tr.solo() }

// planPhaseTimers (re)plans the current phase's timers: the time-left notice (unless
// given) and the end of the box. Timers planned before are void from now on.
func (tr *turn) planPhaseTimers() {
	s := tr.sess
	s.TimerSeq++
	tr.dirty = true
	ph := tr.phase()
	if !tr.timed() || ph == nil || s.Paused != 0 || tr.box(ph) <= 0 {
		return
	}
	end := tr.deadline(ph)
	if at := end.Add(-tr.lead(ph)); !s.Warned && at.After(tr.ev.Time) {
		tr.setTimer(wake{Kind: wakeWarn, Phase: s.PhaseSeq, Plan: s.TimerSeq}, at)
	}
	tr.setTimer(wake{Kind: wakeEnd, Phase: s.PhaseSeq, Plan: s.TimerSeq}, end)
}

// onTimer decides a fired timer. A timer for a phase that has moved on, or planned
// before the last change of plan, changes nothing.
func (tr *turn) onTimer(w wake) {
	if w.Kind == wakeIdle {
		tr.onIdle(w)
		return
	}
	s := tr.sess
	if tr.running() && (w.Phase > s.PhaseSeq || w.Phase == s.PhaseSeq && w.Plan > s.TimerSeq) {
		// Planned by a turn whose commit has not landed yet (a timer due at once can
		// fire first): not stale, only early.
		tr.early = true
		return
	}
	if !tr.running() || tr.phase() == nil || s.Paused != 0 || w.Phase != s.PhaseSeq || w.Plan != s.TimerSeq {
		tr.void = true
		return
	}
	ph := tr.phase()
	end := tr.deadline(ph)
	switch {
	case w.Kind == wakeWarn && w.Due == end.Add(-tr.lead(ph)).Unix() && !s.Warned:
		tr.timeLeft(ph)
	case w.Kind == wakeEnd && w.Due == end.Unix():
		tr.timeUp(ph)
	default:
		tr.void = true // set for another time by a turn that did not commit
	}
}

// timeLeft says how much time the phase has left, and invites privately, by name,
// each member it still waits for.
func (tr *turn) timeLeft(ph *prompts.Phase) {
	tr.sess.Warned = true
	tr.dirty = true
	tr.say(tr.msg("phase.time_left", "phase", ph.Title.In(tr.lang), "left", tr.leftText()))
	for _, m := range tr.waiting(ph) {
		if m.ID != tr.sess.Bringer { // the case bringer's part is more than a few words
			tr.invite(m, "invite.time", ph)
		}
	}
}

// timeUp ends a phase's box: the phase moves on when what it waits for is in; it
// waits for a missing case bringer after a reminder; else it gets half its box once
// more, and then moves on.
func (tr *turn) timeUp(ph *prompts.Phase) {
	waiting := tr.waiting(ph)
	title := ph.Title.In(tr.lang)
	switch {
	case tr.needsChosenCase():
		tr.chooseTimeUp(ph)
	case len(waiting) == 0:
		tr.say(tr.msg("phase.time_up", "phase", title))
		tr.advance(true)
	case tr.expectsBringer(ph) && waiting[0].ID == tr.sess.Bringer:
		if tr.sess.BringerReminded {
			tr.void = true // reminded before: the phase waits for the case bringer
			return
		}
		tr.sess.BringerReminded = true
		tr.dirty = true
		tr.say(tr.msg("phase.wait_bringer", "phase", title, "bringer", tr.bringerName()))
		tr.replies = append(tr.replies, Reply{To: waiting[0].ID,
			Text: tr.msg("invite.bringer", "name", Quote(waiting[0].Name), "phase", title)})
	case !tr.sess.Extended:
		half := tr.box(ph) / 2
		tr.sess.Extended = true
		tr.sess.Extra += int64(half / time.Second)
		tr.planPhaseTimers()
		tr.say(tr.msg("phase.extended", "phase", title, "time", tr.spanText(half), "who", names(waiting)))
		for _, m := range waiting {
			tr.invite(m, "invite.time", ph)
		}
	default:
		tr.say(tr.msg("phase.time_up", "phase", title))
		tr.advance(true)
	}
}

// waiting lists the members whose contribution the phase waits for and that have not
// written in it yet, the case bringer first.
func (tr *turn) waiting(ph *prompts.Phase) []member {
	var out []member
	for _, m := range tr.sess.Members {
		role := tr.sess.role(m.ID)
		if !tr.expects(ph, role) || tr.sess.contributed(m.ID, ph.ID) {
			continue
		}
		if role == prompts.RoleBringer {
			out = append([]member{m}, out...)
		} else {
			out = append(out, m)
		}
	}
	return out
}

// expects reports whether the phase waits for a contribution from role.
func (tr *turn) expects(ph *prompts.Phase, role prompts.Role) bool {
	if !ph.Speaks(role) {
		return false
	}
	switch ph.Done {
	case prompts.DoneEachPeer:
		return role == prompts.RolePeers
	case prompts.DoneEachMember:
		return true
	case prompts.DoneBringer, prompts.DoneLine:
		return role == prompts.RoleBringer
	}
	return tr.bringerOnly(ph)
}

// expectsBringer reports whether the phase waits for the case bringer's own text.
func (tr *turn) expectsBringer(ph *prompts.Phase) bool {
	return tr.expects(ph, prompts.RoleBringer)
}

// names renders members' names.
func names(ms []member) string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, Quote(m.Name))
	}
	return strings.Join(out, ", ")
}

// boxText renders the current phase's box for its header: minutes live, a deadline
// when spread.
func (tr *turn) boxText(ph *prompts.Phase) string {
	if tr.sess.Span > 0 && tr.timed() {
		return tr.msg("time.until", "when", tr.when(tr.deadline(ph)))
	}
	return tr.msg("time.about", "time", tr.spanText(time.Duration(ph.Timebox)))
}

// leftText renders the time left in the current phase.
func (tr *turn) leftText() string {
	ph := tr.phase()
	if ph == nil {
		return ""
	}
	return tr.spanText(max(tr.left(ph), 0))
}

// spanText renders a duration in words: minutes, hours or days.
func (tr *turn) spanText(d time.Duration) string {
	const week = 7 * 24 * time.Hour
	switch {
	case d >= 2*week && d%week == 0:
		return tr.plural("time.weeks", int(d/week))
	case d >= 48*time.Hour:
		return tr.plural("time.days", int(d.Round(24*time.Hour)/(24*time.Hour)))
	case d >= 90*time.Minute:
		return tr.plural("time.hours", int(d.Round(time.Hour)/time.Hour))
	}
	return tr.plural("time.minutes", max(int(d.Round(time.Minute)/time.Minute), 1))
}

// plural renders n with the message key's singular (key.one) or plural (key.many).
func (tr *turn) plural(key string, n int) string { return tr.e.count(key, tr.lang, n) }

// when renders a moment in UTC, for deadlines days away.
func (tr *turn) when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// closesHow says, in a phase's opening, how it moves on.
func (tr *turn) closesHow(ph *prompts.Phase) string {
	switch {
	case !tr.timed():
		return ""
	case ph.Done == prompts.DoneLine:
		return tr.msg("phase.closes.line", "leads", tr.leadNames())
	case tr.expectsBringer(ph) && !tr.sess.contributed(tr.sess.Bringer, ph.ID):
		// timeUp waits for a missing case bringer: "when the time is up, I move on" alone
		// would promise what it does not do
		key := "phase.closes.bringer"
		if tr.bringerOnly(ph) {
			key = "phase.closes.bringer_only" // one person writes: no "when you are all ready"
		}
		return tr.msg(key, "leads", tr.leadNames(), "bringer", tr.bringerName())
	}
	return tr.msg("phase.closes.next", "leads", tr.leadNames())
}

// paceLine is the line that tells a spread session's pace, with a leading newline;
// empty live.
func (tr *turn) paceLine() string {
	if tr.sess.Span <= 0 {
		return ""
	}
	return "\n" + tr.msg("start.spread", "time", tr.spanText(time.Duration(tr.sess.Span)*time.Second))
}

// back reopens the previous phase, its contributions kept.
func (tr *turn) back() {
	if !tr.needLead("back.not_lead") {
		return
	}
	if !tr.running() || tr.sess.PhaseIndex == 0 {
		tr.tell(tr.msg("back.none"))
		return
	}
	if ph := tr.phase(); tr.openRound(ph) {
		tr.reveal(ph, true) // leaving the round shows what is in, as moving on does
	}
	tr.sess.PhaseIndex--
	tr.say(tr.modeMsg("back.done", "name", Quote(tr.ev.User.Name)))
	tr.enterPhase()
}

// more extends the current phase's box by N minutes (or a span such as "2h"); without
// N by half the box.
func (tr *turn) more(args []string) {
	if !tr.needLead("more.not_lead") {
		return
	}
	ph := tr.phase()
	if ph == nil || !tr.timed() {
		tr.tell(tr.msg("more.none"))
		return
	}
	add := tr.box(ph) / 2
	if len(args) > 0 {
		d, ok := moreSpan(args[0])
		if !ok {
			tr.tell(tr.msg("more.how"))
			return
		}
		add = d
	}
	tr.sess.Extra += int64(add / time.Second)
	tr.sess.Warned = false
	tr.planPhaseTimers()
	tr.say(tr.msg("more.done", "phase", ph.Title.In(tr.lang), "time", tr.spanText(add), "left", tr.leftText()))
}

// moreSpan reads more's argument: whole minutes ("10") or a span ("2h", "1d"), at most
// four weeks.
func moreSpan(s string) (time.Duration, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		s = strconv.Itoa(n) + "m"
	}
	d, ok := ParseSpan(s)
	return d, ok && d <= 28*24*time.Hour
}

// pause holds every timer of the session.
func (tr *turn) pause() {
	if !tr.needLead("pause.not_lead") {
		return
	}
	switch {
	case !tr.timed() || tr.sess.Status == statusLobby:
		tr.tell(tr.modeMsg("pause.none"))
		return
	case tr.sess.Paused != 0:
		tr.tell(tr.msg("pause.already"))
		return
	}
	tr.sess.Paused = stampOf(tr.ev.Time)
	tr.sess.TimerSeq++ // the timers planned so far are void
	tr.dirty = true
	tr.say(tr.msg("pause.done", "name", Quote(tr.ev.User.Name)))
}

// resume lets the timers run again, with the time paused added to the phase's box.
func (tr *turn) resume() {
	if !tr.needLead("pause.not_lead") {
		return
	}
	if tr.sess.Paused == 0 {
		tr.tell(tr.msg("resume.none"))
		return
	}
	tr.sess.Extra += int64(tr.ev.Time.Sub(tr.sess.Paused.Time()) / time.Second)
	tr.sess.Paused = 0
	tr.planPhaseTimers()
	if tr.phase() != nil && tr.timed() {
		tr.say(tr.msg("resume.done", "name", Quote(tr.ev.User.Name), "phase", tr.phaseTitle(), "left", tr.leftText()))
		return
	}
	tr.say(tr.msg("resume.done_lobby", "name", Quote(tr.ev.User.Name)))
}

// idlePeriod is how long a session may be quiet before the starter is reminded, and
// again before it is closed: a day live, a quarter of the span when spread (at most a
// week, so a session closes well before the store's retention).
func (tr *turn) idlePeriod() time.Duration {
	if tr.sess.Span > 0 {
		return min(time.Duration(tr.sess.Span)*time.Second/4, 7*24*time.Hour)
	}
	return tr.e.cfg.Idle
}

// touch records that a member did something, and makes sure a quiet session will be
// noticed: one inactivity timer is pending while the session is open.
func (tr *turn) touch() {
	s := tr.sess
	if tr.ev.timer != nil || s == nil || s.Status == statusDone || !s.isMember(tr.user()) {
		return
	}
	if !tr.dirty && tr.ev.Time.Sub(s.Active.Time()) < time.Minute && !s.IdleWarned {
		return // nothing changed, and activity was noted a moment ago
	}
	s.Active = stampOf(tr.ev.Time)
	s.IdleWarned = false
	tr.dirty = true
	if s.IdleDue == 0 {
		tr.planIdle(tr.ev.Time.Add(tr.idlePeriod()))
	}
}

// planIdle sets the inactivity timer for at.
func (tr *turn) planIdle(at time.Time) {
	tr.sess.IdleDue = stampOf(at)
	tr.dirty = true
	tr.setTimer(wake{Kind: wakeIdle, Plan: int(at.Unix())}, at)
}

// onIdle decides the inactivity timer: after a quiet period the starter is reminded
// privately; after a second one the session closes with its summary.
func (tr *turn) onIdle(w wake) {
	s := tr.sess
	if tr.active() && int64(s.IdleDue) < int64(w.Plan) {
		tr.early = true // its turn has not committed yet
		return
	}
	if !tr.active() || int64(s.IdleDue) != int64(w.Plan) {
		tr.void = true
		return
	}
	s.IdleDue = 0
	tr.dirty = true
	period := tr.idlePeriod()
	if quiet := tr.ev.Time.Sub(s.Active.Time()); quiet < period {
		tr.planIdle(s.Active.Time().Add(period))
		return
	}
	if ph := tr.phase(); ph != nil && tr.timed() && s.Paused == 0 && tr.left(ph) > 0 {
		tr.planIdle(tr.deadline(ph).Add(time.Minute)) // the box still runs: not stalled yet
		return
	}
	if !s.IdleWarned {
		s.IdleWarned = true
		tr.replies = append(tr.replies, Reply{To: s.Starter, Direct: true,
			Text: tr.modeMsg("idle.remind", "method", tr.methodTitle(), "phase", tr.phaseTitle(), "time", tr.spanText(period))})
		tr.planIdle(tr.ev.Time.Add(period))
		return
	}
	if s.Paused != 0 { // on hold on purpose: remind again later, never close
		s.IdleWarned = false
		tr.planIdle(tr.ev.Time.Add(period))
		return
	}
	key := "idle.closed"
	if len(s.Contributions) == 0 {
		key = "idle.closed_empty"
	}
	tr.say(tr.msg(key, "time", tr.spanText(tr.ev.Time.Sub(s.Active.Time()))))
	tr.finish(key == "idle.closed_empty")
}
