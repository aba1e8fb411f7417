package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// The layout before the log remembered each event id in a key of its own
// (":e:<id>", living DedupeWindow), which updateScript still reads while such keys
// may remain. The key <prefix>:layout says since when (Unix ms) this Redis has been
// used with the log: written once, by the first Store that finds it missing, with
// "0" when the database held no key at all then (so none of the layout before can
// exist), else that moment. Those keys can then remain for DedupeWindow after it,
// and for legacyMargin more while replicas of the version before were still
// stopping.
const legacyMargin = time.Hour

// layoutKey is the key that says since when this Redis has been used with the log.
func (s *Store) layoutKey() string { return s.prefix + ":layout" }

// legacy reports whether keys of the layout before the log may remain. Until the
// layout key has been read it says yes, and the first call starts reading it in the
// background (a step never waits for it; after a failure a later call tries again).
func (s *Store) legacy() bool {
	until := s.legacyUntil.Load()
	if until == layoutUnknown && s.legacyUntil.CompareAndSwap(layoutUnknown, layoutReading) {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), DefaultUpdateTimeout)
			defer cancel()
			if err := s.CheckLayout(ctx); err != nil {
				s.legacyUntil.Store(layoutUnknown)
			}
		}()
	}
	return until < 0 || time.Now().UnixMilli() < until
}

// legacyUntil's values while it is not known.
const (
	layoutUnknown = -1
	layoutReading = -2
)

// CheckLayout learns (and the first time it is asked, writes) since when this Redis has
// been used with the log, so that the store stops looking for event ids in the layout
// before once none can remain. A Store learns it by itself on its first update; this
// learns it now, for a caller that wants that done before it starts.
func (s *Store) CheckLayout(ctx context.Context) error {
	until, err := s.checkLayout(ctx)
	if err != nil {
		return err
	}
	s.legacyUntil.Store(until)
	return nil
}

// checkLayout reads (and, the first time, writes) the layout key and returns until
// when keys of the layout before the log may remain (Unix ms; 0: none can).
func (s *Store) checkLayout(ctx context.Context) (int64, error) {
	k := s.layoutKey()
	v, err := s.rdb.Get(ctx, k).Result()
	if errors.Is(err, redis.Nil) {
		v, err = s.writeLayout(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("redisstore: layout: %w", err)
	}
	since, err := strconv.ParseInt(v, 10, 64)
	if err != nil || since < 0 {
		// Not written by a Store: assume the worst.
		return math.MaxInt64, nil
	}
	if since == 0 {
		return 0, nil
	}
	return since + (s.opts.DedupeWindow + legacyMargin).Milliseconds(), nil
}

// writeLayout writes the layout key unless another Store was first, and returns its
// value: "0" when the database holds no key, else now.
func (s *Store) writeLayout(ctx context.Context) (string, error) {
	n, err := s.dbSize(ctx)
	if err != nil {
		return "", err
	}
	since := "0"
	if n > 0 {
		since = strconv.FormatInt(time.Now().UnixMilli(), 10)
	}
	if err := s.rdb.SetNX(ctx, s.layoutKey(), since, 0).Err(); err != nil {
		return "", err
	}
	return s.rdb.Get(ctx, s.layoutKey()).Result()
}

// dbSize is the number of keys in the database (on every master of a cluster, every
// shard of a ring).
func (s *Store) dbSize(ctx context.Context) (int64, error) {
	var mu sync.Mutex
	var total int64
	one := func(ctx context.Context, node *redis.Client) error {
		n, err := node.DBSize(ctx).Result()
		mu.Lock()
		total += n
		mu.Unlock()
		return err
	}
	var err error
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, one)
	case *redis.Ring:
		err = c.ForEachShard(ctx, one)
	default:
		total, err = s.rdb.DBSize(ctx).Result()
	}
	return total, err
}
