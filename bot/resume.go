package bot

import (
	"context"
	"sort"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// This file is what an adapter needs to catch up after a reconnect. A platform does
// not always replay what was posted while the bot was away (Discord after a fresh
// IDENTIFY, Slack once its retries ran out, any platform while the process was down):
// the adapter then lists the open sessions (Engine.Resumable), fetches each one's
// messages after its Seq from the platform, and hands them to Handle like any message,
// with the ids it always uses, so what was applied before is a duplicate.

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
		out = append(out, Resumable{Key: k, After: sess.Seq, Since: sess.Updated.Time()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key.String() < out[j].Key.String() })
	return out, nil
}

// keepSeq records the event's Seq in the session when it is later than the one kept.
func (tr *turn) keepSeq() {
	if tr.sess == nil || tr.deleted || tr.ev.Seq == "" || !SeqAfter(tr.ev.Seq, tr.sess.Seq) {
		return
	}
	tr.sess.Seq = tr.ev.Seq
	tr.dirty = true
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
