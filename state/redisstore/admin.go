package redisstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/state"
)

// This file is the operators' side of the store (state.Lister, state.Purger): it walks
// the key layout of keys.go with SCAN and a MATCH pattern (never KEYS, which blocks
// the server), on every master of a Redis Cluster, since each holds its own slots.

var (
	_ state.Lister = (*Store)(nil)
	_ state.Purger = (*Store)(nil)
)

// scanCount is the COUNT hint of every SCAN: keys looked at per call, not returned.
const scanCount = 1000

// globEscaper quotes the characters a MATCH pattern treats specially. Escaped ids keep
// them (only ':', '{', '}' and '%' are escaped), so a workspace named "T*" matches
// itself only.
var globEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)

func glob(s string) string { return globEscaper.Replace(s) }

// convPattern matches the record and event keys of the conversations f selects (and,
// when f names no platform or only a workspace, more: callers check each key).
func (s *Store) convPattern(f state.Filter) string {
	p := glob(s.prefix) + ":{"
	switch {
	case f.Platform == "":
		return p + "*"
	case f.Workspace == "":
		return p + glob(esc(f.Platform)) + ":*"
	}
	return p + glob(esc(f.Platform)) + ":" + glob(esc(f.Workspace)) + ":*"
}

// userPattern matches the user index keys of space.
func (s *Store) userPattern(sp state.Space) string {
	return glob(s.prefix) + ":u:{" + glob(esc(sp.Platform)) + ":" + glob(esc(sp.Workspace)) + "}:*"
}

// Kinds of key, as parseConvKey tells them.
const (
	kindNone = iota
	kindRecord
	kindEvent   // an event id key of the layout before the log (":e:<id>")
	kindEvents  // a hash of recent event ids: counted by its fields
	kindMembers // a conversation's list of indexed users: purged, not counted
	kindLog     // a record's log: part of the record, purged, not counted
)

// parseConvKey reads a record or event key back into its conversation key.
func (s *Store) parseConvKey(rk string) (state.Key, int) {
	rest, ok := strings.CutPrefix(rk, s.prefix+":{")
	if !ok {
		return state.Key{}, kindNone
	}
	tag, tail, ok := strings.Cut(rest, "}")
	if !ok {
		return state.Key{}, kindNone
	}
	parts := strings.Split(tag, ":")
	if len(parts) != 4 {
		return state.Key{}, kindNone
	}
	k := state.Key{Platform: unesc(parts[0]), Workspace: unesc(parts[1]), Channel: unesc(parts[2]), Thread: unesc(parts[3])}
	switch {
	case tail == ":s":
		return k, kindRecord
	case tail == ":m":
		return k, kindMembers
	case tail == ":l":
		return k, kindLog
	case tail == ":d" || tail == ":d1":
		return k, kindEvents
	case strings.HasPrefix(tail, ":e:") && !strings.ContainsAny(tail[3:], ":{}"):
		return k, kindEvent
	}
	return state.Key{}, kindNone
}

// parseUserKey reads the space of a user index key.
func (s *Store) parseUserKey(uk string) (state.Space, bool) {
	rest, ok := strings.CutPrefix(uk, s.prefix+":u:{")
	if !ok {
		return state.Space{}, false
	}
	tag, tail, ok := strings.Cut(rest, "}")
	if !ok || !strings.HasPrefix(tail, ":") || strings.ContainsAny(tail[1:], ":{}") {
		return state.Space{}, false
	}
	p, w, ok := strings.Cut(tag, ":")
	if !ok || strings.Contains(w, ":") {
		return state.Space{}, false
	}
	return state.Space{Platform: unesc(p), Workspace: unesc(w)}, true
}

// scan calls fn with every page of keys matching pattern, on every master of a
// cluster (concurrently: fn must be safe for that) or on the one server. node is the
// server the keys live on.
func (s *Store) scan(ctx context.Context, pattern string, fn func(ctx context.Context, node redis.Cmdable, keys []string) error) error {
	one := func(ctx context.Context, node redis.Cmdable) error {
		var cursor uint64
		for {
			s.roundTrips.Add(1)
			keys, next, err := node.Scan(ctx, cursor, pattern, scanCount).Result()
			if err != nil {
				return err
			}
			if len(keys) > 0 {
				if err := fn(ctx, node, keys); err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	}
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		return c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error { return one(ctx, node) })
	case *redis.Ring:
		return c.ForEachShard(ctx, func(ctx context.Context, node *redis.Client) error { return one(ctx, node) })
	}
	return one(ctx, s.rdb)
}

// Keys returns the key of every record f selects: sessions, notes, report records.
func (s *Store) Keys(ctx context.Context, f state.Filter) ([]state.Key, error) {
	var mu sync.Mutex
	seen := map[state.Key]bool{} // SCAN may return a key twice
	var out []state.Key
	err := s.scan(ctx, s.convPattern(f), func(_ context.Context, _ redis.Cmdable, keys []string) error {
		mu.Lock()
		defer mu.Unlock()
		for _, rk := range keys {
			if k, kind := s.parseConvKey(rk); kind == kindRecord && f.Match(k) && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: list records: %w (%w)", state.ErrUnavailable, err)
	}
	return out, nil
}

// spaceKeys calls fn with the pages of keys of space: records, event ids and user
// indexes, each checked against the key layout, so no key of another space (or
// another prefix) is ever passed.
func (s *Store) spaceKeys(ctx context.Context, sp state.Space, fn func(ctx context.Context, node redis.Cmdable, keys []string, kinds []int) error) error {
	f := state.Filter(sp)
	err := s.scan(ctx, s.convPattern(f), func(ctx context.Context, node redis.Cmdable, keys []string) error {
		var mine []string
		var kinds []int
		for _, rk := range keys {
			if k, kind := s.parseConvKey(rk); kind != kindNone && k.Space() == sp {
				mine, kinds = append(mine, rk), append(kinds, kind)
			}
		}
		return fn(ctx, node, mine, kinds)
	})
	if err != nil {
		return err
	}
	return s.scan(ctx, s.userPattern(sp), func(ctx context.Context, node redis.Cmdable, keys []string) error {
		var mine []string
		var kinds []int
		for _, uk := range keys {
			if got, ok := s.parseUserKey(uk); ok && got == sp {
				mine, kinds = append(mine, uk), append(kinds, kindNone)
			}
		}
		return fn(ctx, node, mine, kinds)
	})
}

// CountSpace counts the records, event ids and user indexes of space.
func (s *Store) CountSpace(ctx context.Context, sp state.Space) (state.SpaceCount, error) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var c state.SpaceCount
	err := s.spaceKeys(ctx, sp, func(ctx context.Context, node redis.Cmdable, keys []string, kinds []int) error {
		ids, err := s.eventCounts(ctx, node, keys, kinds)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for i, k := range keys {
			if seen[k] {
				continue
			}
			seen[k] = true
			switch kinds[i] {
			case kindRecord:
				c.Records++
			case kindEvent:
				c.Events++
			case kindEvents:
				c.Events += ids[i]
			case kindMembers, kindLog:
			default:
				c.Users++
			}
		}
		return nil
	})
	if err != nil {
		return state.SpaceCount{}, fmt.Errorf("redisstore: count %s:%s: %w (%w)", sp.Platform, sp.Workspace, state.ErrUnavailable, err)
	}
	return c, nil
}

// eventCounts returns the number of ids in each hash of recent event ids among keys
// (0 for the other kinds), with one pipeline.
func (s *Store) eventCounts(ctx context.Context, node redis.Cmdable, keys []string, kinds []int) ([]int, error) {
	out := make([]int, len(keys))
	var cmds []*redis.IntCmd
	var at []int
	if !slices.Contains(kinds, kindEvents) {
		return out, nil
	}
	var other []*redis.SliceCmd
	s.roundTrips.Add(1)
	_, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			if kinds[i] == kindEvents {
				cmds, at = append(cmds, p.HLen(ctx, k)), append(at, i)
				other = append(other, p.HMGet(ctx, k, idsFieldsNotIDs...))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for j, c := range cmds {
		out[at[j]] = int(c.Val())
		for _, v := range other[j].Val() {
			if v != nil {
				out[at[j]]--
			}
		}
	}
	return out, nil
}

// PurgeSpace unlinks every record, event id and user index of space, page by page,
// on the server each lives on; keys of other spaces are never touched. One UNLINK per
// key (pipelined), so keys of different slots never share a command.
func (s *Store) PurgeSpace(ctx context.Context, sp state.Space) (int, error) {
	var mu sync.Mutex
	n := 0
	err := s.spaceKeys(ctx, sp, func(ctx context.Context, node redis.Cmdable, keys []string, kinds []int) error {
		if len(keys) == 0 {
			return nil
		}
		ids, err := s.eventCounts(ctx, node, keys, kinds)
		if err != nil {
			return err
		}
		s.roundTrips.Add(1)
		cmds, err := node.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Unlink(ctx, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for i, c := range cmds {
			switch gone := int(c.(*redis.IntCmd).Val()); kinds[i] {
			case kindMembers, kindLog:
			case kindEvents:
				n += gone * ids[i]
			default:
				n += gone
			}
			if kinds[i] == kindRecord {
				if k, _ := s.parseConvKey(keys[i]); k != (state.Key{}) {
					s.cache.Take(k)
				}
			}
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("redisstore: purge %s:%s: %w (%w)", sp.Platform, sp.Workspace, state.ErrUnavailable, err)
	}
	return n, nil
}
