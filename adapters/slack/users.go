package slack

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/slack-go/slack"
)

// lookupTimeout bounds one users.info call. A name is a nicety: the turn it belongs to
// must not wait for it, and the turns behind it in the conversation's queue even less.
const lookupTimeout = 2 * time.Second

// userCache remembers display names and languages from users.info, so a busy session
// does not call users.info for every turn. It calls Slack without retries: when Slack
// answers 429, no lookup calls it again until the Retry-After passed (one gate for all
// users, so a rate limit cannot turn into a storm of calls), and turns go on with the
// name cached before or the user id.
type userCache struct {
	api   webAPI // not retrying: a 429 is answered with the fallback at once
	ttl   time.Duration
	limit int
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]userEntry
	gate    time.Time // no users.info calls before this (Slack said 429)
}

type userEntry struct {
	name, lang string
	expires    time.Time
}

func newUserCache(api webAPI, ttl time.Duration, limit int, now func() time.Time) *userCache {
	return &userCache{api: api, ttl: ttl, limit: limit, now: now, entries: map[string]userEntry{}}
}

// lookup returns the user's display name, cleaned (bot.CleanName), and language (""
// when unknown). It waits at
// most lookupTimeout. When users.info fails, is rate limited or slow, it returns the
// expired cached name when there is one, else fallback (a name Slack sent with the
// event, or the id), and does not cache the failure.
func (c *userCache) lookup(ctx context.Context, id, fallback string) (name, lang string) {
	if fallback = bot.CleanName(fallback); fallback == "" {
		fallback = id
	}
	if id == "" {
		return fallback, ""
	}
	c.mu.Lock()
	e, ok := c.entries[id]
	gated := c.now().Before(c.gate)
	c.mu.Unlock()
	if ok && c.now().Before(e.expires) {
		return e.name, e.lang
	}
	if ok {
		fallback = e.name // stale beats none
	}
	if gated {
		return fallback, e.lang
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	u, err := c.api.GetUserInfoContext(ctx, id)
	if rl, limited := errors.AsType[*slack.RateLimitedError](err); limited {
		c.mu.Lock()
		c.gate = c.now().Add(max(rl.RetryAfter, time.Second))
		c.mu.Unlock()
	}
	if err != nil || u == nil {
		return fallback, e.lang
	}
	name = firstClean(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name, fallback)
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

// firstClean is the first name that is not empty once cleaned (bot.CleanName), cleaned.
func firstClean(names ...string) string {
	for _, n := range names {
		if n = bot.CleanName(n); n != "" {
			return n
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
