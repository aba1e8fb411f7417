package bot

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/prompts"
)

// thinWords is the length up to which an answer is too thin to reflect on: "Veel.",
// "Goed.", "ok", "Geen idee eigenlijk.".
const thinWords = 3

// thin reports whether a contribution says too little to reflect on: at most
// thinWords words, not a question, and no number or quote (a concrete detail).
func thin(text string) bool {
	t := strings.TrimSpace(text)
	if t == "" || strings.HasSuffix(t, "?") || strings.ContainsAny(t, "\"“”„0123456789") {
		return false
	}
	words := strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
	return len(words) > 0 && len(words) <= thinWords
}

// asksReflection reports whether a phase asks a role to reflect, so that a thin answer
// gets one follow-up: not where a case is chosen or told, where the case bringer
// answers factual questions, where peers give associations or may only ask questions,
// the next step (it has its own nudge) or the evaluation of the session. In a solo
// session every phase reflects but the next step.
func (tr *turn) asksReflection(ph *prompts.Phase, role prompts.Role) bool {
	if ph.Stage == prompts.StageNextStep {
		return false
	}
	if tr.solo() {
		return true
	}
	if ph.Rule == prompts.RuleQuestions && role == prompts.RolePeers {
		return false
	}
	return !slices.Contains([]prompts.Stage{prompts.StageChoose, prompts.StageDescribe, prompts.StageClarify,
		prompts.StageAssociate, prompts.StageListen, prompts.StageEvaluation}, ph.Stage)
}

// pressed reports whether the user's last contribution drew a request for a concrete
// detail (thin or vague); it clears the mark, since the user has now answered. At most
// one such follow-up in a row per person.
func (tr *turn) pressed(user string) bool {
	i := slices.Index(tr.sess.Pressed, user)
	if i < 0 {
		return false
	}
	tr.sess.Pressed = slices.Delete(tr.sess.Pressed, i, i+1)
	tr.dirty = true
	return true
}

// press marks that the user's last contribution drew a request for a concrete detail.
func (tr *turn) press(user string) {
	if !slices.Contains(tr.sess.Pressed, user) {
		tr.sess.Pressed = append(tr.sess.Pressed, user)
		tr.dirty = true
	}
}

// thinAsk is the kind request for one concrete detail after a thin answer, by name in
// a group. The takeaway asks for one thing taken away; a phase about other ways for one
// possibility, a plan for what exactly and when: not a moment that happened.
func (tr *turn) thinAsk(ph *prompts.Phase) string {
	key := "followup.thin"
	switch ph.Stage {
	case prompts.StageTakeaway:
		key += ".takeaway"
	case prompts.StageAlternatives:
		key += ".options"
	case prompts.StagePlan:
		key += ".plan"
	}
	if tr.solo() {
		return tr.msg(key + ".solo")
	}
	return tr.msg(key, "name", Quote(tr.ev.User.Name))
}

// readThin answers a thin contribution in a group once: a question about the feeling
// it names, else a kind request for one concrete detail. It reports whether it asked.
func (tr *turn) readThin(ph *prompts.Phase, role prompts.Role, text string, f FollowUp, ok bool) bool {
	if !thin(text) || !tr.asksReflection(ph, role) {
		return false
	}
	tr.press(tr.user())
	if ok && f.Reads && !f.Concrete { // the feeling it names
		tr.markAsked(f)
		tr.say(Quote(tr.ev.User.Name) + ", " + lowerFirst(tr.askText(f)))
		return true
	}
	tr.say(tr.thinAsk(ph))
	return true
}

// readThinPrivately answers a thin answer to a private round once, in the private
// conversation it came from, so nobody else learns of it.
func (tr *turn) readThinPrivately(ph *prompts.Phase, role prompts.Role, text string, wasPressed bool) {
	if wasPressed || !thin(text) || !tr.asksReflection(ph, role) {
		return
	}
	tr.press(tr.user())
	if ph.Stage == prompts.StageTakeaway {
		tr.tell(tr.msg("followup.thin.takeaway.solo"))
		return
	}
	tr.tell(tr.msg("followup.thin.private")) // no "next moves on": a peer does not lead
}

// soloFollowUp reads the answer of a solo reflection before the script goes on: deficit
// language, a decision without the parents or a feeling gets a question about it; a
// thin or vague answer a kind request for one detail, not twice in a row. Those do not
// count against the phase's questions. Then the phase's next question (its own first,
// unless the answer showed a theme), or the next phase. A next step gets no question:
// the check-in is offered, else the reflection closes.
func (tr *turn) soloFollowUp(ph *prompts.Phase, text string, wasPressed bool) {
	if ph.Stage == prompts.StageNextStep {
		// The step is written (a vague one was nudged before): no further question,
		// whose answer would read as a second step; the check-in, else the close.
		if tr.canOfferCheckIn() || tr.e.cfg.Scheduler != nil && tr.sess.CheckIn == "" && tr.sess.NudgedNextStep && !tr.sess.StepThanked {
			// offered with the request for a more concrete step: the concrete step is
			// thanked for and the choice asked again, not booked by default
			tr.sess.StepThanked = tr.sess.NudgedNextStep
			tr.sess.CheckInOffered = false
			tr.offerCheckIn()
			return
		}
		tr.confirmChosen() // a check-in chosen before the step
		tr.advance(true)
		return
	}
	f, ok := tr.followUp(text, prompts.RoleBringer, ph, true, wasPressed, nil)
	reads := ok && f.Reads && tr.asksReflection(ph, prompts.RoleBringer)
	switch {
	case !wasPressed && !(reads && !f.Concrete) && thin(text) && tr.asksReflection(ph, prompts.RoleBringer):
		tr.press(tr.user())
		tr.sess.Pending = tr.thinAsk(ph)
		tr.say(tr.sess.Pending)
	case reads:
		if f.Concrete {
			tr.press(tr.user())
		}
		tr.askSolo(f, thin(text))
	case tr.sess.AsksLeft > 0 && ok && !f.Reads:
		if q, own := tr.ownQuestion(ph); own && f.Why == "" {
			f = FollowUp{Question: q} // nothing read in the answer: what the phase is for
		}
		tr.sess.AsksLeft--
		tr.askSolo(f, thin(text))
	default:
		tr.advance(true)
	}
}

// askSolo asks a solo follow-up, after an acknowledgement unless the question answers
// what the answer said (a label, a decision, a feeling): "Thanks, that helps." before
// a question about "de ouders wilden gewoon niet" would praise the label. After a thin
// answer ("geen idee") the acknowledgement thanks for nothing.
func (tr *turn) askSolo(f FollowUp, thinAnswer bool) {
	tr.markAsked(f)
	tr.sess.Pending = f.Question.Text.In(tr.lang)
	if f.Reads {
		tr.say(tr.askText(f))
		return
	}
	tr.say(tr.ack(thinAnswer) + " " + tr.askText(f))
}

// acks is how many acknowledgements there are (solo.ack.0 …).
const acks = 5

// thinAcks is how many acknowledgements of a thin answer there are (solo.ack.thin.0 …).
const thinAcks = 2

// ack is a short acknowledgement, of a thin answer when thinAnswer; consecutive ones
// differ.
func (tr *turn) ack(thinAnswer bool) string {
	n := tr.sess.Acks
	tr.sess.Acks = (n + 1) % acks
	tr.dirty = true
	if thinAnswer {
		return tr.msg(fmt.Sprintf("solo.ack.thin.%d", n%thinAcks))
	}
	return tr.msg(fmt.Sprintf("solo.ack.%d", n))
}

// lowerFirst lower-cases the first letter of s, after any Markdown emphasis: the
// question follows a name ("ann, **je noemt…**").
func lowerFirst(s string) string {
	i := len(s) - len(strings.TrimLeft(s, "*_"))
	r, n := utf8.DecodeRuneInString(s[i:])
	if n == 0 {
		return s
	}
	return s[:i] + string(unicode.ToLower(r)) + s[i+n:]
}
