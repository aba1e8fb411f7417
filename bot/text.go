package bot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the longest message, in characters, the engine accepts.
const MaxText = 8000

// MaxName is the longest display name, in characters, that CleanName keeps.
const MaxName = 80

// CleanName makes a display name from outside (a platform's user name or nickname, a
// transcript's speaker) safe to show and log: invalid UTF-8 becomes U+FFFD, control and
// format characters (NUL, escapes, bidi overrides) are dropped, except the joiners that
// build emoji, surrounding space is trimmed, and at most MaxName characters are kept.
// It may return "" (nothing printable): callers fall back to an id.
func CleanName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == MaxName {
			break
		}
		if unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d') {
			continue
		}
		if b.Len() == 0 && unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace)
}

// inputProblem says why a message cannot be used, as a message key; "" when it can.
func inputProblem(text string) string {
	if !utf8.ValidString(text) {
		return "input.encoding"
	}
	if strings.TrimSpace(text) == "" {
		return "input.empty"
	}
	if utf8.RuneCountInString(text) > MaxText {
		return "input.too_long"
	}
	control := 0
	for _, r := range text {
		if r == 0 {
			return "input.binary"
		}
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			control++
		}
	}
	if control > 0 && control*20 > utf8.RuneCountInString(text) {
		return "input.binary"
	}
	return ""
}

// broadcastWord is a broadcast mention in any case: Slack reads @Channel and @HERE as
// @channel and @here.
var broadcastWord = regexp.MustCompile(`(?i)@(everyone|here|channel)`)

// markupBreaker defuses the mention and link markup of Slack and Discord.
var markupBreaker = strings.NewReplacer(
	"<!", "<\u200b!",
	"<@", "<\u200b@",
	"<#", "<\u200b#",
)

// BreakMentions defuses everything a platform could read as a mention or broadcast:
// @everyone, @here and @channel in any case get a zero-width space after the "@", and
// "<!", "<@" and "<#" one after the "<". Quote does it to echoed user text; adapters
// may do it again to all they send.
func BreakMentions(text string) string {
	// Both need their mark: most texts have neither, and the regular expression costs
	// more than the rest of Quote.
	if strings.IndexByte(text, '@') >= 0 {
		text = broadcastWord.ReplaceAllString(text, "@\u200b$1")
	}
	if strings.IndexByte(text, '<') < 0 {
		return text
	}
	return markupBreaker.Replace(text)
}

// markdownEscaper escapes the light Markdown the engine writes.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, "[", `\[`, "]", `\]`,
)

// Quote makes user text safe to echo: it cannot ping anyone or change formatting.
// Line-leading quote and heading marks are escaped too.
func Quote(text string) string {
	text = BreakMentions(markdownEscaper.Replace(text))
	if strings.IndexByte(text, '\n') < 0 {
		return escapeLineStart(text) // one line (most texts): no split
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = escapeLineStart(l)
	}
	return strings.Join(lines, "\n")
}

// escapeLineStart escapes a quote or heading mark that begins a line (after spaces).
func escapeLineStart(l string) string {
	if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, ">") || strings.HasPrefix(t, "#") {
		return `\` + t
	}
	return l
}

// blockquote renders user text as a Markdown quote block.
func blockquote(text string) string {
	lines := strings.Split(strings.TrimSpace(Quote(text)), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

// Unescape removes the engine's Markdown escapes, for plain-text adapters.
func Unescape(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	esc := false
	for _, r := range text {
		if esc {
			b.WriteRune(r)
			esc = false
			continue
		}
		if r == '\\' {
			esc = true
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
