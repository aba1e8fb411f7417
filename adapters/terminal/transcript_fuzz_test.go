package terminal

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseTranscript: any input parses or fails with an error naming a line, without
// a panic; every line it returns has a number in order, a cleaned name without
// spaces, and valid text (invalid UTF-8 is only passed through, never invented).
func FuzzParseTranscript(f *testing.F) {
	for _, s := range []string{
		"ann: hello\nbob: start incident\n@+9m\nann: next\n",
		"# comment\n\n  cas :  spaced  \r\n",
		"ann: a\x00b\n",
		"\xff\xfe: \xc3\x28\n",
		"@+\n",
		"@+15d\n@+-1h\n",
		"no colon here\n",
		": empty name\n",
		"ann bob: two words\n",
		"<@9000>: mention\n@everyone: hi <@!9000>\n",
		strings.Repeat("ann: "+strings.Repeat("x", 4096)+"\n", 8),
		strings.Repeat("\n", 10000) + "ann: late\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := ParseTranscript(strings.NewReader(s))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q names no line", err)
			}
			return
		}
		last := 0
		for _, l := range lines {
			if l.N <= last {
				t.Fatalf("line numbers out of order: %+v", lines)
			}
			last = l.N
			if l.From == "" || l.From != ClockName && strings.ContainsAny(l.From, " \t/") {
				t.Fatalf("bad speaker %q", l.From)
			}
			if l.From != ClockName && !utf8.ValidString(l.From) {
				t.Fatalf("speaker %q is not valid UTF-8", l.From)
			}
			if len(l.Text) > maxLine {
				t.Fatalf("line %d: %d bytes kept", l.N, len(l.Text))
			}
		}
	})
}
