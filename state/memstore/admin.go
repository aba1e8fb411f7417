package memstore

import (
	"context"

	"github.com/intervision-bot/intervision/state"
)

var (
	_ state.Lister = (*Store)(nil)
	_ state.Purger = (*Store)(nil)
)

// Keys returns the key of every live record f selects.
func (s *Store) Keys(ctx context.Context, f state.Filter) ([]state.Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []state.Key
	for k, r := range s.records {
		if f.Match(k) && now.Before(r.expires) {
			out = append(out, k)
		}
	}
	return out, nil
}

// CountSpace counts the live records, user indexes and event ids of space.
func (s *Store) CountSpace(ctx context.Context, space state.Space) (state.SpaceCount, error) {
	if err := ctx.Err(); err != nil {
		return state.SpaceCount{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var c state.SpaceCount
	for k, r := range s.records {
		if k.Space() == space && now.Before(r.expires) {
			c.Records++
		}
	}
	for k, exp := range s.seen {
		if k.key.Space() == space && now.Before(exp) {
			c.Events++
		}
	}
	c.Users = len(s.index[space])
	return c, nil
}

// PurgeSpace deletes every record, user index and event id of space.
func (s *Store) PurgeSpace(ctx context.Context, space state.Space) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	n := 0
	for k, r := range s.records {
		if k.Space() == space {
			if now.Before(r.expires) {
				n++
			}
			delete(s.records, k)
		}
	}
	for k, exp := range s.seen {
		if k.key.Space() == space {
			if now.Before(exp) {
				n++
			}
			delete(s.seen, k)
		}
	}
	n += len(s.index[space])
	delete(s.index, space)
	return n, nil
}
