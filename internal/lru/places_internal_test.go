package lru

import (
	"strconv"
	"testing"
)

// TestPlacesBounded checks that the places Take leaves are dropped once there are
// more than 2 × max entries, however the takes and puts interleave.
func TestPlacesBounded(t *testing.T) {
	const max = 3
	c := New[string, int](max)
	c.Put("kept", 0)
	for i := range 100 {
		k := strconv.Itoa(i)
		c.Put(k, i)
		c.Take(k)
		c.Get("kept")
		if n := c.order.Len(); n > 2*max || len(c.items) != n {
			t.Fatalf("after %d takes: %d places, %d keys; want at most %d, one key each", i+1, n, len(c.items), 2*max)
		}
	}
	if v, ok := c.Get("kept"); !ok || v != 0 {
		t.Fatalf(`Get("kept") = %d, %v; want 0, true`, v, ok)
	}
}
