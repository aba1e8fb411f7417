package bot

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestFastJSONKnowsFields fails when session, member, askedQuestion or logEntry
// gained, lost or renamed a field that headjson.go does not know: the store then
// falls back to json.Marshal, which is correct but slow. Update sessionFields and
// appendSession (or marshalEntry) to match.
func TestFastJSONKnowsFields(t *testing.T) {
	if !fastJSON {
		t.Fatal("headjson.go does not know every field of session, member, askedQuestion and logEntry: update it")
	}
}

// jsonStrings are strings that encoding/json writes as they are and some it escapes.
var jsonStrings = []string{"", "a", "UANN", "Wie zei wat?", "ééé ñ 日本", "<b>&amp;</b>", `"quoted" \ back`,
	"tab\tnew\nline\r", "\u2028\u2029", "bad \xff utf8", "\x00\x01\x1f", "emoji 😀", "a>b"}

// fill sets v (settable) to a random value, every field of a struct, so that the
// hand-written encoders meet every field; zero values come up too (omitempty).
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(jsonStrings[r.IntN(len(jsonStrings))])
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -3, 1796215438, 1 << 40}[r.IntN(5)])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Slice:
		if depth > 3 || r.IntN(4) == 0 {
			return // nil
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if depth > 3 || r.IntN(4) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(r, k, depth+1)
			fill(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if depth > 3 || r.IntN(3) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		fill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	}
}

func TestMarshalHeadAsJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var s session
		fill(r, reflect.ValueOf(&s).Elem(), 0)
		if i%2 == 0 {
			s.Contributions = nil // as change encodes it
		}
		want, err := json.Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalHead(&s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("session %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func TestMarshalEntryAsJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		var e logEntry
		fill(r, reflect.ValueOf(&e).Elem(), 0)
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalEntry(&e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("entry %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkMarshalHead(b *testing.B) {
	s := session{V: 1, Method: "incident", Lang: "en", Mode: "group", Status: statusRunning, Starter: "UANN", Bringer: "UANN",
		Members:    []member{{"UANN", "ann", 1796215438}, {"UBOB", "bob", 1796215438}, {"UCAS", "cas", 1796215438}},
		PhaseIndex: 1, PhaseSeq: 2, TimerSeq: 2, Active: 1796215438, IdleDue: 1796301838, Started: 1796215438,
		Updated: 1796215438, PhaseStarted: 1796215438, Themes: map[string]int{"trust": 2, "time": 1}}
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(&s)
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			_, _ = marshalHead(&s)
		}
	})
}
