package bot

import (
	"fmt"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
)

// status describes the session for the user who asked.
func (st *step) status() string {
	if st.sess == nil {
		return st.msg("session.none")
	}
	lines := []string{st.msg("status.head", "method", st.methodTitle(), "phase", st.phaseTitle(),
		"people", st.people())}
	if ph := st.phase(); ph != nil {
		lines = append(lines, st.msg("status.time", "minutes", fmt.Sprint(int(st.ev.Time.Sub(st.sess.PhaseStarted.Time()).Minutes())),
			"planned", fmt.Sprint(ph.Timebox.Minutes())))
	}
	if ph := st.phase(); ph != nil && !st.solo() {
		lines = append(lines, st.msg("phase.speakers", "who", st.speakerNames(ph)))
		var waiting []string
		if ph.Done == prompts.DoneEachPeer || ph.Done == prompts.DoneEachMember || ph.Done == prompts.DoneBringer {
			for _, m := range st.sess.Members {
				r := st.sess.role(m.ID)
				if ph.Speaks(r) && !st.sess.contributed(m.ID, ph.ID) &&
					(ph.Done != prompts.DoneBringer || r == prompts.RoleBringer) &&
					(ph.Done != prompts.DoneEachPeer || r == prompts.RolePeers) {
					waiting = append(waiting, Quote(m.Name))
				}
			}
		}
		if len(waiting) > 0 {
			lines = append(lines, st.msg("status.waiting", "who", strings.Join(waiting, ", ")))
		}
	}
	lines = append(lines, st.msg("status.now", "now", st.possible()))
	return strings.Join(lines, "\n")
}

// possible lists the commands that make sense now.
func (st *step) possible() string {
	switch {
	case st.sess == nil, st.sess.Status == statusDone:
		return "`start`, `methods`, `help`"
	case st.sess.Status == statusLobby:
		return "`join`, `bring`, `next`, `status`, `leave`, `end`"
	case st.solo():
		return "`next`, `status`, `end`"
	}
	return "`next`, `status`, `join`, `leave`, `end`"
}

func (st *step) methods() string {
	lines := []string{st.msg("methods.head")}
	for _, m := range st.e.lib.Methods() {
		lines = append(lines, st.msg("methods.line", "id", m.ID, "title", m.Title.In(st.lang),
			"minutes", fmt.Sprint(m.Duration.Minutes()), "modes", st.modeNames(m.Modes),
			"summary", m.Summary.In(st.lang)))
	}
	return strings.Join(lines, "\n")
}

// modeNames renders modes in the session's language.
func (st *step) modeNames(modes []string) string {
	names := make([]string, 0, len(modes))
	for _, m := range modes {
		names = append(names, st.msg("mode."+m))
	}
	return strings.Join(names, ", ")
}

func (st *step) help() string {
	key := "help.none"
	switch {
	case st.sess == nil || st.sess.Status == statusDone:
		if st.ev.Conv.Direct {
			key = "help.direct"
		}
	case st.sess.Status == statusLobby:
		key = "help.lobby"
	case st.solo():
		key = "help.solo"
	default:
		key = "help.running"
	}
	return st.msg(key, "phase", st.phaseTitle()) + "\n" + st.msg("privacy.reminder")
}
