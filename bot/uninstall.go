package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// This file purges a workspace's data by itself when the app is removed from it (Slack
// app_uninstalled or tokens_revoked; Discord: the bot removed from a server), after a
// grace period in which the team may come back.

// SpaceWatcher is an optional capability of a Handler (the Engine has it): adapters
// tell it when the app was removed from a workspace, or added to it again.
type SpaceWatcher interface {
	SpaceRemoved(ctx context.Context, space state.Space) error
	SpaceReturned(ctx context.Context, space state.Space) error
}

var _ SpaceWatcher = (*Engine)(nil)

// wakePurge is the timer that purges a removed workspace.
const wakePurge = "purge"

// removedKey marks a workspace the app was removed from. Its thread is no platform's
// thread id.
func removedKey(space state.Space) state.Key {
	return state.Key{Platform: space.Platform, Workspace: space.Workspace, Thread: "removed:"}
}

// removal is the marker's record.
type removal struct {
	At stamp `json:"at"`
}

// SpaceRemoved notes that the app was removed from space and plans its purge after
// Config.PurgeAfter. Told twice, the first removal counts.
func (e *Engine) SpaceRemoved(ctx context.Context, space state.Space) error {
	if e.cfg.PurgeAfter < 0 || e.cfg.Scheduler == nil {
		e.log.Info("app removed from a workspace; no automatic purge", "space", space.Platform+":"+space.Workspace)
		return nil
	}
	now := e.cfg.Now()
	at := stampOf(now)
	err := e.store.Update(ctx, removedKey(space), "", func(cur []byte) (state.Change, error) {
		var r removal
		if json.Unmarshal(cur, &r) == nil && r.At != 0 {
			at = r.At
			return state.Change{}, nil
		}
		b, err := json.Marshal(removal{At: at})
		return state.Change{Data: b}, err
	})
	if err != nil {
		return fmt.Errorf("note removal: %w", err)
	}
	w := wake{Conv: Conversation{Platform: space.Platform, Workspace: space.Workspace}, Kind: wakePurge, Plan: int(at)}
	due := at.Time().Add(e.cfg.PurgeAfter)
	w.Due = due.Unix()
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	id := fmt.Sprintf("%s:%s|purge|%d", space.Platform, space.Workspace, at)
	if err := e.cfg.Scheduler.Schedule(ctx, state.Timer{ID: id, Due: due, Payload: b}); err != nil {
		return fmt.Errorf("plan purge: %w", err)
	}
	e.log.Info("app removed from a workspace; purge planned", "space", space.Platform+":"+space.Workspace, "at", due)
	return nil
}

// SpaceReturned cancels a planned purge: the app is back in space.
func (e *Engine) SpaceReturned(ctx context.Context, space state.Space) error {
	return e.store.Update(ctx, removedKey(space), "", func(cur []byte) (state.Change, error) {
		if cur == nil {
			return state.Change{}, nil
		}
		return state.Change{Delete: true}, nil
	})
}

// purge fires a planned purge: unless the app came back (the marker is gone or newer)
// or the workspace was used again since, everything of that workspace is deleted.
func (e *Engine) purge(ctx context.Context, ev Event) (Outcome, error) {
	space := Key(ev.Conv).Space()
	b, err := e.store.Get(ctx, removedKey(space))
	if err != nil {
		return Outcome{}, fmt.Errorf("purge: %w", err)
	}
	var r removal
	if len(b) == 0 || json.Unmarshal(b, &r) != nil || int(r.At) != ev.timer.Plan {
		return Outcome{}, nil // the app came back, or a later removal plans its own
	}
	if used, err := e.usedSince(ctx, space, r.At.Time()); err != nil || used {
		if err == nil {
			err = e.SpaceReturned(ctx, space)
		}
		return Outcome{}, err
	}
	n, err := e.PurgeSpace(ctx, space)
	if err != nil {
		return Outcome{}, fmt.Errorf("purge: %w", err)
	}
	e.log.Info("workspace purged after the app was removed", "space", space.Platform+":"+space.Workspace, "records", n)
	return Outcome{}, nil
}

// usedSince reports whether a member did something in a session of space after t (a
// team that reinstalled the app and only reads its kept summaries counts too).
func (e *Engine) usedSince(ctx context.Context, space state.Space, t time.Time) (bool, error) {
	keys, err := e.sessionKeys(ctx, state.Filter(space))
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		b, err := e.store.Get(ctx, k)
		if err != nil {
			return false, err
		}
		if sess, err := decodeSession(b); err == nil && sess != nil && sess.Active.Time().After(t) { // a member did something
			return true, nil
		}
	}
	return false, nil
}
