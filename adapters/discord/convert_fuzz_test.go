package discord

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// FuzzMessageEvent: any content converts without a panic, in the bot's thread, in
// someone else's thread and in a DM. stripMention only ever removes a leading mention
// of the bot and surrounding space; outside the bot's threads only a mention makes an
// event, and only the bot's own thread marks it OwnThread.
func FuzzMessageEvent(f *testing.F) {
	for _, s := range []string{
		"hello", "<@9000> next", "<@!9000>   start incident en", "<@9000>", "  <@9000>x", "<@90000> next",
		"hey <@9000> status", "<@1> <@9000> next", "@everyone @here <#1> <@&2>", "a\x00b", "\xff\xfe<@9000\xc3\x28>",
		strings.Repeat("<@9000>", 2000), strings.Repeat("x", 5000), "",
	} {
		f.Add(s)
	}
	r := &router{api: &stubAPI{}, log: slog.New(slog.DiscardHandler), self: "9000"}
	r.remember("300", channelInfo{thread: true, parent: "200", owner: "9000", guild: "100"})
	r.remember("400", channelInfo{thread: true, parent: "200", owner: "55", guild: "100"})
	f.Fuzz(func(t *testing.T, content string) {
		text, ok := stripMention(content, "9000")
		if !ok && text != content || ok && !strings.Contains(content, text) {
			t.Fatalf("stripMention(%q) = %q, %v", content, text, ok)
		}
		for _, ch := range []struct{ id, guild string }{{"300", "100"}, {"400", "100"}, {"dm", ""}} {
			m := &discordgo.Message{ID: "m1", ChannelID: ch.id, GuildID: ch.guild, Content: content,
				Author: &discordgo.User{ID: "u1", Username: "ann"}}
			ev, ok2 := r.messageEvent(m)
			if !ok2 {
				continue
			}
			if ch.id == "400" && !ok || ev.OwnThread != (ch.id == "300") {
				t.Fatalf("%q in %s: %+v", content, ch.id, ev)
			}
		}
	})
}
