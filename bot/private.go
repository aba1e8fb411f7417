package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// This file is the private round (a phase with `private: true`, such as the incident
// method's "what would you do?"): each member the phase waits for fixes their answer
// on their own, in a direct message to the bot, before anyone sees another's. The
// thread only hears how many have answered; when all have (or the lead moves on, or the
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
	// Listen marks a member the round does not wait for (the case bringer while the
	// peers answer): a DM from them is not saved, and they hear that the peers are
	// answering and where the answers will be shown.
	Listen bool `json:"listen,omitempty"`
}

// privateKey is the key of a user's pointer to the private round that waits for them
// on a platform. It has no workspace: a Discord DM belongs to no guild. It holds no
// text, only where the round is, and the turn that uses it checks that the user is a
// member the round waits for.
func privateKey(platform, user string) state.Key {
	return state.Key{Platform: platform, Thread: privatePrefix + user}
}

// privatePrefix begins the thread of every pointer record's key.
const privatePrefix = "private:"

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
// them for a pointer record; the members it does not wait for get a listening pointer.
func (tr *turn) askPrivately(ph *prompts.Phase) {
	for _, m := range tr.waiting(ph) {
		tr.askOne(m, ph)
	}
	for _, m := range tr.sess.Members {
		if !tr.expects(ph, tr.sess.role(m.ID)) {
			tr.listeners = append(tr.listeners, m.ID)
		}
	}
}

// askOne writes to one member by DM for the private round. Someone with a solo
// reflection open in their DM hears that what they write there stays in it, and how to
// answer the round all the same (`answer …`).
func (tr *turn) askOne(m member, ph *prompts.Phase) {
	key := "private.ask"
	if tr.e.soloInDirect(tr.ctx, tr.ev.Conv, m.ID) {
		key = "private.ask_solo"
	}
	tr.replies = append(tr.replies, Reply{To: m.ID, Direct: true,
		Text: tr.msg(key, "name", Quote(m.Name), "phase", ph.Title.In(tr.lang),
			"instruction", ph.InstructionFor(tr.sess.Mode, tr.lang), "left", tr.leftText())})
	tr.pointers = append(tr.pointers, m.ID)
}

// soloInDirect reports whether user has a solo reflection open in a direct message
// with the bot: a solo session they started, not ended, in a conversation of their
// index that is no thread (a solo reflection in a channel runs in a thread of its own).
// The DM of a Discord user belongs to no guild, so the space without a workspace is
// looked in too. A store failure reads as none: the invitation then says "here".
func (e *Engine) soloInDirect(ctx context.Context, conv Conversation, user string) bool {
	spaces := []state.Space{Key(conv).Space()}
	if conv.Workspace != "" {
		spaces = append(spaces, state.Space{Platform: conv.Platform})
	}
	for _, sp := range spaces {
		keys, err := e.store.Conversations(ctx, sp, user)
		if err != nil {
			return false
		}
		for _, k := range keys {
			if k.Thread != "" || k.Channel == "" || k == Key(conv) {
				continue
			}
			b, err := e.store.Get(ctx, k)
			if err != nil {
				continue
			}
			if s, err := decodeSession(b); err == nil && s != nil && s.Mode == prompts.ModeSolo && s.Starter == user && s.Status != statusDone {
				return true
			}
		}
	}
	return false
}

// answer is `answer TEXT`: a contribution to the private round that waits for the
// writer, sent from a DM where a solo reflection would otherwise keep it (the engine
// routes it to the group session, privateRoute). Anywhere else it is an ordinary
// contribution, under the phase's rules; in a DM with no round waiting it is refused.
func (tr *turn) answer(c command) {
	text := strings.TrimSpace(c.rest)
	if l, ok := typedLang(tr.ev.Text); ok && tr.sess == nil {
		tr.lang = l // "antwoord" in a DM without a session: answer in Dutch
	}
	switch {
	case text == "":
		tr.tell(tr.msg("private.answer_empty"))
	case tr.ev.Conv.Direct && !tr.ev.private:
		tr.tell(tr.msg("private.answer_none"))
	case !tr.needMember() || !tr.running():
	default:
		tr.contribute(text, true)
	}
}

// chosen counts the members the round waits for who have answered, of all it waits
// for. An answer the bot just asked more about (Pressed) is not counted yet.
func (tr *turn) chosen(ph *prompts.Phase) (n, of int) {
	for _, m := range tr.sess.Members {
		if !tr.expects(ph, tr.sess.role(m.ID)) {
			continue
		}
		of++
		if tr.sess.contributed(m.ID, ph.ID) && !slices.Contains(tr.sess.Pressed, m.ID) {
			n++ // a thin answer asked for more counts with the next message or the box
		}
	}
	return n, of
}

// privatePace answers a private contribution: the writer hears it is saved, the
// thread how many have answered; the last answer shows them all. An answer the bot
// just asked more about waits for the writer's next message (or the box), so that the
// fuller answer is not refused; that next message counts it. wasPressed says that this
// message answers such a request.
func (tr *turn) privatePace(ph *prompts.Phase, wasPressed bool) {
	switch {
	case slices.Contains(tr.sess.Pressed, tr.user()):
		return // the request for more was said; the count waits for the answer
	case tr.contributionsIn(tr.user(), ph.ID) > 1 && !wasPressed:
		tr.tell(tr.msg("private.added"))
		return
	}
	n, of := tr.chosen(ph)
	if n >= of {
		tr.tell(tr.msg("private.saved_last"))
		tr.reveal(ph, false)
		return
	}
	tr.tell(tr.msg("private.saved"))
	tr.say(tr.msg("private.count", "n", fmt.Sprint(n), "of", fmt.Sprint(of), "phase", ph.Title.In(tr.lang)))
	tr.nudgeLast(ph)
}

// reveal shows every answer of the private round together, by name, in the thread.
func (tr *turn) reveal(ph *prompts.Phase, leaving bool) {
	tr.sess.Revealed, tr.sess.AllIn = true, true
	tr.dirty = true
	lines := []string{tr.msg("private.reveal", "phase", ph.Title.In(tr.lang))}
	for _, m := range tr.sess.Members {
		if !tr.expects(ph, tr.sess.role(m.ID)) {
			continue
		}
		lines = append(lines, tr.revealed(ph, m))
	}
	if leaving { // the phase ends in this same turn: nothing to explain here, no button
		tr.say(strings.Join(lines, "\n"))
		return
	}
	lines = append(lines, tr.msg("private.after", "leads", tr.leadNames()))
	tr.say(strings.Join(lines, "\n"), tr.nextButton())
}

// revealed is one member's line of the reveal: their answer after their name, or,
// when they sent several messages (a thin answer and the fuller one the bot asked
// for, an addition), each message on a line of its own under their name, in order.
func (tr *turn) revealed(ph *prompts.Phase, m member) string {
	var parts []string
	for _, c := range tr.sess.Contributions {
		if c.User == m.ID && c.Phase == ph.ID {
			parts = append(parts, Quote(strings.Join(strings.Fields(c.Text), " ")))
		}
	}
	head := "- **" + Quote(m.Name) + ":**"
	switch len(parts) {
	case 0:
		return head + " _" + tr.msg("private.none") + "_"
	case 1:
		return head + " " + parts[0]
	}
	return head + "\n  - " + strings.Join(parts, "\n  - ")
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
// is (for each one it listens to, listen: where the round is that they do not answer).
// A listening pointer never replaces one of another session's round that waits for
// that user. A failure means that user's DM answer cannot be routed: it is logged, and
// the time box still moves the round on.
func (e *Engine) writePointers(ctx context.Context, conv Conversation, seq int, ttl time.Duration, users []string, listen bool) {
	b, err := json.Marshal(privateRef{Conv: conv, Seq: seq, Listen: listen})
	if err != nil {
		return
	}
	for _, u := range users {
		err := e.store.Update(ctx, privateKey(conv.Platform, u), "", func(cur []byte) (state.Change, error) {
			var was privateRef
			if listen && cur != nil && json.Unmarshal(cur, &was) == nil && !was.Listen && was.Conv != conv {
				return state.Change{}, nil // another round waits for their answer
			}
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
// written in it never goes to a group), or `answer TEXT` from any DM, while the session
// is still in the phase that asked them. It returns the event placed in that session's
// conversation. A late answer (the answers were shown, or the session moved on or
// ended) gets late: private.closed in the session's language; the pointer is deleted.
// A member the round does not wait for (a listening pointer) gets late too, while the
// round is open: private.listen (listening); once it is over their DM is ordinary.
func (e *Engine) privateRoute(ctx context.Context, ev Event, cmd *command) (routed Event, late *Outcome, ok bool) {
	answer, may := mayAnswerRound(ev, cmd)
	if !may {
		return ev, nil, false
	}
	pk := privateKey(ev.Conv.Platform, ev.User.ID)
	b, err := e.store.Get(ctx, pk)
	if err != nil || len(b) == 0 {
		return ev, nil, false // the common case: no round waits for them, one read
	}
	if _, active := e.sessionLang(ctx, ev.Conv); active && !answer {
		return ev, nil, false
	}
	var ref privateRef
	if json.Unmarshal(b, &ref) != nil || ref.Conv.Platform != ev.Conv.Platform || ref.Conv.Direct || !ref.Conv.InThread() {
		return ev, nil, false
	}
	cur, err := e.store.Get(ctx, Key(ref.Conv))
	if err != nil {
		return ev, nil, false
	}
	sess, err := decodeSession(cur)
	if err != nil || sess == nil || !sess.isMember(ev.User.ID) {
		return ev, nil, false // gone, or never theirs: the DM is an ordinary DM
	}
	over := sess.Status != statusRunning || sess.PhaseSeq != ref.Seq || sess.Revealed
	switch {
	case over && ref.Listen:
		e.dropPointer(ctx, pk, b)
		return ev, nil, false // the round they listened to is over: an ordinary DM
	case over:
		e.dropPointer(ctx, pk, b)
		out := Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg("private.closed", sess.Lang)}}, Lang: sess.Lang}
		return ev, &out, false
	case ref.Listen:
		out := e.listening(ctx, ev, sess)
		return ev, &out, false
	}
	routed = ev
	routed.Conv, routed.private = ref.Conv, true
	return routed, nil, true
}

// listening answers a DM from a member the open private round does not wait for (the
// case bringer while the peers answer): kindly, in the session's language, that the
// peers are answering and the answers will be shown in the thread. Nothing is saved;
// the event id is recorded in the DM, so a redelivered message gets no second reply.
func (e *Engine) listening(ctx context.Context, ev Event, sess *session) Outcome {
	if ev.ID != "" {
		err := e.store.Update(ctx, Key(ev.Conv), ev.ID, func([]byte) (state.Change, error) { return state.Change{}, nil })
		switch {
		case errors.Is(err, state.ErrDuplicate):
			return Outcome{Duplicate: true}
		case err != nil:
			e.log.Warn("record a listener's direct message", "err", err)
		}
	}
	tr := &turn{ctx: ctx, e: e, ev: ev, sess: sess, lang: sess.Lang}
	return Outcome{Replies: []Reply{{To: ev.User.ID, Text: tr.msg("private.listen", "phase", tr.phaseTitle())}}, Lang: sess.Lang}
}

// mayAnswerRound reports whether ev can answer a private round: a person's direct
// message of plain text, keep or rewrite with text, or `answer TEXT` (answer).
func mayAnswerRound(ev Event, cmd *command) (answer, may bool) {
	if !ev.Conv.Direct || ev.timer != nil || ev.User.ID == "" {
		return false, false
	}
	if cmd == nil {
		return false, true
	}
	withText := strings.TrimSpace(cmd.rest) != ""
	answer = cmd.word == "answer" && withText
	return answer, answer || ((cmd.word == "keep" || cmd.word == "rewrite") && withText)
}

// dropPointer deletes a pointer whose round is over, unless a newer round wrote it
// meanwhile. A failure only leaves a pointer that says the same again.
func (e *Engine) dropPointer(ctx context.Context, k state.Key, was []byte) {
	err := e.store.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
		if string(cur) != string(was) {
			return state.Change{}, nil
		}
		return state.Change{Delete: true}, nil
	})
	if err != nil {
		e.log.Warn("delete private round pointer", "err", err)
	}
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
