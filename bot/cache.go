package bot

import (
	"github.com/intervision-bot/intervision/internal/lru"
	"github.com/intervision-bot/intervision/state"
)

// sessionCache keeps the sessions this engine committed last, decoded, by the version
// of the record the store committed them as. A turn whose record still has that
// version takes the session from here instead of decoding it; any other version
// (another replica committed in between) is decoded as usual, so the cache can never
// be stale. Versions are compared, never the records' bytes.
type sessionCache struct {
	items *lru.Cache[state.Key, cachedSession]
}

type cachedSession struct {
	version string
	sess    *session
}

func newSessionCache(max int) *sessionCache {
	return &sessionCache{items: lru.New[state.Key, cachedSession](max)}
}

// take returns the session cached for key when it is the record of version, and
// leaves nothing usable behind: the key's entry keeps its place with no session (as
// good as none, it matches no version), so that put fills it again without an
// allocation. The caller owns the session: it may change it freely.
func (c *sessionCache) take(key state.Key, version string) *session {
	if c == nil || version == "" {
		return nil
	}
	if it, ok := c.items.Swap(key, cachedSession{}); ok && it.version == version {
		return it.sess
	}
	return nil
}

// put remembers a committed session as the record of version; the cache owns it from
// now on. A store that tells no versions ("") gets no cache.
func (c *sessionCache) put(key state.Key, version string, sess *session) {
	if c == nil || version == "" {
		return
	}
	c.items.Put(key, cachedSession{version: version, sess: sess})
}
