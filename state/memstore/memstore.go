// Package memstore is the embedded state.Store: records live in the process's memory.
// The terminal adapter and tests use it when no REDIS_URL is set.
package memstore

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// Store is an in-memory state.Store, safe for concurrent use.
type Store struct {
	mu        sync.Mutex
	now       func() time.Time
	retention time.Duration
	records   map[state.Key]record
	seen      map[seenKey]time.Time // key and event id → expiry
	index     map[state.Space]map[string]map[state.Key]bool
	// versions count store-wide, so a record deleted and made again never gets a
	// version an update in flight saw before.
	versions int64
	// writes counts commits; every sweepEvery commits, expired entries are dropped.
	writes int
}

// sweepEvery is how many commits pass between sweeps of expired records and ids.
const sweepEvery = 1024

// seenKey names an event id in one conversation. It is a struct, not a joined
// string, so ids containing separators cannot collide.
type seenKey struct {
	key state.Key
	id  string
}

type record struct {
	rec     state.Record // Version is the decimal of a store-wide counter
	expires time.Time
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for expiry (tests move it forward).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithRetention sets how long a record lives after its last change.
func WithRetention(d time.Duration) Option { return func(s *Store) { s.retention = d } }

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		now:       time.Now,
		retention: state.DefaultRetention,
		records:   map[state.Key]record{},
		seen:      map[seenKey]time.Time{},
		index:     map[state.Space]map[string]map[state.Key]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Update runs fn on the current record and commits its change. The store's lock is
// not held while fn runs; a commit by someone else in between makes Update call fn
// again with the newer record, as a shared store would. A record with a log is shown
// flat (state.Record.Flat); a change with Data replaces it whole.
func (s *Store) Update(ctx context.Context, key state.Key, eventID string, fn state.UpdateFunc) error {
	_, err := s.update(ctx, key, eventID, func(cur state.Record) (state.Change, error) {
		ch, err := fn(cur.Flat())
		if ch.Data != nil {
			ch.Data, ch.Append, ch.Rewrite = clone(ch.Data), cloneAll(ch.Append), true
		}
		return ch, err
	})
	return err
}

// UpdateLog is Update with the record as head and log (state.LogStore). fn sees the
// stored record itself: it must not modify it.
func (s *Store) UpdateLog(ctx context.Context, key state.Key, eventID string, fn state.LogFunc) (string, error) {
	return s.update(ctx, key, eventID, fn)
}

func (s *Store) update(ctx context.Context, key state.Key, eventID string, fn state.LogFunc) (string, error) {
	seenKey := seenKey{key, eventID}
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		s.mu.Lock()
		if eventID != "" && s.seen[seenKey].After(s.now()) {
			s.mu.Unlock()
			return "", state.ErrDuplicate
		}
		cur := s.live(key)
		s.mu.Unlock()

		ch, err := fn(cur.rec)
		if err != nil {
			return "", err
		}

		s.mu.Lock()
		if now := s.live(key); now.rec.Version != cur.rec.Version {
			s.mu.Unlock()
			continue
		}
		if eventID != "" {
			if s.seen[seenKey].After(s.now()) {
				s.mu.Unlock()
				return "", state.ErrDuplicate
			}
			s.seen[seenKey] = s.now().Add(state.DedupeWindow)
		}
		v := s.apply(key, cur, ch)
		s.mu.Unlock()
		return v, nil
	}
}

// live returns the record if it has not expired. Caller holds mu.
func (s *Store) live(key state.Key) record {
	r, ok := s.records[key]
	if !ok || !s.now().Before(r.expires) {
		delete(s.records, key)
		return record{}
	}
	return r
}

// apply commits a change and returns the record's version after it. Caller holds mu.
func (s *Store) apply(key state.Key, cur record, ch state.Change) string {
	ttl := ch.TTL
	if ttl <= 0 {
		ttl = s.retention
	}
	expires := s.now().Add(ttl)
	if ch.Erase && cur.rec.Data != nil && cur.expires.Before(expires) {
		expires = cur.expires // an erasure never lengthens a record's life
	}
	version := cur.rec.Version
	switch {
	case ch.Delete:
		delete(s.records, key)
		version = ""
	case ch.Data != nil:
		s.versions++
		version = strconv.FormatInt(s.versions, 10)
		s.records[key] = record{rec: cur.rec.Appended(version, ch.Data, ch.Append, ch.Rewrite), expires: expires}
	case cur.rec.Data != nil:
		cur.expires = expires
		s.records[key] = cur
	}
	if s.writes++; s.writes%sweepEvery == 0 {
		s.sweep()
	}
	if ch.Erase {
		return version
	}
	// The index never expires here (it goes with Unindex or PurgeSpace), so it outlives
	// every record it lists however often they are refreshed.
	for _, u := range ch.Users {
		users := s.index[key.Space()]
		if users == nil {
			users = map[string]map[state.Key]bool{}
			s.index[key.Space()] = users
		}
		if users[u] == nil {
			users[u] = map[state.Key]bool{}
		}
		users[u][key] = true
	}
	return version
}

// sweep drops expired records and event ids, so memory does not grow without end and
// expired case text does not linger. Caller holds mu.
func (s *Store) sweep() {
	now := s.now()
	for k, r := range s.records {
		if !now.Before(r.expires) {
			delete(s.records, k)
		}
	}
	for k, exp := range s.seen {
		if !now.Before(exp) {
			delete(s.seen, k)
		}
	}
}

// Get returns the current record of key, or nil.
func (s *Store) Get(_ context.Context, key state.Key) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live(key).rec.Flat(), nil
}

// Conversations lists the keys a user contributed to in a space.
func (s *Store) Conversations(_ context.Context, space state.Space, userID string) ([]state.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []state.Key
	for k := range s.index[space][userID] {
		out = append(out, k)
	}
	return out, nil
}

// Unindex forgets which conversations a user contributed to in a space.
func (s *Store) Unindex(_ context.Context, space state.Space, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.index[space], userID)
	return nil
}

// Close does nothing.
func (s *Store) Close() error { return nil }

// Ping answers at once: the store is in the process (a readiness probe's capability).
func (s *Store) Ping(context.Context) error { return nil }

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func cloneAll(bs [][]byte) [][]byte {
	if bs == nil {
		return nil
	}
	out := make([][]byte, len(bs))
	for i, b := range bs {
		out[i] = clone(b)
	}
	return out
}

var _ state.LogStore = (*Store)(nil)
