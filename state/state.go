// Package state keeps conversation state for the engine. A Store holds one record per
// conversation and commits every change with a version check, so several bot replicas
// can share it; it also refuses events it has applied before.
package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Key names one conversation. Workspace isolates Slack workspaces and Discord guilds:
// no operation on one Workspace reaches another's records.
type Key struct {
	Platform  string
	Workspace string
	Channel   string
	Thread    string
}

// String renders the key for logs and as the store's record name.
func (k Key) String() string {
	return strings.Join([]string{k.Platform, k.Workspace, k.Channel, k.Thread}, ":")
}

// Space is the isolation unit the Key belongs to: platform plus workspace.
func (k Key) Space() Space { return Space{Platform: k.Platform, Workspace: k.Workspace} }

// Space is one Slack workspace, one Discord guild, or the local terminal.
type Space struct {
	Platform  string
	Workspace string
}

// Change is what an update function wants committed.
type Change struct {
	// Data is the new record. Nil keeps the current record as it is (the event id is
	// still recorded).
	Data []byte
	// Delete removes the record.
	Delete bool
	// TTL is how long the record lives after this change; 0 means the store's default
	// retention.
	TTL time.Duration
	// Users are ids of people who contributed to this conversation in this change;
	// the store indexes them so that Forget and Export can find their conversations.
	Users []string
	// Erase says that the change only removes data (forget): the store commits it even
	// when its backend is full and refuses writes that grow memory, and never lets the
	// record live longer than it would have. Users are not indexed for an erasure. A
	// store may commit an erasure that would grow the record as any other change.
	Erase bool
	// Append are entries added at the end of the record's log (LogStore.UpdateLog, with
	// Data set). With Store.Update, Data replaces the whole record and the log then
	// holds Append alone.
	Append [][]byte
	// Rewrite makes Append replace the record's log instead of extending it
	// (LogStore.UpdateLog).
	Rewrite bool
}

// UpdateFunc decides a change from the current record (nil when there is none). The
// store may call it more than once when another replica commits first; only the result
// of the last call is committed, so it must not have side effects beyond its return.
type UpdateFunc func(cur []byte) (Change, error)

// Store keeps conversation records.
type Store interface {
	// Update loads the record of key, calls fn and commits its Change atomically with a
	// version check, retrying fn on conflict. When eventID is not empty and was seen
	// before, fn is not called (or its result is dropped) and ErrDuplicate is returned.
	Update(ctx context.Context, key Key, eventID string, fn UpdateFunc) error
	// Get returns the current record of key, or nil.
	Get(ctx context.Context, key Key) ([]byte, error)
	// Conversations lists the keys a user contributed to in a space.
	Conversations(ctx context.Context, space Space, userID string) ([]Key, error)
	// Unindex forgets which conversations a user contributed to in a space.
	Unindex(ctx context.Context, space Space, userID string) error
	// Close releases connections.
	Close() error
}

// ErrDuplicate means the event was applied before; nothing was changed.
var ErrDuplicate = errors.New("state: event already applied")

// ErrUnavailable wraps failures to reach the store; the change was not committed.
var ErrUnavailable = errors.New("state: store unavailable")

// ErrFull wraps a write the store refused because it is out of memory (Redis at
// maxmemory with noeviction); nothing was committed. It is also an ErrUnavailable.
var ErrFull = fmt.Errorf("state: store full: %w", ErrUnavailable)

// ErrConflict wraps an update that gave up because other writers kept committing
// first; nothing was committed.
var ErrConflict = errors.New("state: conflicting updates")

// DefaultRetention is how long a record lives after its last change.
const DefaultRetention = 30 * 24 * time.Hour

// DedupeWindow is how long an event id is remembered.
const DedupeWindow = 24 * time.Hour
