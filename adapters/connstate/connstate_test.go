package connstate

import "testing"

func TestReconnectsCountedOnce(t *testing.T) {
	var s State
	if s.Connected() {
		t.Fatal("zero value is up")
	}
	s.Up()
	s.Up() // a second up without a down is no reconnect
	s.Down()
	s.Up()
	if !s.Connected() || s.Reconnects() != 1 {
		t.Fatalf("connected %v, reconnects %d; want true, 1", s.Connected(), s.Reconnects())
	}
}
