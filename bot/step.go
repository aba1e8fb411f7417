package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// step decides one event for one session. It only changes its own copy of the session;
// the store commits the result, or calls the update function again on a conflict.
type step struct {
	ctx     context.Context
	e       *Engine
	ev      Event
	sess    *Session // nil when the conversation has no session
	lang    string
	replies []Reply
	dirty   bool
	deleted bool
	closed  bool // the session closed and its record was deleted
	planned *plannedFor
	noted   string // a next step the case bringer named in this step
	joined  bool   // the user became a member: index them for forget and export
}

func (st *step) msg(key string, pairs ...string) string { return st.e.msg(key, st.lang, pairs...) }

// say adds a public reply.
func (st *step) say(text string, actions ...Action) {
	st.replies = append(st.replies, Reply{Text: text, Actions: actions})
}

// tell adds a reply only the event's user sees.
func (st *step) tell(text string, actions ...Action) {
	st.replies = append(st.replies, Reply{To: st.ev.User.ID, Text: text, Actions: actions})
}

func (st *step) user() string { return st.ev.User.ID }

// change is what the store commits.
func (st *step) change() (state.Change, error) {
	if st.deleted {
		return state.Change{Delete: true}, nil
	}
	if !st.dirty || st.sess == nil {
		return state.Change{TTL: st.e.ttl(st.sess, st.ev.Time)}, nil
	}
	st.sess.Updated = stamp(st.ev.Time)
	b, err := st.sess.encode()
	if err != nil {
		return state.Change{}, err
	}
	ch := state.Change{Data: b, TTL: st.e.ttl(st.sess, st.ev.Time)}
	if st.joined {
		ch.Users = []string{st.user()}
	}
	return ch, nil
}

// phaseID names where the session stands, for transcripts.
func (st *step) phaseID() string {
	s := st.sess
	switch {
	case st.closed:
		return statusDone
	case s == nil || st.deleted:
		return ""
	case s.Status == statusLobby, s.Status == statusDone:
		return s.Status
	}
	if ph := st.phase(); ph != nil {
		return ph.ID
	}
	return ""
}

// run dispatches the event.
func (st *step) run(cmd *command) {
	if st.running() && st.phase() == nil {
		// The session's method or phase is gone: a pack was removed or edited since.
		if cmd != nil && cmd.word == "end" {
			st.end()
			return
		}
		st.tell(st.msg("session.broken"))
		return
	}
	if cmd == nil {
		st.contribution()
		return
	}
	switch cmd.word {
	case "start", "solo":
		st.start(*cmd)
	case "join":
		st.join()
	case "leave":
		st.leave()
	case "bring":
		st.bring()
	case "next":
		st.next()
	case "status":
		st.tell(st.status())
	case "methods":
		st.tell(st.methods())
	case "help":
		st.tell(st.help())
	case "end":
		st.end()
	case "keep":
		st.keep(*cmd)
	case "rewrite":
		st.rewrite(*cmd)
	default:
		st.tell(st.msg("command.unknown", "word", Quote(strings.Join(cmd.args, " ")), "now", st.possible()))
	}
}

// running reports whether a session is walking its phases.
func (st *step) running() bool { return st.sess != nil && st.sess.Status == statusRunning }

// active reports whether a session exists and has not ended.
func (st *step) active() bool { return st.sess != nil && st.sess.Status != statusDone }

// needSession replies why a command cannot run when there is no active session.
func (st *step) needSession() bool {
	switch {
	case st.sess == nil:
		st.tell(st.msg("session.none"), Action{Label: st.msg("button.start"), Command: "start", Primary: true})
		return false
	case st.sess.Status == statusDone:
		st.tell(st.msg("session.ended"))
		return false
	}
	return true
}

// needMember replies when the user is not in the session.
func (st *step) needMember() bool {
	if !st.needSession() {
		return false
	}
	if !st.sess.isMember(st.user()) {
		st.notMember()
		return false
	}
	return true
}

// notMember tells a stranger how to take part, or that a solo reflection is private.
func (st *step) notMember() {
	if st.sess.Mode == prompts.ModeSolo {
		st.tell(st.msg("join.solo"))
		return
	}
	st.tell(st.msg("member.not"), Action{Label: st.msg("button.join"), Command: "join", Primary: true})
}

// leads reports whether the user may steer the session: the case bringer or starter.
func (st *step) leads() bool {
	return st.user() == st.sess.Bringer || st.user() == st.sess.Starter
}

func (st *step) start(c command) {
	if st.active() {
		st.tell(st.msg("start.already", "method", st.methodTitle(), "phase", st.phaseTitle()))
		return
	}
	if st.sess != nil && st.sess.Kept && !st.ev.Conv.Direct {
		// A thread keeps its summary; a DM holds one session at a time, and its kept
		// summary was posted there already.
		st.tell(st.msg("start.kept"))
		return
	}
	o, problem := st.e.parseStart(c, st.ev, st.lang)
	if problem != "" {
		st.tell(problem)
		return
	}
	m, _ := st.e.lib.Method(o.method)
	now := st.ev.Time
	st.lang = o.lang
	st.sess = &Session{
		V: schemaVersion, Method: m.ID, Lang: o.lang, Mode: o.mode, Status: statusLobby,
		Starter: st.user(), Members: []Member{{ID: st.user(), Name: st.ev.User.Name, Joined: stamp(now)}},
		Started: stamp(now), PhaseStarted: stamp(now),
	}
	st.dirty, st.joined = true, true
	if o.mode == prompts.ModeSolo {
		st.sess.Bringer = st.user()
		st.sess.Status = statusRunning
		st.say(st.msg("start.solo", "method", m.Title.In(o.lang), "summary", m.Summary.In(o.lang),
			"minutes", fmt.Sprint(m.Duration.Minutes())) + "\n" + st.msg("privacy.reminder"))
		st.lookBack()
		st.enterPhase()
		return
	}
	st.say(st.msg("start.group", "method", m.Title.In(o.lang), "summary", m.Summary.In(o.lang),
		"minutes", fmt.Sprint(m.Duration.Minutes()), "name", Quote(st.ev.User.Name))+"\n"+st.msg("privacy.reminder"),
		Action{Label: st.msg("button.join"), Command: "join"},
		Action{Label: st.msg("button.bring"), Command: "bring"},
		Action{Label: st.msg("button.begin"), Command: "next", Primary: true})
}

func (st *step) join() {
	if !st.needSession() {
		return
	}
	if st.sess.isMember(st.user()) {
		st.tell(st.msg("join.already", "people", st.people()))
		return
	}
	if st.sess.Mode == prompts.ModeSolo {
		st.tell(st.msg("join.solo"))
		return
	}
	st.sess.Members = append(st.sess.Members, Member{ID: st.user(), Name: st.ev.User.Name, Joined: stamp(st.ev.Time)})
	st.dirty, st.joined = true, true
	st.say(st.msg("join.done", "name", Quote(st.ev.User.Name), "people", st.people()))
}

func (st *step) leave() {
	if !st.needMember() {
		return
	}
	if st.user() == st.sess.Bringer && st.running() {
		st.tell(st.msg("leave.bringer." + st.sess.Mode))
		return
	}
	if st.user() == st.sess.Bringer {
		st.sess.Bringer = ""
	}
	st.sess.removeMember(st.user())
	st.dirty = true
	if len(st.sess.Members) == 0 {
		st.deleted = true // nobody left in a session that never began
		st.say(st.msg("leave.last", "name", Quote(st.ev.User.Name)))
		return
	}
	if st.user() == st.sess.Starter {
		// Someone must be able to begin or end: the case bringer, else the first to join.
		st.sess.Starter = st.sess.Members[0].ID
		if st.sess.Bringer != "" {
			st.sess.Starter = st.sess.Bringer
		}
	}
	st.say(st.msg("leave.done", "name", Quote(st.ev.User.Name), "people", st.people()))
}

func (st *step) bring() {
	if !st.needSession() {
		return
	}
	switch {
	case st.sess.Bringer == st.user():
		st.tell(st.msg("bring.already"))
		return
	case st.sess.Bringer != "":
		st.tell(st.msg("bring.taken", "name", Quote(st.sess.name(st.sess.Bringer))))
		return
	case st.running():
		st.tell(st.msg("bring.running"))
		return
	}
	if !st.sess.isMember(st.user()) {
		st.sess.Members = append(st.sess.Members, Member{ID: st.user(), Name: st.ev.User.Name, Joined: stamp(st.ev.Time)})
		st.joined = true
	}
	st.sess.Bringer = st.user()
	st.dirty = true
	st.say(st.msg("bring.done", "name", Quote(st.ev.User.Name), "people", st.people()),
		Action{Label: st.msg("button.join"), Command: "join"},
		Action{Label: st.msg("button.begin"), Command: "next", Primary: true})
	st.lookBack()
}

func (st *step) next() {
	if !st.needMember() {
		return
	}
	if !st.leads() {
		st.tell(st.msg("next.not_lead", "bringer", st.bringerName(), "starter", Quote(st.sess.name(st.sess.Starter))))
		return
	}
	if st.sess.Status == statusLobby {
		switch {
		case st.sess.Bringer == "":
			st.tell(st.msg("next.need_bringer"), Action{Label: st.msg("button.bring"), Command: "bring", Primary: true})
			return
		case len(st.sess.peers()) == 0:
			st.tell(st.msg("next.need_peer"))
			return
		}
		st.sess.Status = statusRunning
		st.sess.Step = 0
		st.dirty = true
		st.enterPhase()
		return
	}
	st.advance()
}

func (st *step) end() {
	if !st.needMember() {
		return
	}
	if !st.leads() {
		st.tell(st.msg("end.not_lead", "bringer", st.bringerName(), "starter", Quote(st.sess.name(st.sess.Starter))))
		return
	}
	st.say(st.msg("end.early."+st.sess.Mode, "name", Quote(st.ev.User.Name)))
	st.finish()
}

// keep either keeps the summary of a finished session (case bringer) or, with text,
// replaces the user's last message with that text exactly as written: the explicit
// confirmation after a privacy notice.
func (st *step) keep(c command) {
	if text := strings.TrimSpace(c.rest); text != "" {
		if !st.needMember() {
			return
		}
		if !st.running() {
			st.tell(st.msg("lobby.wait"))
			return
		}
		i := st.lastTurn(st.user())
		if i < 0 {
			st.contribute(text, false)
			return
		}
		if !st.allowedText(i, text) {
			return
		}
		st.sess.Turns[i].Text = text
		st.dirty = true
		st.tell(st.msg("keep.text_done"))
		return
	}
	if st.sess == nil || st.sess.Status != statusDone {
		st.tell(st.msg("keep.not_done"))
		return
	}
	if st.user() != st.sess.Bringer {
		st.tell(st.msg("keep.not_bringer", "bringer", st.bringerName()))
		return
	}
	if st.sess.Kept {
		st.tell(st.msg("keep.already"))
		return
	}
	st.sess.Kept = true
	st.sess.Turns = nil
	st.sess.Pseudonyms = nil
	st.dirty = true
	st.say(st.msg("keep.done"))
}

// rewrite replaces the user's last message, in whichever phase it was written.
func (st *step) rewrite(c command) {
	if !st.needMember() {
		return
	}
	if !st.running() {
		st.tell(st.msg("lobby.wait"))
		return
	}
	text := strings.TrimSpace(c.rest)
	i := st.lastTurn(st.user())
	if text == "" || i < 0 {
		st.tell(st.msg("rewrite.how"))
		return
	}
	if !st.allowedText(i, text) {
		return
	}
	clean, kinds := st.pseudonymise(text)
	st.sess.Turns[i].Text = clean
	st.dirty = true
	st.tell(st.msg("rewrite.done"))
	st.privacyNotice(kinds, clean)
}

// lastTurn is the index of the user's last message, or -1.
func (st *step) lastTurn(user string) int {
	for i := len(st.sess.Turns) - 1; i >= 0; i-- {
		if st.sess.Turns[i].User == user {
			return i
		}
	}
	return -1
}

// allowedText keeps the rule of the phase turn i was written in: no advice from peers
// while only questions may be asked.
func (st *step) allowedText(i int, text string) bool {
	for _, ph := range st.steps() {
		if ph.ID == st.sess.Turns[i].Phase && ph.Rule == prompts.RuleQuestions &&
			st.sess.role(st.user()) == prompts.RolePeers && st.e.reader.Advice(text, st.lang) {
			st.tell(st.msg("rule.questions_only"))
			return false
		}
	}
	return true
}

func (st *step) methodTitle() string {
	if m, ok := st.e.lib.Method(st.sess.Method); ok {
		return m.Title.In(st.lang)
	}
	return st.sess.Method
}

func (st *step) bringerName() string {
	if st.sess.Bringer == "" {
		return st.msg("role.nobody")
	}
	return Quote(st.sess.name(st.sess.Bringer))
}

// people lists the members with the case bringer marked.
func (st *step) people() string {
	names := make([]string, 0, len(st.sess.Members))
	for _, m := range st.sess.Members {
		n := Quote(m.Name)
		if m.ID == st.sess.Bringer {
			n += " (" + st.msg("role.bringer") + ")"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}
