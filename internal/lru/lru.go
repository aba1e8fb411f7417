// Package lru is a small bounded, concurrency-safe cache that evicts the least
// recently used entry. The bot's session cache and the Redis store's record cache are
// both built on it.
package lru

import (
	"container/list"
	"sync"
)

// Cache holds at most max values by key. Get and Put mark an entry most recently used;
// a Put beyond max evicts the least recently used entry. A Cache with max <= 0 holds
// nothing: Put does nothing and Get and Take find nothing (max < 0 is the way to say
// "disabled"). All methods are safe for concurrent use.
//
// Take leaves its key's place behind, empty, so that putting the key back (what the
// session cache does every turn) allocates nothing. An empty place counts for nothing
// against max; places beyond 2 × max are dropped from the least recently used end.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	full  int        // entries holding a value (the others are places Take left)
	order *list.List // front = most recently used; values are *entry[K, V]
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key  K
	val  V
	full bool // false: a place Take left, val is the zero value
}

// New returns an empty cache of at most max entries; max < 0 disables it.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value cached for key and marks it most recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	return c.with(key, func(el *list.Element, _ *entry[K, V]) { c.order.MoveToFront(el) })
}

// Put caches val for key as the most recently used entry, replacing any value cached
// for key, and evicts the least recently used entries beyond max.
func (c *Cache[K, V]) Put(key K, val V) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[K, V])
		if !e.full {
			e.full = true
			c.full++
		}
		e.val = val
		c.order.MoveToFront(el)
	} else {
		c.items[key] = c.order.PushFront(&entry[K, V]{key: key, val: val, full: true})
		c.full++
	}
	for c.full > c.max || c.order.Len() > 2*c.max {
		old := c.order.Back()
		e := c.order.Remove(old).(*entry[K, V])
		if e.full {
			c.full--
		}
		delete(c.items, e.key)
	}
}

// Take removes the value cached for key and returns it.
func (c *Cache[K, V]) Take(key K) (V, bool) {
	return c.with(key, func(_ *list.Element, e *entry[K, V]) {
		var zero V
		e.val, e.full = zero, false
		c.full--
	})
}

// with looks key up with c.mu held and, when it holds a value, calls do with its
// element and entry (lock still held) and returns the value it held. A disabled cache
// holds nothing.
func (c *Cache[K, V]) with(key K, do func(*list.Element, *entry[K, V])) (V, bool) {
	var zero V
	if c.max <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if !e.full {
		return zero, false
	}
	val := e.val
	do(el, e)
	return val, true
}

// Len returns the number of cached entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.full
}
