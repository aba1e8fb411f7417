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
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recently used; values are *entry[K, V]
	items map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key K
	val V
}

// New returns an empty cache of at most max entries; max < 0 disables it.
func New[K comparable, V any](max int) *Cache[K, V] {
	return &Cache[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

// Get returns the value cached for key and marks it most recently used.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	return c.with(key, func(el *list.Element) { c.order.MoveToFront(el) })
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
		el.Value.(*entry[K, V]).val = val
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&entry[K, V]{key: key, val: val})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*entry[K, V]).key)
	}
}

// Take removes the value cached for key and returns it.
func (c *Cache[K, V]) Take(key K) (V, bool) {
	return c.with(key, func(el *list.Element) {
		c.order.Remove(el)
		delete(c.items, key)
	})
}

// Swap replaces the value cached for key with val where it stands in the order, and
// returns the value it held; it does nothing when key is not cached. Unlike Take and
// a Put of a new key it allocates nothing.
func (c *Cache[K, V]) Swap(key K, val V) (V, bool) {
	var old V
	_, ok := c.with(key, func(el *list.Element) {
		e := el.Value.(*entry[K, V])
		old, e.val = e.val, val
	})
	return old, ok
}

// with looks key up with c.mu held and, when it is cached, calls do with its element
// (lock still held) and returns its value. A disabled cache holds nothing.
func (c *Cache[K, V]) with(key K, do func(*list.Element)) (V, bool) {
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
	do(el)
	return el.Value.(*entry[K, V]).val, true
}

// Len returns the number of cached entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
