package bot

import (
	"slices"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
)

// This file is the one command grammar of every platform: which words are commands,
// and when a message is one.

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
	"back": "back", "terug": "back", "vorige": "back",
	"more": "more", "langer": "more",
	"pause": "pause", "pauze": "pause",
	"resume": "resume", "hervat": "resume",
	"checkin": "checkin", "check-in": "checkin", "terugblik": "checkin",
	"summary": "summary", "samenvatting": "summary",
	"report": "report", "overzicht": "report",
	"answer": "answer", "antwoord": "answer",
}

// dutchWords is the word a Dutch text shows for a canonical command.
var dutchWords = map[string]string{
	"join": "meedoen", "leave": "verlaten", "bring": "inbrengen", "next": "volgende",
	"methods": "methodes", "help": "hulp", "end": "einde", "forget": "vergeet",
	"keep": "bewaren", "rewrite": "herschrijf", "back": "terug", "more": "langer",
	"pause": "pauze", "resume": "hervat", "checkin": "terugblik", "summary": "samenvatting", "report": "overzicht",
	"answer": "antwoord",
}

// CommandWord is the word a text in lang shows for a canonical command ("next" in
// Dutch: "volgende"); a command without a word of that language keeps its own.
func CommandWord(canonical, lang string) string {
	if lang == string(prompts.Dutch) {
		if nl, ok := dutchWords[canonical]; ok {
			return nl
		}
	}
	return canonical
}

// typedLang is the language a command's own word says, when it says one: a Dutch word
// that is no English word ("overzicht", "vergeet").
func typedLang(text string) (string, bool) {
	t, _ := commandText(text)
	f := strings.Fields(t)
	if len(f) == 0 {
		return "", false
	}
	w := strings.ToLower(f[0])
	c, ok := commandWords[w]
	if !ok || w == c {
		return "", false
	}
	if nl, ok := dutchWords[c]; ok && nl == w {
		return string(prompts.Dutch), true
	}
	return "", false
}

// Commands are the canonical command words, sorted.
func Commands() []string {
	var out []string
	for _, c := range commandWords {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

// CommandOf returns the canonical command a word stands for ("volgende" → "next"),
// in any case; ok is false for a word that is no command.
func CommandOf(word string) (canonical string, ok bool) {
	canonical, ok = commandWords[strings.ToLower(word)]
	return canonical, ok
}

// Via says how a message reached the bot, for Classify.
type Via int

const (
	// Typed is a message written in a session's thread or a direct conversation.
	Typed Via = iota
	// Addressed is the text after a mention of the bot that starts the message.
	Addressed
	// Invoked is a platform's own command (a slash command) or a button: always a
	// command, even with a word the engine does not know.
	Invoked
)

// Classify decides whether a message is a command and returns the text to give the
// engine: for a command its words without prefix ("!start gibbs" → "start gibbs",
// "/intervision next" → "next", "" → "help"), else the text as it came.
//
// A typed message is a command when it is one bare command word ("next", "volgende")
// or a command word after "/" or "!" ("!join", "/start gibbs nl"); anything longer
// without a prefix is a contribution, so that "forget about it" or "stop met werken"
// is never taken for a command. After a mention, a command word makes a command and
// other text stays a contribution. Invoked text is always a command.
func Classify(text string, via Via) (string, bool) {
	t := strings.TrimSpace(text)
	prefixed := via != Typed || strings.HasPrefix(t, "/") || strings.HasPrefix(t, "!")
	words, named := commandText(t)
	f := strings.Fields(words)
	switch {
	case via == Invoked && len(f) == 0:
		return "help", true
	case via == Invoked:
		return words, true
	case len(f) == 0:
		if via == Addressed || named {
			return "help", true // "@intervision" alone, "!intervision"
		}
		return text, false // empty, or a lone "!"
	case !prefixed && len(f) == 2 && argCommand(f[0], f[1]):
		return words, true // "langer 10", "terugblik 1w": the bot's own examples
	case !prefixed && (len(f) > 1 || f[0] == "?"):
		return text, false // a lone "?" is a question mark
	}
	if _, ok := CommandOf(f[0]); !ok {
		return text, false
	}
	return words, true
}

// argCommand reports a typed two-word message that can only be a command: more with
// minutes or a span, checkin with a choice.
func argCommand(word, arg string) bool {
	switch c, _ := CommandOf(word); c {
	case "more":
		_, ok := moreSpan(strings.ToLower(arg))
		return ok
	case "checkin":
		_, ok := parseCheckIn([]string{strings.ToLower(arg)})
		return ok
	}
	return false
}

// commandText strips a command's prefix: leading "/" and "!", and the bot's name
// before the command word ("/intervision next"); named reports that name.
func commandText(t string) (words string, named bool) {
	t = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(t), "/!"))
	if f := strings.Fields(t); len(f) > 0 && strings.EqualFold(f[0], "intervision") {
		return strings.TrimSpace(t[len(f[0]):]), true
	}
	return t, false
}

// command is a parsed command: its canonical word and arguments.
type command struct {
	word string
	args []string
	rest string // the text after the command word, as typed
}

// parseCommand reads a command's text; the prefixes Classify strips may still be there.
func parseCommand(text string) command {
	t, _ := commandText(text)
	fields := strings.Fields(t)
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

// dutchArgs is the word a Dutch text shows for a command's argument, per canonical
// command; the grammar reads both ("checkin uit", "forget ja").
var dutchArgs = map[string]map[string]string{
	"checkin": {checkInOff: "uit"},
	"forget":  {"yes": "ja"},
}

// dutchArg is the Dutch word for a command's argument, or the argument itself.
func dutchArg(canonical, arg string) string {
	if nl, ok := dutchArgs[canonical][arg]; ok {
		return nl
	}
	return arg
}

// TypedCommand is an action's command as someone types it in lang: the command word
// and its arguments in that language ("checkin off" in Dutch: "terugblik uit"), and
// next without the phase its button carries, which only refuses a click that comes
// after the phase moved on ("next questions": "volgende"). A text that is no command
// is returned as it came.
func TypedCommand(cmd, lang string) string {
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return cmd
	}
	c, ok := CommandOf(f[0])
	if !ok {
		return cmd
	}
	if c == "next" {
		f = f[:1]
	}
	f[0] = CommandWord(c, lang)
	if lang == string(prompts.Dutch) {
		for i := 1; i < len(f); i++ {
			f[i] = dutchArg(c, f[i])
		}
	}
	return strings.Join(f, " ")
}
