package state

import "context"

// This file holds the optional store capabilities operators' commands use
// (`intervision admin`): listing records and purging a whole space. The engine never
// needs them to run.

// Filter selects records by space; an empty field matches every value.
type Filter struct {
	Platform  string
	Workspace string
}

// Match reports whether key is selected by f.
func (f Filter) Match(k Key) bool {
	return (f.Platform == "" || f.Platform == k.Platform) && (f.Workspace == "" || f.Workspace == k.Workspace)
}

// Lister is implemented by stores that can enumerate their records.
type Lister interface {
	// Keys returns the key of every live record f selects, in no particular order:
	// sessions and the engine's other records (notes, report records). User indexes
	// and remembered event ids are not records and are not listed. It walks the
	// store in pages (Redis: SCAN on every master), so records written meanwhile may
	// or may not be listed.
	Keys(ctx context.Context, f Filter) ([]Key, error)
}

// SpaceCount is what one space holds in a store, by kind.
type SpaceCount struct {
	// Records are conversation records: sessions, notes and report records.
	Records int
	// Users are user indexes (Conversations).
	Users int
	// Events are event ids remembered to refuse duplicates.
	Events int
}

// Total is the number of entries.
func (c SpaceCount) Total() int { return c.Records + c.Users + c.Events }

// Purger is implemented by stores that can delete everything of one space.
type Purger interface {
	// CountSpace counts what PurgeSpace would delete now.
	CountSpace(ctx context.Context, space Space) (SpaceCount, error)
	// PurgeSpace deletes every record, user index and remembered event id of space,
	// and nothing of any other space. It returns how many entries it deleted.
	PurgeSpace(ctx context.Context, space Space) (int, error)
}
