package discord

import (
	"context"
	"encoding/binary"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
)

func TestCommandText(t *testing.T) {
	sub := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) discordgo.ApplicationCommandInteractionData {
		return discordgo.ApplicationCommandInteractionData{Name: "intervision", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}}
	}
	str := func(name, v string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: v}
	}
	tests := []struct {
		name    string
		data    discordgo.ApplicationCommandInteractionData
		want    string
		wantErr bool
	}{
		{"bare start", sub("start"), "start", false},
		{"options in declared order", sub("start", str("mode", "solo"), str("language", "nl"), str("method", "WSN")), "start wsn nl solo", false},
		{"one word per option", sub("start", str("method", "incident please")), "start incident", false},
		{"next", sub("next"), "next", false},
		{"free text kept as typed", sub("rewrite", str("text", "  What did the Mother say?  ")), "rewrite What did the Mother say?", false},
		{"no subcommand", discordgo.ApplicationCommandInteractionData{Name: "intervision"}, "help", false},
		{"unknown subcommand", sub("dance"), "", true},
		{"other command", discordgo.ApplicationCommandInteractionData{Name: "other"}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := commandText(tc.data)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("commandText = %q, %v; want %q (error %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestApplicationCommandsValid(t *testing.T) {
	name := regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)
	cmds := applicationCommands()
	if len(cmds) != 1 || len(cmds[0].Options) > 25 {
		t.Fatalf("commands: %d, subcommands %d", len(cmds), len(cmds[0].Options))
	}
	check := func(what, n string, nl map[discordgo.Locale]string, desc string, descNL map[discordgo.Locale]string) {
		t.Helper()
		for _, s := range []string{n, nl[discordgo.Dutch]} {
			if !name.MatchString(s) {
				t.Errorf("%s: name %q is not a valid command name", what, s)
			}
		}
		for _, d := range []string{desc, descNL[discordgo.Dutch]} {
			if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
				t.Errorf("%s: description %q has %d characters (1..100)", what, d, n)
			}
		}
	}
	c := cmds[0]
	check("command", c.Name, *c.NameLocalizations, c.Description, *c.DescriptionLocalizations)
	for _, o := range c.Options {
		check(o.Name, o.Name, o.NameLocalizations, o.Description, o.DescriptionLocalizations)
		for _, so := range o.Options {
			check(o.Name+"/"+so.Name, so.Name, so.NameLocalizations, so.Description, so.DescriptionLocalizations)
		}
	}
}

func TestLang(t *testing.T) {
	for in, want := range map[discordgo.Locale]string{"nl": "nl", "nl-BE": "nl", "en-US": "en", "de": "en", "": ""} {
		if got := lang(in); got != want {
			t.Errorf("lang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscapeAndStripMention(t *testing.T) {
	if got := escape("hi @everyone and @here"); strings.Contains(got, "@everyone") || strings.Contains(got, "@here") {
		t.Errorf("escape left a broadcast: %q", got)
	}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"<@9000> next", "next", true},
		{"  <@!9000>   start incident", "start incident", true},
		{"<@9001> next", "<@9001> next", false},
		{"hello <@9000>", "hello <@9000>", false},
	}
	for _, tc := range tests {
		got, ok := stripMention(tc.in, "9000")
		if got != tc.want || ok != tc.ok {
			t.Errorf("stripMention(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestChunks(t *testing.T) {
	lines := strings.Repeat("- **Ann:** a line of a summary\n", 200) // about 6000 characters
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"short", "hello", 1},
		{"exactly the limit", strings.Repeat("x", maxContent), 1},
		{"lines", lines, 4},
		{"one long word", strings.Repeat("é", 4001), 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := chunks(tc.text)
			if len(got) != tc.parts {
				t.Fatalf("%d parts, want %d", len(got), tc.parts)
			}
			total := 0
			for _, p := range got {
				n := utf8.RuneCountInString(p)
				if n > maxContent || !utf8.ValidString(p) {
					t.Errorf("part of %d characters (valid %v)", n, utf8.ValidString(p))
				}
				total += len(strings.ReplaceAll(p, "\n", ""))
			}
			if want := len(strings.ReplaceAll(tc.text, "\n", "")); total != want {
				t.Errorf("lost text: %d bytes of %d", total, want)
			}
		})
	}
}

func TestThreadName(t *testing.T) {
	tests := map[string]string{
		"**Incident method**, started by Ann. The session runs in this thread.\nmore": "Incident method, started by Ann. The session runs in this thread.",
		"":                                      "intervision",
		"@everyone " + strings.Repeat("a", 200): "",
	}
	for in, want := range tests {
		got := threadName(in)
		if utf8.RuneCountInString(got) > 100 || strings.Contains(got, "@everyone") {
			t.Errorf("threadName(%q) = %q", in, got)
		}
		if want != "" && got != want {
			t.Errorf("threadName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFrameParser(t *testing.T) {
	frame := func(op byte, payload []byte, masked bool) []byte {
		b := []byte{0x80 | op}
		switch n := len(payload); {
		case n < 126:
			b = append(b, byte(n))
		case n < 65536:
			b = append(b, 126, byte(n>>8), byte(n))
		default:
			b = append(b, 127)
			b = binary.BigEndian.AppendUint64(b, uint64(n))
		}
		if masked {
			b[1] |= 0x80
			key := []byte{1, 2, 3, 4}
			b = append(b, key...)
			p := make([]byte, len(payload))
			for i := range payload {
				p[i] = payload[i] ^ key[i%4]
			}
			payload = p
		}
		return append(b, payload...)
	}
	closeFrame := func(code int, masked bool) []byte {
		return frame(0x8, append(binary.BigEndian.AppendUint16(nil, uint16(code)), "bye"...), masked)
	}
	http := []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
	big := []byte(strings.Repeat(`{"op":0}`, 10000))
	tests := []struct {
		name   string
		stream []byte
		code   int
		ok     bool
	}{
		{"text then close", concat(http, frame(0x1, []byte(`{"op":10}`), false), closeFrame(4014, false)), 4014, true},
		{"long frames", concat(http, frame(0x1, big[:300], false), frame(0x1, big, false), closeFrame(4004, false)), 4004, true},
		{"masked close", concat(http, closeFrame(4013, true)), 4013, true},
		{"close without code", concat(http, frame(0x8, nil, false)), 0, false},
		{"close-like bytes inside a text frame", concat(http, frame(0x1, []byte{0x88, 0x02, 0x0f, 0xa6}, false)), 0, false},
	}
	for _, tc := range tests {
		for _, step := range []int{1, 3, 7, 1 << 20} { // byte by byte, small reads, all at once
			var p frameParser
			code, ok := 0, false
			for s := tc.stream; len(s) > 0; {
				n := min(step, len(s))
				if c, o := p.feed(s[:n]); o {
					code, ok = c, o
				}
				s = s[n:]
			}
			if code != tc.code || ok != tc.ok {
				t.Errorf("%s (reads of %d): code %d, %v; want %d, %v", tc.name, step, code, ok, tc.code, tc.ok)
			}
		}
	}
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestNewConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"token", Config{Token: "abc"}, true},
		{"token with prefix", Config{Token: "Bot abc"}, true},
		{"no token", Config{}, false},
		{"shard 1 of 2", Config{Token: "abc", ShardID: 1, ShardCount: 2}, true},
		{"shard 2 of 2", Config{Token: "abc", ShardID: 2, ShardCount: 2}, false},
		{"shard without count", Config{Token: "abc", ShardID: 1}, false},
	}
	for _, tc := range tests {
		a, err := New(tc.cfg)
		if (err == nil) != tc.ok {
			t.Errorf("%s: New = %v", tc.name, err)
		}
		if err == nil && (a.cfg.Token != "abc" || a.Name() != "discord") {
			t.Errorf("%s: token %q", tc.name, a.cfg.Token)
		}
	}
}

func TestCustomID(t *testing.T) {
	tests := []struct{ id, thread, command string }{
		{"next", "", "next"},
		{"t:123:join", "123", "join"},
		{"t:123:keep this: text", "123", "keep this: text"},
		{"t:abc:join", "", "t:abc:join"}, // not a thread id
		{"t::join", "", "t::join"},
	}
	for _, tc := range tests {
		th, cmd := parseCustomID(tc.id)
		if th != tc.thread || cmd != tc.command {
			t.Errorf("parseCustomID(%q) = %q, %q; want %q, %q", tc.id, th, cmd, tc.thread, tc.command)
		}
	}
	if got := customID("join", "123"); got != "t:123:join" {
		t.Errorf("customID = %q", got)
	}
}

// eventRecorder is a bot.Handler that keeps the events it got.
type eventRecorder struct{ events []bot.Event }

func (e *eventRecorder) Handle(_ context.Context, ev bot.Event) (bot.Outcome, error) {
	e.events = append(e.events, ev)
	return bot.Outcome{}, nil
}

// TestCommandGrammar runs the cross-platform table through the Discord adapter: a
// message in a session thread and in a DM is classified exactly as bot.Classify says
// (the Slack adapter runs the same table).
func TestCommandGrammar(t *testing.T) {
	rec := &eventRecorder{}
	r := &router{api: &stubAPI{}, h: rec, log: slog.New(slog.DiscardHandler)}
	r.setSelf("bot1")
	r.remember("thread1", channelInfo{thread: true, parent: "chan1", owner: "bot1", guild: "g1"})
	author := &discordgo.User{ID: "u1", Username: "ann"}
	for _, c := range bottest.ClassifyCases {
		for _, m := range []*discordgo.Message{
			{ID: "m", GuildID: "g1", ChannelID: "thread1", Author: author, Content: c.Text},
			{ID: "m", ChannelID: "dm1", Author: author, Content: c.Text},
		} {
			rec.events = nil
			r.handleMessage(m)
			if len(rec.events) != 1 {
				t.Errorf("%q in %s: %d events", c.Text, m.ChannelID, len(rec.events))
				continue
			}
			ev := rec.events[0]
			if ev.Command != c.Command || (c.Command && ev.Text != c.Want) {
				t.Errorf("%q in %s: command %v text %q; want command %v text %q", c.Text, m.ChannelID, ev.Command, ev.Text, c.Command, c.Want)
			}
		}
	}
}

// TestSubcommandsAreTheEngineCommands ties the registered /intervision subcommands to
// the engine's one command list: each canonical command is registered (solo is the
// start subcommand's mode option), under its own name, with a Dutch name that the
// engine takes as the same command.
func TestSubcommandsAreTheEngineCommands(t *testing.T) {
	registered := map[string]subcommand{}
	for _, sc := range subcommands {
		registered[sc.name] = sc
	}
	for _, c := range bot.Commands() {
		if c == "solo" {
			continue
		}
		sc, ok := registered[c]
		if !ok {
			t.Errorf("command %q is not a Discord subcommand", c)
			continue
		}
		if nl, ok := bot.CommandOf(sc.nl); !ok || nl != c {
			t.Errorf("subcommand %q: Dutch name %q is not the engine's word for it", c, sc.nl)
		}
		delete(registered, c)
	}
	for name := range registered {
		t.Errorf("subcommand %q is no engine command", name)
	}
}

// TestUserNameCleaned: a nickname or user name with a NUL, control characters or invalid
// UTF-8 is cleaned and bounded; a nickname with nothing printable falls back.
func TestUserNameCleaned(t *testing.T) {
	u := &discordgo.User{ID: "U1", Username: "ann\x00", GlobalName: "\x01\x02"}
	if got := userOf(u, nil).Name; got != "ann" {
		t.Errorf("user name: %q, want ann", got)
	}
	if got := userOf(u, &discordgo.Member{Nick: "A\x1b[2Jnn\xff\u202e"}).Name; got != "A[2Jnn\uFFFD" {
		t.Errorf("nick: %q", got)
	}
	if got := userOf(u, &discordgo.Member{Nick: strings.Repeat("x", 500)}).Name; utf8.RuneCountInString(got) != bot.MaxName {
		t.Errorf("long nick kept as %d characters", utf8.RuneCountInString(got))
	}
	if got := userOf(&discordgo.User{ID: "U2", Username: "\x00"}, nil).Name; got != "U2" {
		t.Errorf("empty name: %q, want the id", got)
	}
}

// TestCustomIDsUniqueInMessage: two buttons with the same command get distinct
// custom_ids (Discord refuses a message with duplicates), each parsing back to it.
func TestCustomIDsUniqueInMessage(t *testing.T) {
	for _, thread := range []string{"", "123"} {
		actions := []bot.Action{{Label: "Next", Command: "next"}, {Label: "Join", Command: "join"}, {Label: "Next again", Command: "next"}, {Label: "Next", Command: "next"}}
		rows, dropped := components(actions, thread)
		if len(dropped) != 0 {
			t.Fatalf("dropped %v", dropped)
		}
		seen := map[string]bool{}
		var cmds []string
		for _, r := range rows {
			for _, c := range r.(discordgo.ActionsRow).Components {
				id := c.(discordgo.Button).CustomID
				if seen[id] {
					t.Errorf("thread %q: custom_id %q twice", thread, id)
				}
				seen[id] = true
				th, cmd := parseCustomID(id)
				if th != thread {
					t.Errorf("custom_id %q: thread %q, want %q", id, th, thread)
				}
				cmds = append(cmds, cmd)
			}
		}
		if got := strings.Join(cmds, ","); got != "next,join,next,next" {
			t.Errorf("thread %q: commands %s", thread, got)
		}
	}
}

// TestChunksNoEmptyPiece: a text that starts with 2,000+ line breaks (or is mostly
// white space) yields no empty piece, which Discord would refuse.
func TestChunksNoEmptyPiece(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("\n", 2500) + "hello",
		strings.Repeat("\n", 4500) + "hello" + strings.Repeat(" ", 4500) + "there",
		strings.Repeat(" \n", 3000),
		"",
	} {
		got := chunks(text)
		if strings.TrimSpace(text) == "" {
			if len(got) != 1 || got[0] != blank {
				t.Errorf("white space only: %q, want one blank piece", got)
			}
			continue
		}
		for i, p := range got {
			if strings.TrimSpace(p) == "" || utf8.RuneCountInString(p) > maxContent {
				t.Errorf("piece %d of %d: %d characters, empty %v", i, len(got), utf8.RuneCountInString(p), strings.TrimSpace(p) == "")
			}
		}
		if want := strings.Join(strings.Fields(text), ""); strings.Join(strings.Fields(strings.Join(got, "")), "") != want {
			t.Errorf("text lost: %q", got)
		}
	}
}
