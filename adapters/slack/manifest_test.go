package slack

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"gopkg.in/yaml.v3"
)

// TestManifest keeps manifest.yml in step with what the adapter uses: the Web API
// methods behind webAPI need chat:write (chat.postMessage, chat.postEphemeral),
// users:read (users.info), im:write (conversations.open, for replies in a DM the bot
// starts) and files:write (files.getUploadURLExternal and files.completeUploadExternal,
// for the documents replies carry); the routed events need their history scopes.
// app_uninstalled and tokens_revoked need no scope: they tell the engine that the app
// was removed from a workspace (see spaces.go).
func TestManifest(t *testing.T) {
	b, err := os.ReadFile("manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			AppHome struct {
				MessagesTab         bool `yaml:"messages_tab_enabled"`
				MessagesTabReadOnly bool `yaml:"messages_tab_read_only_enabled"`
			} `yaml:"app_home"`
			SlashCommands []struct {
				Command      string `yaml:"command"`
				ShouldEscape bool   `yaml:"should_escape"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
		OAuth struct {
			Scopes struct {
				Bot  []string `yaml:"bot"`
				User []string `yaml:"user"`
			} `yaml:"scopes"`
		} `yaml:"oauth_config"`
		Settings struct {
			Events struct {
				Bot []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				Enabled bool `yaml:"is_enabled"`
			} `yaml:"interactivity"`
			SocketMode bool `yaml:"socket_mode_enabled"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	wantScopes := []string{"app_mentions:read", "channels:history", "chat:write", "commands", "files:write", "groups:history", "im:history", "im:write", "users:read"}
	if got := slices.Sorted(slices.Values(m.OAuth.Scopes.Bot)); !slices.Equal(got, wantScopes) {
		t.Errorf("bot scopes %v, want exactly %v", got, wantScopes)
	}
	if len(m.OAuth.Scopes.User) != 0 {
		t.Errorf("user scopes %v, want none", m.OAuth.Scopes.User)
	}
	wantEvents := []string{"app_mention", "app_uninstalled", "message.channels", "message.groups", "message.im", "tokens_revoked"}
	if got := slices.Sorted(slices.Values(m.Settings.Events.Bot)); !slices.Equal(got, wantEvents) {
		t.Errorf("bot events %v, want exactly %v", got, wantEvents)
	}
	if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != Command || m.Features.SlashCommands[0].ShouldEscape {
		t.Errorf("slash commands %+v, want one unescaped %s", m.Features.SlashCommands, Command)
	}
	if !m.Settings.Interactivity.Enabled || !m.Settings.SocketMode {
		t.Errorf("interactivity %v, socket mode %v: want both on", m.Settings.Interactivity.Enabled, m.Settings.SocketMode)
	}
	if !m.Features.AppHome.MessagesTab || m.Features.AppHome.MessagesTabReadOnly {
		t.Error("people must be able to write to the bot in its Messages tab (solo sessions)")
	}
}

// TestDocumentedCommandsAreTheEngineCommands ties the words Slack users are shown to
// the engine's one command list: every word of the slash command's usage hint is a
// command, and the README's commands table (which docs/slack.md points to) lists every
// canonical command.
func TestDocumentedCommandsAreTheEngineCommands(t *testing.T) {
	b, err := os.ReadFile("manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct {
				UsageHint string `yaml:"usage_hint"`
			} `yaml:"slash_commands"`
		} `yaml:"features"`
	}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, part := range strings.Split(m.Features.SlashCommands[0].UsageHint, "|") {
		f := strings.Fields(part)
		if _, ok := bot.CommandOf(f[0]); !ok {
			t.Errorf("usage hint shows %q, which is no command", f[0])
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 {
			continue
		}
		for _, w := range regexp.MustCompile("`([a-z-]+)").FindAllStringSubmatch(cells[1], -1) {
			c, ok := bot.CommandOf(w[1])
			if !ok {
				t.Errorf("README documents %q, which is no command", w[1])
			}
			documented[c] = true
		}
	}
	for _, c := range bot.Commands() {
		if !documented[c] && c != "solo" {
			t.Errorf("command %q is missing from the README's commands table", c)
		}
	}
}
