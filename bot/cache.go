package bot

import (
	"bytes"
	"container/list"
	"sync"

	"github.com/intervision-bot/intervision/state"
)

// sessionCache keeps the sessions this engine committed last, decoded, next to the
// exact bytes it stored. A step whose record still holds those bytes takes the
// session from here instead of decoding JSON; any other record (another replica
// committed in between) is decoded as usual, so the cache can never be stale.
type sessionCache struct {
	mu    sync.Mutex
	max   int
	items map[state.Key]*list.Element
	order *list.List // front: most recently used
}

type cachedSession struct {
	key  state.Key
	data []byte
	sess *Session
}

func newSessionCache(max int) *sessionCache {
	return &sessionCache{max: max, items: map[state.Key]*list.Element{}, order: list.New()}
}

// take removes and returns the session cached for key when its bytes equal data. The
// caller owns the session: it may change it freely.
func (c *sessionCache) take(key state.Key, data []byte) *Session {
	if c == nil || len(data) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	c.order.Remove(el)
	delete(c.items, key)
	if it := el.Value.(*cachedSession); bytes.Equal(it.data, data) {
		return it.sess
	}
	return nil
}

// put remembers a committed session; the cache owns it from now on.
func (c *sessionCache) put(key state.Key, data []byte, sess *Session) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&cachedSession{key: key, data: data, sess: sess})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cachedSession).key)
	}
}
