package bot

import (
	"context"
	"errors"

	"github.com/intervision-bot/intervision/state"
)

// endWhenFull answers `end` when the store refused it for want of memory (Redis at
// maxmemory with noeviction): the session cannot be closed, because closing writes
// the summary into it, but the people in it still get the summary of the session as it
// stands, with a note that it stays open and that nothing was saved. ok is false for
// every other failure. The outcome counts as unavailable: nothing was committed.
func (e *Engine) endWhenFull(ctx context.Context, ev Event, cmd *command, out Outcome, err error) (Outcome, bool) {
	if cmd == nil || cmd.word != "end" || !errors.Is(err, state.ErrFull) || ctx.Err() != nil {
		return Outcome{}, false
	}
	var file *File
	for _, r := range out.Replies {
		if r.File != nil {
			file = r.File
			break
		}
	}
	if file == nil {
		return Outcome{}, false
	}
	e.obs.StoreError(errorClass(err))
	e.log.Warn("store full: sent the summary, the session stays open", "conv", Key(ev.Conv).String())
	lang := e.userLang(ev)
	if l, _ := e.sessionLang(ctx, ev.Conv); l != "" {
		lang = l
	}
	return Outcome{Replies: []Reply{{Text: e.msg("end.full", lang), File: file}}, fault: "unavailable"}, true
}
