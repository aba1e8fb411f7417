package bot

import (
	"bytes"

	"github.com/intervision-bot/intervision/internal/lru"
	"github.com/intervision-bot/intervision/state"
)

// sessionCache keeps the sessions this engine committed last, decoded, next to the
// exact bytes it stored. A turn whose record still holds those bytes takes the
// session from here instead of decoding JSON; any other record (another replica
// committed in between) is decoded as usual, so the cache can never be stale.
type sessionCache struct {
	items *lru.Cache[state.Key, cachedSession]
}

type cachedSession struct {
	data []byte
	sess *session
}

func newSessionCache(max int) *sessionCache {
	return &sessionCache{items: lru.New[state.Key, cachedSession](max)}
}

// take removes and returns the session cached for key when its bytes equal data. The
// caller owns the session: it may change it freely.
func (c *sessionCache) take(key state.Key, data []byte) *session {
	if c == nil || len(data) == 0 {
		return nil
	}
	if it, ok := c.items.Take(key); ok && bytes.Equal(it.data, data) {
		return it.sess
	}
	return nil
}

// put remembers a committed session; the cache owns it from now on.
func (c *sessionCache) put(key state.Key, data []byte, sess *session) {
	if c == nil {
		return
	}
	c.items.Put(key, cachedSession{data: data, sess: sess})
}
