package bot

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// This file is what an adapter needs to catch up after a reconnect. A platform does
// not always replay what was posted while the bot was away (Discord after a fresh
// IDENTIFY, Slack once its retries ran out, any platform while the process was down):
// the adapter then lists the open sessions (Engine.Resumable), fetches each one's
// messages after its Seq from the platform, and hands them to Handle like any message,
// with the ids it always uses, so what was applied before is a duplicate. While a
// private round is open, the answers its members owe come by DM: the adapter fetches
// the DM of each of them (Resumable.Owing) after the same point and hands those
// messages to Handle too, as the DMs they are; the engine routes them to the round.

// Resumer is an optional capability of a Handler; *Engine has it.
type Resumer interface {
	// Resumable lists the open sessions f selects, each with the point to catch up from.
	Resumable(ctx context.Context, f state.Filter) ([]Resumable, error)
}

// Resumable is an open session an adapter may have missed messages of.
type Resumable struct {
	// Key is the session's conversation.
	Key state.Key
	// After is the latest Event.Seq applied in the session; empty when none was.
	After string
	// Since is when the session last changed: the point to catch up from when After
	// is empty (a session of an earlier version, or one moved only by clicks).
	Since time.Time
	// Owing are the members an open private round of the session still waits for
	// (no answer yet, or asked for more after a thin one), sorted: the answers they
	// sent by DM while the adapter was away are in their DMs with the bot, after the
	// same point (After, else Since).
	Owing []string
}

var _ Resumer = (*Engine)(nil)

// Resumable lists the sessions f selects that are open (lobby or running), oldest key
// first. It needs a store that is a state.Lister (ErrNotListable otherwise).
func (e *Engine) Resumable(ctx context.Context, f state.Filter) ([]Resumable, error) {
	keys, err := e.sessionKeys(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []Resumable
	for _, k := range keys {
		b, err := e.store.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		sess, err := decodeSession(b)
		if err != nil || sess == nil || sess.Status != statusLobby && sess.Status != statusRunning {
			continue // gone meanwhile, finished, or not a session
		}
		out = append(out, Resumable{Key: k, After: sess.Seq, Since: sess.Updated.Time(), Owing: e.owing(sess)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key.String() < out[j].Key.String() })
	return out, nil
}

// owing lists the members sess's open private round still waits for, sorted; nil
// when no private round is open.
func (e *Engine) owing(sess *session) []string {
	tr := &turn{e: e, sess: sess, lang: sess.Lang}
	ph := tr.phase()
	if !tr.openRound(ph) {
		return nil
	}
	var out []string
	for _, m := range sess.Members {
		if tr.expects(ph, sess.role(m.ID)) && (!sess.contributed(m.ID, ph.ID) || slices.Contains(sess.Pressed, m.ID)) {
			out = append(out, m.ID)
		}
	}
	sort.Strings(out)
	return out
}

// keepSeq records the event's Seq in the session when it is later than the one kept.
func (tr *turn) keepSeq() {
	if tr.sess == nil || tr.deleted || tr.ev.Seq == "" || !SeqAfter(tr.ev.Seq, tr.sess.Seq) {
		return
	}
	tr.sess.Seq = tr.ev.Seq
	tr.dirty = true
}

// Earlier is a or b with the earlier point to catch up from: the one with the earlier
// After; a point without an After is only its Since, and the earlier Since is kept. A
// DM that two private rounds wait on is caught up from the sooner of the two.
func Earlier(a, b Resumable) Resumable {
	switch {
	case a.After == "" || b.After == "":
		if b.Since.Before(a.Since) {
			a.Since = b.Since
		}
		a.After = ""
	case SeqAfter(a.After, b.After):
		a.After = b.After
	}
	return a
}

// SeqAfter reports whether a comes after b as Event.Seq orders them: decimal numbers
// (a Discord snowflake, a Slack ts "1700000000.000100") compared by length first, then
// lexically. Anything comes after "".
func SeqAfter(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}
