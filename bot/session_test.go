package bot

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestEncodeReusesTurnsCorrectly changes turns in every way the engine does and
// checks that the encoding, with its reused turn JSON, always equals a plain one.
func TestEncodeReusesTurnsCorrectly(t *testing.T) {
	s := &session{V: 1, Method: "incident", Lang: "nl", Status: statusRunning, Themes: map[string]int{"context": 2}}
	steps := []struct {
		name   string
		change func()
	}{
		{"empty", func() {}},
		{"append", func() {
			s.Contributions = append(s.Contributions, contribution{Phase: "a", User: "u1", Text: `say "hi" <@x> ✓`, At: 5})
		}},
		{"append more", func() {
			s.Contributions = append(s.Contributions, contribution{Phase: "b", User: "u2", Text: "two"}, contribution{Phase: "b", User: "u1", Text: "three"})
		}},
		{"rewrite a turn", func() { s.Contributions[1].Text = "rewritten" }},
		{"forget the first", func() { s.Contributions = s.Contributions[1:] }},
		{"drop all", func() { s.Contributions = nil }},
		{"again", func() { s.Contributions = append(s.Contributions, contribution{Phase: "c", User: "u3", Text: "again"}) }},
	}
	for _, st := range steps {
		st.change()
		got, err := s.encode()
		if err != nil {
			t.Fatal(err)
		}
		var back session
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%s: invalid JSON %s: %v", st.name, got, err)
		}
		want := *s
		want.encoded = nil
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("%s:\n got %+v\nwant %+v", st.name, back, want)
		}
	}
}
