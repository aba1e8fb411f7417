package slack

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/slack-go/slack"
)

// replyHandler answers every event with one reply.
type replyHandler struct{ reply bot.Reply }

func (h replyHandler) Handle(context.Context, bot.Event) (bot.Outcome, error) {
	return bot.Outcome{Replies: []bot.Reply{h.reply}, Phase: "x"}, nil
}

// A 100 KB summary goes out whole, as several messages in the same place, each within
// Slack's limits, with no entity cut in half, and with the buttons on the last one.
func TestLongReplySplitIntoMessages(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 60_000; i++ {
		fmt.Fprintf(&b, "- line %05d: **Bob** said <this> & \"that\" > the rest\n", i)
	}
	b.WriteString(strings.Repeat("one long line without breaks & <markup> ", 1000)) // 40 KB
	summary := b.String()
	reply := bot.Reply{Text: summary, Actions: []bot.Action{{Label: "Keep", Command: "keep"}, {Label: "Forget", Command: "forget"}}}
	h := start(t, replyHandler{reply}, "")

	tests := []struct{ name, channel, thread string }{
		{"DM", "D11", ""},
		{"thread", "C11", "1700000000.000011"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(h.fake.allPosts())
			h.say("UDAN", tt.channel, tt.thread, "summary please")
			posts := h.fake.allPosts()[before:]
			if len(posts) < 3 {
				t.Fatalf("a %d KB reply went out as %d message(s)", len(summary)/1000, len(posts))
			}
			var all strings.Builder
			for i, p := range posts {
				if p.Channel != tt.channel || p.Thread != tt.thread || p.Method != "chat.postMessage" {
					t.Errorf("message %d went to %s/%s (%s)", i, p.Channel, p.Thread, p.Method)
				}
				if len(p.Text) > maxMessageText {
					t.Errorf("message %d has %d bytes", i, len(p.Text))
				}
				checkEntities(t, p.Text)
				var buttons int
				var sections strings.Builder
				for _, bl := range p.Blocks {
					buttons += len(bl.Elements)
					if bl.Text != nil {
						if len(bl.Text.Text) > maxSectionText {
							t.Errorf("message %d has a section of %d bytes", i, len(bl.Text.Text))
						}
						checkEntities(t, bl.Text.Text)
						sections.WriteString(bl.Text.Text + "\n")
					}
				}
				last := i == len(posts)-1
				if (buttons > 0) != last || (last && buttons != 2) {
					t.Errorf("message %d of %d has %d buttons", i+1, len(posts), buttons)
				}
				if last && strip(sections.String()) != strip(p.Text) {
					t.Error("the last message's sections differ from its text")
				}
				all.WriteString(p.Text + "\n")
			}
			if strip(unescape(all.String())) != strip(convert(summary)) {
				t.Error("text was lost or changed across the messages")
			}
			assertInert(t, posts)
		})
	}
}

// checkEntities fails when an & in escaped text does not start a whole entity, or
// when < or > are left raw.
func checkEntities(t *testing.T, s string) {
	t.Helper()
	if strings.ContainsAny(s, "<>") {
		t.Errorf("raw < or > in %.60q", s)
	}
	for i := strings.IndexByte(s, '&'); i >= 0; {
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Errorf("broken entity at %d: %.12q", i, rest)
			return
		}
		j := strings.IndexByte(s[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// broadcast finds a Slack broadcast word in any case, not broken by a zero-width space.
var broadcast = regexp.MustCompile(`(?i)@(channel|here|everyone)|<!`)

// TestRenderingBreaksMentionsAnyCase: mixed-case @Channel, @HERE and @Everyone (quoted
// by the engine, or not) render broken in the message text and in the Block Kit
// sections, which Slack parses with verbatim false.
func TestRenderingBreaksMentionsAnyCase(t *testing.T) {
	for _, text := range []string{
		"You said: " + bot.Quote("@Channel @HERE @Everyone <!Channel>"),
		"raw @Channel @HERE @Everyone",
	} {
		r := bot.Reply{Text: text, Actions: []bot.Action{{Label: "Next", Command: "next"}}}
		for _, opts := range messages(r) {
			_, values, err := slack.UnsafeApplyMsgOptions("xoxb-test", "C1", "https://slack.example/api/", opts...)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{values.Get("text"), values.Get("blocks")} {
				if m := broadcast.FindString(s); m != "" {
					t.Errorf("%q renders with %q: %s", text, m, s)
				}
			}
		}
	}
}
