package slack

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/intervision-bot/intervision/bot"
)

// actionPrefix starts the action_id of every button the adapter makes; clicks on other
// buttons are not ours.
const actionPrefix = "iv:"

// Slack's limits (Block Kit reference).
const (
	maxSectionText = 3000
	maxButtonLabel = 75
	maxButtonValue = 2000
	maxButtons     = 25
	maxMessageText = 39000
)

var (
	slackMarkup = regexp.MustCompile(`<([^<>\n]*)>`)
	mdBold      = regexp.MustCompile(`\*\*([^*\n]+?)\*\*`)
	// broadcastWord is a broadcast mention in any case.
	broadcastWord = regexp.MustCompile(`(?i)@(everyone|here|channel)`)
)

// decodeText turns Slack's message markup into the plain text people typed: user,
// channel and group mentions become "@name", "#channel", "@here", links their label
// and address, and the HTML entities Slack escapes become characters again. The
// engine neutralises mentions in anything it echoes; the adapter escapes again.
func decodeText(s string, names func(id string) (string, bool)) string {
	s = slackMarkup.ReplaceAllStringFunc(s, func(m string) string {
		inner := m[1 : len(m)-1]
		body, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(body, "@"):
			if hasLabel && label != "" {
				return "@" + strings.TrimPrefix(label, "@")
			}
			if names != nil {
				if n, ok := names(body[1:]); ok {
					return "@" + n
				}
			}
			return body
		case strings.HasPrefix(body, "#"):
			if hasLabel && label != "" {
				return "#" + label
			}
			return "#channel"
		case strings.HasPrefix(body, "!"):
			if hasLabel && label != "" {
				return label
			}
			kw, _, _ := strings.Cut(body[1:], "^")
			return "@" + kw
		default:
			if hasLabel && label != "" && label != body {
				return label + " (" + body + ")"
			}
			return body
		}
	})
	return unescape(s)
}

// afterMention reports whether text starts with a mention of the user id (the bot),
// and returns what follows it, trimmed.
func afterMention(text, userID string) (string, bool) {
	if userID == "" {
		return "", false
	}
	t := strings.TrimLeftFunc(text, unicode.IsSpace)
	rest, ok := strings.CutPrefix(t, "<@"+userID)
	if !ok || rest == "" || (rest[0] != '>' && rest[0] != '|') {
		return "", false
	}
	end := strings.IndexByte(rest, '>')
	if end < 0 {
		return "", false
	}
	return strings.TrimSpace(rest[end+1:]), true
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// escape makes text inert for Slack: with &, < and > escaped no mention (<!channel>,
// <!here>, <@U123>), link or date markup can survive, whatever the engine let through.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// mrkdwn converts the engine's light Markdown into escaped Slack mrkdwn (see convert).
func mrkdwn(s string) string { return escape(convert(s)) }

// convert turns the engine's light Markdown into Slack mrkdwn, not yet escaped: **bold**
// becomes *bold*, "- " list items become bullets; _italic_ and "> " quotes are already
// mrkdwn (Slack renders an escaped "&gt; " at a line's start as a quote). Text is split
// into messages and sections before it is escaped, so no cut falls inside an entity.
// @channel, @here and @everyone in any case are broken (defence in depth: the engine
// breaks them in echoed text), since Slack reads them as broadcasts whatever their case.
func convert(s string) string {
	s = mdBold.ReplaceAllString(literal(s), "*$1*")
	s = broadcastWord.ReplaceAllString(s, "@\u200b$1")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if strings.HasPrefix(trimmed, "- ") {
			lines[i] = l[:len(l)-len(trimmed)] + "• " + trimmed[2:]
		}
	}
	return strings.Join(lines, "\n")
}

// lookalikes stand in for characters the engine escaped with a backslash: mrkdwn has
// no escape, so an echoed "*word*" or "> line" would format; these cannot.
var lookalikes = map[rune]rune{'*': '∗', '_': 'ˍ', '~': '∼', '`': 'ˋ', '>': '›'}

// literal resolves the engine's backslash escapes for mrkdwn.
func literal(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	esc := false
	for _, r := range s {
		switch {
		case esc:
			if l, ok := lookalikes[r]; ok {
				r = l
			}
			b.WriteRune(r)
			esc = false
		case r == '\\':
			esc = true
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// escapedLen is len(escape(s)).
func escapedLen(s string) int {
	return len(s) + 4*strings.Count(s, "&") + 3*strings.Count(s, "<") + 3*strings.Count(s, ">")
}

// split cuts unescaped text into pieces whose escaped form is at most n bytes (n ≥ 5):
// at a line break where it can, else at a space outside *bold* and _italic_, else at
// any space, else between two characters. The line break or space at a cut is dropped.
// Invalid UTF-8 is replaced by U+FFFD first, so a cut is always on a character
// boundary and every cut moves on.
func split(s string, n int) []string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var out []string
	for escapedLen(s) > n {
		end, size := 0, 0 // the longest prefix that fits, on a rune boundary
		for ; size <= n; end++ {
			switch s[end] {
			case '&':
				size += len("&amp;")
			case '<', '>':
				size += len("&lt;")
			default:
				size++
			}
		}
		for end--; end > 0 && !utf8.RuneStart(s[end]); end-- {
		}
		if end == 0 { // n below one character: take it whole rather than loop
			_, end = utf8.DecodeRuneInString(s)
		}
		cut, skip := end, 0
		nl, sp, anySp := strings.LastIndexByte(s[:end], '\n'), spaceCut(s[:end]), strings.LastIndexByte(s[:end], ' ')
		switch {
		case nl > end/2:
			cut, skip = nl, 1
		case sp > end/2:
			cut, skip = sp, 1
		case nl > 0:
			cut, skip = nl, 1
		case sp > 0:
			cut, skip = sp, 1
		case anySp > 0:
			cut, skip = anySp, 1
		}
		out = append(out, s[:cut])
		s = s[cut+skip:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// spaceCut returns the index of the last space in s that is outside *bold* and
// _italic_ (an even number of markers before it on its line), or -1.
func spaceCut(s string) int {
	last, stars, unders := -1, 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			stars, unders = 0, 0
		case '*':
			stars++
		case '_':
			unders++
		case ' ':
			if stars%2 == 0 && unders%2 == 0 {
				last = i
			}
		}
	}
	return last
}

// messages renders one reply as one Slack message, or several when its text is longer
// than one message may be: escaped mrkdwn text, and when the reply offers actions,
// sections with the text followed by an actions block with one button per action, on
// the last message only. Link and media previews are off, and link_names is never set,
// so nothing pings.
func messages(r bot.Reply) [][]slack.MsgOption {
	parts := split(convert(r.Text), maxMessageText)
	out := make([][]slack.MsgOption, 0, len(parts))
	for i, p := range parts {
		opts := []slack.MsgOption{
			slack.MsgOptionText(escape(p), false),
			slack.MsgOptionDisableLinkUnfurl(),
			slack.MsgOptionDisableMediaUnfurl(),
		}
		if i == len(parts)-1 && len(r.Actions) > 0 {
			var blocks []slack.Block
			for _, c := range split(p, maxSectionText) {
				if strings.TrimSpace(c) == "" {
					continue
				}
				blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, escape(c), false, false), nil, nil))
			}
			blocks = append(blocks, actionsBlock(r.Actions))
			opts = append(opts, slack.MsgOptionBlocks(blocks...))
		}
		out = append(out, opts)
	}
	return out
}

// actionsBlock renders actions as buttons. Each action_id is unique in the message;
// the value is the command the engine gets back when someone clicks.
func actionsBlock(actions []bot.Action) *slack.ActionBlock {
	var els []slack.BlockElement
	for i, a := range actions {
		if i == maxButtons {
			break
		}
		label := truncate(strings.TrimSpace(a.Label), maxButtonLabel)
		if label == "" {
			label = truncate(a.Command, maxButtonLabel)
		}
		b := slack.NewButtonBlockElement(fmt.Sprintf("%s%d", actionPrefix, i), truncate(a.Command, maxButtonValue),
			slack.NewTextBlockObject(slack.PlainTextType, label, false, false))
		if a.Primary {
			b = b.WithStyle(slack.StylePrimary)
		}
		els = append(els, b)
	}
	return slack.NewActionBlock("intervision-actions", els...)
}
