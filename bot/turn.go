package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state"
)

// turn decides one event for one session. It only changes its own copy of the session;
// the store commits the result, or calls the update function again on a conflict.
type turn struct {
	ctx       context.Context
	e         *Engine
	ev        Event
	sess      *session // nil when the conversation has no session
	lang      string
	replies   []Reply
	dirty     bool
	deleted   bool
	closed    bool // the session closed and its record was deleted
	planned   *plannedFor
	nextStep  string   // a next step the case bringer named in this turn
	pointers  []string // users a private round asked in this turn (bot/private.go)
	listeners []string // members a private round opened in this turn does not wait for
	joined    bool     // the user became a member: index them for forget and export
	timers    []state.Timer
	void      bool        // a timer found nothing to do: commit nothing
	early     bool        // a timer came before the turn that planned it committed: fire it again
	tag       *report.Tag // a closed group session's tag for the team's report
	began     string      // the method of a session this turn started, for the Observer
	ended     string      // the method of a session this turn finished, for the Observer
}

func (tr *turn) msg(key string, pairs ...string) string { return tr.e.msg(key, tr.lang, pairs...) }

// modeMsg is the sentence key in the session's mode (key.solo, key.group): a solo
// reflection is never spoken to as a group.
func (tr *turn) modeMsg(key string, pairs ...string) string {
	return tr.msg(key+"."+tr.sess.Mode, pairs...)
}

// say adds a public reply.
func (tr *turn) say(text string, actions ...Action) {
	tr.replies = append(tr.replies, Reply{Text: text, Actions: actions})
}

// tell adds a reply only the event's user sees.
func (tr *turn) tell(text string, actions ...Action) {
	tr.replies = append(tr.replies, Reply{To: tr.ev.User.ID, Text: text, Actions: actions})
}

func (tr *turn) user() string { return tr.ev.User.ID }

// change is what the store commits.
func (tr *turn) change() (state.Change, error) {
	if tr.deleted {
		return state.Change{Delete: true}, nil
	}
	if !tr.dirty || tr.sess == nil {
		return state.Change{TTL: tr.e.ttl(tr.sess, tr.ev.Time)}, nil
	}
	tr.sess.Updated = stampOf(tr.ev.Time)
	data, entries, rewrite, err := tr.sess.change()
	if err != nil {
		return state.Change{}, err
	}
	ch := state.Change{Data: data, Append: entries, Rewrite: rewrite, TTL: tr.e.ttl(tr.sess, tr.ev.Time)}
	if tr.joined {
		ch.Users = []string{tr.user()}
	}
	return ch, nil
}

// phaseID names where the session stands, for transcripts.
func (tr *turn) phaseID() string {
	s := tr.sess
	switch {
	case tr.closed:
		return statusDone
	case s == nil || tr.deleted:
		return ""
	case s.Status == statusLobby, s.Status == statusDone:
		return s.Status
	}
	if ph := tr.phase(); ph != nil {
		return ph.ID
	}
	return ""
}

// commandActions are what each canonical command does in a conversation. forget,
// export, report and a top-level start are decided before (Engine.outsideSession).
var commandActions = map[string]func(tr *turn, c command){
	"start":   func(tr *turn, c command) { tr.start(c) },
	"solo":    func(tr *turn, c command) { tr.start(c) },
	"join":    func(tr *turn, _ command) { tr.join() },
	"leave":   func(tr *turn, _ command) { tr.leave() },
	"bring":   func(tr *turn, _ command) { tr.bring() },
	"next":    func(tr *turn, c command) { tr.next(c.args) },
	"back":    func(tr *turn, _ command) { tr.back() },
	"more":    func(tr *turn, c command) { tr.more(c.args) },
	"pause":   func(tr *turn, _ command) { tr.pause() },
	"resume":  func(tr *turn, _ command) { tr.resume() },
	"checkin": func(tr *turn, c command) { tr.chooseCheckIn(c.args) },
	"summary": func(tr *turn, _ command) { tr.showSummary() },
	"report":  func(tr *turn, _ command) { tr.tell(tr.msg("report.direct")) },
	"status":  func(tr *turn, _ command) { tr.tell(tr.status()) },
	"methods": func(tr *turn, _ command) { tr.tell(tr.methods()) },
	"help":    func(tr *turn, _ command) { tr.tell(tr.help()) },
	"end":     func(tr *turn, _ command) { tr.end() },
	"keep":    func(tr *turn, c command) { tr.keep(c) },
	"rewrite": func(tr *turn, c command) { tr.rewrite(c) },
	"answer":  func(tr *turn, c command) { tr.answer(c) },
}

// run dispatches the event.
func (tr *turn) run(cmd *command) {
	if tr.ev.timer != nil {
		tr.onTimer(*tr.ev.timer)
		return
	}
	if tr.running() && tr.phase() == nil {
		// The session's method or phase is gone: a pack was removed or edited since.
		if cmd != nil && cmd.word == "end" {
			tr.end()
			return
		}
		tr.tell(tr.modeMsg("session.broken"))
		return
	}
	if cmd == nil {
		tr.handleText()
		return
	}
	if tr.sess != nil && tr.sess.Auto && cmd.word != "next" && tr.sess.isMember(tr.user()) {
		tr.sess.Auto = false // someone acted in the new phase
		tr.dirty = true
	}
	if do, ok := commandActions[cmd.word]; ok {
		do(tr, *cmd)
		return
	}
	tr.tell(tr.msg("command.unknown", "word", Quote(strings.Join(cmd.args, " ")), "now", tr.possible()))
}

// running reports whether a session is walking its phases.
func (tr *turn) running() bool { return tr.sess != nil && tr.sess.Status == statusRunning }

// active reports whether a session exists and has not ended.
func (tr *turn) active() bool { return tr.sess != nil && tr.sess.Status != statusDone }

// needSession replies why a command cannot run when there is no active session.
func (tr *turn) needSession() bool {
	switch {
	case tr.sess == nil:
		tr.tell(tr.msg("session.none"), Action{Label: tr.msg("button.start"), Command: "start", Primary: true})
		return false
	case tr.sess.Status == statusDone:
		tr.tell(tr.msg("session.ended"))
		return false
	}
	return true
}

// needMember replies when the user is not in the session.
func (tr *turn) needMember() bool {
	if !tr.needSession() {
		return false
	}
	if !tr.sess.isMember(tr.user()) {
		tr.notMember()
		return false
	}
	return true
}

// notMember tells a stranger how to take part, or that a solo reflection is private.
func (tr *turn) notMember() {
	if tr.sess.Mode == prompts.ModeSolo {
		tr.tell(tr.msg("join.solo"))
		return
	}
	tr.tell(tr.msg("member.not"), Action{Label: tr.msg("button.join"), Command: "join", Primary: true})
}

// leads reports whether the user may steer the session: the case bringer or starter.
func (tr *turn) leads() bool {
	return tr.user() == tr.sess.Bringer || tr.user() == tr.sess.Starter
}

func (tr *turn) start(c command) {
	if tr.active() {
		tr.tell(tr.msg("start.already", "method", tr.methodTitle(), "phase", tr.phaseTitle()))
		return
	}
	o, problem := tr.e.parseStart(c, tr.ev, tr.lang)
	if problem != "" {
		tr.tell(problem)
		return
	}
	if tr.sess != nil && tr.sess.Kept && !tr.ev.Conv.Direct {
		// A thread keeps its summary: the new session gets a conversation of its own.
		// (A DM holds one session at a time; its kept summary was posted there.)
		tr.replies = append(tr.replies, tr.e.opening(o, tr.ev.User.Name))
		return
	}
	m, _ := tr.e.lib.Method(o.method)
	now := tr.ev.Time
	tr.lang = o.lang
	tr.sess = &session{
		V: schemaVersion, Method: m.ID, Lang: o.lang, Mode: o.mode, Status: statusLobby,
		Starter: tr.user(), Members: []member{{ID: tr.user(), Name: tr.ev.User.Name, Joined: stampOf(now)}},
		Started: stampOf(now), PhaseStarted: stampOf(now),
	}
	if d, ok := ParseSpan(o.span); ok {
		tr.sess.Span = int64(d / time.Second)
	}
	tr.dirty, tr.joined, tr.began = true, true, m.ID
	if o.mode == prompts.ModeSolo {
		tr.sess.Bringer = tr.user()
		tr.sess.Status = statusRunning
		if o.checkIn {
			// The check-in message said what this is and asked the first phase's
			// question (what happened): announcing the phase would ask a second one.
			tr.resetPhase()
			tr.sess.AsksLeft = tr.phase().SoloAsks()
			return
		}
		tr.say(tr.msg("start.solo", "method", m.Title.In(o.lang), "summary", m.Summary.In(o.lang),
			"minutes", fmt.Sprint(m.Duration.Minutes())) + "\n" + tr.msg("privacy.reminder"))
		tr.lookBack()
		tr.enterPhase()
		return
	}
	key := "start.group"
	if tr.choosesCase() {
		key = "start.group_choose"
	}
	tr.say(tr.msg(key, "method", m.Title.In(o.lang), "summary", m.Summary.In(o.lang),
		"minutes", fmt.Sprint(m.Duration.Minutes()), "name", Quote(tr.ev.User.Name))+tr.paceLine()+"\n"+tr.msg("privacy.reminder"),
		Action{Label: tr.msg("button.join"), Command: "join"},
		Action{Label: tr.msg("button.bring"), Command: "bring"},
		Action{Label: tr.msg("button.begin"), Command: "next " + statusLobby, Primary: true})
}

func (tr *turn) join() {
	if !tr.needSession() {
		return
	}
	if tr.sess.isMember(tr.user()) {
		tr.tell(tr.msg("join.already", "people", tr.people()))
		return
	}
	if tr.sess.Mode == prompts.ModeSolo {
		tr.tell(tr.msg("join.solo"))
		return
	}
	m := member{ID: tr.user(), Name: tr.ev.User.Name, Joined: stampOf(tr.ev.Time)}
	tr.sess.Members = append(tr.sess.Members, m)
	tr.dirty, tr.joined = true, true
	tr.say(tr.msg("join.done", "name", Quote(tr.ev.User.Name), "people", tr.people()))
	if ph := tr.phase(); tr.openRound(ph) && tr.expects(ph, prompts.RolePeers) {
		tr.askOne(m, ph) // a private round under way waits for them too
	}
}

func (tr *turn) leave() {
	if !tr.needMember() {
		return
	}
	if tr.user() == tr.sess.Bringer && tr.running() {
		tr.tell(tr.msg("leave.bringer." + tr.sess.Mode))
		return
	}
	if tr.user() == tr.sess.Bringer {
		tr.sess.Bringer = ""
	}
	tr.sess.removeMember(tr.user())
	tr.dirty = true
	if len(tr.sess.Members) == 0 {
		tr.deleted = true // nobody left in a session that never began
		tr.say(tr.msg("leave.last", "name", Quote(tr.ev.User.Name)))
		return
	}
	if tr.user() == tr.sess.Starter {
		tr.sess.handOnStarter()
	}
	tr.say(tr.msg("leave.done", "name", Quote(tr.ev.User.Name), "people", tr.people()))
}

func (tr *turn) bring() {
	if !tr.needSession() {
		return
	}
	switch {
	case tr.sess.Bringer == tr.user():
		tr.tell(tr.msg("bring.already"))
		return
	case tr.sess.Bringer != "":
		tr.tell(tr.msg("bring.taken", "name", Quote(tr.sess.name(tr.sess.Bringer))))
		return
	case tr.running() && !tr.choosing():
		tr.tell(tr.msg("bring.running"))
		return
	}
	if !tr.sess.isMember(tr.user()) {
		tr.sess.Members = append(tr.sess.Members, member{ID: tr.user(), Name: tr.ev.User.Name, Joined: stampOf(tr.ev.Time)})
		tr.joined = true
	}
	tr.sess.Bringer = tr.user()
	tr.dirty = true
	if tr.running() { // the case the group chose in a choose phase
		tr.say(tr.msg("bring.chosen", "name", Quote(tr.ev.User.Name), "people", tr.people(), "leads", tr.leadNames()), tr.nextButton())
		tr.lookBack()
		return
	}
	tr.say(tr.msg("bring.done", "name", Quote(tr.ev.User.Name), "people", tr.people()),
		Action{Label: tr.msg("button.join"), Command: "join"},
		Action{Label: tr.msg("button.begin"), Command: "next " + statusLobby, Primary: true})
	tr.lookBack()
}

// next moves on: from the lobby to the first phase, or to the next phase. args is
// what a Next button carries: the phase it was shown in.
func (tr *turn) next(args []string) {
	if !tr.needLead("next.not_lead") {
		return
	}
	if len(args) == 1 && tr.knownRef(args[0]) && args[0] != tr.phaseRef() {
		tr.tell(tr.msg("next.stale", "phase", tr.phaseTitle()))
		return
	}
	if last := tr.lastPhase() && !tr.solo(); len(args) == 0 && tr.sess.Auto && (last || tr.ev.Time.Sub(tr.sess.PhaseStarted.Time()) < autoGrace) {
		// The phase moved on by itself a moment ago and nobody has written in it yet:
		// this next was meant for the phase before. In a group's last phase, whose
		// next closes the session for good (and the evaluation with it), so for as
		// long as nobody has written in it.
		tr.sess.Auto = false
		tr.dirty = true
		if tr.holdsForStep() { // says why it holds, and that a next goes on
			return
		}
		key := "next.already"
		if last {
			key = "next.already_last"
		}
		tr.tell(tr.msg(key, "phase", tr.phaseTitle()))
		return
	}
	if tr.sess.Status == statusLobby {
		switch {
		case tr.choosesCase() && len(tr.sess.Members) < 2:
			tr.tell(tr.msg("next.need_two"))
			return
		case tr.choosesCase():
		case tr.sess.Bringer == "":
			tr.tell(tr.msg("next.need_bringer"), Action{Label: tr.msg("button.bring"), Command: "bring", Primary: true})
			return
		case len(tr.sess.peers()) == 0:
			tr.tell(tr.msg("next.need_peer"))
			return
		}
		tr.sess.Status = statusRunning
		tr.sess.PhaseIndex = 0
		tr.dirty = true
		tr.enterPhase()
		return
	}
	if tr.needsChosenCase() {
		tr.tell(tr.msg("choose.need_bringer"), Action{Label: tr.msg("button.bring"), Command: "bring", Primary: true})
		return
	}
	if tr.holdsForStep() || tr.holdsForEvaluation() {
		return
	}
	tr.advance(false)
}

// holdsForStep holds, once, a next that would leave the next-step phase before the
// case bringer named a step: the summary would have none, and a facilitator asks.
func (tr *turn) holdsForStep() bool {
	ph := tr.phase()
	if ph == nil || ph.Stage != prompts.StageNextStep || tr.sess.StepAsked || tr.sess.contributed(tr.sess.Bringer, ph.ID) {
		return false
	}
	tr.sess.StepAsked = true
	tr.dirty = true
	tr.say(tr.msg("next.no_step", "name", Quote(tr.bringerName())))
	return true
}

// holdsForEvaluation holds, once, a next that would close a group's evaluation (the
// session's last phase) before the case bringer said how the session was for them: a
// facilitator hears them last. Like StepAsked, EvalAsked is not reset by `back`.
func (tr *turn) holdsForEvaluation() bool {
	ph := tr.phase()
	if ph == nil || ph.Stage != prompts.StageEvaluation || !tr.lastPhase() || tr.solo() || tr.sess.EvalAsked || tr.sess.Bringer == "" ||
		!ph.Speaks(prompts.RoleBringer) || tr.sess.contributed(tr.sess.Bringer, ph.ID) {
		return false
	}
	tr.sess.EvalAsked = true
	tr.dirty = true
	tr.say(tr.msg("next.no_evaluation", "name", Quote(tr.bringerName())))
	return true
}

// lastPhase reports whether the session runs its last phase: next closes it.
func (tr *turn) lastPhase() bool {
	return tr.running() && tr.sess.PhaseIndex == len(tr.phases())-1
}

// autoGrace is how long after a phase moved on by itself a typed next is taken as
// meant for the phase before.
const autoGrace = 2 * time.Minute

// needLead replies, with the message key refusal, unless the user may steer the
// session: a member who is the case bringer or the starter.
func (tr *turn) needLead(refusal string) bool {
	if !tr.needMember() {
		return false
	}
	if !tr.leads() {
		tr.tell(tr.msg(refusal, "leads", tr.leadRoles()))
		return false
	}
	return true
}

// knownRef reports whether ref names the lobby or one of the session's phases.
func (tr *turn) knownRef(ref string) bool {
	if ref == statusLobby {
		return true
	}
	for _, ph := range tr.phases() {
		if ph.ID == ref {
			return true
		}
	}
	return false
}

func (tr *turn) end() {
	if !tr.needLead("end.not_lead") {
		return
	}
	if len(tr.sess.Contributions) == 0 {
		// one message: ended, and nothing to summarise (not "here is what you wrote")
		tr.say(tr.modeMsg("end.empty", "name", Quote(tr.ev.User.Name)))
		tr.finish(true)
		return
	}
	tr.say(tr.modeMsg("end.early", "name", Quote(tr.ev.User.Name)))
	tr.finish(false)
}

// keep either keeps the summary of a finished session (case bringer) or, with text,
// replaces the user's last message with that text exactly as written: the explicit
// confirmation after a privacy notice.
func (tr *turn) keep(c command) {
	if text := strings.TrimSpace(c.rest); text != "" {
		if !tr.needMember() {
			return
		}
		if !tr.running() {
			tr.tell(tr.msg("lobby.wait"))
			return
		}
		i := tr.lastTurn(tr.user())
		if i < 0 {
			tr.contribute(text, false)
			return
		}
		if !tr.allowedText(i, text) || !tr.fits(i, text) {
			return
		}
		tr.sess.Contributions[i].Text = text
		tr.sess.edit()
		tr.dirty = true
		tr.tell(tr.msg("keep.text_done"))
		return
	}
	if tr.sess == nil {
		tr.tell(tr.msg("keep.no_session"))
		return
	}
	if tr.sess.Status != statusDone {
		tr.tell(tr.msg("keep.not_done"))
		return
	}
	if tr.user() != tr.sess.Bringer {
		tr.tell(tr.msg("keep.not_bringer", "bringer", tr.bringerName()))
		return
	}
	if tr.sess.Kept {
		tr.tell(tr.msg("keep.already"))
		return
	}
	tr.sess.Kept = true
	tr.sess.Contributions, tr.sess.Questions = nil, nil
	tr.sess.edit()
	tr.sess.Pseudonyms = nil
	tr.dirty = true
	tr.say(tr.msg("keep.done"))
}

// rewrite replaces the user's last message, in whichever phase it was written; with
// none yet, it adds the text as their first.
func (tr *turn) rewrite(c command) {
	if !tr.needMember() {
		return
	}
	if !tr.running() {
		tr.tell(tr.msg("lobby.wait"))
		return
	}
	text := strings.TrimSpace(c.rest)
	i := tr.lastTurn(tr.user())
	if text == "" {
		tr.tell(tr.msg("rewrite.how"))
		return
	}
	if i < 0 {
		// Nothing of theirs to replace (their first message was kept out by the
		// phase's rule, say): the text is a new message, read like any other, and
		// the writer is told so when it is kept.
		n := len(tr.sess.Contributions)
		tr.contribute(text, true)
		if len(tr.sess.Contributions) > n {
			tr.tell(tr.msg("rewrite.added"))
		}
		return
	}
	if !tr.allowedText(i, text) {
		return
	}
	clean, kinds := tr.pseudonymise(text)
	if !tr.fits(i, clean) {
		return
	}
	tr.sess.Contributions[i].Text = clean
	tr.sess.edit()
	tr.dirty = true
	tr.tell(tr.msg("rewrite.done"))
	tr.privacyNotice(kinds, clean)
}

// lastTurn is the index of the user's last message, or -1.
func (tr *turn) lastTurn(user string) int {
	for i := len(tr.sess.Contributions) - 1; i >= 0; i-- {
		if tr.sess.Contributions[i].User == user {
			return i
		}
	}
	return -1
}

// allowedText keeps the rule of the phase turn i was written in: no advice from peers
// while only questions may be asked.
func (tr *turn) allowedText(i int, text string) bool {
	for _, ph := range tr.phases() {
		if ph.ID == tr.sess.Contributions[i].Phase && tr.sess.role(tr.user()) == prompts.RolePeers &&
			!tr.keepsRule(&ph, text) {
			return false
		}
	}
	return true
}

func (tr *turn) methodTitle() string {
	if m, ok := tr.e.lib.Method(tr.sess.Method); ok {
		return m.Title.In(tr.lang)
	}
	return tr.sess.Method
}

func (tr *turn) bringerName() string {
	if tr.sess.Bringer == "" {
		return tr.msg("role.nobody")
	}
	return Quote(tr.sess.name(tr.sess.Bringer))
}

// people lists the members with the case bringer marked.
func (tr *turn) people() string {
	names := make([]string, 0, len(tr.sess.Members))
	for _, m := range tr.sess.Members {
		n := Quote(m.Name)
		if m.ID == tr.sess.Bringer {
			n += " (" + tr.msg("role.bringer") + ")"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// keepsRule keeps the phase's rule for a peer's text (a phase of associations: see
// noAdvice). In a questions-only phase, when the text gives advice, passes a judgement
// or (where the phase asks for facts) interprets, it tells the peer which of these it
// noticed, without repeating the text, and reports false.
func (tr *turn) keepsRule(ph *prompts.Phase, text string) bool {
	if ph.Rule == prompts.RuleNoAdvice {
		return tr.noAdvice(ph, text)
	}
	if ph.Rule != prompts.RuleQuestions {
		return true
	}
	kind := ""
	if ar, ok := tr.e.interp.(AdviceReader); ok {
		if a, found := ar.ReadAdvice(text, tr.lang, ph.Stage); found {
			kind = a.Kind
		}
	} else if tr.e.interp.Advice(text, tr.lang) {
		kind = AdviceKindAdvice
	}
	switch kind {
	case "":
		return true
	case AdviceKindJudgement:
		key := "rule.questions_only.judgement"
		if !strings.Contains(text, "?") {
			key += ".statement" // "a question can carry one too" would not fit
		}
		tr.tell(tr.msg(key))
	case AdviceKindAdvice, AdviceKindInterpretation:
		tr.tell(tr.msg("rule.questions_only." + kind))
	default:
		tr.tell(tr.msg("rule.questions_only"))
	}
	return false
}

// noAdvice keeps the rule of a phase of associations (rule no-advice, Balint's first
// associations): a peer's advice or judgement is not added, and the peer hears which of
// the two it sounded like, without the text repeated; an association, a question or an
// interpretation passes.
func (tr *turn) noAdvice(ph *prompts.Phase, text string) bool {
	ar, ok := tr.e.interp.(AdviceReader)
	if !ok {
		return true
	}
	a, found := ar.ReadAdvice(text, tr.lang, ph.Stage)
	if !found || (a.Kind != AdviceKindAdvice && a.Kind != AdviceKindJudgement) {
		return true
	}
	tr.tell(tr.msg("rule.no_advice." + a.Kind))
	return false
}
