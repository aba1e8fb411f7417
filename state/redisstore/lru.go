package redisstore

import (
	"container/list"
	"sync"
)

// lru is a bounded, concurrency-safe cache of records by record key. A cached record
// may be stale (another replica committed since): the step script detects that and
// returns the current record, so the cache only saves round trips, never decides.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used; values are *lruEntry
	items map[string]*list.Element
}

type lruEntry struct {
	key string
	rec record
}

// newLRU returns a cache of at most max records; max < 0 disables it.
func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) get(key string) (record, bool) {
	if c.max < 0 {
		return record{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return record{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).rec, true
}

// put stores rec; the caller must not modify rec.data afterwards.
func (c *lru) put(key string, rec record) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruEntry).rec = rec
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, rec: rec})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruEntry).key)
	}
}

func (c *lru) drop(key string) {
	if c.max < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
		delete(c.items, key)
	}
}
