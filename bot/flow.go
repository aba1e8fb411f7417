package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/prompts"
)

// plan is the session's method phases followed by the closing phases.
func (st *step) plan() *prompts.Plan {
	if st.planned == nil || st.planned.key != [2]string{st.sess.Method, st.sess.Mode} {
		p := st.e.lib.Plan(st.sess.Method, st.sess.Mode)
		if p == nil {
			p = &prompts.Plan{}
		}
		st.planned = &plannedFor{key: [2]string{st.sess.Method, st.sess.Mode}, plan: p}
	}
	return st.planned.plan
}

// plannedFor remembers the plan a step looked up, for the session it belongs to.
type plannedFor struct {
	key  [2]string
	plan *prompts.Plan
}

// steps are the session's phases, in order.
func (st *step) steps() []prompts.Phase { return st.plan().Phases }

// phase is the current phase, or nil outside the running phases.
func (st *step) phase() *prompts.Phase {
	if st.sess == nil || st.sess.Status != statusRunning {
		return nil
	}
	steps := st.steps()
	if st.sess.Step < 0 || st.sess.Step >= len(steps) {
		return nil
	}
	return &steps[st.sess.Step]
}

// pool is the current phase's reflective questions.
func (st *step) pool() []prompts.Question {
	p := st.plan()
	if st.sess.Step < 0 || st.sess.Step >= len(p.Pools) {
		return nil
	}
	return p.Pools[st.sess.Step]
}

func (st *step) phaseTitle() string {
	if ph := st.phase(); ph != nil {
		return ph.Title.In(st.lang)
	}
	if st.sess != nil && st.sess.Status == statusLobby {
		return st.msg("phase.lobby")
	}
	return "-"
}

func (st *step) solo() bool { return st.sess.Mode == prompts.ModeSolo }

// enterPhase announces the current phase and what is asked of whom.
func (st *step) enterPhase() {
	ph := st.phase()
	if ph == nil {
		st.finish()
		return
	}
	st.sess.PhaseStarted = stamp(st.ev.Time)
	st.sess.NudgedStep = false
	st.sess.Nudged = false
	st.sess.LastConcrete = false
	st.sess.Pending = ""
	st.dirty = true
	total := len(st.steps())
	head := st.msg("phase.header", "n", fmt.Sprint(st.sess.Step+1), "total", fmt.Sprint(total),
		"title", ph.Title.In(st.lang), "minutes", fmt.Sprint(ph.Timebox.Minutes()))
	lines := []string{head, ph.InstructionFor(st.sess.Mode, st.lang)}
	if st.solo() {
		st.sess.AsksLeft = ph.SoloAsks()
		st.say(strings.Join(lines, "\n"))
		return
	}
	lines = append(lines, st.msg("phase.speakers", "who", st.speakerNames(ph)))
	if ph.Listener != "" {
		lines = append(lines, st.msg("phase.listener", "who", st.roleNames(ph.Listener)))
	}
	if ph.Rule == prompts.RuleQuestions {
		lines = append(lines, st.msg("phase.rule.questions"))
	}
	if !closingStage(string(ph.Stage)) { // the closing phases speak for themselves
		// The question reads what the group wrote in the phase before.
		if f, ok := st.followUp(st.phaseText(st.sess.Step-1), prompts.RolePeers, ph, false); ok {
			st.markAsked(f)
			lines = append(lines, st.msg("phase.keep_in_mind", "question", f.Question.Text.In(st.lang)))
			if f.Why != "" {
				lines = append(lines, "_"+st.msg("followup.why", "why", f.Why)+"_")
			}
		}
	}
	st.say(strings.Join(lines, "\n"), Action{Label: st.msg("button.next"), Command: "next", Primary: true})
}

// phaseText joins what was written in step i, for the reader.
func (st *step) phaseText(i int) string {
	steps := st.steps()
	if i < 0 || i >= len(steps) {
		return ""
	}
	var parts []string
	for _, t := range st.sess.Turns {
		if t.Phase == steps[i].ID {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// speakerNames renders who is expected to write in a phase.
func (st *step) speakerNames(ph *prompts.Phase) string {
	var parts []string
	for _, r := range ph.Speakers {
		parts = append(parts, st.roleNames(r))
	}
	return strings.Join(parts, "; ")
}

// roleNames renders the people in a role.
func (st *step) roleNames(role prompts.Role) string {
	if role == prompts.RoleBringer {
		return st.bringerName() + " (" + st.msg("role.bringer") + ")"
	}
	var names []string
	for _, m := range st.sess.peers() {
		names = append(names, Quote(m.Name))
	}
	return strings.Join(names, ", ") + " (" + st.msg("role.peers") + ")"
}

// advance moves to the next phase, or closes the session after the last.
func (st *step) advance() {
	st.sess.Step++
	st.dirty = true
	if st.sess.Step >= len(st.steps()) {
		st.finish()
		return
	}
	st.enterPhase()
}

// contribution handles a message that is not a command.
func (st *step) contribution() {
	if !st.active() && !st.ev.Ambient {
		// Where no session runs, "start gibbs" or "help" typed as plain text means it.
		if c := parseCommand(st.ev.Text); c.word == "start" || c.word == "solo" || c.word == "help" || c.word == "methods" {
			st.run(&c)
			return
		}
	}
	switch {
	case st.sess == nil:
		st.tell(st.msg("session.none"), Action{Label: st.msg("button.start"), Command: "start", Primary: true})
	case st.sess.Status == statusDone:
		st.tell(st.msg("session.ended"))
	case !st.sess.isMember(st.user()):
		st.notMember()
	case st.sess.Status == statusLobby:
		st.tell(st.msg("lobby.wait"))
	default:
		st.contribute(st.ev.Text, true)
	}
}

// contribute records a member's text in the current phase, keeping the phase's rules.
// guard is false when the user confirmed the text should be kept as written.
func (st *step) contribute(text string, guard bool) {
	ph := st.phase()
	role := st.sess.role(st.user())
	if !st.solo() {
		switch {
		case ph.Listener == role:
			st.tell(st.msg("rule.listen."+string(role), "phase", ph.Title.In(st.lang)))
			return
		case !ph.Speaks(role):
			st.tell(st.msg("rule.wait", "phase", ph.Title.In(st.lang), "who", st.speakerNames(ph)))
			return
		case ph.Rule == prompts.RuleQuestions && role == prompts.RolePeers && st.e.reader.Advice(text, st.lang):
			st.tell(st.msg("rule.questions_only"))
			return
		}
	}
	kinds := []string(nil)
	if guard {
		text, kinds = st.pseudonymise(text)
	}
	st.sess.Turns = append(st.sess.Turns, Turn{Phase: ph.ID, User: st.user(), Name: st.ev.User.Name,
		Text: text, At: stamp(st.ev.Time), Question: st.sess.Pending})
	if ph.Stage == "next-step" && role == prompts.RoleBringer {
		st.noted = text
	}
	st.sess.Pending = ""
	st.dirty = true
	st.privacyNotice(kinds, text)

	if ph.Stage == "next-step" && role == prompts.RoleBringer && !st.sess.NudgedStep && vague(text) {
		st.sess.NudgedStep = true
		st.say(st.msg("step.concrete"))
		return
	}
	if st.solo() {
		st.soloFollowUp(ph, text)
		return
	}
	if f, ok := st.followUp(text, role, ph, true); ok && f.Strong {
		st.markAsked(f)
		st.say(st.askText(f))
	}
	if st.complete(ph) {
		st.advance()
		return
	}
	st.nudgeLast(ph)
	// A case is often told in several messages: the case bringer says when it is
	// complete. Say so once, after the first message.
	if ph.Done == prompts.DoneNext && role == prompts.RoleBringer && len(ph.Speakers) == 1 && st.turnsIn(st.user(), ph.ID) == 1 {
		st.say(st.msg("phase.bringer_more", "name", Quote(st.ev.User.Name)),
			Action{Label: st.msg("button.next"), Command: "next", Primary: true})
	}
}

// nudgeLast invites, privately and by name, the one person the phase still waits for:
// quiet members respond best to a personal invitation. Once per phase.
func (st *step) nudgeLast(ph *prompts.Phase) {
	if st.sess.Nudged || (ph.Done != prompts.DoneEachPeer && ph.Done != prompts.DoneEachMember) {
		return
	}
	var waiting []Member
	spoke := 0
	for _, m := range st.sess.Members {
		if ph.Done == prompts.DoneEachPeer && m.ID == st.sess.Bringer {
			continue
		}
		if st.sess.contributed(m.ID, ph.ID) {
			spoke++
		} else {
			waiting = append(waiting, m)
		}
	}
	// Only when at least two others have spoken: one quiet person among several.
	if len(waiting) != 1 || spoke < 2 {
		return
	}
	st.sess.Nudged = true
	st.replies = append(st.replies, Reply{To: waiting[0].ID,
		Text: st.msg("nudge", "name", Quote(waiting[0].Name), "phase", ph.Title.In(st.lang))})
}

// turnsIn counts a user's turns in a phase.
func (st *step) turnsIn(user, phase string) int {
	n := 0
	for _, t := range st.sess.Turns {
		if t.User == user && t.Phase == phase {
			n++
		}
	}
	return n
}

// soloFollowUp asks the next question of a solo reflection, or moves on.
func (st *step) soloFollowUp(ph *prompts.Phase, text string) {
	if st.sess.AsksLeft > 0 {
		if f, ok := st.followUp(text, prompts.RoleBringer, ph, true); ok {
			st.markAsked(f)
			if !f.Concrete {
				st.sess.AsksLeft--
			}
			st.sess.Pending = f.Question.Text.In(st.lang)
			st.say(st.ack() + " " + st.askText(f))
			return
		}
	}
	st.advance()
}

// closingStage reports whether a stage belongs to the closing phases.
func closingStage(stage string) bool {
	return stage == "takeaway" || stage == "next-step" || stage == "evaluation"
}

// vague reports whether a short answer lacks detail.
func vague(text string) bool { return len(strings.Fields(text)) < 5 }

// ack is a short acknowledgement that varies with the number of turns.
func (st *step) ack() string {
	return st.msg(fmt.Sprintf("solo.ack.%d", len(st.sess.Turns)%3))
}

// askText renders a follow-up question with the reason, when the reader gave one.
func (st *step) askText(f FollowUp) string {
	s := "**" + f.Question.Text.In(st.lang) + "**"
	if f.Why != "" {
		s += "\n_" + st.msg("followup.why", "why", f.Why) + "_"
	}
	return s
}

// followUp asks the reader for a question and counts the themes it saw.
// count adds the themes it recognised to the session's tally (not when it rereads
// text that was counted before).
func (st *step) followUp(text string, role prompts.Role, ph *prompts.Phase, count bool) (FollowUp, bool) {
	f, ok := st.e.reader.FollowUp(Reading{
		Lang: st.lang, Text: text, Role: string(role), Solo: st.solo(), Stage: string(ph.Stage),
		Pool: st.pool(), Asked: st.sess.askedSet(), Themes: st.sess.Themes,
		// Rereading a finished phase is no moment to ask for a concrete detail.
		LastConcrete: st.sess.LastConcrete || !count,
	})
	if count && len(f.Themes) > 0 {
		if st.sess.Themes == nil {
			st.sess.Themes = map[string]int{}
		}
		for _, t := range f.Themes {
			st.sess.Themes[t]++
		}
		st.dirty = true
	}
	if ok && st.sess.asked(f.Question.ID) {
		return f, false
	}
	return f, ok && f.Question.ID != ""
}

func (st *step) markAsked(f FollowUp) {
	st.sess.Asked = append(st.sess.Asked, f.Question.ID)
	st.sess.LastConcrete = f.Concrete
	st.dirty = true
}

// complete reports whether every expected contribution of the phase is in.
func (st *step) complete(ph *prompts.Phase) bool {
	switch ph.Done {
	case prompts.DoneBringer:
		return st.sess.contributed(st.sess.Bringer, ph.ID)
	case prompts.DoneEachPeer, prompts.DoneEachMember:
		for _, m := range st.sess.Members {
			if ph.Done == prompts.DoneEachPeer && m.ID == st.sess.Bringer {
				continue
			}
			if !st.sess.contributed(m.ID, ph.ID) {
				return false
			}
		}
		return true
	}
	return false
}

// pseudonymise runs the Guard over text.
func (st *step) pseudonymise(text string) (string, []string) {
	if st.e.cfg.Guard == nil {
		return text, nil
	}
	if st.sess.Pseudonyms == nil {
		st.sess.Pseudonyms = map[string]string{}
	}
	return st.e.cfg.Guard.Pseudonymise(text, st.lang, st.sess.Pseudonyms)
}

// privacyNotice tells the writer privately what personal data was replaced.
func (st *step) privacyNotice(kinds []string, stored string) {
	if len(kinds) == 0 {
		return
	}
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, st.msg("privacy.kind."+k))
	}
	st.tell(st.msg("privacy.found", "kinds", strings.Join(names, ", "), "stored", blockquote(stored)))
}

// finish closes the session with a summary.
func (st *step) finish() {
	st.sess.Status = statusDone
	st.sess.Finished = stamp(st.ev.Time)
	st.dirty = true
	if len(st.sess.Turns) == 0 {
		// Nothing was written: nothing to summarise or keep.
		st.deleted, st.closed = true, true
		st.say(st.msg("finish.empty"))
		return
	}
	st.sess.Summary = st.summary()
	days := fmt.Sprint(int(st.e.cfg.FinishedRetention.Hours() / 24))
	st.say(st.sess.Summary)
	st.say(st.msg("finish.thanks."+st.sess.Mode, "days", days),
		Action{Label: st.msg("button.keep"), Command: "keep"})
}

// clip shortens text for summaries.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
