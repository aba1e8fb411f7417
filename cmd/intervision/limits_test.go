package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

// TestLimitsFromEnv reads every limit setting: defaults, values with units, off, and
// values it must refuse with a message that names the variable.
func TestLimitsFromEnv(t *testing.T) {
	def := limits{rateMessages: 20, rateWindow: time.Minute, maxTurns: 500, maxBytes: 2 << 20}
	cases := []struct {
		name string
		env  map[string]string
		want limits
		err  string
	}{
		{"defaults", nil, def, ""},
		{"rate", map[string]string{"INTERVISION_RATE_MESSAGES": "5", "INTERVISION_RATE_WINDOW": "30s"},
			limits{5, 30 * time.Second, 500, 2 << 20}, ""},
		{"rate off", map[string]string{"INTERVISION_RATE_MESSAGES": "off"}, limits{-1, time.Minute, 500, 2 << 20}, ""},
		{"budget", map[string]string{"INTERVISION_SESSION_MAX_TURNS": "800", "INTERVISION_SESSION_MAX_BYTES": "4MiB"},
			limits{20, time.Minute, 800, 4 << 20}, ""},
		{"bytes in kB", map[string]string{"INTERVISION_SESSION_MAX_BYTES": "512 kB"}, limits{20, time.Minute, 500, 512000}, ""},
		{"plain bytes", map[string]string{"INTERVISION_SESSION_MAX_BYTES": "3000000"}, limits{20, time.Minute, 500, 3000000}, ""},
		{"budget off", map[string]string{"INTERVISION_SESSION_MAX_TURNS": "OFF", "INTERVISION_SESSION_MAX_BYTES": "none"},
			limits{20, time.Minute, -1, -1}, ""},
		{"zero messages", map[string]string{"INTERVISION_RATE_MESSAGES": "0"}, limits{}, "INTERVISION_RATE_MESSAGES"},
		{"words", map[string]string{"INTERVISION_SESSION_MAX_TURNS": "many"}, limits{}, "INTERVISION_SESSION_MAX_TURNS"},
		{"unknown unit", map[string]string{"INTERVISION_SESSION_MAX_BYTES": "2GB"}, limits{}, "INTERVISION_SESSION_MAX_BYTES"},
		{"window too short", map[string]string{"INTERVISION_RATE_WINDOW": "10ms"}, limits{}, "INTERVISION_RATE_WINDOW"},
		{"window no unit", map[string]string{"INTERVISION_RATE_WINDOW": "60"}, limits{}, "INTERVISION_RATE_WINDOW"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := limitsFromEnv(func(k string) string { return tc.env[k] })
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("err %v, want one naming %s", err, tc.err)
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err == "" && got != tc.want:
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestWiredLimits builds the engine as the binary does and checks that the limits
// from the environment reach it: for people on a platform the rate limit turns the
// third message away; the terminal and replay (local senders) have none; the session
// budget holds for both.
func TestWiredLimits(t *testing.T) {
	env := map[string]string{"INTERVISION_RATE_MESSAGES": "2", "INTERVISION_SESSION_MAX_TURNS": "4"}
	for _, who := range []senders{platformSenders, localSenders} {
		t.Run(fmt.Sprint(who), func(t *testing.T) {
			eng, be, err := newEngine(context.Background(), &commonFlags{}, func(k string) string { return env[k] },
				slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil, who)
			if err != nil {
				t.Fatal(err)
			}
			defer be.close()
			conv := bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
			var texts []string
			for i, line := range []string{"/start solo", "I called the father twice.", "He did not pick up.", "Then his sister called me back.",
				"She said he works nights.", "So I wrote him a letter instead."} {
				out, err := eng.Handle(context.Background(), bot.Event{ID: fmt.Sprint(i), Conv: conv, User: bot.User{ID: "ann", Name: "ann"},
					Text: strings.TrimPrefix(line, "/"), Command: strings.HasPrefix(line, "/")})
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range out.Replies {
					texts = append(texts, r.Text)
				}
			}
			all := strings.Join(texts, "\n")
			limited := strings.Contains(all, "I did not save this one")
			if limited != (who == platformSenders) {
				t.Errorf("rate-limited: %v, want %v", limited, who == platformSenders)
			}
			if who == localSenders && !strings.Contains(all, "This session is full:") {
				t.Errorf("the session budget of 4 turns was not kept:\n%s", all)
			}
		})
	}
}
