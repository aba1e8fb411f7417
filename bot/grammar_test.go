package bot_test

import (
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// TestTypedCommand: a button's command is shown as someone would type it in the
// session's language: Dutch command and argument words, and without the phase a Next
// button carries only to refuse a click that comes late. What it shows is a command
// the grammar reads back.
func TestTypedCommand(t *testing.T) {
	cases := []struct{ cmd, lang, want string }{
		{"next questions", "nl", "volgende"},
		{"next what-would-you-do", "nl", "volgende"},
		{"next lobby", "en", "next"},
		{"next", "nl", "volgende"},
		{"checkin off", "nl", "terugblik uit"},
		{"checkin off", "en", "checkin off"},
		{"checkin 2w", "nl", "terugblik 2w"},
		{"forget yes", "nl", "vergeet ja"},
		{"forget yes", "en", "forget yes"},
		{"keep", "nl", "bewaren"},
		{"join", "nl", "meedoen"},
		{"start", "nl", "start"},
		{"start gibbs nl solo", "nl", "start gibbs nl solo"},
		{"frobnicate off", "nl", "frobnicate off"},
	}
	for _, c := range cases {
		got := bot.TypedCommand(c.cmd, c.lang)
		if got != c.want {
			t.Errorf("TypedCommand(%q, %s) = %q, want %q", c.cmd, c.lang, got, c.want)
		}
		if c.cmd == "frobnicate off" {
			continue // no command: shown as it came
		}
		if text, ok := bot.Classify("/"+got, bot.Typed); !ok || text != got {
			t.Errorf("%q is not read back as a command: %q, %v", got, text, ok)
		}
	}
}
