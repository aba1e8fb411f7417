// Package bot is the intervision dialogue engine: it runs methods phase by phase,
// keeps roles and rules, and asks reflective questions. It knows no chat platform;
// adapters turn platform events into Events and deliver the Replies it returns.
package bot

import "time"

// Conversation identifies the place where a session runs. A group session lives in one
// thread of a channel; a solo session lives in a direct conversation with the bot.
type Conversation struct {
	Platform  string // "terminal", "slack", "discord"
	Workspace string // Slack team id, Discord guild id, "local" for the terminal
	Channel   string // channel, DM channel or Discord thread id
	Thread    string // thread id inside Channel; empty at a channel's top level
	Direct    bool   // a one-to-one conversation between one person and the bot
}

// InThread reports whether the conversation is a place where a session can live:
// a thread, or a direct conversation.
func (c Conversation) InThread() bool { return c.Thread != "" || c.Direct }

// User is a person who sends events.
type User struct {
	ID   string // stable platform id
	Name string // display name, used in summaries and replies
}

// Event is one inbound turn: a message in a session's thread, a command, or a click.
type Event struct {
	// ID is the platform's event id; the store applies an id at most once. Empty: no
	// de-duplication.
	ID      string
	Conv    Conversation
	User    User
	Text    string
	Command bool   // Text is a command (slash command, mention, button, "/cmd")
	Lang    string // the user's language when the platform knows it ("nl", "en")
	// Ambient marks an ordinary message that was not addressed to the bot, such as a
	// reply in any thread of a channel the bot is in. Where no session runs (none, or
	// finished), the engine ignores it silently and stores nothing; only `start` works.
	Ambient bool
	// OwnThread, with Ambient, says the adapter knows the thread to be one the bot
	// opened for a session. When that thread has no session record (expired, lost), the
	// engine says once that the session cannot be continued and how to start again,
	// and keeps a tiny marker so that it says so only once per thread.
	OwnThread bool
	Time      time.Time // when it happened; zero means now
	// Seq is the message's place in its conversation as the platform numbers it (a
	// Discord snowflake, a Slack ts): decimal numbers, the longer or else the
	// lexically greater one later. The engine keeps the latest Seq applied with the
	// session, as the point an adapter catches up from after a reconnect
	// (Engine.Resumable). Empty: not a message the platform can list again.
	Seq string

	timer *wake // set by Fire: the event is a timer's, not a person's
	// private marks a member's direct message placed in the group session whose
	// private round it answers (bot/private.go).
	private bool
}

// Action is a choice offered with a reply. Slack and Discord render it as a button; a
// click comes back as an Event whose Text is Command and whose Command flag is set.
type Action struct {
	Label   string
	Command string
	Primary bool // the action most people will want
}

// Reply is one message from the bot.
type Reply struct {
	// To, when set, is the id of the one user who should see this reply (an ephemeral
	// message on Slack and Discord). Empty: everyone in the conversation sees it.
	To string
	// Direct, with To, asks for the reply in a direct conversation with that user (a
	// DM), not in this conversation: a check-in weeks after a session, or a private
	// invitation where the platform has no private message inside a thread.
	Direct  bool
	Text    string // light Markdown: **bold**, _italic_, "- " lists, "> " quotes
	Actions []Action
	// File, when set, is a document to post with the reply (the session summary as
	// Markdown, a report chart as PNG): an uploaded file on Slack, an attachment on
	// Discord, a file written to disk in the terminal. Text is always sent as well, so
	// nothing is lost where files cannot be posted.
	File *File
	// Opens, when set, asks the adapter to post Text as the first message of a new
	// thread and then hand Opens back to the engine as a command event from the same
	// user in that thread. It is how a session gets a thread of its own. With Direct,
	// the adapter hands Opens back, from To, in the direct conversation it posted in.
	Opens *Opening
	// In, when set, is the conversation to post this public reply in instead of the
	// event's: the session's thread, for the replies to an answer someone sent the bot
	// by direct message in a private round (the count of who has chosen, the reveal).
	In *Conversation
}

// File is a document attached to a reply.
type File struct {
	Name string // file name, e.g. "summary-2026-11-24.md"
	Type string // MIME type: "text/markdown", "image/png"
	Data []byte
	// Alt describes an image for people who cannot see it (alt text).
	Alt string
}

// Opening is the command an adapter replays in a thread it has just opened.
type Opening struct {
	Command string
	Lang    string // the language of the session it starts ("nl", "en")
}

// Outcome is what the engine decided for one event.
type Outcome struct {
	Replies []Reply
	// Phase is the session's phase id after the event; empty when no session is here.
	Phase string
	// Lang is the language the replies are in (the session's, else the user's), so an
	// adapter can label them alike; empty when the engine chose none.
	Lang string
	// Duplicate is true when the event id was seen before and nothing was applied.
	Duplicate bool

	fault string // the Observer's outcome class of a friendly failure reply
}

// Unavailable reports whether the outcome is the engine's "could not save that just
// now" answer: the store was unavailable and nothing was applied.
func (o Outcome) Unavailable() bool { return o.fault == "unavailable" }

// Failed reports whether the outcome is one of the engine's failure answers ("could
// not save", "something went wrong", "storage is full"): nothing of the event was
// saved, and the person was told so.
func (o Outcome) Failed() bool { return o.fault != "" }
