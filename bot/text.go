package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxText is the longest message, in characters, the engine accepts.
const MaxText = 8000

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

// mentionBreaker defuses everything a platform could read as a mention or broadcast.
var mentionBreaker = strings.NewReplacer(
	"@everyone", "@\u200beveryone",
	"@here", "@\u200bhere",
	"@channel", "@\u200bchannel",
	"<!", "<\u200b!",
	"<@", "<\u200b@",
	"<#", "<\u200b#",
)

// markdownEscaper escapes the light Markdown the engine writes.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`, "[", `\[`, "]", `\]`,
)

// Quote makes user text safe to echo: it cannot ping anyone or change formatting.
// Line-leading quote and heading marks are escaped too.
func Quote(text string) string {
	text = mentionBreaker.Replace(markdownEscaper.Replace(text))
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, ">") || strings.HasPrefix(t, "#") {
			lines[i] = `\` + t
		}
	}
	return strings.Join(lines, "\n")
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

// command is a parsed command: its canonical word and arguments.
type command struct {
	word string
	args []string
	rest string // the text after the command word, as typed
}

// commandWords maps every accepted word, English and Dutch, to its canonical form.
var commandWords = map[string]string{
	"start": "start", "begin": "start", "solo": "solo",
	"join": "join", "meedoen": "join", "doe-mee": "join",
	"leave": "leave", "verlaten": "leave", "vertrek": "leave",
	"bring": "bring", "inbrengen": "bring", "inbreng": "bring",
	"next": "next", "volgende": "next", "verder": "next",
	"status":  "status",
	"methods": "methods", "methodes": "methods", "methoden": "methods",
	"help": "help", "hulp": "help", "?": "help",
	"end": "end", "stop": "end", "einde": "end",
	"forget": "forget", "vergeet": "forget",
	"export": "export",
	"keep":   "keep", "bewaar": "keep", "bewaren": "keep",
	"rewrite": "rewrite", "herschrijf": "rewrite",
}

// parseCommand reads a command. A leading "/" or "!" is allowed, and so is the word
// "intervision" before it (as in "/intervision next").
func parseCommand(text string) command {
	t := strings.TrimSpace(text)
	t = strings.TrimLeft(t, "/!")
	fields := strings.Fields(t)
	if len(fields) > 0 && strings.EqualFold(fields[0], "intervision") {
		t = strings.TrimSpace(t[len(fields[0]):])
		fields = fields[1:]
	}
	if len(fields) == 0 {
		return command{word: "help"}
	}
	word := strings.ToLower(fields[0])
	rest := strings.TrimSpace(strings.TrimPrefix(t, fields[0]))
	canon, ok := commandWords[word]
	if !ok {
		return command{word: "", args: []string{word}, rest: rest}
	}
	args := make([]string, 0, len(fields)-1)
	for _, f := range fields[1:] {
		args = append(args, strings.ToLower(f))
	}
	return command{word: canon, args: args, rest: rest}
}

// IsCommand reports whether a message typed in a conversation is meant as a command:
// one bare command word ("next", "volgende"), or a command after "/" or "!" ("!join",
// "/start gibbs"). Anything longer without a prefix is a contribution, so that an
// answer such as "forget about it" or "stop met werken" is never taken for a command.
func IsCommand(text string) bool {
	t := strings.TrimSpace(text)
	prefixed := strings.HasPrefix(t, "/") || strings.HasPrefix(t, "!")
	f := strings.Fields(strings.TrimLeft(t, "/!"))
	if len(f) == 0 || (!prefixed && len(f) > 1) {
		return false
	}
	_, ok := commandWords[strings.ToLower(f[0])]
	return ok && f[0] != "?"
}
