package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/internal/lru"
	"github.com/intervision-bot/intervision/state"
)

// This file keeps people and sessions within bounds. A rate limit per person (a token
// bucket in this process) turns a flood away before it reaches the store; a budget per
// session (counted from the session's own record, so it holds across replicas) bounds
// what one session keeps. See docs/config.md.

// Defaults of the limits in Config.
const (
	DefaultRateMessages    = 20
	DefaultRateWindow      = time.Minute
	DefaultSessionMaxTurns = 500
	DefaultSessionMaxBytes = 2 << 20
)

// budgetWarnPercent is the share of a session's budget, in percent, at which the
// session is told once that it is nearly full.
const budgetWarnPercent = 90

// fullRemind is how long after a person heard that a session is full they hear it
// again when they write there.
const fullRemind = time.Hour

// Bounds of the limiter's memory: people whose buckets are kept (a person evicted
// starts with a full bucket again) and refused event ids remembered (a redelivery of
// a refused event stays refused).
const (
	rateUsers  = 10000
	refusedIDs = 4096
)

// unlimited are the commands a person can always use, also over the rate limit: they
// add nothing to a session, and they are what someone needs after a flood (see where
// the session stands, close it, take their words out).
var unlimited = map[string]bool{"forget": true, "export": true, "end": true, "status": true, "help": true, "summary": true}

// rateKey is one person in one workspace.
type rateKey struct {
	space state.Space
	user  string
}

// bucket is one person's token bucket.
type bucket struct {
	tokens  float64
	at      time.Time // when tokens was counted
	noticed time.Time // when the person was last told they were over the limit
}

// rateLimiter lets one person send n messages per window: a bucket of n tokens,
// refilled evenly over the window. It lives in the process, so with several
// replicas behind one workspace each replica limits on its own.
type rateLimiter struct {
	n       int
	window  time.Duration
	mu      sync.Mutex
	buckets *lru.Cache[rateKey, *bucket]
	refused *lru.Cache[string, struct{}]
}

// newRateLimiter returns a limiter of n messages per window; nil (no limit) when
// either is not positive.
func newRateLimiter(n int, window time.Duration) *rateLimiter {
	if n <= 0 || window <= 0 {
		return nil
	}
	return &rateLimiter{n: n, window: window,
		buckets: lru.New[rateKey, *bucket](rateUsers), refused: lru.New[string, struct{}](refusedIDs)}
}

// allow takes a token for event id from k's bucket at now. When there is none, ok is
// false, and notice is true for the first refusal in a window: the one to answer.
func (l *rateLimiter) allow(k rateKey, id string, now time.Time) (ok, notice bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, seen := l.refused.Get(id); seen && id != "" {
		return false, false
	}
	b, found := l.buckets.Get(k)
	if !found {
		b = &bucket{tokens: float64(l.n), at: now}
		l.buckets.Put(k, b)
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(float64(l.n), b.tokens+float64(l.n)*d.Seconds()/l.window.Seconds())
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, false
	}
	if id != "" {
		l.refused.Put(id, struct{}{})
	}
	if !b.noticed.IsZero() && now.Sub(b.noticed) < l.window {
		return false, false
	}
	b.noticed = now
	return false, true
}

// unnotice takes back a notice that was not given, so the next refusal gives it.
func (l *rateLimiter) unnotice(k rateKey) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets.Get(k); ok {
		b.noticed = time.Time{}
	}
}

// rateLimited refuses an event from a person over the rate limit, before anything is
// read or stored: the first refusal in a window gets one private answer saying the
// message was not saved, later ones get none. limited is false when the event may go on.
func (e *Engine) rateLimited(ctx context.Context, ev Event) (out Outcome, limited bool) {
	if e.limiter == nil || ev.timer != nil || ev.User.ID == "" {
		return Outcome{}, false
	}
	if ev.Command && unlimited[parseCommand(ev.Text).word] {
		return Outcome{}, false
	}
	k := rateKey{space: Key(ev.Conv).Space(), user: ev.User.ID}
	ok, notice := e.limiter.allow(k, ev.ID, e.cfg.Now())
	if ok {
		return Outcome{}, false
	}
	if !notice {
		return Outcome{}, true
	}
	lang, answer, dup := e.refuse(ctx, ev)
	switch {
	case dup:
		e.limiter.unnotice(k)
		return Outcome{Duplicate: true}, true
	case !answer:
		e.limiter.unnotice(k) // chatter the bot would not answer anyway
		return Outcome{}, true
	}
	text := e.msg("rate.limited", lang, "max", strconv.Itoa(e.limiter.n),
		"window", (&turn{e: e, lang: lang}).spanText(e.limiter.window))
	return Outcome{Replies: []Reply{{To: ev.User.ID, Text: text}}, Lang: lang}, true
}

// refuse records the id of an event about to be answered "not saved", so that no
// replica saves it later (a replica on the same Discord shard sees it too; a platform
// may deliver it again elsewhere), and commits nothing else: the record and its
// lifetime stay as they are. dup reports an event some replica already applied:
// nothing to say. answer is false for chatter outside a running session. lang is the
// session's language, else the user's.
func (e *Engine) refuse(ctx context.Context, ev Event) (lang string, answer, dup bool) {
	lang, answer = e.userLang(ev), true
	err := e.store.Update(ctx, Key(ev.Conv), ev.ID, func(cur []byte) (state.Change, error) {
		sess, err := decodeSession(cur)
		if err != nil {
			return state.Change{}, err
		}
		if sess != nil {
			lang = sess.Lang
		}
		if answer = !ev.Ambient || (sess != nil && sess.Status != statusDone); !answer {
			return state.Change{}, errIgnore
		}
		return state.Change{TTL: e.ttl(sess, ev.Time)}, nil
	})
	if errors.Is(err, state.ErrDuplicate) {
		return lang, false, true
	}
	// Any other failure: this replica saved nothing, which is what the answer says.
	return lang, answer, false
}

// budget is how much one session may keep; a bound that is not positive is none.
type budget struct {
	turns, bytes int
}

// usage is what a session keeps: its contributions and the bytes they take in its
// record.
type usage struct {
	turns, bytes int
}

// percent is the larger share of b that u uses.
func (u usage) percent(b budget) int {
	p := 0
	if b.turns > 0 {
		p = u.turns * 100 / b.turns
	}
	if b.bytes > 0 {
		p = max(p, u.bytes*100/b.bytes)
	}
	return p
}

// within reports whether u fits in b.
func (u usage) within(b budget) bool {
	return (b.turns <= 0 || u.turns <= b.turns) && (b.bytes <= 0 || u.bytes <= b.bytes)
}

// usage counts the session's contributions and their bytes. Contributions are only
// appended except where edit marks a change, so only the ones added since the last
// count are counted, and a step costs the same at turn 5 and turn 500.
func (s *session) usage() usage {
	if s.sizedAt != s.edits || s.sized > len(s.Contributions) {
		s.sized, s.sizedBytes, s.sizedAt = 0, 0, s.edits
	}
	for ; s.sized < len(s.Contributions); s.sized++ {
		s.sizedBytes += s.contributionSize(s.sized)
	}
	return usage{turns: len(s.Contributions), bytes: s.sizedBytes}
}

// contributionSize is the size of contribution i in the record: its log entry's JSON
// with every field (what the entry takes at most, see encodeEntry).
func (s *session) contributionSize(i int) int { return sizeOf(s.Contributions[i]) }

// sizeOf is the length of c's log entry with every field (encodeEntry(nil, &c)) as
// encoding/json writes it; in the log an entry may leave fields out and be shorter.
func sizeOf(c contribution) int {
	// {"p":"","u":"","n":"","t":""}
	n := 29 + jsonLen(c.Phase) + jsonLen(c.User) + jsonLen(c.Name) + jsonLen(c.Text)
	if c.At != 0 {
		var digits [20]byte
		n += len(`,"a":`) + len(strconv.AppendInt(digits[:0], int64(c.At), 10))
	}
	if c.Question != "" {
		n += len(`,"q":""`) + jsonLen(c.Question)
	}
	return n
}

// jsonLen is the length of s as a JSON string from encoding/json, without its quotes:
// HTML characters, control characters, invalid bytes and the line separators take
// six bytes (\u003c), the usual escapes two.
func jsonLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			switch {
			case b == '"' || b == '\\' || b == '\n' || b == '\r' || b == '\t' || b == '\b' || b == '\f':
				n += 2
			case b < 0x20 || b == '<' || b == '>' || b == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// roomFor reports whether the session has room for c, added or (replace >= 0) in
// place of contribution replace, and returns what the session keeps with it. When
// there is no room, nothing is saved and the writer is told so.
func (tr *turn) roomFor(c contribution, replace int) (bool, usage) {
	u := tr.sess.usage()
	size := sizeOf(c)
	if replace >= 0 {
		old := tr.sess.contributionSize(replace)
		if size <= old {
			return true, u // a shorter text always fits
		}
		u.bytes += size - old
	} else {
		u.turns++
		u.bytes += size
	}
	// Once the session was told it is full, nothing more is added, also what would
	// still fit: that is what it was told.
	if u.within(tr.e.budget) && !tr.sess.BudgetFull {
		return true, u
	}
	tr.full()
	return false, u
}

// full answers a contribution that does not fit: the first time publicly, with the
// offer to close the session with its summary; after that privately to each writer,
// at most once per fullRemind, so a flood gets no flood back.
func (tr *turn) full() {
	s := tr.sess
	now := stampOf(tr.ev.Time)
	end := Action{Label: tr.msg("button.end_summary"), Command: "end", Primary: true}
	told, ok := s.FullTold[tr.user()]
	switch {
	case !s.BudgetFull:
		s.BudgetFull = true
		tr.say(tr.msg("budget.full", "leads", tr.leadNames()), end)
	case ok && now-told < stamp(fullRemind/time.Second):
		return
	default:
		tr.tell(tr.msg("budget.full_again", "leads", tr.leadNames()), end)
	}
	if s.FullTold == nil {
		s.FullTold = map[string]stamp{}
	}
	s.FullTold[tr.user()] = now
	tr.dirty = true
}

// nearlyFull tells the session once, when u passes budgetWarnPercent of its budget,
// that it is nearly full (or, when this contribution filled it, that it is full now).
func (tr *turn) nearlyFull(u usage) {
	if tr.sess.BudgetWarned || u.percent(tr.e.budget) < budgetWarnPercent {
		return
	}
	tr.sess.BudgetWarned = true
	tr.dirty = true
	if p := u.percent(tr.e.budget); p < 100 {
		tr.say(tr.msg("budget.nearly_full", "percent", fmt.Sprint(p), "leads", tr.leadNames()))
		return
	}
	// This contribution filled it: "nearly full (100%)" would not be true.
	tr.say(tr.msg("budget.reached", "leads", tr.leadNames()))
}

// forgetFull drops a person from the record of who was told the session is full.
func (s *session) forgetFull(user string) {
	delete(s.FullTold, user)
	if len(s.FullTold) == 0 {
		s.FullTold = nil
	}
}

// fits reports whether contribution i may become text within the session's budget.
func (tr *turn) fits(i int, text string) bool {
	c := tr.sess.Contributions[i]
	c.Text = text
	ok, _ := tr.roomFor(c, i)
	return ok
}
