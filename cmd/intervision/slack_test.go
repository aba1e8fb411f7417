package main

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/intervision-bot/intervision/adapters/slack"
)

func TestSlackFromEnv(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		ok      bool
		wantErr bool
		mode    string
	}{
		{"nothing set", map[string]string{}, false, false, ""},
		{"socket mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, true, false, "socket"},
		{"http mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, true, false, "http"},
		{"secret from file", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET_FILE": secretFile}, true, false, "http"},
		{"token from file", map[string]string{"SLACK_BOT_TOKEN_FILE": secretFile, "SLACK_APP_TOKEN": "xapp-1"}, true, false, "socket"},
		{"bot token only", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, false, true, ""},
		{"missing file", map[string]string{"SLACK_BOT_TOKEN_FILE": filepath.Join(dir, "nope")}, false, true, ""},
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok, err := slackFromEnv(func(k string) string { return tt.env[k] }, log)
			if (err != nil) != tt.wantErr || ok != tt.ok {
				t.Fatalf("ok %v err %v; want ok %v err %v", ok, err, tt.ok, tt.wantErr)
			}
			if ok {
				if a.Name() != "slack" || a.(*slack.Adapter).Mode() != tt.mode {
					t.Errorf("adapter %s mode %s, want slack %s", a.Name(), a.(*slack.Adapter).Mode(), tt.mode)
				}
			}
		})
	}
}
