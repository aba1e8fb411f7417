package redisstore

import (
	"slices"
	"testing"

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
