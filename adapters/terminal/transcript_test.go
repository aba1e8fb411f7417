package terminal

import (
	"strings"
	"testing"
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
