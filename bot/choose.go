package bot

import "github.com/intervision-bot/intervision/prompts"

// This file is a method that chooses its case together (Balint's pitches, the
// Socratic dialogue's question and examples): its first phases have the stage
// `choose` and run before anyone is the case bringer. The group begins with `next`
// once two people are here; whoever's case (or example) they chose types `bring`
// during a choose phase; the session leaves the choose phases only with a case
// bringer, by `next` or when the time is up.

// choosesCase reports whether the session's method opens with a choose phase, so its
// lobby needs no case bringer.
func (tr *turn) choosesCase() bool {
	phases := tr.phases()
	return len(phases) > 0 && phases[0].Stage == prompts.StageChoose && !tr.solo()
}

// choosing reports whether the session runs a choose phase without a case bringer yet.
func (tr *turn) choosing() bool {
	ph := tr.phase()
	return ph != nil && ph.Stage == prompts.StageChoose && tr.sess.Bringer == "" && !tr.solo()
}

// needsChosenCase reports whether moving on from the current phase must wait for a
// case bringer: the next phase is no choose phase and nobody brings the case yet.
func (tr *turn) needsChosenCase() bool {
	if tr.sess.Bringer != "" || tr.solo() || !tr.running() {
		return false
	}
	phases := tr.phases()
	i := tr.sess.PhaseIndex + 1
	return i < len(phases) && phases[i].Stage != prompts.StageChoose
}

// chooseTimeUp answers the end of a choose phase's box while nobody brings the chosen
// case: the group is asked once, then the phase waits.
func (tr *turn) chooseTimeUp(ph *prompts.Phase) {
	if tr.sess.BringerReminded {
		tr.void = true
		return
	}
	tr.sess.BringerReminded = true
	tr.dirty = true
	tr.say(tr.msg("choose.time_up", "phase", ph.Title.In(tr.lang)),
		Action{Label: tr.msg("button.bring"), Command: "bring", Primary: true})
}
