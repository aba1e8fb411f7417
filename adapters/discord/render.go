package discord

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/bot"
)

// Discord's limits.
const (
	maxContent    = 2000 // characters in a message
	maxCustomID   = 100  // characters in a component custom_id
	maxLabel      = 80   // characters in a button label
	buttonsPerRow = 5
	maxRows       = 5
)

// noMentions allows no mention of any kind: an echoed "@everyone", "<@id>" or "<@&role>"
// renders as text and pings nobody. It is set on every message the bot sends.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// escape is defence in depth on top of noMentions: it breaks "@everyone" and "@here" with
// a zero-width space so the text does not even look like a broadcast. The engine already
// neutralises echoed user text.
func escape(text string) string {
	r := strings.NewReplacer("@everyone", "@\u200beveryone", "@here", "@\u200bhere")
	return r.Replace(text)
}

// blank is the content of a piece that would otherwise be only white space, which
// Discord refuses: a zero-width space.
const blank = "\u200b"

// chunks splits text into pieces of at most maxContent characters, preferring line
// breaks, so long summaries arrive whole. No piece is empty or only white space (Discord
// refuses those): such pieces are dropped, and a text with nothing else is one blank.
func chunks(text string) []string {
	if strings.TrimSpace(text) == "" {
		return []string{blank}
	}
	if utf8.RuneCountInString(text) <= maxContent {
		return []string{text}
	}
	var out []string
	for utf8.RuneCountInString(text) > maxContent {
		cut := byteIndexOfRune(text, maxContent)
		if i := strings.LastIndex(text[:cut], "\n"); i > cut/2 {
			cut = i + 1
		} else if i := strings.LastIndex(text[:cut], " "); i > cut/2 {
			cut = i + 1
		}
		if piece := strings.TrimRight(text[:cut], "\n"); strings.TrimSpace(piece) != "" {
			out = append(out, piece)
		}
		text = text[cut:]
	}
	if strings.TrimSpace(text) != "" {
		out = append(out, text)
	}
	return out
}

// byteIndexOfRune returns the byte offset of the n-th rune of s.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}

// remotePrefix marks a custom_id that carries its session thread: "t:<thread>:<command>".
// Buttons sent to a user's DMs on behalf of a thread use it, so that a click in the DM
// reaches the thread's session.
const remotePrefix = "t:"

// indexPrefix marks a custom_id made unique in its message: "#<n>:<custom_id>", n the
// button's index. Discord refuses a message with two equal custom_ids, and the
// custom_id is the command, so the second button with a command gets the index.
const indexPrefix = "#"

// uniqueID returns id, or id with the index n in front when id is already in seen;
// it adds the result to seen.
func uniqueID(id string, n int, seen map[string]bool) string {
	if seen[id] {
		id = indexPrefix + strconv.Itoa(n) + ":" + id
	}
	seen[id] = true
	return id
}

// stripIndex removes the index uniqueID put in front of a custom_id.
func stripIndex(id string) string {
	rest, ok := strings.CutPrefix(id, indexPrefix)
	if !ok {
		return id
	}
	n, rest, ok := strings.Cut(rest, ":")
	if !ok || n == "" || strings.Trim(n, "0123456789") != "" {
		return id
	}
	return rest
}

// customID is the custom_id of an action's button; thread is set for buttons sent
// outside the session's thread.
func customID(command, thread string) string {
	if thread == "" {
		return command
	}
	return remotePrefix + thread + ":" + command
}

// parseCustomID splits a custom_id into the session thread (empty: the conversation the
// click happened in) and the command, without the index that made it unique.
func parseCustomID(id string) (thread, command string) {
	id = stripIndex(id)
	rest, ok := strings.CutPrefix(id, remotePrefix)
	if !ok {
		return "", id
	}
	thread, command, ok = strings.Cut(rest, ":")
	if !ok || thread == "" || strings.Trim(thread, "0123456789") != "" {
		return "", id
	}
	return thread, command
}

// components renders actions as rows of buttons: at most five per row and five rows.
// An action whose command does not fit in a custom_id is dropped (and reported).
// thread is set when the buttons go elsewhere than the session's thread (a DM). Each
// custom_id is unique in the message (uniqueID).
func components(actions []bot.Action, thread string) (rows []discordgo.MessageComponent, dropped []string) {
	var row discordgo.ActionsRow
	seen := map[string]bool{}
	for n, a := range actions {
		id := uniqueID(customID(a.Command, thread), n, seen)
		if a.Command == "" || len(id) > maxCustomID {
			dropped = append(dropped, a.Command)
			continue
		}
		style := discordgo.SecondaryButton
		if a.Primary {
			style = discordgo.PrimaryButton
		}
		label := a.Label
		if label == "" {
			label = a.Command
		}
		if utf8.RuneCountInString(label) > maxLabel {
			label = string([]rune(label)[:maxLabel-1]) + "…"
		}
		row.Components = append(row.Components, discordgo.Button{Label: label, Style: style, CustomID: id})
		if len(row.Components) == buttonsPerRow {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	if len(rows) > maxRows {
		for _, r := range rows[maxRows:] {
			for _, c := range r.(discordgo.ActionsRow).Components {
				_, cmd := parseCustomID(c.(discordgo.Button).CustomID)
				dropped = append(dropped, cmd)
			}
		}
		rows = rows[:maxRows]
	}
	return rows, dropped
}

// threadName derives a thread's name from the opening message: its first line without
// Markdown, at most 90 characters.
func threadName(text string) string {
	line := strings.TrimSpace(strings.SplitN(text, "\n", 2)[0])
	line = strings.NewReplacer("**", "", "__", "", "*", "", "_", "", "`", "", "> ", "", "#", "").Replace(line)
	line = strings.TrimSpace(escape(line))
	if line == "" {
		return "intervision"
	}
	if utf8.RuneCountInString(line) > 90 {
		line = strings.TrimSpace(string([]rune(line)[:89])) + "…"
	}
	return line
}
