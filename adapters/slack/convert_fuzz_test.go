package slack

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack/slackevents"
)

// FuzzMessageInbound: any message text and subtype, in a thread, a DM or at the top
// level, converts without a panic; a turn it accepts is in a thread or DM, and only
// the subtypes people write.
func FuzzMessageInbound(f *testing.F) {
	for _, s := range []string{
		"hello &amp; bye", "<@UBOT> start incident", "<@UBOT|intervision>", "<@UBOB> <@UBOT> next",
		"<!channel> <!here|@here> <#C1|general> <https://x.example|link>", "a\x00b", "\xff\xfe<@\xc3\x28>",
		strings.Repeat("<@U1>", 2000), strings.Repeat("&amp;", 3000), "<", ">", "<<@>>", "",
	} {
		f.Add(s, "")
		f.Add(s, "thread_broadcast")
	}
	f.Add("x", "message_changed")
	f.Add("x", "bot_message")
	a := testAdapter(f)
	f.Fuzz(func(t *testing.T, text, subtype string) {
		for _, m := range []slackevents.MessageEvent{
			{SubType: subtype, User: "U1", Channel: "C1", ChannelType: "channel", TimeStamp: "2.0", ThreadTimeStamp: "1.0", Text: text},
			{SubType: subtype, User: "U1", Channel: "D1", ChannelType: "im", TimeStamp: "2.0", Text: text},
			{SubType: subtype, User: "U1", Channel: "C1", ChannelType: "channel", TimeStamp: "1.0", Text: text},
		} {
			in, ok := a.messageInbound(eventMeta{team: "T1", eventID: "Ev1"}, &m)
			if !ok {
				continue
			}
			if subtype != "" && subtype != "thread_broadcast" && subtype != "file_share" {
				t.Fatalf("subtype %q accepted", subtype)
			}
			if !in.direct && in.thread == "" {
				t.Fatalf("top-level message %q accepted as %+v", text, in)
			}
		}
		out := decodeText(text, func(id string) (string, bool) { return "name-" + id, true })
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("decodeText(%q) = %q: invalid UTF-8 from valid", text, out)
		}
	})
}
