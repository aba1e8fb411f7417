package slack

import (
	"context"
	"strings"
	"testing"
	"time"
)

// An app token Slack refuses for good (the bot token pasted as SLACK_APP_TOKEN, or a
// token without connections:write) ends Run with a clear error, at start and when the
// refusal comes on a reconnect, instead of slack-go retrying forever.
func TestSocketModeRefusedAppToken(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		reconnect bool // refuse only after a first connection dropped
		hint      string
	}{
		{"bot token as app token", "not_allowed_token_type", false, "xapp-"},
		{"no connections:write", "missing_scope", false, "connections:write"},
		{"refused on reconnect", "not_allowed_token_type", true, "xapp-"},
		{"scope removed on reconnect", "missing_scope", true, "connections:write"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSlack(t)
			if !tt.reconnect {
				f.failWith("apps.connections.open", tt.code)
			}
			a, err := New(Config{BotToken: "xoxb-test", AppToken: "xoxb-pasted", APIURL: f.apiURL(),
				Logger: quietLogger(), PingInterval: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- a.Run(ctx, newEngine()) }()
			if tt.reconnect {
				f.waitConnected()
				f.failWith("apps.connections.open", tt.code)
				f.drop()
			}
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.code) || !strings.Contains(err.Error(), tt.hint) {
					t.Errorf("Run: %v; want an error with %q and %q", err, tt.code, tt.hint)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("Run still retrying after 5 s (apps.connections.open called %d times)", f.callCount("apps.connections.open"))
			}
		})
	}
}
