package slack

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestReplayedSignatureAnyCase: the same request again with its signature in upper-case
// hex (which verifies just as well) is a replay too.
func TestReplayedSignatureAnyCase(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	h := start(t, newEngine(), secret)
	now := time.Now()
	body := `{"token":"t","challenge":"abc","type":"url_verification"}`
	if status, b := do(t, signed(t, h.addr, PathEvents, secret, now, body)); status != 200 {
		t.Fatalf("first request: %d %s", status, b)
	}
	again := signed(t, h.addr, PathEvents, secret, now, body)
	sig := again.Header.Get("X-Slack-Signature")
	again.Header.Set("X-Slack-Signature", "v0="+strings.ToUpper(strings.TrimPrefix(sig, "v0=")))
	if status, b := do(t, again); status != 401 {
		t.Fatalf("replay with an upper-case signature: %d %s, want 401", status, b)
	}
}

// TestAppRateLimitedLogged: Slack's app_rate_limited event (the app exceeded its event
// limits, events are being dropped) is logged at warn level, without the token.
func TestAppRateLimitedLogged(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	logs := &syncBuffer{}
	h := startWith(t, newEngine(), secret, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	body := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","type":"app_rate_limited","team_id":"T123ABC456","minute_rate_limited":1518467820,"api_app_id":"A123ABC456"}`
	if status, b := do(t, signed(t, h.addr, PathEvents, secret, time.Now(), body)); status != 200 {
		t.Fatalf("status %d %s", status, b)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "app_rate_limited") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "app_rate_limited") {
			line = l
		}
	}
	if !strings.Contains(line, "level=WARN") || !strings.Contains(line, "T123ABC456") {
		t.Fatalf("no warning with the team: %q\nlogs:\n%s", line, logs.String())
	}
	if strings.Contains(logs.String(), "Jhj5dZrVaK7ZwHHjRyZWjbDl") {
		t.Error("the token was logged")
	}
}
