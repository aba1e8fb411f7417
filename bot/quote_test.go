package bot_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// The code of Quote and BreakMentions before they skipped what a text cannot need (no
// '@': no broadcast mention, no '<': no markup, no newline: one line).
var (
	broadcastBefore = regexp.MustCompile(`(?i)@(everyone|here|channel)`)
	markupBefore    = strings.NewReplacer("<!", "<\u200b!", "<@", "<\u200b@", "<#", "<\u200b#")
	escaperBefore   = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, "[", `\[`, "]", `\]`)
)

func breakMentionsBefore(text string) string {
	return markupBefore.Replace(broadcastBefore.ReplaceAllString(text, "@\u200b$1"))
}

func quoteBefore(text string) string {
	text = breakMentionsBefore(escaperBefore.Replace(text))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, ">") || strings.HasPrefix(t, "#") {
			lines[i] = `\` + t
		}
	}
	return strings.Join(lines, "\n")
}

// TestQuoteAsBefore: Quote and BreakMentions give what they gave before their shortcuts,
// on texts made of the characters and words they look for.
func TestQuoteAsBefore(t *testing.T) {
	parts := []string{"@", "<", "!", "#", ">", " ", "\n", "everyone", "HERE", "Channel", "a", "*", "_", "`", "[", "]", "|", "~", "\\", "é", "\u200b", "<@U1>", "<!here>"}
	r := rand.New(rand.NewPCG(1, 2))
	texts := []string{"", " ", "\n", "# x", "  > y", "a\n# b", "@here", "<#C1>", "plain words"}
	for range 5000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		if got, want := bot.Quote(text), quoteBefore(text); got != want {
			t.Fatalf("Quote(%q) = %q, before %q", text, got, want)
		}
		if got, want := bot.BreakMentions(text), breakMentionsBefore(text); got != want {
			t.Fatalf("BreakMentions(%q) = %q, before %q", text, got, want)
		}
	}
}
