package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
)

// status describes the session for the user who asked: where it stands, its pace and
// time, who is still to come, and what this user can do now.
func (tr *turn) status() string {
	if tr.sess == nil {
		return tr.msg("session.none")
	}
	lines := []string{tr.modeMsg("status.head", "method", tr.methodTitle(), "phase", tr.phaseTitle(),
		"people", tr.people())}
	if tr.sess.Span > 0 {
		lines = append(lines, tr.msg("status.spread", "time", tr.spanText(time.Duration(tr.sess.Span)*time.Second)))
	}
	if ph := tr.phase(); ph != nil {
		lines = append(lines, tr.timeStatus(ph)...)
	}
	lines = append(lines, tr.msg("status.now", "now", tr.possible()))
	return strings.Join(lines, "\n")
}

// timeStatus is the current phase's part of the status: time, who speaks, who is
// still to come, how it closes.
func (tr *turn) timeStatus(ph *prompts.Phase) []string {
	ran := tr.spanText(tr.ev.Time.Sub(tr.sess.PhaseStarted.Time()))
	var lines []string
	switch {
	case !tr.timed():
		lines = append(lines, tr.msg("status.time", "ran", ran, "planned", tr.spanText(time.Duration(ph.Timebox))))
	case tr.sess.Paused != 0:
		lines = append(lines, tr.msg("status.paused", "left", tr.leftText()))
	case tr.left(ph) <= 0:
		lines = append(lines, tr.msg("status.over", "ran", ran))
	case tr.sess.Span > 0:
		lines = append(lines, tr.msg("status.left", "left", tr.leftText(), "when", tr.when(tr.deadline(ph))))
	default:
		lines = append(lines, tr.msg("status.left_live", "left", tr.leftText()))
	}
	if tr.solo() {
		return lines
	}
	lines = append(lines, tr.msg("phase.speakers", "who", tr.speakerNames(ph)))
	if waiting := tr.waiting(ph); len(waiting) > 0 {
		lines = append(lines, tr.msg("status.waiting", "who", names(waiting)))
	}
	if how := tr.closesHow(ph); how != "" {
		lines = append(lines, how)
	}
	return lines
}

// possible lists the commands this user can use now: peers are not offered what only
// the case bringer or the starter may do.
func (tr *turn) possible() string {
	var words []string
	switch {
	case tr.sess == nil, tr.sess.Status == statusDone:
		words = []string{"start", "methods", "help"}
	case !tr.sess.isMember(tr.user()):
		words = []string{"join", "status", "help"}
	case tr.solo():
		words = []string{"next", "back", "status", "end"}
	case tr.sess.Status == statusLobby && tr.leads():
		words = []string{"join", "bring", "next", "status", "leave", "end"}
	case tr.sess.Status == statusLobby:
		words = []string{"bring", "status", "leave"}
	case tr.choosing() && tr.leads():
		words = []string{"bring", "next", "back", "more", "pause", "status", "end"}
	case tr.choosing():
		words = []string{"bring", "status", "leave"}
	case tr.leads() && tr.sess.Paused != 0:
		words = []string{"next", "back", "more", "resume", "status", "end"}
	case tr.leads():
		words = []string{"next", "back", "more", "pause", "status", "end"}
	default:
		words = []string{"status", "leave"}
	}
	if tr.sess != nil && tr.sess.Status == statusLobby {
		// Not what is done already: joining for a member, bringing once a case is brought.
		words = slices.DeleteFunc(words, func(w string) bool {
			return w == "join" && tr.sess.isMember(tr.user()) || w == "bring" && tr.sess.Bringer != ""
		})
	}
	return tr.commandList(words)
}

// commandList renders command words as the user should type them: in Dutch in a
// Dutch session.
func (tr *turn) commandList(words []string) string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, "`"+tr.word(w)+"`")
	}
	return strings.Join(out, ", ")
}

// word is a canonical command word in the session's language.
func (tr *turn) word(canonical string) string { return CommandWord(canonical, tr.lang) }

func (tr *turn) methods() string {
	lines := []string{tr.msg("methods.head")}
	for _, m := range tr.e.lib.Methods() {
		lines = append(lines, tr.msg("methods.line", "id", m.ID, "title", m.Title.In(tr.lang),
			"minutes", fmt.Sprint(m.Duration.Minutes()), "modes", tr.modeNames(m.Modes),
			"summary", m.Summary.In(tr.lang)))
	}
	return strings.Join(lines, "\n")
}

// modeNames renders modes in the session's language.
func (tr *turn) modeNames(modes []string) string {
	names := make([]string, 0, len(modes))
	for _, m := range modes {
		names = append(names, tr.msg("mode."+m))
	}
	return strings.Join(names, ", ")
}

func (tr *turn) help() string {
	key := "help.none"
	switch {
	case tr.sess == nil || tr.sess.Status == statusDone:
		if tr.ev.Conv.Direct {
			key = "help.direct"
		}
	case tr.sess.Status == statusLobby:
		key = "help.lobby"
	case tr.solo():
		key = "help.solo"
	case tr.openRound(tr.phase()):
		key = "help.private" // answers go by DM, not in the thread
	default:
		key = "help.running"
	}
	pairs := []string{"phase", tr.phaseTitle()}
	if tr.sess != nil {
		pairs = append(pairs, "bringer", tr.bringerName())
	}
	lines := []string{tr.msg(tr.helpFirst(key), pairs...)}
	for _, k := range tr.helpRole(key) {
		lines = append(lines, tr.msg(k, "leads", tr.leadNames()))
	}
	return strings.Join(append(lines, tr.msg("status.now", "now", tr.possible()), tr.msg("privacy.reminder")), "\n")
}

// helpFirst is the key of help's first line: in the lobby, someone who is in already
// hears what comes next for them, not how to join.
func (tr *turn) helpFirst(key string) string {
	switch {
	case key != "help.lobby" || !tr.sess.isMember(tr.user()):
		return key
	case tr.user() == tr.sess.Bringer:
		return "help.lobby.bringing"
	case tr.sess.Bringer != "" && tr.leads():
		return "help.lobby.starter" // the starter, not bringing: may begin too
	case tr.sess.Bringer != "":
		return "help.lobby.peer"
	}
	return "help.lobby.joined"
}

// helpRole are the lines of a group session's help (key) that depend on who asks: how
// they take part, and who moves on and closes. Someone who does not lead hears who
// does, never a command only a lead may use; the commands they may use follow in the
// help's last line (possible), from the same grammar.
func (tr *turn) helpRole(key string) []string {
	switch {
	case key == "help.none" || key == "help.direct" || key == "help.solo":
		return nil
	case !tr.sess.isMember(tr.user()):
		return []string{key + ".guest"}
	}
	var out []string
	if key == "help.private" {
		if tr.expects(tr.phase(), tr.sess.role(tr.user())) {
			out = append(out, "help.private.answer")
		} else {
			out = append(out, "help.private.listen")
		}
	}
	if tr.leads() {
		return append(out, key+".lead")
	}
	return append(out, key+".member")
}
