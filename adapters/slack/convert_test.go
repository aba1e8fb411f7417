package slack

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
)

func TestDecodeText(t *testing.T) {
	names := func(id string) (string, bool) { return map[string]string{"UBOB": "Bob"}[id], id == "UBOB" }
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<!channel> hi <!here> <!everyone>", "@channel hi @here @everyone"},
		{"ask <@UBOB> and <@UX|xavier>", "ask @Bob and @xavier"},
		{"<@UNKNOWN>", "@UNKNOWN"},
		{"see <#C1|general> <#C2>", "see #general #channel"},
		{"<https://a.example|the site> <https://b.example>", "the site (https://a.example) https://b.example"},
		{"<!subteam^S1|@team> <!date^1392734382^{date}|Feb 18>", "@team Feb 18"},
		{"a &lt;b&gt; &amp;lt; c", "a <b> &lt; c"},
	}
	for _, tt := range tests {
		if got := decodeText(tt.in, names); got != tt.want {
			t.Errorf("decodeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Phase 1** of _two_", "*Phase 1* of _two_"},
		{"- one\n  - two\n> quote", "• one\n  • two\n&gt; quote"},
		{"<!channel> <@U1> & <http://x>", "&lt;!channel&gt; &lt;@U1&gt; &amp; &lt;http://x&gt;"},
		{"&lt; stays text", "&amp;lt; stays text"},
	}
	for _, tt := range tests {
		if got := mrkdwn(tt.in); got != tt.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// split cuts unescaped text so that every piece fits after escaping: no entity or
// character is cut in half, *bold* stays whole where a space allows, nothing is lost.
func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want []string
	}{
		{"fits", "a & b", 9, []string{"a & b"}},
		{"entity not cut", "ab&c", 6, []string{"ab", "&c"}},
		{"at a line break", "one & two\nfour five", 20, []string{"one & two", "four five"}},
		{"at a space", "one two three", 9, []string{"one two", "three"}},
		{"not inside bold", "say *very bold* now", 14, []string{"say", "*very bold*", "now"}},
		{"no space: between characters", "ééé<", 7, []string{"ééé", "<"}},
		{"empty", "", 5, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := split(tt.in, tt.n)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("split(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			for _, p := range got {
				if escapedLen(p) > tt.n || len(escape(p)) != escapedLen(p) {
					t.Errorf("piece %q is %d bytes escaped, limit %d", p, len(escape(p)), tt.n)
				}
			}
		})
	}
	long := strings.Repeat("line <of> text & more\n", 3000) + strings.Repeat("wörd&", 20000)
	got := split(long, maxSectionText)
	for _, p := range got {
		if len(escape(p)) > maxSectionText || !utf8.ValidString(p) {
			t.Fatalf("piece of %d bytes escaped (valid UTF-8 %v)", len(escape(p)), utf8.ValidString(p))
		}
	}
	if strip(strings.Join(got, "")) != strip(long) {
		t.Error("split lost or changed text")
	}
}

// strip drops all white space, which split may drop at a cut.
func strip(s string) string { return strings.Join(strings.Fields(s), "") }

func TestAfterMention(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"<@UBOT> start incident", "start incident", true},
		{"  <@UBOT|intervision>   next ", "next", true},
		{"<@UBOT>", "", true},
		{"hey <@UBOT> status", "", false},
		{"<@UBOTX> next", "", false},
		{"<@UBOB> <@UBOT> next", "", false},
	}
	for _, tt := range tests {
		if got, ok := afterMention(tt.in, "UBOT"); got != tt.want || ok != tt.ok {
			t.Errorf("afterMention(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func testAdapter(t testing.TB) *Adapter {
	t.Helper()
	a, err := New(Config{BotToken: "xoxb", AppToken: "xapp", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	a.botUserID, a.botName = "UBOT", "intervision"
	return a
}

func TestMessageInbound(t *testing.T) {
	a := testAdapter(t)
	meta := eventMeta{team: "T1", eventID: "Ev1"}
	tests := []struct {
		name string
		m    slackevents.MessageEvent
		ok   bool
		want inbound
	}{
		{"thread reply is a turn", slackevents.MessageEvent{User: "U1", Channel: "C1", ChannelType: "channel", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "hello &amp; bye"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "hello & bye", ambient: true}},
		{"broadcast reply is a turn", slackevents.MessageEvent{SubType: "thread_broadcast", User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "x"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "x", ambient: true}},
		{"bare command word in a thread", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: " next "}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "next", command: true, ambient: true}},
		{"command word inside a sentence is a turn", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "end of story"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "end of story", ambient: true}},
		{"top level is ignored", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", Text: "x"}, false, inbound{}},
		{"thread parent is ignored", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "1.0", ThreadTimeStamp: "1.0", Text: "x"}, false, inbound{}},
		{"command by mention comes as app_mention", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT> next"}, false, inbound{}},
		{"bare mention comes as app_mention", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT>"}, false, inbound{}},
		{"command with arguments by mention comes as app_mention", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT|intervision> start incident en"}, false, inbound{}},
		{"mention inside a sentence is a turn", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "Good point, <@UBOT> I agree"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "Good point, @intervision I agree", ambient: true}},
		{"mention before a sentence is a turn", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT> I think the mother was scared"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "@intervision I think the mother was scared", ambient: true}},
		{"command word after a mention of someone else is a turn", slackevents.MessageEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UX|bob> next <@UBOT>"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "@bob next @intervision", ambient: true}},
		{"own message", slackevents.MessageEvent{User: "UBOT", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "x"}, false, inbound{}},
		{"other bot", slackevents.MessageEvent{BotID: "B2", User: "U2", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "x"}, false, inbound{}},
		{"edit", slackevents.MessageEvent{SubType: "message_changed", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0"}, false, inbound{}},
		{"delete", slackevents.MessageEvent{SubType: "message_deleted", Channel: "C1", TimeStamp: "2.0"}, false, inbound{}},
		{"DM turn", slackevents.MessageEvent{User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: "I felt stuck"}, true,
			inbound{id: "msg:D1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "D1", direct: true, user: "U1", text: "I felt stuck"}},
		{"DM command word", slackevents.MessageEvent{User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: "next"}, true,
			inbound{id: "msg:D1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "D1", direct: true, user: "U1", text: "next", command: true}},
		{"DM mention", slackevents.MessageEvent{User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: "<@UBOT> status"}, true,
			inbound{id: "msg:D1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "D1", direct: true, user: "U1", text: "status", command: true}},
		{"DM mention inside a sentence", slackevents.MessageEvent{User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: "thanks <@UBOT> that helped"}, true,
			inbound{id: "msg:D1:2.0", eventID: "Ev1", seq: "2.0", kind: "message", team: "T1", channel: "D1", direct: true, user: "U1", text: "thanks @intervision that helped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := a.messageInbound(meta, &tt.m)
			if ok != tt.ok || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestMentionAndSlashInbound(t *testing.T) {
	a := testAdapter(t)
	meta := eventMeta{team: "T1", eventID: "Ev2"}
	tests := []struct {
		name string
		m    slackevents.AppMentionEvent
		ok   bool
		want inbound
	}{
		{"in a thread", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT> next"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "next", command: true}},
		{"top level answers in its thread", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", Text: "<@UBOT> start incident"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", replyTS: "2.0", user: "U1", text: "start incident", command: true}},
		{"bare mention asks for help", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT>"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "help", command: true}},
		{"command with a slash", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT> !status"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", thread: "1.0", user: "U1", text: "status", command: true}},
		{"mention inside a sentence in a thread is the message's", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "Good point, <@UBOT> I agree"}, false, inbound{}},
		{"mention before a sentence in a thread is the message's", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: "<@UBOT> I agree with Bob"}, false, inbound{}},
		{"mention inside a sentence at top level gets help", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", Text: "what does <@UBOT> do?"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", replyTS: "2.0", user: "U1", text: "help", command: true}},
		{"non-command mention at top level gets help", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", Text: "<@UBOT> hello there"}, true,
			inbound{id: "msg:C1:2.0", eventID: "Ev2", seq: "2.0", kind: "mention", team: "T1", channel: "C1", replyTS: "2.0", user: "U1", text: "help", command: true}},
		{"edited mention is ignored", slackevents.AppMentionEvent{User: "U1", Channel: "C1", TimeStamp: "2.0", Text: "<@UBOT> next", Edited: &slackevents.Edited{User: "U1"}}, false, inbound{}},
		{"bot mention is ignored", slackevents.AppMentionEvent{BotID: "B1", User: "U9", Channel: "C1", TimeStamp: "2.0", Text: "<@UBOT> next"}, false, inbound{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := a.mentionInbound(meta, &tt.m)
			if ok != tt.ok || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.ok)
			}
		})
	}

	slashTests := []struct {
		cmd  slack.SlashCommand
		want inbound
	}{
		{slack.SlashCommand{TeamID: "T1", ChannelID: "C1", UserID: "U1", UserName: "u", Command: Command, Text: " start incident en ", TriggerID: "tr1"},
			inbound{id: "slash:tr1", kind: "slash", team: "T1", channel: "C1", user: "U1", userName: "u", text: "start incident en", command: true, private: true}},
		{slack.SlashCommand{TeamID: "T1", ChannelID: "D1", ChannelName: "directmessage", UserID: "U1", Command: Command, TriggerID: "tr2"},
			inbound{id: "slash:tr2", kind: "slash", team: "T1", channel: "D1", direct: true, user: "U1", text: "help", command: true}},
		{slack.SlashCommand{TeamID: "T1", ChannelID: "C1", UserID: "U1", Command: Command, Text: "status"},
			inbound{id: "slash:env9", kind: "slash", team: "T1", channel: "C1", user: "U1", text: "status", command: true, private: true}},
	}
	for _, tt := range slashTests {
		if got := a.slashInbound(tt.cmd, "env9"); got != tt.want {
			t.Errorf("slashInbound(%+v) = %+v, want %+v", tt.cmd, got, tt.want)
		}
	}
}

func TestActionInbounds(t *testing.T) {
	a := testAdapter(t)
	parse := func(s string) slack.InteractionCallback {
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(s), &cb); err != nil {
			t.Fatal(err)
		}
		return cb
	}
	tests := []struct {
		name, payload string
		want          []inbound
	}{
		{"opening message starts the thread", `{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1","name":"u"},"channel":{"id":"C1"},"trigger_id":"tr","container":{"type":"message","message_ts":"5.0","channel_id":"C1"},"message":{"ts":"5.0"},"actions":[{"type":"button","block_id":"b","action_id":"iv:0","value":"join"}]}`,
			[]inbound{{id: "action:tr:iv:0", kind: "action", team: "T1", channel: "C1", thread: "5.0", user: "U1", userName: "u", text: "join", command: true}}},
		{"message in a thread", `{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"channel":{"id":"C1"},"trigger_id":"tr","container":{"type":"message","message_ts":"6.0","thread_ts":"5.0","channel_id":"C1"},"message":{"ts":"6.0","thread_ts":"5.0"},"actions":[{"type":"button","block_id":"b","action_id":"iv:2","value":"next"}]}`,
			[]inbound{{id: "action:tr:iv:2", kind: "action", team: "T1", channel: "C1", thread: "5.0", user: "U1", text: "next", command: true}}},
		{"DM", `{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"channel":{"id":"D1"},"trigger_id":"tr","container":{"type":"message","message_ts":"6.0","channel_id":"D1"},"actions":[{"type":"button","block_id":"b","action_id":"iv:0","value":"next"}]}`,
			[]inbound{{id: "action:tr:iv:0", kind: "action", team: "T1", channel: "D1", direct: true, user: "U1", text: "next", command: true}}},
		{"someone else's button", `{"type":"block_actions","team":{"id":"T1"},"user":{"id":"U1"},"channel":{"id":"C1"},"trigger_id":"tr","actions":[{"type":"button","block_id":"b","action_id":"other","value":"next"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.actionInbounds(parse(tt.payload), "env")
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %+v, want %+v", got[i], tt.want[i])
				}
			}
		})
	}
}

func TestMessageOptionsButtons(t *testing.T) {
	r := bot.Reply{Text: "**Go** <!here>", Actions: []bot.Action{{Label: "Join", Command: "join"}, {Label: "Begin", Command: "next", Primary: true}}}
	blocks := actionsBlock(r.Actions)
	if len(blocks.Elements.ElementSet) != 2 {
		t.Fatalf("buttons: %+v", blocks.Elements.ElementSet)
	}
	seen := map[string]bool{}
	for i, el := range blocks.Elements.ElementSet {
		b := el.(*slack.ButtonBlockElement)
		if seen[b.ActionID] || !strings.HasPrefix(b.ActionID, actionPrefix) {
			t.Errorf("action_id %q not unique or not ours", b.ActionID)
		}
		seen[b.ActionID] = true
		if b.Value != r.Actions[i].Command || (b.Style == slack.StylePrimary) != r.Actions[i].Primary {
			t.Errorf("button %d: %+v", i, b)
		}
	}
}

func TestFatalAuth(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("invalid_auth"), true},
		{errors.New("token_revoked"), true},
		{slack.StatusCodeError{Code: 404}, true},
		{slack.StatusCodeError{Code: 502}, false},
		{errors.New("dial tcp: connection refused"), false},
	}
	for _, tt := range tests {
		if got := fatalAuth(tt.err); got != tt.want {
			t.Errorf("fatalAuth(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	tests := []struct {
		cfg  Config
		ok   bool
		mode string
	}{
		{Config{}, false, ""},
		{Config{BotToken: "xoxb"}, false, ""},
		{Config{BotToken: "xoxb", AppToken: "xapp"}, true, "socket"},
		{Config{BotToken: "xoxb", SigningSecret: "s"}, true, "http"},
	}
	for _, tt := range tests {
		a, err := New(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("New(%+v) error %v", tt.cfg, err)
			continue
		}
		if a != nil && a.Mode() != tt.mode {
			t.Errorf("mode %s, want %s", a.Mode(), tt.mode)
		}
		if a != nil && tt.mode == "http" && a.cfg.ListenAddr != ":3000" {
			t.Errorf("default listen address %q", a.cfg.ListenAddr)
		}
	}
}

func TestMrkdwnEchoedTextCannotFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{bot.Quote("*bold* _it_ ~s~ `c`"), "∗bold∗ ˍitˍ ∼s∼ ˋcˋ"},
		{bot.Quote("> not a quote"), "› not a quote"},
		{"**Phase 1** " + bot.Quote("a\\b"), "*Phase 1* a\\b"},
		{bot.Quote("<!channel> @here"), "&lt;\u200b!channel&gt; @\u200bhere"},
	}
	for _, tt := range tests {
		if got := mrkdwn(tt.in); got != tt.want {
			t.Errorf("mrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCommandGrammar runs the cross-platform table through the Slack adapter: a
// message in a session's thread and in a DM is classified exactly as bot.Classify
// says (the Discord adapter runs the same table).
func TestCommandGrammar(t *testing.T) {
	a := testAdapter(t)
	meta := eventMeta{team: "T1", eventID: "Ev1"}
	for _, c := range bottest.ClassifyCases {
		for _, m := range []slackevents.MessageEvent{
			{User: "U1", Channel: "C1", ChannelType: "channel", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: c.Text},
			{User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: c.Text},
		} {
			got, ok := a.messageInbound(meta, &m)
			if !ok {
				t.Errorf("%q in %s: dropped", c.Text, m.Channel)
				continue
			}
			if got.command != c.Command || (c.Command && got.text != c.Want) {
				t.Errorf("%q in %s: command %v text %q; want command %v text %q", c.Text, m.Channel, got.command, got.text, c.Command, c.Want)
			}
		}
	}
}
