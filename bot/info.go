package bot

import (
	"fmt"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
)

// status describes the session for the user who asked.
func (tr *turn) status() string {
	if tr.sess == nil {
		return tr.msg("session.none")
	}
	lines := []string{tr.msg("status.head", "method", tr.methodTitle(), "phase", tr.phaseTitle(),
		"people", tr.people())}
	if ph := tr.phase(); ph != nil {
		lines = append(lines, tr.msg("status.time", "minutes", fmt.Sprint(int(tr.ev.Time.Sub(tr.sess.PhaseStarted.Time()).Minutes())),
			"planned", fmt.Sprint(ph.Timebox.Minutes())))
	}
	if ph := tr.phase(); ph != nil && !tr.solo() {
		lines = append(lines, tr.msg("phase.speakers", "who", tr.speakerNames(ph)))
		var waiting []string
		if ph.Done == prompts.DoneEachPeer || ph.Done == prompts.DoneEachMember || ph.Done == prompts.DoneBringer {
			for _, m := range tr.sess.Members {
				r := tr.sess.role(m.ID)
				if ph.Speaks(r) && !tr.sess.contributed(m.ID, ph.ID) &&
					(ph.Done != prompts.DoneBringer || r == prompts.RoleBringer) &&
					(ph.Done != prompts.DoneEachPeer || r == prompts.RolePeers) {
					waiting = append(waiting, Quote(m.Name))
				}
			}
		}
		if len(waiting) > 0 {
			lines = append(lines, tr.msg("status.waiting", "who", strings.Join(waiting, ", ")))
		}
	}
	lines = append(lines, tr.msg("status.now", "now", tr.possible()))
	return strings.Join(lines, "\n")
}

// possible lists the commands that make sense now.
func (tr *turn) possible() string {
	switch {
	case tr.sess == nil, tr.sess.Status == statusDone:
		return "`start`, `methods`, `help`"
	case tr.sess.Status == statusLobby:
		return "`join`, `bring`, `next`, `status`, `leave`, `end`"
	case tr.solo():
		return "`next`, `status`, `end`"
	}
	return "`next`, `status`, `join`, `leave`, `end`"
}

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
	default:
		key = "help.running"
	}
	return tr.msg(key, "phase", tr.phaseTitle()) + "\n" + tr.msg("privacy.reminder")
}
