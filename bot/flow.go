package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/prompts"
)

// plan is the session's method phases followed by the closing phases.
func (tr *turn) plan() *prompts.Plan {
	if tr.planned == nil || tr.planned.key != [2]string{tr.sess.Method, tr.sess.Mode} {
		p := tr.e.lib.Plan(tr.sess.Method, tr.sess.Mode)
		if p == nil {
			p = &prompts.Plan{}
		}
		tr.planned = &plannedFor{key: [2]string{tr.sess.Method, tr.sess.Mode}, plan: p}
	}
	return tr.planned.plan
}

// plannedFor remembers the plan a turn looked up, for the session it belongs to.
type plannedFor struct {
	key  [2]string
	plan *prompts.Plan
}

// phases are the session's phases, in order.
func (tr *turn) phases() []prompts.Phase { return tr.plan().Phases }

// phase is the current phase, or nil outside the running phases.
func (tr *turn) phase() *prompts.Phase {
	if tr.sess == nil || tr.sess.Status != statusRunning {
		return nil
	}
	phases := tr.phases()
	if tr.sess.PhaseIndex < 0 || tr.sess.PhaseIndex >= len(phases) {
		return nil
	}
	return &phases[tr.sess.PhaseIndex]
}

// pool is the current phase's reflective questions.
func (tr *turn) pool() []prompts.Question {
	p := tr.plan()
	if tr.sess.PhaseIndex < 0 || tr.sess.PhaseIndex >= len(p.Pools) {
		return nil
	}
	return p.Pools[tr.sess.PhaseIndex]
}

// ownPool reports whether the current phase asks only its method's own questions.
func (tr *turn) ownPool() bool {
	p := tr.plan()
	return tr.sess.PhaseIndex >= 0 && tr.sess.PhaseIndex < len(p.Own) && p.Own[tr.sess.PhaseIndex]
}

func (tr *turn) phaseTitle() string {
	if ph := tr.phase(); ph != nil {
		return ph.Title.In(tr.lang)
	}
	if tr.sess != nil && tr.sess.Status == statusLobby {
		return tr.msg("phase.lobby")
	}
	if tr.sess != nil && tr.sess.Status == statusDone {
		return tr.msg("phase.done")
	}
	return "-"
}

func (tr *turn) solo() bool { return tr.sess.Mode == prompts.ModeSolo }

// enterPhase announces the current phase and what is asked of whom.
func (tr *turn) enterPhase() {
	ph := tr.phase()
	if ph == nil {
		tr.finish(false)
		return
	}
	tr.resetPhase()
	total := len(tr.phases())
	head := tr.msg("phase.header", "n", fmt.Sprint(tr.sess.PhaseIndex+1), "total", fmt.Sprint(total),
		"title", ph.Title.In(tr.lang), "time", tr.boxText(ph))
	lines := []string{head, ph.InstructionFor(tr.sess.Mode, tr.lang)}
	if tr.solo() {
		tr.sess.AsksLeft = ph.SoloAsks()
		tr.say(strings.Join(lines, "\n"))
		return
	}
	lines = append(lines, tr.msg("phase.speakers", "who", tr.speakerNames(ph)))
	if ph.Listener != "" {
		lines = append(lines, tr.msg("phase.listener", "who", tr.roleNames(ph.Listener)))
	}
	if ph.Rule == prompts.RuleQuestions {
		lines = append(lines, tr.msg("phase.rule.questions"))
	}
	lines = append(lines, tr.recap(ph)...)
	// The closing phases speak for themselves; a private round asks each by DM, so a
	// question in the thread would invite answers there that the round refuses.
	if !prompts.IsClosing(ph.Stage) && !ph.Private {
		if f, ok := tr.opener(ph); ok {
			tr.markAsked(f)
			lines = append(lines, tr.msg("phase.keep_in_mind", "question", f.Question.Text.In(tr.lang)))
			if f.Why != "" {
				lines = append(lines, "_"+tr.msg("followup.why", "why", f.Why)+"_")
			}
		}
	}
	if how := tr.closesHow(ph); how != "" {
		lines = append(lines, how)
	}
	if tr.sess.Paused != 0 {
		lines = append(lines, tr.msg("phase.paused"))
	}
	shown := ph.Private && len(tr.phaseParts(tr.sess.PhaseIndex)) > 0 // back in a round whose answers were shown
	if shown {
		lines = append(lines, tr.msg("private.shown"))
	}
	tr.planPhaseTimers()
	tr.say(strings.Join(lines, "\n"), tr.nextButton())
	if shown {
		tr.sess.Revealed = true
		return
	}
	if ph.Private {
		tr.askPrivately(ph)
	}
}

// recap lists, numbered, what was written in the earlier phase ph.Recap names (the
// questions a case bringer sorts), under a heading; nothing when nothing was.
func (tr *turn) recap(ph *prompts.Phase) []string {
	if ph.Recap == "" {
		return nil
	}
	title := ph.Recap
	for _, p := range tr.phases() {
		if p.ID == ph.Recap {
			title = p.Title.In(tr.lang)
		}
	}
	var lines []string
	for _, c := range tr.sess.Contributions {
		if c.Phase == ph.Recap {
			lines = append(lines, fmt.Sprintf("%d. %s (%s)", len(lines)+1, Quote(strings.Join(strings.Fields(c.Text), " ")), Quote(c.Name)))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return append([]string{tr.msg("recap.head", "phase", title)}, lines...)
}

// sortedNumbers finds the numbers a sorting gives after a word for how a question
// landed, alone or in a list ("warm 2 en 5", "koud: 1, 3", "neutral 4"), not other
// numbers ("ik dacht er 10 minuten over na"). The words are those the question
// round's sort phase asks for, in English and Dutch.
var sortedNumbers = regexp.MustCompile(`(?i)\b(?:warme?|koude?|neutraal|neutrale|cold|neutral)\b[:\s]*(\d{1,3}(?:\s*(?:,|&|\ben\b|\band\b)\s*\d{1,3})*)`)

// listNumber is one number of such a list.
var listNumber = regexp.MustCompile(`\d{1,3}`)

// checkRecapNumbers tells the writer, privately, when their sorting in a phase that
// sorts earlier lines by number (a recap in a phase of the choose stage: the question
// round's cold, neutral, warm) names a number the list does not have ("warm 2" with
// one question): it is saved as written, and they may send a corrected one.
func (tr *turn) checkRecapNumbers(ph *prompts.Phase, text string) {
	if ph.Recap == "" || ph.Stage != prompts.StageChoose {
		return
	}
	n := 0
	for _, c := range tr.sess.Contributions {
		if c.Phase == ph.Recap {
			n++
		}
	}
	for _, list := range sortedNumbers.FindAllStringSubmatch(text, -1) {
		for _, m := range listNumber.FindAllString(list[1], -1) {
			if k, _ := strconv.Atoi(m); n > 0 && (k < 1 || k > n) {
				key := "recap.no_such"
				if n == 1 {
					key = "recap.no_such_one"
				}
				tr.tell(tr.msg(key, "number", m, "count", strconv.Itoa(n)))
				return
			}
		}
	}
}

// resetPhase starts the current phase's bookkeeping afresh.
func (tr *turn) resetPhase() {
	s := tr.sess
	s.PhaseStarted = stampOf(tr.ev.Time)
	s.PhaseSeq++
	s.NudgedNextStep, s.Pending, s.Pressed = false, "", nil
	s.Invited, s.Extra, s.Extended, s.Warned, s.AllIn, s.Auto = nil, 0, false, false, false, false
	s.BringerReminded, s.Revealed, s.StepThanked, s.ListenerTold = false, false, false, false
	if s.Paused != 0 {
		s.Paused = stampOf(tr.ev.Time) // a phase entered while paused starts paused
	}
	tr.dirty = true
}

// nextButton is the Next action of the current phase: it carries the phase it was
// shown in, so a click that comes after the phase moved on is refused.
func (tr *turn) nextButton() Action {
	return Action{Label: tr.msg("button.next"), Command: "next " + tr.phaseRef(), Primary: true}
}

// phaseRef names where the session stands for a Next button: the phase id, or lobby.
func (tr *turn) phaseRef() string {
	if ph := tr.phase(); ph != nil {
		return ph.ID
	}
	return statusLobby
}

// opener is the question a group phase opens with: the phase's own first question,
// which asks what the phase is for; else, once there is text to read, the question
// that reads what the group wrote in the phase before, when it has a true reason
// (who wrote what); else none.
func (tr *turn) opener(ph *prompts.Phase) (FollowUp, bool) {
	if q, ok := tr.ownQuestion(ph); ok {
		return FollowUp{Question: q}, true
	}
	parts := tr.phaseParts(tr.sess.PhaseIndex - 1)
	if len(parts) == 0 {
		return FollowUp{}, false
	}
	texts := make([]string, 0, len(parts))
	for _, p := range parts {
		texts = append(texts, p.Text)
	}
	f, ok := tr.followUp(strings.Join(texts, "\n"), prompts.RolePeers, ph, false, false, parts)
	return f, ok && f.Why != ""
}

// ownQuestion is the phase's own first unasked question: it asks what the phase is for.
func (tr *turn) ownQuestion(ph *prompts.Phase) (prompts.Question, bool) {
	for _, q := range ph.Questions {
		if q.Kind == "" && !tr.sess.asked(q.ID) {
			return q, true
		}
	}
	return prompts.Question{}, false
}

// phaseParts are what was written in phase i, by whom, for the interpreter.
func (tr *turn) phaseParts(i int) []Part {
	phases := tr.phases()
	if i < 0 || i >= len(phases) {
		return nil
	}
	var parts []Part
	for _, t := range tr.sess.Contributions {
		if t.Phase == phases[i].ID {
			parts = append(parts, Part{Name: Quote(t.Name), Text: t.Text})
		}
	}
	return parts
}

// speakerNames renders who is expected to write in a phase.
func (tr *turn) speakerNames(ph *prompts.Phase) string {
	var parts []string
	for _, r := range ph.Speakers {
		if r == prompts.RoleBringer && tr.sess.Bringer == "" {
			continue // choosing the case: everyone is a peer until someone brings it
		}
		if r == prompts.RolePeers && len(tr.sess.peers()) == 0 {
			continue // every peer has left (or was forgotten)
		}
		parts = append(parts, tr.roleNames(r))
	}
	return strings.Join(parts, "; ")
}

// roleNames renders the people in a role.
func (tr *turn) roleNames(role prompts.Role) string {
	if role == prompts.RoleBringer {
		return tr.bringerName() + " (" + tr.msg("role.bringer") + ")"
	}
	var names []string
	for _, m := range tr.sess.peers() {
		names = append(names, Quote(m.Name))
	}
	return strings.Join(names, ", ") + " (" + tr.plural("role.peer", len(names)) + ")"
}

// advance moves to the next phase, or closes the session after the last. auto marks a
// move nobody asked for (content, the time box): a typed next that follows at once is
// then taken as done, not as a skip.
func (tr *turn) advance(auto bool) {
	if ph := tr.phase(); tr.openRound(ph) {
		tr.reveal(ph, true) // moving on shows what is in
	}
	tr.sess.PhaseIndex++
	tr.dirty = true
	if tr.sess.PhaseIndex >= len(tr.phases()) {
		tr.finish(false)
		return
	}
	tr.enterPhase()
	tr.sess.Auto = auto
}

// handleText handles a message that is not a command.
func (tr *turn) handleText() {
	if !tr.active() && !tr.ev.Ambient {
		// Where no session runs, "start gibbs" or "help" typed as plain text means it.
		if c := parseCommand(tr.ev.Text); c.word == "start" || c.word == "solo" || c.word == "help" || c.word == "methods" {
			tr.run(&c)
			return
		}
	}
	switch {
	case tr.sess == nil:
		tr.tell(tr.msg("session.none"), Action{Label: tr.msg("button.start"), Command: "start", Primary: true})
	case tr.sess.Status == statusDone:
		tr.tell(tr.msg("session.ended"))
	case !tr.sess.isMember(tr.user()):
		tr.notMember()
	case tr.sess.Status == statusLobby:
		tr.tell(tr.msg("lobby.wait"))
	default:
		tr.contribute(tr.ev.Text, true)
	}
}

// contribute records a member's text in the current phase, keeping the phase's rules.
// guard is false when the user confirmed the text should be kept as written.
func (tr *turn) contribute(text string, guard bool) {
	ph := tr.phase()
	role := tr.sess.role(tr.user())
	if !tr.solo() {
		switch {
		case ph.Listener == role:
			tr.tell(tr.msg("rule.listen."+string(role), "phase", ph.Title.In(tr.lang)))
			return
		case !ph.Speaks(role):
			tr.tell(tr.msg("rule.wait", "phase", ph.Title.In(tr.lang), "who", tr.speakerNames(ph)))
			return
		case role == prompts.RolePeers && !tr.keepsRule(ph, text):
			return
		case !tr.privateRule(ph, role):
			return
		}
	}
	kinds := []string(nil)
	if guard {
		text, kinds = tr.pseudonymise(text)
	}
	phaseID, more := ph.ID, false
	if id, ok := tr.takeawayGoesOn(ph, role, text); ok {
		phaseID, more = id, true
	}
	if tr.resent(phaseID, text) {
		tr.tell(tr.msg("resend.kept")) // already saved: kept once; the event id is still recorded
		return
	}
	c := contribution{Phase: phaseID, User: tr.user(), Name: tr.ev.User.Name, Text: text, At: stampOf(tr.ev.Time), Question: tr.sess.Pending,
		Detail: slices.Contains(tr.sess.Pressed, tr.user())}
	room, used := tr.roomFor(c, -1)
	if !room {
		return
	}
	tr.sess.Contributions = append(tr.sess.Contributions, c)
	if ph.Stage == prompts.StageNextStep && role == prompts.RoleBringer && !more {
		tr.nextStep = text
	}
	tr.sess.Pending = ""
	tr.sess.Auto = false
	tr.dirty = true
	tr.privacyNotice(kinds, text)
	tr.nearlyFull(used)
	tr.checkRecapNumbers(ph, text)
	if more {
		tr.say(tr.msg("takeaway.more", "name", Quote(tr.ev.User.Name)))
		return
	}
	tr.remindListener(ph, role, text)

	if tr.nudgesStep(ph, role, text) {
		return
	}
	wasPressed := tr.pressed(tr.user())
	if tr.solo() {
		tr.soloFollowUp(ph, text, wasPressed)
		return
	}
	tr.groupFollowUp(ph, role, text, wasPressed)
}

// takeawayGoesOn reports whether the case bringer's text, the first they write in a
// next-step phase that follows the takeaway, goes on with the takeaway ("Also that
// I…", "En dat ik…"): a takeaway is often written in two messages, and the second is
// not a step. It returns the takeaway phase's id, where the text belongs.
func (tr *turn) takeawayGoesOn(ph *prompts.Phase, role prompts.Role, text string) (string, bool) {
	if ph.Stage != prompts.StageNextStep || role != prompts.RoleBringer || tr.sess.PhaseIndex == 0 ||
		tr.sess.contributed(tr.sess.Bringer, ph.ID) {
		return "", false
	}
	prev := tr.phases()[tr.sess.PhaseIndex-1]
	tk, ok := tr.e.interp.(TakeawayReader)
	if prev.Stage != prompts.StageTakeaway || !ok || !tk.ContinuesTakeaway(text, tr.lang) {
		return "", false
	}
	return prev.ID, true
}

// remindListener tells a peer privately, once their message is added, that the case
// bringer only listens in this phase when the message opens by speaking to them ("Ann,
// you should just phone him." in the gossip round): the method has the peers talk with
// each other about the case, as a facilitator would remind.
func (tr *turn) remindListener(ph *prompts.Phase, role prompts.Role, text string) {
	if tr.solo() || ph.Listener != prompts.RoleBringer || role != prompts.RolePeers || tr.sess.Bringer == "" {
		return
	}
	if tr.sess.ListenerTold || !addresses(text, tr.sess.name(tr.sess.Bringer)) {
		return
	}
	tr.sess.ListenerTold = true // once a phase: the reminder is not repeated at every message
	tr.tell(tr.msg("rule.listen.addressed", "bringer", tr.bringerName(), "phase", ph.Title.In(tr.lang)))
}

// addresses reports whether text opens by speaking to name: "Ann, …", "ann: …", "@ann …".
func addresses(text, name string) bool {
	t := strings.TrimLeft(strings.TrimSpace(text), "@")
	if name == "" || len(t) <= len(name) || !strings.EqualFold(t[:len(name)], name) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t[len(name):])
	return r == ',' || r == ':' || r == '!' || unicode.IsSpace(r) && strings.HasPrefix(strings.TrimSpace(text), "@")
}

// groupFollowUp answers a group member's recorded contribution: a strong follow-up, a
// request for a detail, or where the phase stands.
func (tr *turn) groupFollowUp(ph *prompts.Phase, role prompts.Role, text string, wasPressed bool) {
	if ph.Stage == prompts.StageDescribe && role == prompts.RoleBringer {
		// The case is being told: it is read (its themes count), but no question
		// breaks into it; the next phase's opener reads it.
		tr.followUp(text, role, ph, true, true, nil)
		tr.pace(ph, role)
		return
	}
	private := tr.openRound(ph)
	f, ok := tr.followUp(text, role, ph, true, wasPressed, []Part{{Name: Quote(tr.ev.User.Name), Text: text}})
	switch {
	case ok && f.Strong:
		tr.markAsked(f)
		if private { // a question about a hidden answer would give it away
			tr.tell(tr.askText(f))
		} else {
			tr.say(tr.askText(f))
		}
	case private: // a hidden answer is pressed only in private
		tr.readThinPrivately(ph, role, text, wasPressed)
	case !wasPressed && tr.readThin(ph, role, text, f, ok) && ph.Done == prompts.DoneLine:
		return // the phase waits for the fuller answer
	}
	if private {
		tr.privatePace(ph, wasPressed)
		return
	}
	tr.pace(ph, role)
}

// nudgesStep asks, once, for a vague next step to be made concrete.
func (tr *turn) nudgesStep(ph *prompts.Phase, role prompts.Role, text string) bool {
	if ph.Stage != prompts.StageNextStep || role != prompts.RoleBringer || tr.sess.NudgedNextStep || !tr.vagueStep(text) {
		return false
	}
	tr.sess.NudgedNextStep = true
	tr.say(tr.msg("step.concrete"))
	tr.offerCheckInAs("checkin.offer.nudged") // a `next` right after the nudge must not book a check-in unasked
	return true
}

// pace tells the group where the phase stands after a contribution. Only a `line`
// phase moves on by content; any other says once that what it waits for is in (or, where
// only the case bringer writes, how to go on) and waits for next or its time box.
func (tr *turn) pace(ph *prompts.Phase, role prompts.Role) {
	switch {
	case ph.Done == prompts.DoneLine && role == prompts.RoleBringer:
		tr.advance(true)
		return
	case ph.Stage == prompts.StageNextStep && role == prompts.RoleBringer:
		tr.offerCheckIn()
		return
	case tr.lateBringer(ph, role):
		return
	case tr.bringerOnly(ph):
		// A case is often told in several messages: the case bringer says when it is
		// complete. Say so once, after the first message.
		if role == prompts.RoleBringer && tr.contributionsIn(tr.user(), ph.ID) == 1 {
			tr.say(tr.msg("phase.bringer_more", "name", Quote(tr.ev.User.Name)), tr.nextButton())
		}
		return
	case !tr.sess.AllIn && ph.Done != prompts.DoneNext && tr.complete(ph):
		tr.sess.AllIn = true
		key := "phase.all_in" // "everyone has had their say": only when it is so
		if !tr.everyoneSpoke(ph) {
			key = "phase.part_in"
		}
		tr.say(tr.msg(key, "phase", ph.Title.In(tr.lang), "leads", tr.leadNames()), tr.nextButton())
		return
	}
	tr.nudgeLast(ph)
}

// lateGrace is how long a phase whose time is up stays open after the case bringer it
// waited for has written: time to add to it, then the phase moves on.
const lateGrace = 3 * time.Minute

// lateBringer keeps the promise "when the time is up, I move on once the case bringer
// has written": the first message of a case bringer the phase waited for past its box
// gives the phase lateGrace more, said with the time, and then it moves on (timeUp).
func (tr *turn) lateBringer(ph *prompts.Phase, role prompts.Role) bool {
	if !tr.timed() || role != prompts.RoleBringer || !tr.sess.BringerReminded || tr.sess.Paused != 0 ||
		tr.contributionsIn(tr.user(), ph.ID) != 1 || tr.left(ph) > 0 {
		return false
	}
	tr.sess.Extra += int64((lateGrace - tr.left(ph)) / time.Second)
	tr.sess.Extended = true // the grace is the phase's last time: then it moves on (timeUp)
	tr.planPhaseTimers()
	tr.say(tr.msg("phase.bringer_late", "name", Quote(tr.ev.User.Name), "time", tr.spanText(lateGrace)), tr.nextButton())
	return true
}

// bringerOnly reports a phase in which only the case bringer writes.
func (tr *turn) bringerOnly(ph *prompts.Phase) bool {
	return len(ph.Speakers) == 1 && ph.Speakers[0] == prompts.RoleBringer
}

// leadRoles names who may steer the session, with their roles: "ann (case bringer)",
// or "ann (case bringer) or bob (who started)".
func (tr *turn) leadRoles() string {
	starter := Quote(tr.sess.name(tr.sess.Starter)) + " (" + tr.msg("role.starter") + ")"
	if tr.sess.Bringer == "" {
		return starter + tr.msg("role.bringer_later")
	}
	s := tr.bringerName() + " (" + tr.msg("role.bringer") + ")"
	if tr.sess.Starter != tr.sess.Bringer {
		s = tr.msg("role.either", "a", s, "b", starter)
	}
	return s
}

// leadNames names who moves the session on: the case bringer, and the starter when
// that is someone else.
func (tr *turn) leadNames() string {
	if tr.sess.Bringer == "" {
		return Quote(tr.sess.name(tr.sess.Starter))
	}
	names := tr.bringerName()
	if tr.sess.Starter != tr.sess.Bringer {
		names = tr.msg("role.either", "a", names, "b", Quote(tr.sess.name(tr.sess.Starter)))
	}
	return names
}

// nudgeLast invites, privately and by name, the one person the phase still waits for:
// quiet members respond best to a personal invitation. Once per phase.
func (tr *turn) nudgeLast(ph *prompts.Phase) {
	if ph.Done != prompts.DoneEachPeer && ph.Done != prompts.DoneEachMember {
		return
	}
	var waiting []member
	spoke := 0
	for _, m := range tr.sess.Members {
		if ph.Done == prompts.DoneEachPeer && m.ID == tr.sess.Bringer {
			continue
		}
		if tr.sess.contributed(m.ID, ph.ID) {
			spoke++
		} else {
			waiting = append(waiting, m)
		}
	}
	// Only when at least two others have spoken: one quiet person among several; and
	// not before half the phase's time has passed (a nudge the moment the others have
	// written pressed people: the time-left notice invites whoever is still missing).
	if len(waiting) != 1 || spoke < 2 || tr.timed() && tr.ev.Time.Sub(tr.sess.PhaseStarted.Time()) < tr.box(ph)/2 {
		return
	}
	tr.invite(waiting[0], "nudge", ph)
}

// invite asks a member privately, by name, for their contribution to ph: once per
// person per phase.
func (tr *turn) invite(m member, key string, ph *prompts.Phase) {
	if slices.Contains(tr.sess.Invited, m.ID) {
		return
	}
	tr.sess.Invited = append(tr.sess.Invited, m.ID)
	tr.dirty = true
	if tr.openRound(ph) { // the answer goes by DM, so the invitation does too
		tr.replies = append(tr.replies, Reply{To: m.ID, Direct: true,
			Text: tr.msg("private.remind", "name", Quote(m.Name), "phase", ph.Title.In(tr.lang), "left", tr.leftText())})
		return
	}
	tr.replies = append(tr.replies, Reply{To: m.ID,
		Text: tr.msg(key, "name", Quote(m.Name), "phase", ph.Title.In(tr.lang), "left", tr.leftText())})
}

// contributionsIn counts a user's contributions in a phase.
func (tr *turn) contributionsIn(user, phase string) int {
	n := 0
	for _, t := range tr.sess.Contributions {
		if t.User == user && t.Phase == phase {
			n++
		}
	}
	return n
}

// vagueStep reports whether a next step leaves open what, with whom or when: the
// interpreter's StepReader reads it, else a step of fewer than five words is vague.
func (tr *turn) vagueStep(text string) bool {
	if sr, ok := tr.e.interp.(StepReader); ok {
		return sr.VagueStep(text, tr.lang)
	}
	return len(strings.Fields(text)) < 5
}

// askText renders a follow-up question with the reason, when the interpreter gave one.
func (tr *turn) askText(f FollowUp) string {
	s := "**" + f.Question.Text.In(tr.lang) + "**"
	if f.Why != "" {
		s += "\n_" + tr.msg("followup.why", "why", f.Why) + "_"
	}
	return s
}

// followUp asks the interpreter for a question and counts the themes it saw.
// count adds the themes it recognised to the session's tally (not when it rereads
// text that was counted before).
func (tr *turn) followUp(text string, role prompts.Role, ph *prompts.Phase, count, pressed bool, parts []Part) (FollowUp, bool) {
	f, ok := tr.e.interp.FollowUp(FollowUpRequest{
		Lang: tr.lang, Text: text, Role: role, Solo: tr.solo(), Stage: ph.Stage,
		Pool: tr.pool(), OwnPool: tr.ownPool(), Asked: tr.sess.askedSet(), Themes: tr.sess.Themes, Parts: parts,
		// Rereading a finished phase is no moment to ask for a concrete detail.
		LastConcrete: pressed || !count,
	})
	if count && len(f.Themes) > 0 {
		if tr.sess.Themes == nil {
			tr.sess.Themes = map[string]int{}
		}
		for _, t := range f.Themes {
			tr.sess.Themes[t]++
		}
		tr.dirty = true
	}
	if ok && tr.sess.asked(f.Question.ID) {
		return f, false
	}
	return f, ok && f.Question.ID != ""
}

func (tr *turn) markAsked(f FollowUp) {
	tr.sess.Asked = append(tr.sess.Asked, f.Question.ID)
	if ph := tr.phase(); ph != nil {
		tr.sess.Questions = append(tr.sess.Questions, askedQuestion{Phase: ph.ID,
			Text: f.Question.Text.In(tr.lang), After: len(tr.sess.Contributions)})
	}
	tr.dirty = true
}

// complete reports whether every expected contribution of the phase is in.
// everyoneSpoke reports whether every member who speaks in the phase has written in it.
func (tr *turn) everyoneSpoke(ph *prompts.Phase) bool {
	for _, m := range tr.sess.Members {
		if ph.Speaks(tr.sess.role(m.ID)) && !tr.sess.contributed(m.ID, ph.ID) {
			return false
		}
	}
	return true
}

func (tr *turn) complete(ph *prompts.Phase) bool {
	switch ph.Done {
	case prompts.DoneBringer:
		return tr.sess.contributed(tr.sess.Bringer, ph.ID)
	case prompts.DoneEachPeer, prompts.DoneEachMember:
		for _, m := range tr.sess.Members {
			if ph.Done == prompts.DoneEachPeer && m.ID == tr.sess.Bringer {
				continue
			}
			if !tr.sess.contributed(m.ID, ph.ID) {
				return false
			}
		}
		return true
	}
	return false
}

// pseudonymise runs the Pseudonymiser over text.
func (tr *turn) pseudonymise(text string) (string, []string) {
	if tr.e.cfg.Pseudonymiser == nil {
		return text, nil
	}
	if tr.sess.Pseudonyms == nil {
		tr.sess.Pseudonyms = map[string]string{}
	}
	if mp, ok := tr.e.cfg.Pseudonymiser.(MemberPseudonymiser); ok {
		members := []string{tr.ev.User.Name}
		for _, m := range tr.sess.Members {
			members = append(members, m.Name)
		}
		return mp.PseudonymiseAmong(text, tr.lang, tr.sess.Pseudonyms, members)
	}
	return tr.e.cfg.Pseudonymiser.Pseudonymise(text, tr.lang, tr.sess.Pseudonyms)
}

// keepsOriginal reports whether a platform shows the writer's own message to others
// after the bot stored its pseudonymised copy, so that the writer should edit or delete
// it: every chat does; the terminal's line lives only on the writer's own screen. A
// platform the engine does not know counts as a chat.
func keepsOriginal(platform string) bool { return platform != "terminal" }

// privacyNotice tells the writer privately what personal data was replaced.
func (tr *turn) privacyNotice(kinds []string, stored string) {
	if len(kinds) == 0 {
		return
	}
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, tr.msg("privacy.kind."+k))
	}
	lines := []string{tr.msg("privacy.found", "kinds", strings.Join(names, ", "), "stored", blockquote(stored))}
	if keepsOriginal(tr.ev.Conv.Platform) {
		lines = append(lines, tr.msg("privacy.edit_original"))
	}
	tr.tell(strings.Join(append(lines, tr.msg("privacy.keep_hint")), "\n"))
}

// finish closes the session with a summary. said reports that the caller's own message
// already says that nothing was written.
func (tr *turn) finish(said bool) {
	tr.sess.Status = statusDone
	tr.sess.Finished = stampOf(tr.ev.Time)
	tr.dirty, tr.ended = true, tr.sess.Method
	if len(tr.sess.Contributions) == 0 {
		// Nothing was written: nothing to summarise or keep.
		tr.deleted, tr.closed = true, true
		if !said {
			tr.say(tr.modeMsg("finish.empty"))
		}
		return
	}
	d := tr.buildDoc()
	tr.sess.Doc, tr.sess.SummaryUsers = d, d.users()
	if !tr.solo() {
		t := tr.reportTag()
		tr.tag = &t
	}
	tr.planCheckIn()
	tr.replies = append(tr.replies, tr.e.summaryReply(d, ""))
	tr.say(tr.modeMsg("finish.thanks", "time", tr.spanText(tr.e.cfg.FinishedRetention)),
		Action{Label: tr.msg("button.keep"), Command: "keep"})
}

// resendWindow is how long after a person's contribution the same text from them, in
// the same phase, counts as sent again rather than said twice.
const resendWindow = 2 * 60

// resent reports whether text is the session's last contribution, by this person, in
// phase, made within resendWindow seconds: they are sending it again because no answer
// came, or "could not save" came although Redis had saved it (its reply was late: a
// stalled or slow Redis). Keeping it once is what they meant, and contribute says so.
// Once anyone else wrote, or the bot asked a question since, the same words ("Nee.")
// answer something new and are kept.
func (tr *turn) resent(phase, text string) bool {
	n := len(tr.sess.Contributions)
	if n == 0 {
		return false
	}
	c := tr.sess.Contributions[n-1]
	asked := tr.sess.Pending != "" && tr.sess.Pending != c.Question
	return c.User == tr.user() && c.Phase == phase && c.Text == text && !asked && stampOf(tr.ev.Time)-c.At <= resendWindow
}
