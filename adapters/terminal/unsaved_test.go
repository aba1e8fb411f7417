package terminal

import "testing"

// TestUnsavedErrorCounts: the replay's error counts its lines with the one plural rule.
func TestUnsavedErrorCounts(t *testing.T) {
	for _, c := range []struct {
		e    UnsavedError
		want string
	}{
		{UnsavedError{Lines: []int{3}, Of: 1}, "1 of 1 line could not be saved (the store was unavailable): line 3"},
		{UnsavedError{Lines: []int{3}, Of: 5}, "1 of 5 lines could not be saved (the store was unavailable): line 3"},
		{UnsavedError{Lines: []int{2, 4}, Of: 5}, "2 of 5 lines could not be saved (the store was unavailable): lines 2, 4"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}
