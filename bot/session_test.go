package bot

import (
	"bytes"
	"reflect"
	"slices"
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
			back.sized, back.sizedBytes, back.edits, back.sizedAt = 0, 0, 0, 0
			want.sized, want.sizedBytes, want.edits, want.sizedAt = 0, 0, 0, 0
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

// TestLogEntriesLeaveOutRepeats: entries leave out the phase, name and time the
// entries before them already give, and every contribution reads back as it was: an
// empty name or phase after a non-empty one, a changed name, time going backwards, a
// user last seen more than nameLookBack entries before, an entry at time 0, and
// entries of the layout that wrote every field followed by new ones.
func TestLogEntriesLeaveOutRepeats(t *testing.T) {
	cs := []contribution{
		{Phase: "incident", User: "U1", Name: "ann", Text: "one", At: 0},
		{Phase: "incident", User: "U1", Name: "ann", Text: "two", At: 100},
		{Phase: "questions", User: "U2", Name: "bob", Text: "three", At: 100},
		{Phase: "questions", User: "U2", Name: "", Text: "empty name", At: 90},
		{Phase: "", User: "U2", Name: "bob", Text: "empty phase", At: 95},
		{Phase: "questions", User: "U1", Name: "Ann B", Text: "renamed", At: 1796177477, Question: "q?"},
	}
	for i := range nameLookBack + 2 {
		cs = append(cs, contribution{Phase: "questions", User: "U3", Name: "cas", Text: "filler", At: stamp(1796177477 + i)})
	}
	cs = append(cs, contribution{Phase: "questions", User: "U1", Name: "Ann B", Text: "back after long", At: 1796177600})
	cs = append(cs, contribution{Phase: "questions", User: "U2", Name: "", Text: "empty again", At: 1796177600})

	check := func(name string, rec state.Record, want []contribution) {
		t.Helper()
		for _, r := range []state.Record{rec, {Data: rec.Flat()}} {
			back, err := decodeRecord(r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(back.Contributions, want) {
				t.Fatalf("%s:\n got %+v\nwant %+v", name, back.Contributions, want)
			}
		}
	}
	// Appended one at a time, then rewritten whole.
	s := &session{V: 1, Method: "incident", Lang: "en", Status: statusRunning}
	var rec state.Record
	for i := range cs {
		s.Contributions = append(s.Contributions, cs[i])
		data, entries, rewrite, err := s.change()
		if err != nil {
			t.Fatal(err)
		}
		rec = rec.Appended(string(rune('a'+i%26)), data, entries, rewrite)
		s.committed()
		check("append", rec, cs[:i+1])
	}
	full := 0
	for i := range cs {
		full += sizeOf(cs[i])
	}
	if got := len(rec.Flat()) - len(rec.Data) - len(cs); got > full*7/10 {
		t.Errorf("the log takes %d bytes, the entries with every field %d: repeats not left out", got, full)
	}
	if !bytes.Contains(rec.Log[len(rec.Log)-2], []byte(`"n":"Ann B"`)) {
		t.Errorf("an entry after more than nameLookBack others left out the name: %s", rec.Log[len(rec.Log)-2])
	}
	s.Contributions = slices.Delete(s.Contributions, 1, 3) // forget: the next entries must say more
	s.edit()
	data, entries, rewrite, err := s.change()
	if err != nil || !rewrite {
		t.Fatalf("rewrite %v, %v", rewrite, err)
	}
	rec = rec.Appended("z", data, entries, rewrite)
	check("rewrite", rec, s.Contributions)

	// The layout before: every field, absolute times; new entries follow it.
	old := state.Record{Data: rec.Data, Log: [][]byte{
		[]byte(`{"p":"incident","u":"U1","n":"ann","t":"old one","a":1796177000}`),
		[]byte(`{"p":"incident","u":"U2","n":"","t":"old two","a":1796177001}`),
	}}
	s, err = decodeRecord(old)
	if err != nil {
		t.Fatal(err)
	}
	want := []contribution{
		{Phase: "incident", User: "U1", Name: "ann", Text: "old one", At: 1796177000},
		{Phase: "incident", User: "U2", Name: "", Text: "old two", At: 1796177001},
		{Phase: "incident", User: "U1", Name: "ann", Text: "new", At: 1796177005},
		{Phase: "incident", User: "U2", Name: "", Text: "new two", At: 1796177005},
	}
	s.Contributions = append(s.Contributions, want[2:]...)
	data, entries, rewrite, err = s.change()
	if err != nil || rewrite || len(entries) != 2 {
		t.Fatalf("append to an old log: rewrite %v, %d entries, %v", rewrite, len(entries), err)
	}
	if string(entries[0]) != `{"u":"U1","t":"new","d":4}` {
		t.Errorf("entry after old ones = %s", entries[0])
	}
	check("after the old layout", old.Appended("y", data, entries, false), want)
}
