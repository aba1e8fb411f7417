package slack

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkSplit runs split on s with limit n and checks that it returns promptly, that
// every piece fits after escaping and is valid UTF-8, and that the pieces join back to
// s (invalid UTF-8 replaced) with at most one dropped space or line break at each cut.
func checkSplit(t *testing.T, s string, n int) {
	t.Helper()
	done := make(chan []string, 1)
	go func() { done <- split(s, n) }()
	var got []string
	select {
	case got = <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("split(%q, %d) did not return", s, n)
	}
	clean := strings.ToValidUTF8(s, "\uFFFD")
	at := map[int]bool{0: true} // where in clean the pieces so far may end
	for i, p := range got {
		if escapedLen(p) > n || !utf8.ValidString(p) {
			t.Fatalf("piece %d %q: %d bytes escaped (limit %d), valid UTF-8 %v", i, p, escapedLen(p), n, utf8.ValidString(p))
		}
		if p == "" && clean != "" {
			t.Fatalf("empty piece %d of %q", i, got)
		}
		next := map[int]bool{}
		for pos := range at {
			if i > 0 && pos < len(clean) && (clean[pos] == ' ' || clean[pos] == '\n') && strings.HasPrefix(clean[pos+1:], p) {
				next[pos+1+len(p)] = true // the space or line break at the cut was dropped
			}
			if strings.HasPrefix(clean[pos:], p) {
				next[pos+len(p)] = true
			}
		}
		if len(next) == 0 {
			t.Fatalf("pieces %q do not join back to %q", got, clean)
		}
		at = next
	}
	if !at[len(clean)] {
		t.Fatalf("pieces %q lost text of %q", got, clean)
	}
}

// TestSplitInvalidUTF8: text with bytes that are no UTF-8 (stray continuation bytes,
// a cut multi-byte character) is split like any text and the loop always ends.
func TestSplitInvalidUTF8(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("\x80", 40),
		"ab" + strings.Repeat("\xbf", 30) + " cd",
		strings.Repeat("\xe2\x82", 25),
		"\xff\xfe" + strings.Repeat("é\x80", 20) + "&<>",
	} {
		checkSplit(t, s, 5)
		checkSplit(t, s, 12)
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "a & b", "one two three", "say *very bold* now", "ééé<",
		strings.Repeat("\x80", 40), "ab\xbf\xbf\xbf\xbf\xbf\xbf\xbf cd", "x\n\n\n\ny", "&&&&&&&&&&"} {
		f.Add(s, 5)
		f.Add(s, 9)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 5 || n > 1<<16 {
			n = 5 + (n & 0xff)
		}
		checkSplit(t, s, n)
	})
}
