package bot

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/prompts"
)

// TestSizeOfIsTheJSONSize: the budget counts a contribution as the bytes its JSON
// takes in the record (its log entry), escapes included, whatever the text holds.
func TestSizeOfIsTheJSONSize(t *testing.T) {
	texts := []string{
		"", "plain words", `quotes " and \ backslashes`, "tab\tnew\nline\rreturn",
		"<b>html</b> & more", "\x00\x01\x1f control", "\b\f", "broken \xff\xfe bytes",
		"line\u2028separator\u2029", "emoji 👩‍👧 and é", strings.Repeat("<", 8000),
	}
	for _, text := range texts {
		for _, c := range []contribution{
			{Phase: "questions", User: "U123", Name: "Ann <a>", Text: text, At: 1795514880},
			{Phase: "p", User: "u", Name: "", Text: text, At: 0, Question: "What \"now\"? <x>"},
		} {
			b, err := encodeEntry(nil, &c)
			if err != nil {
				t.Fatal(err)
			}
			if got := sizeOf(c); got != len(b) {
				t.Errorf("sizeOf(%.40q) = %d, JSON is %d bytes", text, got, len(b))
			}
		}
	}
}

// TestUsageCountsTheLog: usage agrees with the log entries change renders, also after a
// contribution changed (edit) and after more were appended to a counted session.
func TestUsageCountsTheLog(t *testing.T) {
	s := &session{Contributions: []contribution{{Phase: "a", User: "u", Text: "one <1>"}, {Phase: "a", User: "v", Text: "two"}}}
	_, entries, _, err := s.change()
	if err != nil {
		t.Fatal(err)
	}
	want, logged := 0, 0
	for i, e := range entries {
		full, err := encodeEntry(nil, &s.Contributions[i])
		if err != nil {
			t.Fatal(err)
		}
		want += len(full)
		logged += len(e)
	}
	if got := s.usage(); got.bytes != want || got.turns != 2 {
		t.Fatalf("usage %+v, the entries with every field take %d bytes", got, want)
	}
	if logged > want {
		t.Fatalf("the log's entries take %d bytes, more than the %d counted", logged, want)
	}
	fresh := s.usage()
	s.Contributions[1].Text = "two, and longer"
	s.edit()
	if got, want := s.usage().bytes, fresh.bytes+len(", and longer"); got != want {
		t.Fatalf("usage after a change: %d bytes, want %d", got, want)
	}
	before := s.usage()
	s.Contributions = append(s.Contributions, contribution{Phase: "a", User: "w", Text: "three"})
	if got := s.usage(); got.turns != 3 || got.bytes != before.bytes+sizeOf(s.Contributions[2]) {
		t.Fatalf("usage after an append %+v, before %+v", got, before)
	}
}

// manyLines is n different lines: text and a number.
func manyLines(text string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = text + " " + strconv.Itoa(i+1)
	}
	return out
}

// briefBound is the most characters the summary's message may have in chat.
const briefBound = 3000

// TestBriefIsBounded: the message that goes with the summary stays within briefBound
// characters however much the takeaway and next step hold, keeps the next step, says
// it was shortened, and the document keeps every word.
func TestBriefIsBounded(t *testing.T) {
	e := New(Config{Library: prompts.MustBuiltin()})
	word := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	cases := []struct {
		name     string
		takeaway []string
		next     []string
		cut      bool
	}{
		{"short", []string{"I decided for them."}, []string{"On Monday I call the father."}, false},
		{"one long takeaway", []string{word("takeaway", 2000)}, []string{"On Monday I call the father."}, true},
		{"many takeaways", manyLines("I learned a lot today about asking first, lesson", 400), []string{"On Monday I call the father."}, true},
		{"long next step", []string{"I decided for them."}, []string{word("monday", 3000)}, true},
		{"everything long", []string{word("a", 9000), word("b", 9000)}, []string{word("c", 9000), word("d", 9000)}, true},
	}
	for _, tc := range cases {
		for _, lang := range []string{"en", "nl"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				d := &doc{Method: "Incident", Date: "2026-11-24", Lang: lang}
				for _, l := range tc.takeaway {
					d.Takeaway = append(d.Takeaway, docLine{User: "ann", Name: "ann", Text: l})
				}
				for _, l := range tc.next {
					d.NextStep = append(d.NextStep, docLine{User: "ann", Name: "ann", Text: l})
				}
				r := e.summaryReply(d, "")
				if n := utf8.RuneCountInString(r.Text); n > briefBound {
					t.Errorf("brief is %d characters, want at most %d", n, briefBound)
				}
				cutSaid := strings.Contains(r.Text, e.msg("summary.brief_cut", lang))
				if cutSaid != tc.cut {
					t.Errorf("brief says it was shortened: %v, want %v", cutSaid, tc.cut)
				}
				if !strings.Contains(r.Text, strings.Fields(tc.next[0])[0]) {
					t.Errorf("brief lost the next step:\n%.300s", r.Text)
				}
				file := string(r.File.Data)
				for _, l := range append(append([]string(nil), tc.takeaway...), tc.next...) {
					if !strings.Contains(file, Quote(l)) {
						t.Fatalf("the document lacks a line of %d characters", len(l))
					}
				}
			})
		}
	}
}

// TestOldSummaryTextIsBounded: a summary kept as text (before the document) is shown
// within briefBound, with the whole as a document.
func TestOldSummaryTextIsBounded(t *testing.T) {
	e := New(Config{Library: prompts.MustBuiltin()})
	for _, text := range []string{"A short summary.", strings.Repeat("a long summary ", 20000)} {
		tr := &turn{e: e, lang: "en", ev: Event{User: User{ID: "ann"}}}
		tr.tellSummaryText(text)
		r := tr.replies[0]
		if n := utf8.RuneCountInString(r.Text); n > briefBound+100 {
			t.Errorf("%d characters in chat", n)
		}
		if long := len(text) > briefBound; long != (r.File != nil) || (long && strings.TrimSpace(string(r.File.Data)) != strings.TrimSpace(text)) {
			t.Errorf("a summary of %d characters: file %v", len(text), r.File != nil)
		}
	}
}

// TestForgetDropsFullTold: forget takes a person out of the record of who heard
// that the session is full.
func TestForgetDropsFullTold(t *testing.T) {
	s := &session{Members: []member{{ID: "ann"}, {ID: "bob"}}, FullTold: map[string]stamp{"bob": 5, "ann": 6}}
	s.forget("bob", 10)
	if _, ok := s.FullTold["bob"]; ok || len(s.FullTold) != 1 {
		t.Fatalf("after forget: %v", s.FullTold)
	}
	s.forget("ann", 10)
	if s.FullTold != nil {
		t.Fatalf("after forgetting everyone: %v", s.FullTold)
	}
}

// BenchmarkUsageAtTurn1000 is the budget check of a step from turn 1000 on: with the
// count kept, a step sizes only its new contribution (sizing all of them every step
// took 76% of the bench's CPU at --steps 1000).
func BenchmarkUsageAtTurn1000(b *testing.B) {
	s := &session{}
	for i := range 1000 {
		s.Contributions = append(s.Contributions, contribution{Phase: "questions", User: "U1", Name: "bob", Text: strings.Repeat("What did the mother say then? ", 4) + string(rune('a'+i%26))})
	}
	s.usage()
	for b.Loop() {
		s.Contributions = append(s.Contributions, contribution{Phase: "questions", User: "U1", Text: "And then?"})
		s.usage()
	}
}
