package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// This file is the operators' view of the engine's records (`intervision admin`):
// the open sessions, ids and counts only; a user's erasure asked of the organisation;
// and what a workspace holds before it is purged.

// ErrNotListable means the store cannot enumerate its records (state.Lister) or purge
// a space (state.Purger).
var ErrNotListable = errors.New("bot: the store cannot list or purge its records")

// SessionInfo describes one open session for an operator: ids, method, phase and
// counts, never text or names.
type SessionInfo struct {
	// Key holds the platform, workspace, channel and thread ids.
	Key state.Key
	// Method is the method id; Mode is prompts.ModeGroup or prompts.ModeSolo.
	Method, Mode string
	// Phase is "lobby" or the current phase's id.
	Phase string
	// Started is when the session began; Age is how long ago, by the engine's clock.
	Started time.Time
	Age     time.Duration
	// Members is the number of participants.
	Members int
}

// Receipt counts what an erasure deleted.
type Receipt struct {
	// Messages are the user's contributions deleted.
	Messages int
	// Sessions are the sessions the user was removed from (or that were deleted).
	Sessions int
	// Summaries are kept summaries the user's lines were taken out of.
	Summaries int
	// Note tells whether the user's next-step note was deleted.
	Note bool
	// Ended are the group sessions that were still running with the user as their case
	// bringer, and so ended without them (the engine tells each group, for the user's
	// own forget), with the language of each.
	Ended []EndedSession
}

// EndedSession is a group session that forget ended: its conversation and language.
type EndedSession struct {
	Key  state.Key
	Lang string
}

// Inventory is what a space holds in the store, for an operator about to purge it.
type Inventory struct {
	// Sessions, Notes and Reports are the records by kind; Pointers are a private
	// round's pointers to the session that waits for a user's answer (bot/private.go).
	Sessions, Notes, Reports, Pointers int
	// Users are user indexes; Events are event ids remembered against duplicates.
	Users, Events int
}

// Total is the number of store entries.
func (i Inventory) Total() int {
	return i.Sessions + i.Notes + i.Reports + i.Pointers + i.Users + i.Events
}

// Record kinds by key.
const (
	kindSession = iota
	kindNote
	kindReport
	kindPointer
)

// recordKind tells a session's key from a note's (noteKey), a report record's
// (reportKey) and a private round's pointer's (privateKey).
func recordKind(k state.Key) int {
	switch {
	case k.Channel == "" && strings.HasPrefix(k.Thread, privatePrefix):
		return kindPointer
	case k.Channel == "" && strings.HasPrefix(k.Thread, "note:"):
		return kindNote
	case k.Thread == "report:":
		return kindReport
	}
	return kindSession
}

func (e *Engine) lister() (state.Lister, error) {
	l, ok := e.store.(state.Lister)
	if !ok {
		return nil, fmt.Errorf("%w (%T)", ErrNotListable, e.store)
	}
	return l, nil
}

// sessionKeys lists the keys of the sessions f selects (no notes, no report records),
// sorted.
func (e *Engine) sessionKeys(ctx context.Context, f state.Filter) ([]state.Key, error) {
	l, err := e.lister()
	if err != nil {
		return nil, err
	}
	keys, err := l.Keys(ctx, f)
	if err != nil {
		return nil, err
	}
	out := keys[:0]
	for _, k := range keys {
		if recordKind(k) == kindSession {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// OpenSessions lists the sessions f selects that have not finished, oldest first.
// It needs a store that is a state.Lister.
func (e *Engine) OpenSessions(ctx context.Context, f state.Filter) ([]SessionInfo, error) {
	keys, err := e.sessionKeys(ctx, f)
	if err != nil {
		return nil, err
	}
	now := e.cfg.Now()
	var out []SessionInfo
	for _, k := range keys {
		b, err := e.store.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		sess, err := decodeSession(b)
		if err != nil || sess == nil || sess.Status != statusLobby && sess.Status != statusRunning {
			continue // gone meanwhile, finished, or not a session
		}
		out = append(out, SessionInfo{Key: k, Method: sess.Method, Mode: sess.Mode, Phase: e.phaseOf(sess),
			Started: sess.Started.Time(), Age: now.Sub(sess.Started.Time()), Members: len(sess.Members)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Started.Before(out[j].Started) })
	return out, nil
}

// phaseOf is a stored session's phase id, as Outcome.Phase names it.
func (e *Engine) phaseOf(s *session) string {
	if s.Status != statusRunning {
		return s.Status
	}
	if p := e.lib.Plan(s.Method, s.Mode); p != nil && s.PhaseIndex >= 0 && s.PhaseIndex < len(p.Phases) {
		return p.Phases[s.PhaseIndex].ID
	}
	return "step " + strconv.Itoa(s.PhaseIndex) // a method no longer in the library
}

// ForgetUser deletes what user contributed in space, as their own `forget yes` does:
// their contributions, their membership, their lines in kept summaries, their note and
// their index. It is for an erasure request that reaches the organisation. Besides
// the user's index it looks through every session of the space when the store is a
// state.Lister, so a conversation whose index entry expired is not missed.
func (e *Engine) ForgetUser(ctx context.Context, space state.Space, user string) (Receipt, error) {
	if user == "" || space.Platform == "" || space.Workspace == "" {
		return Receipt{}, errors.New("bot: forget needs a platform, a workspace and a user id")
	}
	indexed, err := e.store.Conversations(ctx, space, user)
	if err != nil {
		return Receipt{}, err
	}
	seen := map[state.Key]bool{}
	var keys []state.Key
	add := func(k state.Key) {
		if k.Space() == space && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, k := range indexed {
		add(k)
	}
	if _, ok := e.store.(state.Lister); ok {
		all, err := e.sessionKeys(ctx, state.Filter(space))
		if err != nil {
			return Receipt{}, err
		}
		for _, k := range all {
			if !seen[k] && e.mentions(ctx, k, user) {
				add(k)
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	return e.erase(ctx, space, user, keys)
}

// mentions reports whether forget would change the session under k for user.
func (e *Engine) mentions(ctx context.Context, k state.Key, user string) bool {
	b, err := e.store.Get(ctx, k)
	if err != nil {
		return true // let erase meet the error
	}
	sess, err := decodeSession(b)
	if err != nil || sess == nil {
		return false
	}
	_, touched := sess.forget(user, 0)
	return touched
}

// SpaceInventory counts what space holds: sessions, notes and report records, user
// indexes and remembered event ids. It needs a store that is a state.Lister and a
// state.Purger.
func (e *Engine) SpaceInventory(ctx context.Context, space state.Space) (Inventory, error) {
	l, err := e.lister()
	if err != nil {
		return Inventory{}, err
	}
	p, ok := e.store.(state.Purger)
	if !ok {
		return Inventory{}, fmt.Errorf("%w (%T)", ErrNotListable, e.store)
	}
	keys, err := l.Keys(ctx, state.Filter(space))
	if err != nil {
		return Inventory{}, err
	}
	var inv Inventory
	for _, k := range keys {
		switch recordKind(k) {
		case kindNote:
			inv.Notes++
		case kindReport:
			inv.Reports++
		case kindPointer:
			inv.Pointers++
		default:
			inv.Sessions++
		}
	}
	c, err := p.CountSpace(ctx, space)
	if err != nil {
		return Inventory{}, err
	}
	inv.Users, inv.Events = c.Users, c.Events
	return inv, nil
}

// PurgeSpace deletes everything of space from the store (state.Purger) and returns
// the number of entries deleted. Timers of the space still pending find nothing when
// they fire.
func (e *Engine) PurgeSpace(ctx context.Context, space state.Space) (int, error) {
	if space.Platform == "" || space.Workspace == "" {
		return 0, errors.New("bot: purge needs a platform and a workspace")
	}
	p, ok := e.store.(state.Purger)
	if !ok {
		return 0, fmt.Errorf("%w (%T)", ErrNotListable, e.store)
	}
	return p.PurgeSpace(ctx, space)
}
