package terminal

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/bot"
)

func TestParseTranscript(t *testing.T) {
	cases := []struct {
		name, in string
		want     []Line
		err      string
	}{
		{"lines, comments, blanks", "# a comment\n\nann: /start\n  bob :  hello: there  \r\n", []Line{{N: 3, From: "ann", Text: "/start"}, {N: 4, From: "bob", Text: "hello: there"}}, ""},
		{"empty message is kept", "ann:\n", []Line{{N: 1, From: "ann", Text: ""}}, ""},
		{"no colon", "ann: hi\nhello there\n", nil, "line 2"},
		{"no name", ": hi\n", nil, "line 1"},
		{"name with a space", "ann smith: hi\n", nil, "line 1"},
		{"name with a slash", "/as: hi\n", nil, "line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseTranscript(strings.NewReader(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("line %d: got %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// TestParseTranscriptLongLine: a line over maxLine is kept (cut, still far over the
// engine's limit) so the engine answers it, and the lines after it are read.
func TestParseTranscriptLongLine(t *testing.T) {
	in := "ann: " + strings.Repeat("é", maxLine) + "\nbob: hi\n"
	got, err := ParseTranscript(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != (Line{N: 2, From: "bob", Text: "hi"}) {
		t.Fatalf("got %d lines, last %+v", len(got), got[len(got)-1])
	}
	if n := len(got[0].Text); n > maxLine || n < maxLine/2 || !utf8.ValidString(got[0].Text) {
		t.Fatalf("long line kept as %d bytes (valid UTF-8 %v)", n, utf8.ValidString(got[0].Text))
	}
}

// TestParseTranscriptSpeakerName: a NUL, control characters or invalid UTF-8 in a
// speaker's name are cleaned, and a long name is bounded.
func TestParseTranscriptSpeakerName(t *testing.T) {
	in := "a\x00n\x1bn: hi\nb\xffob: yo\n" + strings.Repeat("z", 500) + ": long\n"
	got, err := ParseTranscript(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	if got[0].From != "ann" {
		t.Errorf("name %q, want ann", got[0].From)
	}
	if got[1].From != "b\uFFFDob" {
		t.Errorf("name %q, want b\uFFFDob", got[1].From)
	}
	if n := utf8.RuneCountInString(got[2].From); n > bot.MaxName {
		t.Errorf("name of %d characters, want at most %d", n, bot.MaxName)
	}
}
