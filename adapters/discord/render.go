package discord

import (
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

// chunks splits text into pieces of at most maxContent characters, preferring line
// breaks, so long summaries arrive whole.
func chunks(text string) []string {
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
		out = append(out, strings.TrimRight(text[:cut], "\n"))
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

// customID is the custom_id of an action's button; thread is set for buttons sent
// outside the session's thread.
func customID(command, thread string) string {
	if thread == "" {
		return command
	}
	return remotePrefix + thread + ":" + command
}

// parseCustomID splits a custom_id into the session thread (empty: the conversation the
// click happened in) and the command.
func parseCustomID(id string) (thread, command string) {
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
// thread is set when the buttons go elsewhere than the session's thread (a DM).
func components(actions []bot.Action, thread string) (rows []discordgo.MessageComponent, dropped []string) {
	var row discordgo.ActionsRow
	for _, a := range actions {
		id := customID(a.Command, thread)
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
				dropped = append(dropped, c.(discordgo.Button).CustomID)
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
