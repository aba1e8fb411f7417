package slack

import (
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

// A users.info that is rate limited or slow must not hold up the turn: the name falls
// back to the user id at once, and a 429 stops further calls until Retry-After passed.
func TestNameLookupNeverStallsTurn(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fakeSlack)
		calls int // users.info calls after two turns
	}{
		{"rate limited, Retry-After 30", func(f *fakeSlack) { f.limitFor("users.info", 100, "30") }, 1},
		{"slow users.info", func(f *fakeSlack) { f.slow("users.info", time.Minute) }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t, newEngine(), "")
			h.fake.addUser("UERIN", "Erin", "nl-NL")
			tt.setup(h.fake)
			for i, text := range []string{"start wsn solo", soloAnswer(1)} {
				began := time.Now()
				id := h.eventID()
				h.fake.send("events_api", eventPayload(id, messageEvent("UERIN", "D77", "", h.ts(), text)), 0, "")
				r := h.wait(id)
				if d := time.Since(began); d > 3*time.Second {
					t.Errorf("turn %d applied after %v", i, d)
				}
				if r.err != nil || r.out.Phase == "" || r.ev.User.Name != "UERIN" {
					t.Errorf("turn %d: name %q phase %q err %v", i, r.ev.User.Name, r.out.Phase, r.err)
				}
			}
			if n := h.fake.callCount("users.info"); n != tt.calls {
				t.Errorf("users.info called %d times, want %d", n, tt.calls)
			}
		})
	}
}

// A display name from users.info with a NUL, an escape sequence, a bidi override or
// invalid UTF-8 reaches the engine cleaned and bounded, never raw.
func TestDisplayNameCleaned(t *testing.T) {
	h := start(t, newEngine(), "")
	h.fake.addUser("UERIN", "E\x00r\x1b[31min\u202e\xff"+strings.Repeat("n", 300), "en-US")
	id := h.eventID()
	h.fake.send("events_api", eventPayload(id, messageEvent("UERIN", "D77", "", h.ts(), "help")), 0, "")
	r := h.wait(id)
	want := "Er[31min\uFFFD" + strings.Repeat("n", bot.MaxName-9) // 9 characters before the n run
	if got := r.ev.User.Name; got != want {
		t.Fatalf("name %q, want %q", got, want)
	}
}
