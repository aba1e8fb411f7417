package redisstore

import (
	"encoding"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// TestUpdateKeys: the keys of one allocation are the keys the layout names, with and
// without an event id, for ids that need escaping too.
func TestUpdateKeys(t *testing.T) {
	s := New(nil, Options{Prefix: "p:x{y}"})
	for _, tc := range []struct {
		key   state.Key
		event string
	}{
		{state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.2"}, ""},
		{state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.2"}, "Ev1"},
		{state.Key{Platform: "dis:cord", Workspace: "{g}", Channel: "%c", Thread: "t:1"}, "a:b{c}%"},
		{state.Key{}, "e"},
	} {
		want := []string{s.recordKey(tc.key), s.membersKey(tc.key), s.logKey(tc.key), s.eventsKey(tc.key), s.oldEventsKey(tc.key)}
		if tc.event != "" {
			want = append(want, s.legacyEventKey(tc.key, tc.event))
		}
		if got := s.updateKeys(tc.key, tc.event); !slices.Equal(got, want) {
			t.Errorf("updateKeys(%v, %q) = %q, want %q", tc.key, tc.event, got, want)
		}
	}
}

// TestEsc: every character that would move a key or change its hash tag is escaped,
// and an id without one is kept as it is.
func TestEsc(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "C1": "C1", "a:b": "a%3Ab", "{x}": "%7Bx%7D", "50%": "50%25", "é:ü": "é%3Aü",
	} {
		if got := esc(in); got != want || unesc(got) != in {
			t.Errorf("esc(%q) = %q (back: %q), want %q", in, got, unesc(got), want)
		}
	}
}

// TestCommitArgs: updateScript's arguments as strings, with the Store's boxed values
// and with values of the commit's own; the expiry is the TTL and its slack (a
// thousandth), and only the store's retention gives expiry in advance (its slack in
// whole seconds).
func TestCommitArgs(t *testing.T) {
	s := New(nil, Options{Retention: time.Hour, DedupeWindow: 2 * time.Second, EventIDs: 7})
	deadline := time.UnixMicro(1764650000123456)
	for _, tc := range []struct {
		c    commit
		want []string
	}{
		{commit{version: "v", op: "w", token: "0123456789abcdef", val: []byte("head"), ttl: time.Hour, deadline: deadline, field: "f",
			entries: [][]byte{[]byte("e1")}},
			[]string{"v", "w", "head", "3603600", "2000", "\x01\x23\x45\x67", "0", "", "1764650000123456", "f", "7", "0", "3", "e1"}},
		{commit{version: "v", op: "r", token: "not-a-hex-token!", val: []byte("h"), ttl: time.Hour, deadline: deadline,
			entries: [][]byte{[]byte("e1"), []byte("e2"), []byte("e3")}},
			[]string{"v", "r", "h", "3603600", "2000", "not-a-he", "0", "", "1764650000123456", "", "7", "0", "3", "e1", "e2", "e3"}},
		{commit{op: "t", token: "0123456789abcdef", ttl: time.Minute, deadline: deadline},
			[]string{"", "t", "", "60060", "2000", "\x01\x23\x45\x67", "0", "", "1764650000123456", "", "7", "0", "0"}},
		{commit{op: "d", token: "0123456789abcdef", ttl: time.Hour, deadline: time.Time{}},
			[]string{"", "d", "", "3603600", "2000", "\x01\x23\x45\x67", "0", "", "0", "", "7", "0", "3"}},
		{commit{op: "r", token: "0123456789abcdef", ttl: time.Hour, deadline: deadline, users: []string{"ann", "bob"},
			indexed: lifetime{at: time.Now(), d: 2 * time.Hour}},
			[]string{"", "r", "", "3603600", "2000", "\x01\x23\x45\x67", "~", "a", "1764650000123456", "", "7", "2", "3", "ann", "bob"}},
	} {
		args := tc.c.args(s)
		got := make([]string, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case string:
				got[i] = v
			case *string:
				got[i] = *v
			case *int64:
				got[i] = strconv.FormatInt(*v, 10)
			case encoding.BinaryMarshaler:
				b, _ := v.MarshalBinary()
				got[i] = string(b)
			default:
				t.Fatalf("argument %d is a %T", i, a)
			}
		}
		if len(got) == len(tc.want) && tc.want[6] == "~" {
			// An index's life left: about 2 h less the margin.
			if d, err := time.ParseDuration(got[6] + "ms"); err != nil || d < 2*time.Hour-2*time.Second || d > 2*time.Hour {
				t.Errorf("life %q, want about 2h", got[6])
			}
			tc.want[6] = got[6]
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("args of %+v:\n got %q\nwant %q", tc.c, got, tc.want)
		}
	}
}
