package slack

import (
	"context"
	"strings"
	"sync"
	"time"
)

// userCache remembers display names and languages from users.info, so a busy session
// does not call users.info for every turn.
type userCache struct {
	api   webAPI
	ttl   time.Duration
	limit int
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]userEntry
}

type userEntry struct {
	name, lang string
	expires    time.Time
}

func newUserCache(api webAPI, ttl time.Duration, limit int, now func() time.Time) *userCache {
	return &userCache{api: api, ttl: ttl, limit: limit, now: now, entries: map[string]userEntry{}}
}

// lookup returns the user's display name and language ("" when unknown). When
// users.info fails it returns fallback (a name Slack sent with the event, or the id)
// and does not cache the failure.
func (c *userCache) lookup(ctx context.Context, id, fallback string) (name, lang string) {
	if fallback == "" {
		fallback = id
	}
	if id == "" {
		return fallback, ""
	}
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && c.now().Before(e.expires) {
		return e.name, e.lang
	}
	u, err := c.api.GetUserInfoContext(ctx, id)
	if err != nil || u == nil {
		return fallback, ""
	}
	name = firstNonEmpty(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name, fallback)
	lang = localeLang(u.Locale)
	c.mu.Lock()
	if len(c.entries) >= c.limit {
		c.entries = map[string]userEntry{} // crude but bounded
	}
	c.entries[id] = userEntry{name: name, lang: lang, expires: c.now().Add(c.ttl)}
	c.mu.Unlock()
	return name, lang
}

// cachedName returns a cached display name without calling Slack.
func (c *userCache) cachedName(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	return e.name, ok
}

// localeLang turns a Slack locale ("nl-NL", "en-US") into a language ("nl", "en").
func localeLang(locale string) string {
	lang, _, _ := strings.Cut(locale, "-")
	return strings.ToLower(strings.TrimSpace(lang))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
