package bot

import (
	"context"
	"encoding/json"

	"github.com/intervision-bot/intervision/state"
)

// note is what the bot remembers of a case bringer between sessions: the one small
// next step they named last, so that the next session can start from what came of it.
// It is one small record per user and workspace, written when the next step is named and
// read when they bring a case again: two store commands per session, whatever the
// number of sessions before.
type note struct {
	NextStep string `json:"next_step"`
	At       stamp  `json:"at"`
}

// noteKey is the key of a user's note in a space. Its channel is empty, which no
// platform conversation has, so it cannot collide with a session.
func noteKey(space state.Space, user string) state.Key {
	return state.Key{Platform: space.Platform, Workspace: space.Workspace, Thread: "note:" + user}
}

// writeNote stores the next step a case bringer named. A failure costs only the
// reminder next time, so it is logged, not reported.
func (e *Engine) writeNote(ctx context.Context, space state.Space, user, nextStep string, at stamp) {
	b, err := json.Marshal(note{NextStep: nextStep, At: at})
	if err == nil {
		err = e.store.Update(ctx, noteKey(space, user), "", func([]byte) (state.Change, error) {
			return state.Change{Data: b}, nil
		})
	}
	if err != nil {
		e.log.Warn("write next-step note", "err", err)
	}
}

// readNote returns a user's note, or nil.
func (e *Engine) readNote(ctx context.Context, space state.Space, user string) *note {
	b, err := e.store.Get(ctx, noteKey(space, user))
	if err != nil || len(b) == 0 {
		return nil
	}
	var n note
	if json.Unmarshal(b, &n) != nil || n.NextStep == "" {
		return nil
	}
	return &n
}

// lookBack reminds a case bringer, privately, of the next step they named last time.
func (tr *turn) lookBack() {
	if n := tr.e.readNote(tr.ctx, Key(tr.ev.Conv).Space(), tr.user()); n != nil {
		tr.tell(tr.msg("lookback", "date", n.At.Time().Format("2006-01-02"), "step", blockquote(n.NextStep)))
	}
}
