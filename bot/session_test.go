package bot

import (
	"reflect"
	"testing"

	"github.com/intervision-bot/intervision/state"
)

// TestChangeKeepsLogCorrect changes contributions in every way the engine does and
// checks, after each commit, that the record (head and log, as a LogStore keeps it)
// and its flat form both decode to the session, and that appending sends only the
// new contributions.
func TestChangeKeepsLogCorrect(t *testing.T) {
	s := &session{V: 1, Method: "incident", Lang: "nl", Status: statusRunning, Themes: map[string]int{"context": 2}}
	var rec state.Record
	steps := []struct {
		name    string
		change  func()
		entries int // entries the change sends
		rewrite bool
	}{
		{"empty", func() {}, 0, true}, // a new session: the log is written whole
		{"append", func() {
			s.Contributions = append(s.Contributions, contribution{Phase: "a", User: "u1", Text: `say "hi" <@x> ✓` + "\nline two", At: 5})
		}, 1, false},
		{"append more", func() {
			s.Contributions = append(s.Contributions, contribution{Phase: "b", User: "u2", Text: "two"}, contribution{Phase: "b", User: "u1", Text: "three"})
		}, 2, false},
		{"head only", func() { s.Themes["power"]++ }, 0, false},
		{"rewrite a turn", func() { s.Contributions[1].Text = "rewritten"; s.edit() }, 3, true},
		{"forget the first", func() { s.forget("u1", 9) }, 1, true},
		{"drop all", func() { s.Contributions = nil; s.edit() }, 0, true},
		{"again", func() { s.Contributions = append(s.Contributions, contribution{Phase: "c", User: "u3", Text: "again"}) }, 1, false},
	}
	for i, st := range steps {
		st.change()
		data, entries, rewrite, err := s.change()
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != st.entries || rewrite != st.rewrite {
			t.Errorf("%s: %d entries, rewrite %v; want %d, %v", st.name, len(entries), rewrite, st.entries, st.rewrite)
		}
		rec = rec.Appended(string(rune('a'+i)), data, entries, rewrite)
		s.committed()
		for _, r := range []state.Record{rec, {Data: rec.Flat()}} {
			back, err := decodeRecord(r)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			want := *s
			back.fromLog, back.stored, want.fromLog, want.stored = false, 0, false, 0
			if len(want.Contributions) == 0 {
				want.Contributions = nil
			}
			if len(back.Contributions) == 0 {
				back.Contributions = nil
			}
			if !reflect.DeepEqual(*back, want) {
				t.Fatalf("%s:\n got %+v\nwant %+v", st.name, *back, want)
			}
		}
	}
	// A session read from a record appends to its log; one read flat rewrites it.
	fromLog, _ := decodeRecord(rec)
	flat, _ := decodeSession(rec.Flat())
	fromLog.Contributions = append(fromLog.Contributions, contribution{Text: "x"})
	flat.Contributions = append(flat.Contributions, contribution{Text: "x"})
	if _, e, rw, _ := fromLog.change(); rw || len(e) != 1 {
		t.Errorf("from the log: rewrite %v with %d entries, want an append of 1", rw, len(e))
	}
	if _, e, rw, _ := flat.change(); !rw || len(e) != 2 {
		t.Errorf("from a flat record: rewrite %v with %d entries, want a rewrite of 2", rw, len(e))
	}
}

// TestDecodeRecordBeforeLog reads a record of the layout before the log, with the
// contributions in the head.
func TestDecodeRecordBeforeLog(t *testing.T) {
	old := []byte(`{"v":1,"method":"incident","lang":"en","mode":"group","status":"running","starter":"U1","step":1,` +
		`"turns":[{"phase":"p","user":"U1","name":"ann","text":"one","at":1}],"started":1,"updated":1,"phase_started":1}`)
	s, err := decodeRecord(state.Record{Version: "v", Data: old})
	if err != nil || s == nil || len(s.Contributions) != 1 || s.Contributions[0].Text != "one" {
		t.Fatalf("decode = %+v, %v", s, err)
	}
	s.Contributions = append(s.Contributions, contribution{Text: "two"})
	data, entries, rewrite, err := s.change()
	if err != nil || !rewrite || len(entries) != 2 {
		t.Fatalf("the first change of an old record: rewrite %v, %d entries, %v; want a rewrite of 2", rewrite, len(entries), err)
	}
	back, err := decodeRecord(state.Record{Data: data, Log: entries})
	if err != nil || len(back.Contributions) != 2 || back.Contributions[1].Text != "two" {
		t.Fatalf("after the rewrite: %+v, %v", back, err)
	}
}
