package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// This file is the private round (a phase with `private: true`, such as the incident
// method's "what would you do?"): each member the phase waits for fixes their answer
// on their own, in a direct message to the bot, before anyone sees another's. The
// thread only hears how many have chosen; when all have (or the lead moves on, or the
// time is up) the bot shows every answer together, by name, in the thread.
//
// The way in is the ordinary event path: the bot writes to each of them by DM
// (Reply.Direct) and remembers, per person, which session's round waits for them (a
// small pointer record, privateKey). A message they send the bot in a DM where no
// session of its own runs is decided in that group session, as their contribution to
// the round: through the same turn, rules, pseudonymiser and privacy notice as a
// message in the thread, so that forget and export find it. The public replies of such
// a turn carry Reply.In, the thread, where adapters post them.

// privateRef is what the pointer record holds: where a person's open private round
// is. Ids only, never text.
type privateRef struct {
	Conv Conversation `json:"conv"`
	Seq  int          `json:"seq"` // the session's PhaseSeq when the round opened
}

// privateKey is the key of a user's pointer to the private round that waits for them
// on a platform. It has no workspace: a Discord DM belongs to no guild. It holds no
// text, only where the round is, and the turn that uses it checks that the user is a
// member the round waits for.
func privateKey(platform, user string) state.Key {
	return state.Key{Platform: platform, Thread: "private:" + user}
}

// privatePointerTTL is how long a pointer lives beyond the round's box: a round
// cannot wait longer than its box and one extension.
const privatePointerTTL = 24 * time.Hour

// pointerTTL is how long the pointers of the current round live.
func (tr *turn) pointerTTL() time.Duration {
	if ph := tr.phase(); ph != nil {
		return 2*tr.box(ph) + privatePointerTTL
	}
	return privatePointerTTL
}

// openRound reports whether the current phase is a private round whose answers are
// not shown yet.
func (tr *turn) openRound(ph *prompts.Phase) bool {
	return ph != nil && ph.Private && !tr.solo() && !tr.sess.Revealed
}

// askPrivately writes, by DM, to each member the private round waits for, and notes
// them for a pointer record.
func (tr *turn) askPrivately(ph *prompts.Phase) {
	for _, m := range tr.waiting(ph) {
		tr.askOne(m, ph)
	}
}

// askOne writes to one member by DM for the private round.
func (tr *turn) askOne(m member, ph *prompts.Phase) {
	tr.replies = append(tr.replies, Reply{To: m.ID, Direct: true,
		Text: tr.msg("private.ask", "name", Quote(m.Name), "phase", ph.Title.In(tr.lang),
			"instruction", ph.InstructionFor(tr.sess.Mode, tr.lang), "left", tr.leftText())})
	tr.pointers = append(tr.pointers, m.ID)
}

// chosen counts the members the round waits for who have answered, of all it waits for.
func (tr *turn) chosen(ph *prompts.Phase) (n, of int) {
	for _, m := range tr.sess.Members {
		if !tr.expects(ph, tr.sess.role(m.ID)) {
			continue
		}
		of++
		if tr.sess.contributed(m.ID, ph.ID) {
			n++
		}
	}
	return n, of
}

// privatePace answers a private contribution: the writer hears it is saved, the
// thread how many have chosen; the last answer shows them all.
func (tr *turn) privatePace(ph *prompts.Phase) {
	if tr.contributionsIn(tr.user(), ph.ID) > 1 {
		tr.tell(tr.msg("private.added"))
		return
	}
	n, of := tr.chosen(ph)
	if n >= of {
		tr.tell(tr.msg("private.saved_last"))
		tr.reveal(ph)
		return
	}
	tr.tell(tr.msg("private.saved"))
	tr.say(tr.msg("private.count", "n", fmt.Sprint(n), "of", fmt.Sprint(of), "phase", ph.Title.In(tr.lang)))
	tr.nudgeLast(ph)
}

// reveal shows every answer of the private round together, by name, in the thread.
func (tr *turn) reveal(ph *prompts.Phase) {
	tr.sess.Revealed, tr.sess.AllIn = true, true
	tr.dirty = true
	lines := []string{tr.msg("private.reveal", "phase", ph.Title.In(tr.lang))}
	for _, m := range tr.sess.Members {
		if !tr.expects(ph, tr.sess.role(m.ID)) {
			continue
		}
		var parts []string
		for _, c := range tr.sess.Contributions {
			if c.User == m.ID && c.Phase == ph.ID {
				parts = append(parts, Quote(strings.Join(strings.Fields(c.Text), " ")))
			}
		}
		answer := strings.Join(parts, " ")
		if answer == "" {
			answer = "_" + tr.msg("private.none") + "_"
		}
		lines = append(lines, "- **"+Quote(m.Name)+":** "+answer)
	}
	lines = append(lines, tr.msg("private.after", "leads", tr.leadNames()))
	tr.say(strings.Join(lines, "\n"), tr.nextButton())
}

// privateRule keeps the private round's rules for a contribution; it reports whether
// the contribution may be added. A DM answer that finds no open round for its writer
// is not saved, and a message in the thread during the round is pointed to the DM.
func (tr *turn) privateRule(ph *prompts.Phase, role prompts.Role) bool {
	open := tr.openRound(ph) && tr.expects(ph, role)
	switch {
	case tr.ev.private && !open:
		tr.tell(tr.msg("private.closed"))
		return false
	case !tr.ev.private && open:
		tr.tell(tr.msg("private.thread", "phase", ph.Title.In(tr.lang)))
		return false
	}
	return true
}

// writePointers records, for each user a private round just asked, where the round
// is. A failure means that user's DM answer cannot be routed: it is logged, and the
// time box still moves the round on.
func (e *Engine) writePointers(ctx context.Context, conv Conversation, seq int, ttl time.Duration, users []string) {
	b, err := json.Marshal(privateRef{Conv: conv, Seq: seq})
	if err != nil {
		return
	}
	for _, u := range users {
		err := e.store.Update(ctx, privateKey(conv.Platform, u), "", func([]byte) (state.Change, error) {
			return state.Change{Data: b, TTL: ttl}, nil
		})
		if err != nil {
			e.log.Warn("write private round pointer", "conv", Key(conv).String(), "err", err)
		}
	}
}

// privateRoute finds the group session whose private round a direct message answers:
// plain text (or keep/rewrite with text) from a user with a pointer, in a DM where no
// session of its own is open (a solo reflection there keeps its messages: what is
// written in it never goes to a group), while the session is still in the phase that
// asked them (a late answer hears that the round is over). It returns the event
// placed in that session's conversation.
func (e *Engine) privateRoute(ctx context.Context, ev Event, cmd *command) (Event, bool) {
	if !ev.Conv.Direct || ev.timer != nil || ev.User.ID == "" {
		return ev, false
	}
	if cmd != nil && !((cmd.word == "keep" || cmd.word == "rewrite") && strings.TrimSpace(cmd.rest) != "") {
		return ev, false
	}
	b, err := e.store.Get(ctx, privateKey(ev.Conv.Platform, ev.User.ID))
	if err != nil || len(b) == 0 {
		return ev, false // the common case: no round waits for them, one read
	}
	if _, active := e.sessionLang(ctx, ev.Conv); active {
		return ev, false
	}
	var ref privateRef
	if json.Unmarshal(b, &ref) != nil || ref.Conv.Platform != ev.Conv.Platform || ref.Conv.Direct || !ref.Conv.InThread() {
		return ev, false
	}
	cur, err := e.store.Get(ctx, Key(ref.Conv))
	if err != nil {
		return ev, false
	}
	sess, err := decodeSession(cur)
	if err != nil || sess == nil || sess.Status != statusRunning || sess.PhaseSeq != ref.Seq || !sess.isMember(ev.User.ID) {
		return ev, false // moved on, over, or never theirs: the DM is an ordinary DM
	}
	routed := ev
	routed.Conv, routed.private = ref.Conv, true
	return routed, true
}

// answerPrivately decides a routed DM in its group session. The thread's replies go
// there (Reply.In); the writer's own replies stay in the DM; anything for someone
// else goes to them by DM.
func (e *Engine) answerPrivately(ctx context.Context, ev Event, cmd *command) (Outcome, error) {
	out, err := e.apply(ctx, ev, cmd)
	if err != nil {
		return out, err
	}
	for i := range out.Replies {
		r := &out.Replies[i]
		switch {
		case r.To == "":
			conv := ev.Conv
			r.In = &conv
		case r.To != ev.User.ID:
			r.Direct = true
		}
	}
	return out, nil
}
