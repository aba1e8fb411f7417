package state_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/state"
)

// TestAppendedShares: records appended from one record, also concurrently, each hold
// exactly their own entries, and the record they came from never changes (run with
// -race: a claimed slot is written by one goroutine only).
func TestAppendedShares(t *testing.T) {
	base := state.Record{}.Appended("v0", []byte("h"), [][]byte{[]byte("a")}, false)
	base = base.Appended("v1", []byte("h"), [][]byte{[]byte("b")}, false)
	const n = 8
	out := make([]state.Record, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out[i] = base.Appended(fmt.Sprint("w", i), []byte("h"), [][]byte{[]byte(fmt.Sprint("c", i))}, false)
		})
	}
	wg.Wait()
	if got := string(base.Flat()); got != "h\na\nb" {
		t.Fatalf("base became %q", got)
	}
	for i, r := range out {
		if got, want := string(r.Flat()), fmt.Sprintf("h\na\nb\nc%d", i); got != want {
			t.Fatalf("record %d = %q, want %q", i, got, want)
		}
	}
	// Appending on from each keeps them apart too.
	x := out[0].Appended("x", []byte("h"), [][]byte{[]byte("x")}, false)
	y := out[1].Appended("y", []byte("h"), [][]byte{[]byte("y")}, false)
	if string(x.Flat()) != "h\na\nb\nc0\nx" || string(y.Flat()) != "h\na\nb\nc1\ny" {
		t.Fatalf("x = %q, y = %q", x.Flat(), y.Flat())
	}
	if r := x.Appended("r", []byte("new"), [][]byte{[]byte("only")}, true); string(r.Flat()) != "new\nonly" {
		t.Fatalf("rewrite = %q", r.Flat())
	}
}
