// Package redisstore is the state.Store (and state.LogStore) on Redis (go-redis v9),
// shared by every bot replica. Each conversation is a Redis string holding a version
// header and the record's head, a list with the record's log entries and a hash of its
// recent event ids; every update commits with one Lua script that checks the version,
// refuses an event id seen before (and records it), and writes the head, appends to
// the log and sets their expiry, all atomically. A small per-process cache of records lets the common update take a
// single round trip: the update function runs on the cached record and the script
// verifies that it is still current, returning the current record when it is not.
// Update commands of concurrent Updates share pipelines (batch.go; Options.NoBatch).
//
// Keys of one conversation share one hash tag, so the store works on Redis Cluster
// through redis.UniversalClient. See docs/redis.md.
package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/internal/lru"
	"github.com/intervision-bot/intervision/state"
)

// DefaultPrefix starts every key the store writes.
const DefaultPrefix = "intervision"

// DefaultCacheSize is how many records a Store caches when Options.CacheSize is 0.
const DefaultCacheSize = 4096

// DefaultEventIDs is how many later events of its conversation an event id is
// remembered for at least when Options.EventIDs is 0.
const DefaultEventIDs = 64

// DefaultMaxAttempts is how often Update calls the update function before giving up
// when other replicas keep committing first.
const DefaultMaxAttempts = 100

// versionLen is the length of the version header in front of every record.
const versionLen = 16

// Options configures a Store. The zero value uses the defaults.
type Options struct {
	// Prefix starts every key ("intervision" when empty). '{' and '}' are escaped.
	Prefix string
	// Retention is how long a record lives after its last change when the change has
	// no TTL of its own (state.DefaultRetention when 0).
	Retention time.Duration
	// DedupeWindow is how long an event id is remembered at least
	// (state.DedupeWindow when 0); ids live as long as their conversation's record
	// when that is longer.
	DedupeWindow time.Duration
	// EventIDs is how many more events of the conversation an event id is remembered
	// for at least, however old (DefaultEventIDs when 0). A conversation keeps the ids
	// of its last one to two DedupeWindows, and at least its last EventIDs, under its
	// own hash tag.
	EventIDs int
	// CacheSize bounds the per-process record cache (DefaultCacheSize when 0; a
	// negative size turns the cache off, so every update takes two round trips).
	CacheSize int
	// MaxAttempts bounds the calls of an update function under contention
	// (DefaultMaxAttempts when 0).
	MaxAttempts int
	// NoBatch sends every update command on its own. By default update commands of
	// concurrent Updates that are ready at the same moment share one pipeline (one
	// write and one read), without waiting for one another: see batch.go and
	// docs/redis.md. Each update gets its own reply (see NoCombine).
	NoBatch bool
	// BatchSize bounds the update commands in one pipeline (DefaultBatchSize when 0).
	BatchSize int
	// BatchConns bounds the pipelines in flight at once (DefaultBatchConns when 0).
	BatchConns int
	// NoCombine sends each commit in a pipeline as an EVALSHA of its own. By default
	// the commits that share a pipeline go out as one EVALSHA that runs each of them
	// in turn and replies for each (batchScript), on a single server (a *redis.Client:
	// not a Cluster or a Ring). Set it behind a proxy that shards by key (twemproxy,
	// Envoy): it would send such a command whole to its first key's shard.
	NoCombine bool
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Retention <= 0 {
		o.Retention = state.DefaultRetention
	}
	if o.DedupeWindow <= 0 {
		o.DedupeWindow = state.DedupeWindow
	}
	if o.EventIDs <= 0 {
		o.EventIDs = DefaultEventIDs
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.BatchConns <= 0 {
		o.BatchConns = DefaultBatchConns
	}
	return o
}

// Store is a state.Store on Redis. It is safe for concurrent use; any number of Stores
// in any number of processes may share one Redis.
type Store struct {
	rdb    redis.UniversalClient
	opts   Options
	prefix string
	// cache holds records by record key. A cached record may be stale (another
	// replica committed since): updateScript detects that and returns the current
	// record, so the cache only saves round trips, never decides. Cached records are
	// shared with update functions (state.Record): nobody modifies one.
	cache *lru.Cache[state.Key, cached]
	batch *batcher // nil with Options.NoBatch

	// updateScript's arguments that are the same for every commit, boxed once (a
	// string in an interface value is an allocation): ARGV[5], ARGV[11], and ARGV[4]
	// and ARGV[13] for a change without TTL of its own.
	argWindow, argEventIDs, argExpiry, argSlack any
	// legacyUntil is until when (Unix ms) keys of the layout before the log may
	// remain, so that updateScript must look for an event id there too; negative while
	// not known yet (see legacy).
	legacyUntil atomic.Int64
	// readTimeout is the client's read timeout (0: none): how long it waits for a
	// reply, however long its caller's deadline (see commitDeadline).
	readTimeout time.Duration

	updates, roundTrips, conflicts, duplicates, pipelines, batched atomic.Int64
}

var _ state.LogStore = (*Store)(nil)

// cached is a cache entry: a record as this process last saw it and, once an update
// built them, its conversation's keys (updateKeys without an event id).
type cached struct {
	rec   state.Record
	keys  []string
	boxed []any // keys as command arguments
}

// New returns a Store using client. Close closes the client.
func New(client redis.UniversalClient, opts Options) *Store {
	opts = opts.withDefaults()
	s := &Store{
		rdb:         client,
		opts:        opts,
		prefix:      prefixEscaper.Replace(opts.Prefix),
		argWindow:   ms(opts.DedupeWindow),
		argEventIDs: strconv.Itoa(opts.EventIDs),
		argExpiry:   ms(opts.Retention + expirySlack(opts.Retention)),
		argSlack:    strconv.FormatInt(int64(expirySlack(opts.Retention)/time.Second), 10),
		cache:       lru.New[state.Key, cached](opts.CacheSize),
	}
	s.readTimeout = readTimeout(client)
	s.legacyUntil.Store(layoutUnknown)
	if !opts.NoBatch {
		// Only one server takes a script with keys of several conversations: a
		// cluster's or a ring's client would send it whole to the first key's node.
		_, single := client.(*redis.Client)
		s.batch = newBatcher(client, opts.BatchSize, opts.BatchConns, !opts.NoCombine && single, func(n int) {
			s.pipelines.Add(1)
			s.batched.Add(int64(n))
		})
	}
	return s
}

// Open connects to the Redis that url names (see NewClient for the accepted forms) and
// checks that it answers. An unreachable server gives an error wrapping
// state.ErrUnavailable.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	client, err := NewClient(url)
	if err != nil {
		return nil, err
	}
	if err := client.Ping(ctx).Err(); err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("redisstore: ping %s: %w (%w)", redactURL(url), state.ErrUnavailable, err)
	}
	return New(client, opts), nil
}

// Client returns the Redis client, for tests and benchmarks.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Stats counts what a Store did since it was made.
type Stats struct {
	// Updates is the number of Update calls.
	Updates int64
	// RoundTrips is the number of commands sent to Redis (loading the script after a
	// NOSCRIPT, and the reading of the layout key once, not counted). With batching several update commands share one network
	// round trip: see Pipelines.
	RoundTrips int64
	// Pipelines is the number of pipelines the batcher sent, and Batched the update
	// commands they carried (Batched/Pipelines is the mean batch size). Both stay 0
	// with Options.NoBatch.
	Pipelines, Batched int64
	// Conflicts is how often a commit found a newer record than the one fn saw.
	Conflicts int64
	// Duplicates is how often an event id was refused.
	Duplicates int64
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{
		Updates:    s.updates.Load(),
		RoundTrips: s.roundTrips.Load(),
		Conflicts:  s.conflicts.Load(),
		Duplicates: s.duplicates.Load(),
		Pipelines:  s.pipelines.Load(),
		Batched:    s.batched.Load(),
	}
}

// updateScript loads or commits one event's update of a conversation atomically.
//
//	KEYS[1] record key (version header + head); KEYS[2] members key; KEYS[3] log key
//	        (a list of entries); KEYS[4] recent event ids (a hash of id → token);
//	        KEYS[5] the generation of event ids before those; KEYS[6] (only while keys
//	        of the layout before the log may remain, see Store.legacy) the event's key
//	        in that layout (":e:<id>"), read only
//	ARGV[1] version the caller saw ("" = no record)
//	ARGV[2] op: w write the head and append ARGV[14+n..] to the log; r write the head
//	        and replace the log with them; d delete; t keep data and refresh expiry
//	ARGV[3] new head (version header + data) for w and r
//	ARGV[4] record expiry in ms (the change's TTL and its slack, see expirySlack);
//	        ARGV[5] how long an event id is remembered at least, in ms (DedupeWindow)
//	ARGV[6] what the event id keeps of this attempt's token (keptToken), its value
//	ARGV[7] ms that the indexes named by ARGV[14..] are known to live from now on (0: none)
//	ARGV[8] a: the users ARGV[14..] were just indexed; r: every member's index was just
//	        refreshed (and the users ARGV[14..] indexed); "": no index was touched
//	ARGV[9] the caller's deadline in Unix microseconds (compared as digits with TIME's)
//	ARGV[10] the event's field in KEYS[4] ("" = the event has no id)
//	ARGV[11] event ids per generation; ARGV[12] n, the number of users in ARGV[14..]
//	ARGV[13] the slack in whole seconds: how long an expiry given now covers later
//	        appends ("0": none; only a change with the store's retention as its TTL has one)
//
// In the script (step) the keys are named rkey, mkey, lkey, ikey, jkey, ekey and the
// arguments version, op, head, expiry, window, kept, known, mode, deadline, ev,
// pergen, nusers, slack, in this order.
//
// A command that Redis runs after the caller's deadline (by Redis's clock, TIME) is
// refused with {5} before anything is read or written: the caller has given up on it
// and told the user the turn was not saved, so it must not commit later, when a
// stalled Redis resumes or the client resends it. The deadline is taken on the bot's
// clock; the hosts' clocks are assumed to agree (NTP) to well within the timeout.
//
// Expiry is given in advance: a step with the store's retention as its TTL gives the
// head, the log and the ids ARGV[4] (the TTL plus its slack) and notes in the ids'
// fields '*' (now + the slack, in Unix seconds: until when it covers appends) and '='
// (the first 8 characters of the version of the head it belongs to). A plain append
// (op w, no index touched, the store's retention as its TTL, the head the one '='
// names) before then writes the head with KEEPTTL, its entry (RPUSHX; a log it begins
// gets the head's expiry) and id, and '=' anew, and refreshes no expiry: each key
// still lives at least the TTL (and the ids at least ARGV[5] + the slack) past this
// step, and the members' bound was checked against that expiry when it was given.
// Every other commit with an id writes '*' and '=' anew ('*' = 0 when it gives no
// expiry in advance); one without an id drops '*'; eraseScript drops it too, and
// writes another head. Any script that sets a conversation's expiry must do one of
// these, or an append would keep an expiry it did not give; a replica of an earlier
// version writes another head, so '=' no longer names it (TestExpiryRollingUpgrade).
// All replicas must share the retention and DedupeWindow: a fast append relies on the
// expiries the arming replica gave.
//
// Event ids are remembered in two generations under the conversation's hash tag: when
// the current one holds ARGV[11] ids and began at least ARGV[5] ms ago it becomes the
// previous one (RENAME, dropping the one before), so every id is refused for at least
// ARGV[5] ms and at least ARGV[11] more events. Both live as long as the record and at
// least ARGV[5] after the last event. The current one's field '-' marks a first
// generation (set when it begins and EXISTS finds no previous one; a rotation drops
// it): only without it is the previous one read and given an expiry. The ids are
// counted (HLEN) only once the generation is old enough to give way.
//
// The members key lists the users whose index lists this conversation (a hash of user
// → "", which Redis keeps as a small listpack; conversations indexed before keep a
// set, which Redis 7.0 keeps as a hash table of ~300 bytes); its expiry is
// a lower bound of all their indexes' expiries. A commit that would let the record
// outlive that bound is not made: the script replies {3, members...} and the caller
// refreshes those indexes and sends the step again with ARGV[8] = r. Otherwise it
// replies {0, token} when the event id was seen, {1[, head, {entries}]} with the
// current record when the caller's version is stale, {2} when committed.
var updateScript = redis.NewScript(updatePrelude + updateStep + `
return step(KEYS, 0, #KEYS, ARGV, 0, #ARGV, redis.call('TIME'))
`)

// updatePrelude begins updateScript and batchScript.
const updatePrelude = `if redis.replicate_commands then redis.replicate_commands() end
-- Numbers stay strings where they can: tonumber and passing a number to redis.call
-- (formatted with %.17g) cost more than most commands. gt compares non-negative
-- integers written without leading zeros.
local function gt(a, b) return #a > #b or (#a == #b and a > b) end
`

// updateStep is updateScript's work as a Lua function, step, of one step's keys and
// arguments (KEYS and ARGV from an offset, with their counts) and the reply of TIME,
// so that batchScript runs the same code for each of its steps in place: it takes its
// arguments into locals, and no step copies them into tables of its own.
const updateStep = `local function step(KEYS, k, kc, ARGV, a, ac, now)
  -- One step's keys and arguments are KEYS[k + 1 .. k + kc] and ARGV[a + 1 .. a + ac]
  -- (batchScript passes its whole arrays; locals cost no table). A step has 5 or 6
  -- keys and at least 13 arguments (commit.appendArgs always sends all 13).
  local rkey, mkey, lkey, ikey, jkey, ekey = unpack(KEYS, k + 1, k + kc)
  local version, op, head, expiry, window, kept, known, mode, deadline, ev, pergen, nusers, slack =
    unpack(ARGV, a + 1, a + 13)
  local last = a + ac
  local t = now[1] .. string.sub('00000' .. now[2], -6)
  if gt(t, deadline) then return {5} end
  -- The ids' fields '' (when the generation began, in ms), '-' (there is no previous
  -- generation), '*' and '=' (the expiry given in advance) come with the id; no id's
  -- field is that short.
  local ids
  if ev ~= '' then
    ids = redis.call('HMGET', ikey, ev, '', '-', '*', '=')
    local seen = ids[1] or (not ids[3] and redis.call('HGET', jkey, ev)) or
      (ekey and redis.call('GET', ekey))
    if seen then return {0, seen} end
  end
  -- Only the version header is read: the record itself can be many kilobytes.
  local ver = redis.call('GETRANGE', rkey, '0', '15')
  if ver ~= version then
    local cur = redis.call('GET', rkey)
    if cur then return {1, cur, redis.call('LRANGE', lkey, '0', '-1')} end
    return {1}
  end
  local ms = string.sub(t, 1, -4)
  -- A plain append that the expiry given in advance covers (and no rotation of the
  -- ids is due): head, entry and id, nothing else.
  if op == 'w' and mode == '' and ver ~= '' and slack ~= '0' and ids and
      ids[5] == string.sub(ver, 1, 8) and ids[4] and ids[2] and gt(ids[4], now[1]) and
      tonumber(ms) - tonumber(ids[2]) < tonumber(window) then
    redis.call('SET', rkey, head, 'KEEPTTL')
    -- RPUSHX: a log this append begins (a rewrite left none) gets the head's expiry.
    local push = 'RPUSHX'
    for i = a + 14, last, 1000 do
      if redis.call(push, lkey, unpack(ARGV, i, math.min(i + 999, last))) == 0 then
        redis.call('RPUSH', lkey, unpack(ARGV, i, math.min(i + 999, last)))
        local left = redis.call('PTTL', rkey)
        if left > 0 then redis.call('PEXPIRE', lkey, left) end
      end
      push = 'RPUSH'
    end
    redis.call('HSET', ikey, ev, kept, '=', string.sub(head, 1, 8))
    return {2}
  end
  local write = op == 'w' or op == 'r'
  -- How long every listed index is known to live after this commit (-2: no list).
  local bound = redis.call('PTTL', mkey)
  if mode == 'r' or (mode == 'a' and (bound < 0 or tonumber(known) < bound)) then bound = tonumber(known) end
  -- The members key is a hash of user -> ''; a conversation indexed before keeps a set.
  local function oldset() return redis.call('TYPE', mkey).ok == 'set' end
  if (write or (op == 't' and ver ~= '')) and bound >= 0 and bound < tonumber(expiry) then
    if oldset() then return {3, redis.call('SMEMBERS', mkey)} end
    return {3, redis.call('HKEYS', mkey)}
  end
  local nu = nusers == '0' and 0 or tonumber(nusers)
  -- Whether the record's keys now expire after expiry ms.
  local armed = write or (op == 't' and ver ~= '')
  if write then
    redis.call('SET', rkey, head, 'PX', expiry)
    if op == 'r' then redis.call('DEL', lkey) end
    for i = a + 14 + nu, last, 1000 do
      redis.call('RPUSH', lkey, unpack(ARGV, i, math.min(i + 999, last)))
    end
    redis.call('PEXPIRE', lkey, expiry)
  elseif op == 'd' then
    if ver ~= '' then redis.call('DEL', rkey, mkey, lkey) end
  elseif ver ~= '' then
    redis.call('PEXPIRE', rkey, expiry)
    redis.call('PEXPIRE', lkey, expiry)
  end
  if op ~= 'd' and mode ~= '' then
    if nu > 0 and oldset() then
      redis.call('SADD', mkey, unpack(ARGV, a + 14, a + 13 + nu))
    elseif nu > 0 then
      local fv = {}
      for i = a + 14, a + 13 + nu do fv[#fv + 1] = ARGV[i]; fv[#fv + 1] = '' end
      redis.call('HSET', mkey, unpack(fv))
    end
    if redis.call('EXISTS', mkey) == 1 then redis.call('PEXPIRE', mkey, bound) end
  end
  if ev == '' then
    if armed then redis.call('HDEL', ikey, '*') end
    return {2}
  end
  -- The expiry in advance belongs to the head as this commit leaves it ('='); a head
  -- written by anyone else (an erasure, a replica of an earlier version) voids it.
  local upto, named = '0', string.sub(ver, 1, 8)
  if armed and slack ~= '0' then upto = tostring(tonumber(now[1]) + tonumber(slack)) end
  if write then named = string.sub(head, 1, 8) end
  local began, alone = ids[2], ids[3]
  -- The generation's size is read only once it is old enough to give way: it holds
  -- pergen ids (its count less the fields '', '-', '*' and '=').
  if began and tonumber(ms) - tonumber(began) >= tonumber(window) and
      redis.call('HLEN', ikey) - (alone and 1 or 0) - (ids[4] and 1 or 0) - (ids[5] and 1 or 0) >
        tonumber(pergen) then
    redis.call('RENAME', ikey, jkey)
    began, alone = false, false
  end
  if began then
    redis.call('HSET', ikey, ev, kept, '*', upto, '=', named)
  elseif not ids[1] and not ids[2] and not alone and redis.call('EXISTS', jkey) == 0 then
    -- A new first generation (the previous one, when there is one, always lives as
    -- long as the current one).
    redis.call('HSET', ikey, '', ms, '-', '', ev, kept, '*', upto, '=', named)
    alone = true
  else
    redis.call('HSET', ikey, '', ms, ev, kept, '*', upto, '=', named)
  end
  -- The ids live at least window past this event and, when it gave expiry in advance,
  -- past the appends it covers; and as long as the record.
  local keep = window
  if armed then keep = tostring(tonumber(window) + 1000 * tonumber(slack)) end
  if op ~= 'd' and (write or ver ~= '') and gt(expiry, keep) then keep = expiry end
  redis.call('PEXPIRE', ikey, keep)
  if not alone then redis.call('PEXPIRE', jkey, keep) end
  return {2}
end
`

// eraseScript commits a change that only removes data (state.Change.Erase) and so
// may run while Redis is at maxmemory: it is flagged allow-oom, and it can only
// shrink memory. It writes a record only when the new one (head and log) is not longer
// than the current one (else it replies {4} and writes nothing), never lengthens a
// record's life, records no event id and adds nobody to an index. With no growth in
// expiry the user indexes still outlive the record, so none needs refreshing.
//
//	KEYS[1] record key; KEYS[2] members key; KEYS[3] log key; KEYS[4] recent event
//	        ids, whose field '*' it drops when it sets an expiry (see updateScript)
//	ARGV[1] version the caller saw; ARGV[2] op (r, d, t; w only without entries);
//	ARGV[3] new head for w and r; ARGV[4] the longest expiry in ms the record may get;
//	ARGV[5] the caller's deadline in Unix microseconds (as updateScript's ARGV[9]);
//	ARGV[6..] the new log for r
//
// Replies {1[, head, {entries}]} when the caller's version is stale, {2} when
// committed, {4} when a write would grow the record, {5} when run after the deadline.
var eraseScript = redis.NewScript(`#!lua flags=allow-oom
local now = redis.call('TIME')
if tonumber(now[1]) * 1000000 + tonumber(now[2]) > tonumber(ARGV[5]) then return {5} end
local ver = redis.call('GETRANGE', KEYS[1], 0, 15)
if ver ~= ARGV[1] then
  local cur = redis.call('GET', KEYS[1])
  if cur then return {1, cur, redis.call('LRANGE', KEYS[3], 0, -1)} end
  return {1}
end
if ver == '' then return {2} end
local op, ttl = ARGV[2], tonumber(ARGV[4])
if op == 'd' then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return {2}
end
local left = redis.call('PTTL', KEYS[1])
if left > 0 and left < ttl then ttl = left end
if op == 'w' or op == 'r' then
  local size, now = string.len(ARGV[3]), redis.call('STRLEN', KEYS[1])
  if op == 'r' then
    for i = 6, #ARGV do size = size + string.len(ARGV[i]) end
    for _, e in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do now = now + string.len(e) end
  end
  if size > now then return {4} end
  if op == 'r' then redis.call('DEL', KEYS[3]) end
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
  for i = 6, #ARGV, 1000 do
    redis.call('RPUSH', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('HDEL', KEYS[4], '*')
elseif left < 0 or ttl < left then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('HDEL', KEYS[4], '*')
end
return {2}
`)

// loadScript reads a record's head and log at one moment. It writes nothing, so it
// runs when Redis is full too.
var loadScript = redis.NewScript(`#!lua flags=no-writes
return {redis.call('GET', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1)}
`)

// indexScript adds a member to a user's index and makes the index live at least
// ARGV[2] ms.
var indexScript = redis.NewScript(`
redis.call('SADD', KEYS[1], ARGV[1])
local t = redis.call('PTTL', KEYS[1])
if t < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`)

// refreshScript makes an existing user index live at least ARGV[1] ms; a missing
// index (the user forgot, and Unindex deleted it) stays missing.
var refreshScript = redis.NewScript(`
local t = redis.call('PTTL', KEYS[1])
if t >= 0 and t < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return t
`)

const (
	replySeen      = 0
	replyCurrent   = 1
	replyCommitted = 2
	replyRefresh   = 3 // updateScript: the members' indexes must be refreshed first
	replyGrows     = 4 // eraseScript: the new record is longer than the current one
	replyLate      = 5 // run after the caller's deadline: nothing was written
	replyFailed    = 6 // batchScript: this step raised an error (see stepReply)
)

// DefaultUpdateTimeout bounds an Update whose context has no deadline: every command
// it sends, and the deadline its commit carries to Redis (see updateScript).
const DefaultUpdateTimeout = 10 * time.Second

// errLate is the error of a commit that Redis refused because it ran after the
// caller's deadline.
var errLate = errors.New("commit reached Redis after the caller's deadline; not saved")

// Update calls fn on the record of key as this process last saw it (from the cache; no
// record when it has none) and commits its change with one script that checks the
// version and the event id. On a version conflict the script returns the current record
// and fn runs again, so an update costs one round trip when the cache is current and two
// when it is not. A duplicate event id is refused with state.ErrDuplicate; fn may have
// run, but its change is dropped. A record with a log is shown flat
// (state.Record.Flat), and a change with Data replaces head and log.
//
// About once per retention period of a conversation the script asks for its users'
// indexes to be refreshed first (they must outlive the record): Update then refreshes
// them and sends the step again (see updateScript and docs/redis.md).
func (s *Store) Update(ctx context.Context, key state.Key, eventID string, fn state.UpdateFunc) error {
	_, err := s.UpdateLog(ctx, key, eventID, func(cur state.Record) (state.Change, error) {
		ch, err := fn(cur.Flat())
		if ch.Data != nil {
			// The caller keeps its slices; the cache must not share them.
			ch.Data, ch.Append, ch.Rewrite = clone(ch.Data), cloneAll(ch.Append), true
		}
		return ch, err
	})
	return err
}

// UpdateLog is Update with the record as head and log (state.LogStore): a change that
// appends sends and writes its new entries and the head, never the older entries. fn
// sees the cached record itself, shared: it must not modify it.
func (s *Store) UpdateLog(ctx context.Context, key state.Key, eventID string, fn state.LogFunc) (string, error) {
	s.updates.Add(1)
	deadline, ok := ctx.Deadline()
	if !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultUpdateTimeout)
		defer cancel()
		deadline, _ = ctx.Deadline()
	}
	// Without a cache entry, guess that there is no record: when there is one, the
	// commit fails its version check and returns the record, which costs the same
	// round trip a load would have, and a new conversation costs none.
	entry, _ := s.cache.Get(key)
	cur, convKeys, boxed := entry.rec, entry.keys, entry.boxed
	if convKeys == nil {
		convKeys = s.updateKeys(key, "")
		boxed = make([]any, len(convKeys))
		for i, k := range convKeys {
			boxed[i] = k
		}
	}
	keys, keyArgs, field := s.eventKeys(convKeys, boxed, eventID)
	verified := false      // cur was read from Redis during this call
	var refreshed lifetime // every listed user's index was refreshed during this call
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("redisstore: update %s: %w", key, err)
		}
		ch, err := fn(cur)
		if err != nil {
			if verified {
				return "", err
			}
			// fn may have judged a stale view: show it the current record first.
			fresh, gerr := s.load(ctx, key)
			if gerr != nil {
				s.cache.Take(key)
				return "", s.unavailable("update", key, gerr)
			}
			verified = true
			if fresh.Version == cur.Version {
				return "", err
			}
			cur = fresh
			continue
		}
		ttl := ch.TTL
		if ttl <= 0 {
			ttl = s.opts.Retention
		}
		c := commit{keys: keys, keyArgs: keyArgs, field: field, version: cur.Version, ttl: ttl, token: newVersion(), refreshed: refreshed, deadline: s.commitDeadline(deadline)}
		if len(ch.Users) > 0 && !ch.Erase {
			// The index is written before the commit: if the commit then fails, the
			// index lists a conversation without this user's words, which forget
			// handles; the reverse would hide words from forget.
			c.indexed = lifetime{at: time.Now(), d: ttl + expirySlack(ttl) + s.opts.Retention}
			if err := s.index(ctx, key, ch.Users, c.indexed.d); err != nil {
				s.cache.Take(key)
				return "", s.unavailable("update", key, err)
			}
			c.users = ch.Users
		}
		next := c.set(cur, ch)
		reply, err := s.commit(ctx, c, ch.Erase && eventID == "")
		if err != nil {
			s.cache.Take(key)
			return "", s.unavailable("update", key, err)
		}
		switch {
		case reply.code == replyCommitted,
			// The client may resend a command after a lost reply: a reply naming
			// this attempt's own token means the first send committed.
			reply.code == replySeen && reply.token == keptToken(c.token),
			reply.code == replyCurrent && c.writes() && reply.current.Version == c.token:
			s.cache.Put(key, cached{next, convKeys, boxed})
			return next.Version, nil
		case reply.code == replySeen:
			s.duplicates.Add(1)
			return "", state.ErrDuplicate
		case reply.code == replyRefresh:
			refreshed = lifetime{at: time.Now(), d: ttl + expirySlack(ttl) + s.opts.Retention}
			if err := s.refresh(ctx, key.Space(), reply.members, refreshed.d); err != nil {
				s.cache.Take(key)
				return "", s.unavailable("update", key, err)
			}
		default:
			s.conflicts.Add(1)
			cur, verified = reply.current, true
			s.cache.Put(key, cached{cur, convKeys, boxed})
		}
		if attempt >= s.opts.MaxAttempts {
			return "", fmt.Errorf("redisstore: update %s: gave up after %d conflicting attempts: %w (%w)",
				key, attempt, state.ErrUnavailable, state.ErrConflict)
		}
	}
}

// eventKeys are a commit's keys (and as arguments) and the event id's field: the
// conversation's keys and, while keys of the layout before the log may remain (see
// legacy), where that layout remembered the id, a key of its own, which the script
// looks in too.
func (s *Store) eventKeys(convKeys []string, boxed []any, eventID string) ([]string, []any, string) {
	if eventID == "" {
		return convKeys, boxed, ""
	}
	if !s.legacy() {
		return convKeys, boxed, eventField(eventID)
	}
	// The record key less ":s" is every key's start.
	legacy := convKeys[0][:len(convKeys[0])-2] + ":e:" + esc(eventID)
	return append(convKeys[:len(convKeys):len(convKeys)], legacy), append(boxed[:len(boxed):len(boxed)], legacy), eventField(eventID)
}

// commitDeadline is the deadline a commit carries to Redis: the caller's, or sooner
// when the client stops waiting for the reply before it (its read timeout). A
// commit still queued in a stalled Redis when the client gave up must not commit:
// its sender was told it was not saved.
func (s *Store) commitDeadline(caller time.Time) time.Time {
	if s.readTimeout > 0 {
		if d := time.Now().Add(s.readTimeout); d.Before(caller) {
			return d
		}
	}
	return caller
}

// readTimeout is the read timeout of client's options (go-redis sets 3 s unless told
// otherwise; 0 when reads wait for ever), or 0 for a client it does not know.
func readTimeout(client redis.UniversalClient) time.Duration {
	switch c := client.(type) {
	case *redis.Client:
		return max(c.Options().ReadTimeout, 0)
	case *redis.ClusterClient:
		return max(c.Options().ReadTimeout, 0)
	}
	return 0
}

// lifetime says that some user indexes were made to live at least d from at.
type lifetime struct {
	at time.Time
	d  time.Duration
}

// left is how long the indexes are known to live from now, less a margin for the time
// the command takes to reach Redis (0 when unknown).
func (l lifetime) left(retention time.Duration) time.Duration {
	if l.at.IsZero() {
		return 0
	}
	return max(l.d-time.Since(l.at)-min(time.Second, retention/10), time.Millisecond)
}

// commit is one attempt's command to updateScript or eraseScript.
type commit struct {
	keys               []string
	keyArgs            []any  // keys, boxed
	field              string // the event id's field in the recent ids ("": none)
	version, op, token string
	val                []byte   // version header + head, for w and r
	entries            [][]byte // appended (w) or the whole log (r)
	ttl                time.Duration
	deadline           time.Time // the caller's: Redis refuses the command after it
	users              []string  // indexed in this attempt (c.indexed)
	indexed, refreshed lifetime
}

// writes reports whether the commit writes a new head (and so a new version).
func (c commit) writes() bool { return c.op == "w" || c.op == "r" }

// set fills in the op and value for ch and returns the record cur becomes.
func (c *commit) set(cur state.Record, ch state.Change) state.Record {
	c.op = "t"
	switch {
	case ch.Delete:
		c.op = "d"
		return state.Record{}
	case ch.Data != nil:
		c.val = make([]byte, 0, versionLen+len(ch.Data))
		c.val = append(append(c.val, c.token...), ch.Data...)
		c.op, c.entries = "w", ch.Append
		if ch.Rewrite {
			c.op = "r"
		}
		return cur.Appended(c.token, ch.Data, ch.Append, ch.Rewrite)
	case cur.Version == "":
		return state.Record{}
	}
	return cur
}

// args are updateScript's ARGV.
func (c commit) args(s *Store) []any { return c.appendArgs(s, nil) }

// appendArgs appends updateScript's ARGV to dst.
func (c commit) appendArgs(s *Store, dst []any) []any {
	// Constants and the Store's boxed values go into the []any without an
	// allocation each, and the commit's own values as pointers into one commitArgs
	// (go-redis writes a *string, an *int64 and an encoding.BinaryMarshaler as it
	// writes the value), so that boxing them costs no allocation each either.
	var mode, life, op, ttl, slack, nu any = "", "0", "t", s.argExpiry, s.argSlack, "0"
	if !c.indexed.at.IsZero() || !c.refreshed.at.IsZero() {
		var d time.Duration
		if !c.indexed.at.IsZero() {
			mode, d = "a", c.indexed.left(s.opts.Retention)
		}
		if !c.refreshed.at.IsZero() {
			if r := c.refreshed.left(s.opts.Retention); mode == "" || r < d {
				d = r
			}
			mode = "r"
		}
		life = ms(d)
	}
	switch c.op {
	case "w":
		op = "w"
	case "r":
		op = "r"
	case "d":
		op = "d"
	}
	if c.ttl != s.opts.Retention {
		ttl, slack = ms(c.ttl+expirySlack(c.ttl)), "0"
	}
	if len(c.users) > 0 {
		nu = strconv.Itoa(len(c.users))
	}
	a := &commitArgs{version: c.version, field: c.field, deadline: max(c.deadline.UnixMicro(), 0), head: c.val}
	a.kept = a.keep(c.token)
	args := slices.Grow(dst, 13+len(c.users)+len(c.entries))
	args = append(args, &a.version, op, &a.head, ttl, s.argWindow, &a.kept, life, mode,
		&a.deadline, &a.field, s.argEventIDs, nu, slack)
	for _, u := range c.users {
		args = append(args, u)
	}
	entries := a.entries[:0]
	if len(c.entries) > len(a.entries) {
		entries = make([]bytesArg, 0, len(c.entries))
	}
	for _, e := range c.entries {
		entries = append(entries, e)
		args = append(args, &entries[len(entries)-1])
	}
	return args
}

// commitArgs are the values of one commit's ARGV that are not constants, in one
// allocation (see appendArgs).
type commitArgs struct {
	version, field string
	deadline       int64 // us(c.deadline)
	head, kept     bytesArg
	token          [tokenKept / 2]byte // kept's bytes
	entries        [1]bytesArg         // a step's entry (more get a slice of their own)
}

// keep is keptToken(token) as bytes in a.
func (a *commitArgs) keep(token string) bytesArg {
	if _, err := hex.Decode(a.token[:], []byte(token[:tokenKept])); err != nil {
		return bytesArg(token[:tokenKept]) // as keptToken
	}
	return a.token[:]
}

// bytesArg is a command argument that a pointer boxes without an allocation.
type bytesArg []byte

// MarshalBinary returns b (go-redis writes an encoding.BinaryMarshaler's bytes).
func (b *bytesArg) MarshalBinary() ([]byte, error) { return *b, nil }

// commit sends c: with eraseScript when erase and the erasure can be made without
// growing memory, else with updateScript.
func (s *Store) commit(ctx context.Context, c commit, erase bool) (updateReply, error) {
	if erase && (c.op != "w" || len(c.entries) == 0) {
		s.roundTrips.Add(1)
		args := make([]any, 0, 5+len(c.entries))
		args = append(args, c.version, c.op, c.val, ms(c.ttl+expirySlack(c.ttl)), us(c.deadline))
		for _, e := range c.entries {
			args = append(args, e)
		}
		res, err := eraseScript.Run(ctx, s.rdb, c.keys[:4], args...).Slice()
		var rerr redis.Error
		switch {
		case err == nil:
			r, err := parseReply(res)
			if err != nil || r.code != replyGrows {
				return late(r, err)
			}
		case errors.As(err, &rerr) && !strings.HasPrefix(err.Error(), "OOM"):
			// A server that does not know script flags (before Redis 7): erase as
			// any other update.
		default:
			return updateReply{}, err
		}
	}
	// The whole EVALSHA, built here rather than by go-redis, so that the keys boxed
	// in the cache entry are not boxed again.
	cmd := make([]any, 0, 3+len(c.keyArgs)+13+len(c.users)+len(c.entries))
	cmd = append(cmd, "evalsha", updateSHA, len(c.keyArgs))
	cmd = c.appendArgs(s, append(cmd, c.keyArgs...))
	return s.runUpdate(ctx, c.keys, cmd, c.writes())
}

type updateReply struct {
	code    int64
	token   string       // replySeen: the token stored with the event id
	current state.Record // replyCurrent: the record in Redis
	members []string     // replyRefresh: the users whose indexes list the conversation
}

// runUpdate runs updateScript: cmd is the whole EVALSHA (name, hash, key count,
// keys, ARGV), sent through the batcher unless batching is off. A commit that writes
// a head (op w or r, writes) may share a batchScript with others: its first write is
// a SET, which Redis refuses when out of memory (see batchScript).
func (s *Store) runUpdate(ctx context.Context, keys []string, cmd []any, writes bool) (updateReply, error) {
	s.roundTrips.Add(1)
	var v any
	var err error
	if s.batch != nil {
		r := s.batch.doStep(ctx, keys, cmd, writes)
		v, err = r.val, r.err
		if r.noScript {
			// As in run.
			_ = updateScript.Load(ctx, s.rdb).Err()
			v, err = updateScript.Run(ctx, s.rdb, keys, cmd[3+len(keys):]...).Result()
		}
	} else {
		v, err = updateScript.Run(ctx, s.rdb, keys, cmd[3+len(keys):]...).Result()
	}
	if err != nil {
		return updateReply{}, err
	}
	res, ok := v.([]any)
	if !ok {
		return updateReply{}, fmt.Errorf("unexpected script reply %T", v)
	}
	return late(parseReply(res))
}

// updateSHA is updateScript's hash as a command argument.
var updateSHA any = updateScript.Hash()

// run runs script: through the batcher unless batching is off, else (and after a
// NOSCRIPT in a pipeline) with Script.Run, which falls back to EVAL.
func (s *Store) run(ctx context.Context, script *redis.Script, keys []string, args ...any) (any, error) {
	if s.batch == nil {
		return script.Run(ctx, s.rdb, keys, args...).Result()
	}
	r := s.batch.do(ctx, script, keys, args)
	if r.noScript {
		// The server lost its scripts (restart, SCRIPT FLUSH). Load the script
		// again for the pipelines to come and run this command on its own; Run
		// still falls back to EVAL should the load have been undone already.
		_ = script.Load(ctx, s.rdb).Err()
		return script.Run(ctx, s.rdb, keys, args...).Result()
	}
	return r.val, r.err
}

// late turns a replyLate into errLate.
func late(r updateReply, err error) (updateReply, error) {
	if err == nil && r.code == replyLate {
		return updateReply{}, errLate
	}
	return r, err
}

// parseReply reads the reply of updateScript or eraseScript.
func parseReply(res []any) (updateReply, error) {
	if len(res) == 0 {
		return updateReply{}, errors.New("empty script reply")
	}
	code, ok := res[0].(int64)
	if !ok {
		return updateReply{}, fmt.Errorf("unexpected script reply %T", res[0])
	}
	r := updateReply{code: code}
	if len(res) < 2 {
		return r, nil
	}
	if code == replyRefresh {
		ms, err := stringList(res[1])
		if err != nil {
			return updateReply{}, err
		}
		r.members = ms
		return r, nil
	}
	v, ok := res[1].(string)
	if !ok {
		return updateReply{}, fmt.Errorf("unexpected script reply element %T", res[1])
	}
	switch code {
	case replySeen:
		r.token = v
	case replyCurrent:
		var log any
		if len(res) > 2 {
			log = res[2]
		}
		var err error
		if r.current, err = parseRecord(v, log); err != nil {
			return updateReply{}, err
		}
	}
	return r, nil
}

// stringList reads a script's array of strings.
func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	vs, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("unexpected script reply element %T", v)
	}
	out := make([]string, 0, len(vs))
	for _, x := range vs {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// index adds key to the index of every user, making each index live at least ttl.
func (s *Store) index(ctx context.Context, key state.Key, users []string, ttl time.Duration) error {
	m := member(key)
	for _, u := range users {
		s.roundTrips.Add(1)
		if _, err := s.run(ctx, indexScript, []string{s.userKey(key.Space(), u)}, m, ms(ttl)); err != nil {
			return err
		}
	}
	return nil
}

// refresh makes the existing indexes of users in space live at least ttl. The indexes
// may lie on different slots: one command each.
func (s *Store) refresh(ctx context.Context, space state.Space, users []string, ttl time.Duration) error {
	for _, u := range users {
		s.roundTrips.Add(1)
		if _, err := s.run(ctx, refreshScript, []string{s.userKey(space, u)}, ms(ttl)); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the current record of key, or nil; a record with a log flat
// (state.Record.Flat).
func (s *Store) Get(ctx context.Context, key state.Key) ([]byte, error) {
	r, err := s.load(ctx, key)
	if err != nil {
		return nil, s.unavailable("get", key, err)
	}
	return r.Flat(), nil
}

// load reads a record's head and log with one read-only script (one round trip, one
// moment; allowed when Redis is full; batched like commits) and caches it.
func (s *Store) load(ctx context.Context, key state.Key) (state.Record, error) {
	s.roundTrips.Add(1)
	rk := s.recordKey(key)
	reply, err := s.run(ctx, loadScript, []string{rk, s.logKey(key)})
	res, ok := reply.([]any)
	if err == nil && (!ok || len(res) == 0) {
		err = fmt.Errorf("unexpected script reply %T", reply)
	}
	if err != nil {
		s.cache.Take(key)
		return state.Record{}, err
	}
	v, _ := res[0].(string)
	if v == "" {
		s.cache.Put(key, cached{})
		return state.Record{}, nil
	}
	var log any
	if len(res) > 1 {
		log = res[1]
	}
	r, err := parseRecord(v, log)
	if err != nil {
		return state.Record{}, err
	}
	s.cache.Put(key, cached{rec: r})
	return r, nil
}

// Conversations lists the keys a user contributed to in a space. A listed
// conversation may have expired since.
func (s *Store) Conversations(ctx context.Context, space state.Space, userID string) ([]state.Key, error) {
	s.roundTrips.Add(1)
	ms, err := s.rdb.SMembers(ctx, s.userKey(space, userID)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: conversations of a user in %s:%s: %w (%w)",
			space.Platform, space.Workspace, state.ErrUnavailable, err)
	}
	out := make([]state.Key, 0, len(ms))
	for _, m := range ms {
		if k, ok := parseMember(space, m); ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// Unindex forgets which conversations a user contributed to in a space.
func (s *Store) Unindex(ctx context.Context, space state.Space, userID string) error {
	s.roundTrips.Add(1)
	if err := s.rdb.Del(ctx, s.userKey(space, userID)).Err(); err != nil {
		return fmt.Errorf("redisstore: unindex a user in %s:%s: %w (%w)",
			space.Platform, space.Workspace, state.ErrUnavailable, err)
	}
	return nil
}

// Close closes the Redis client.
func (s *Store) Close() error { return s.rdb.Close() }

// Ping checks that Redis answers (a readiness probe's capability); the error wraps
// state.ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w (%w)", state.ErrUnavailable, err)
	}
	return nil
}

// unavailable wraps a Redis failure. A context error stays recognisable with errors.Is.
func (s *Store) unavailable(op string, key state.Key, err error) error {
	return fmt.Errorf("redisstore: %s %s: %w (%w)", op, key, unavailableKind(err), err)
}

// parseRecord reads a record from its stored head (version header + data) and the
// script's array of log entries.
func parseRecord(v string, log any) (state.Record, error) {
	if len(v) < versionLen {
		return state.Record{}, fmt.Errorf("redisstore: corrupt record of %d bytes", len(v))
	}
	entries, err := stringList(log)
	if err != nil {
		return state.Record{}, err
	}
	var r state.Record
	if len(entries) > 0 {
		r.Log = make([][]byte, len(entries))
		for i, e := range entries {
			r.Log[i] = []byte(e)
		}
	}
	r.Version, r.Data = v[:versionLen], []byte(v[versionLen:])
	return r, nil
}

// newVersion returns a random version token. Versions are random rather than counted
// so that a record deleted or expired and then created again never repeats a version
// a stale cache holds.
func newVersion() string {
	const hex = "0123456789abcdef"
	var b [versionLen]byte
	x := rand.Uint64()
	for i := range b {
		b[i] = hex[x&0xf]
		x >>= 4
	}
	return string(b[:])
}

func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// us renders t in Unix microseconds, as Redis's TIME counts; "0" for a time before
// 1970 (updateScript compares the digits as they are: no sign).
func us(t time.Time) string { return strconv.FormatInt(max(t.UnixMicro(), 0), 10) }

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func cloneAll(bs [][]byte) [][]byte {
	if bs == nil {
		return nil
	}
	out := make([][]byte, len(bs))
	for i, b := range bs {
		out[i] = clone(b)
	}
	return out
}

// eventField is an event id's field in a conversation's recent ids: the first 8 bytes
// of its SHA-256, so every id takes the same few bytes however long it is (two ids of
// one conversation collide with a chance of 2^-64).
func eventField(id string) string {
	h := sha256.Sum256([]byte(id))
	return string(h[:8])
}

// tokenKept is how much of an attempt's token an event id keeps: enough to tell a
// resend of this attempt from another attempt's commit of the same event (a chance of
// 2^-32 to mistake one for the other), at half the memory.
const tokenKept = versionLen / 2

// keptToken is what an event id keeps of an attempt's token: its first tokenKept hex
// digits as bytes (4 bytes instead of 8 characters in the ids' listpack). An id
// stored before as hex digits never equals it, which only makes a resend of an attempt
// of a process from before the change count as another attempt's commit: a duplicate.
func keptToken(token string) string {
	b, err := hex.DecodeString(token[:tokenKept])
	if err != nil {
		return token[:tokenKept] // not a token from newVersion; kept as it is
	}
	return string(b)
}

// TTL returns how long key's record has left to live, or a negative duration when
// there is no record (statetest.TTLReader).
func (s *Store) TTL(ctx context.Context, key state.Key) (time.Duration, error) {
	d, err := s.rdb.PTTL(ctx, s.recordKey(key)).Result()
	if err != nil {
		return 0, s.unavailable("ttl", key, err)
	}
	return d, nil
}

// Remembers reports whether the event id is remembered for key: an Update with it
// would be refused as a duplicate. For tests that check what was committed.
func (s *Store) Remembers(ctx context.Context, key state.Key, eventID string) (bool, error) {
	field := eventField(eventID)
	for _, k := range []string{s.eventsKey(key), s.oldEventsKey(key)} {
		ok, err := s.rdb.HExists(ctx, k, field).Result()
		if err != nil || ok {
			return ok, err
		}
	}
	n, err := s.rdb.Exists(ctx, s.legacyEventKey(key, eventID)).Result()
	return n == 1, err
}

// Retention is the lifetime of a record after a change without TTL
// (statetest.RetentionReporter).
func (s *Store) Retention() time.Duration { return s.opts.Retention }

// maxSlack bounds expirySlack.
const maxSlack = time.Minute

// expirySlack is how much longer than ttl a commit that sets expiry lets a record
// live (a thousandth of it, at most maxSlack): the appends of the time after it need
// not set expiry again (see updateScript), so a record lives between ttl and ttl +
// the slack after its last change.
func expirySlack(ttl time.Duration) time.Duration {
	return min(ttl/1000, maxSlack)
}
