package redisstore

import (
	"strings"

	"github.com/intervision-bot/intervision/state"
)

// Key layout (see docs/redis.md):
//
//	<prefix>:{<platform>:<workspace>:<channel>:<thread>}:s        record head: version header + data
//	<prefix>:{<platform>:<workspace>:<channel>:<thread>}:l        list: the record's log entries
//	<prefix>:{<platform>:<workspace>:<channel>:<thread>}:d        hash: recent event ids (dedupe)
//	<prefix>:{<platform>:<workspace>:<channel>:<thread>}:d1       hash: the ids before those
//	<prefix>:{<platform>:<workspace>:<channel>:<thread>}:m        hash (before: set) of users indexed for it
//	<prefix>:u:{<platform>:<workspace>}:<user>                    set of "<channel>:<thread>"
//
// Every id is escaped so that it contains no ':', '{', '}' or '%': a crafted channel,
// thread, user or event id can neither move into another workspace's key space nor
// change the hash tag (the part between the first '{' and the next '}' that Redis
// Cluster hashes). The record, its log and its event ids share one hash tag, so one
// script can touch them together on a cluster. (Before the log, each event id was a
// key of its own, ":e:<id>"; the admin commands still count and purge such keys.)

var idEscaper = strings.NewReplacer("%", "%25", ":", "%3A", "{", "%7B", "}", "%7D")

var idUnescaper = strings.NewReplacer("%25", "%", "%3A", ":", "%7B", "{", "%7D", "}")

// prefixEscaper keeps ':' in a prefix (a prefix may name a namespace like "prod:iv")
// but removes the characters that would change the hash tag.
var prefixEscaper = strings.NewReplacer("{", "%7B", "}", "%7D")

func esc(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c == ':' || c == '{' || c == '}' {
			return idEscaper.Replace(s)
		}
	}
	return s
}

func unesc(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	return idUnescaper.Replace(s)
}

// convTag is the hash tag of a conversation, braces included.
func convTag(k state.Key) string {
	return "{" + esc(k.Platform) + ":" + esc(k.Workspace) + ":" + esc(k.Channel) + ":" + esc(k.Thread) + "}"
}

func (s *Store) recordKey(k state.Key) string { return s.prefix + ":" + convTag(k) + ":s" }

// updateKeys are updateScript's KEYS for a conversation: its record, members, log,
// event ids and the ids before those, and with an event id that id's key in the
// layout before the log. They share one allocation.
func (s *Store) updateKeys(k state.Key, eventID string) []string {
	base := s.prefix + ":" + convTag(k)
	suffixes := [...]string{":s", ":m", ":l", ":d", ":d1", ":e:"}
	n := len(suffixes)
	if eventID == "" {
		n--
	}
	var b strings.Builder
	b.Grow(n*len(base) + 12 + len(eventID)*3)
	ends := make([]int, 0, n)
	for _, suffix := range suffixes[:n] {
		b.WriteString(base)
		b.WriteString(suffix)
		if suffix == ":e:" {
			b.WriteString(esc(eventID))
		}
		ends = append(ends, b.Len())
	}
	all := b.String()
	keys := make([]string, n)
	for i, end := range ends {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		keys[i] = all[start:end]
	}
	return keys
}

// logKey is the list of a record's log entries.
func (s *Store) logKey(k state.Key) string { return s.prefix + ":" + convTag(k) + ":l" }

// eventsKey is the hash of a conversation's recent event ids (field: eventField, value:
// the token of the commit that applied it); oldEventsKey is the generation before.
func (s *Store) eventsKey(k state.Key) string { return s.prefix + ":" + convTag(k) + ":d" }

func (s *Store) oldEventsKey(k state.Key) string { return s.prefix + ":" + convTag(k) + ":d1" }

// legacyEventKey is where the layout before the log kept an applied event id.
func (s *Store) legacyEventKey(k state.Key, eventID string) string {
	return s.prefix + ":" + convTag(k) + ":e:" + esc(eventID)
}

// membersKey lists the users whose index lists the conversation. It shares the
// record's hash tag, so updateScript reads it; its expiry is a lower bound of the
// expiry of every one of those indexes (see updateScript).
func (s *Store) membersKey(k state.Key) string { return s.prefix + ":" + convTag(k) + ":m" }

func (s *Store) userKey(sp state.Space, user string) string {
	return s.prefix + ":u:{" + esc(sp.Platform) + ":" + esc(sp.Workspace) + "}:" + esc(user)
}

// member is how a conversation is listed in a user's index of its space.
func member(k state.Key) string { return esc(k.Channel) + ":" + esc(k.Thread) }

// parseMember turns an index member back into a key of space sp.
func parseMember(sp state.Space, m string) (state.Key, bool) {
	ch, th, ok := strings.Cut(m, ":")
	if !ok || strings.Contains(th, ":") {
		return state.Key{}, false
	}
	return state.Key{Platform: sp.Platform, Workspace: sp.Workspace, Channel: unesc(ch), Thread: unesc(th)}, true
}

// idsFieldsNotIDs are the fields of a hash of recent event ids that are no id (see
// updateScript): when the generation began, the mark of a first generation, and the
// expiry given in advance: until when it covers appends, and the head it belongs to.
var idsFieldsNotIDs = []string{"", "-", "*", "="}
