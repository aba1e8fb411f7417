// Package terminal runs the bot in a terminal: one person can play a whole group
// session by switching who speaks with /as NAME. It also replays transcripts.
package terminal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// Conversation is the terminal's conversation in channel: one workspace, one thread.
func Conversation(channel string) bot.Conversation {
	if channel == "" {
		channel = "main"
	}
	return bot.Conversation{Platform: "terminal", Workspace: "local", Channel: channel, Thread: "main"}
}

// Adapter is the interactive terminal chat.
type Adapter struct {
	In      io.Reader
	Out     io.Writer
	Channel string // conversation name; sessions in the same channel continue across runs
	User    string // who speaks first
	Lang    string // language hint for users ("nl", "en" or empty)
	// FilesDir is where documents that replies carry (a session summary, a chart) are
	// written; empty: INTERVISION_FILES_DIR, else DefaultFilesDir.
	FilesDir string

	// mu keeps writes to Out whole: Deliver (timers) writes while Run waits for input.
	mu     sync.Mutex
	prompt string // the prompt Run wrote and whose line is still being typed; "" none
	// here is the conversation typed lines go to: it changes when a reply opens a new
	// one (a new session after a kept summary, a check-in's reflection).
	here *bot.Conversation
}

// current is the conversation typed lines go to.
func (a *Adapter) current() bot.Conversation {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.here == nil {
		c := Conversation(a.Channel)
		a.here = &c
	}
	return *a.here
}

// moveTo makes c the conversation typed lines go to.
func (a *Adapter) moveTo(c bot.Conversation) {
	a.mu.Lock()
	a.here = &c
	a.mu.Unlock()
}

var _ bot.Deliverer = (*Adapter)(nil)

// Deliver prints the replies of an event nobody typed (a timer's) as other replies are
// printed, between the lines typed: public ones as "bot: …", private ones as
// "bot → ann (only you): …", Direct ones as "bot → ann (direct message): …"; a reply's
// document is written into FilesDir and its path printed on the line after. Opens is
// replayed as the terminal replays it for a typed command, from the reply's recipient
// (the terminal is one thread). It may be called while Run reads input: when a prompt
// waits, the output goes on a line of its own and the prompt is shown again.
func (a *Adapter) Deliver(ctx context.Context, h bot.Handler, conv bot.Conversation, out bot.Outcome) error {
	if conv.Platform != "terminal" {
		return fmt.Errorf("terminal: cannot deliver to %s conversation %q", conv.Platform, conv.Channel)
	}
	if a.Out == nil {
		return errors.New("terminal: no output")
	}
	p := &player{h: h, conv: conv, lang: a.Lang, moved: a.moveTo, files: filesDir(a.FilesDir)}
	entries, err := p.replies(ctx, "", out)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.prompt != "" {
		fmt.Fprintln(a.Out)
	}
	for _, e := range entries {
		fmt.Fprintln(a.Out, e.plain())
	}
	if a.prompt != "" {
		fmt.Fprint(a.Out, a.prompt)
	}
	return nil
}

// printf writes to Out whole, between Deliver's writes.
func (a *Adapter) printf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(a.Out, format, args...)
}

// showPrompt writes the prompt and remembers that its line is being typed.
func (a *Adapter) showPrompt(user string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.prompt = user + "> "
	fmt.Fprint(a.Out, a.prompt)
}

// entered notes that the prompt's line ended (Enter, end of input, Ctrl-C).
func (a *Adapter) entered() {
	a.mu.Lock()
	a.prompt = ""
	a.mu.Unlock()
}

// Name is "terminal".
func (a *Adapter) Name() string { return "terminal" }

// Run reads lines until the input ends or ctx is done.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	p := &player{h: h, lang: a.Lang, moved: a.moveTo, files: filesDir(a.FilesDir)}
	user := a.User
	if user == "" {
		user = "you"
	}
	a.printf("%s\n", p.label(a.Lang, "terminal.welcome", "user", strconv.Quote(user)))
	lines, errc := readLines(a.In)
	for {
		a.showPrompt(user)
		var raw string
		select {
		case <-ctx.Done(): // Ctrl-C: stop at once, even while waiting for input
			a.entered()
			a.printf("\n")
			return nil
		case l, ok := <-lines:
			a.entered()
			if !ok {
				a.printf("\n")
				return <-errc
			}
			raw = l
		}
		line := strings.TrimSpace(raw)
		switch {
		case line == "/quit" || line == "/exit":
			return nil
		case strings.HasPrefix(line, "/as"):
			if name := bot.CleanName(strings.TrimPrefix(line, "/as")); name != "" && !strings.ContainsAny(name, " \t") {
				user = name
				continue
			}
			a.printf("%s\n", p.label(a.Lang, "terminal.as_usage"))
			continue
		}
		p.conv = a.current()
		entries, err := p.say(ctx, user, line)
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, e := range entries[1:] {
			b.WriteString(e.plain() + "\n")
		}
		if len(raw) == ttyLineMax && isTerminal(a.In) {
			b.WriteString(p.label(p.lang, "terminal.line_cut") + "\n")
		}
		a.printf("%s", b.String())
	}
}

// ttyLineMax is the longest line a terminal in canonical mode passes on (Linux: its
// 4,096-byte line buffer less the newline); it drops what is typed or pasted beyond.
const ttyLineMax = 4095

// isTerminal reports whether r is a terminal (a character device): a line of
// ttyLineMax bytes from it was likely cut.
func isTerminal(r io.Reader) bool {
	f, ok := r.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readLines reads lines in the background, so that waiting for input can be
// interrupted. The error channel gets the read error (nil at the end of the input)
// once lines is closed. A line over maxLine is cut, so that the engine answers it.
func readLines(r io.Reader) (<-chan string, <-chan error) {
	lines, errc := make(chan string), make(chan error, 1)
	go func() {
		defer close(lines)
		lr := newLineReader(r)
		for {
			l, ok, err := lr.next()
			if err != nil || !ok {
				errc <- err
				return
			}
			lines <- l
		}
	}()
	return lines, errc
}

// Entry is one message of a played conversation.
type Entry struct {
	Line int    `json:"line,omitempty"`
	From string `json:"from"`
	To   string `json:"to,omitempty"`
	Text string `json:"text"`
	// Direct marks a reply to To in a direct conversation (a DM on other platforms).
	Direct bool `json:"direct,omitempty"`
	// Phase is the session's phase once the line was handled (Outcome.Phase): for a
	// line that moved the session on, the phase it moved to.
	Phase string `json:"phase"`
	// Actions are the buttons offered: each one's label and the command it gives,
	// as typed in the reply's language ("Volgende fase: /volgende", "Niet nodig:
	// /terugblik uit").
	Actions []string `json:"actions,omitempty"`
	// File is the path of the document the reply carried, written to disk.
	File string `json:"file,omitempty"`
	// FileError says why the reply's document could not be written.
	FileError string `json:"file_error,omitempty"`

	lang string           // the language of the reply, for the terminal's own labels
	lib  *prompts.Library // where those labels come from; nil: the built-in library
}

// markup is the light Markdown the terminal shows as plain text.
var markup = strings.NewReplacer("**", "")

func (e Entry) plain() string {
	text := bot.Unescape(markup.Replace(e.Text))
	if len(e.Actions) > 0 {
		text += "\n  [" + strings.Join(e.Actions, "] [") + "]"
	}
	label := func(key string, pairs ...string) string { return libraryOr(e.lib).Msg(key, e.lang, pairs...) }
	switch {
	case e.File != "":
		text += "\n  [" + label("terminal.file", "path", e.File) + "]"
	case e.FileError != "":
		text += "\n  [" + label("terminal.file_error", "error", e.FileError) + "]"
	}
	switch {
	case e.From != "bot":
		return e.From + ": " + text
	case e.To != "" && e.Direct:
		return "bot → " + e.To + " (" + label("terminal.direct") + "): " + text
	case e.To != "":
		return "bot → " + e.To + " (" + label("terminal.only") + "): " + text
	}
	return "bot: " + text
}

// builtin is the embedded library, for a handler that has none of its own.
var builtin = sync.OnceValue(prompts.MustBuiltin)

// libraryOr is lib, or the built-in library when lib is nil.
func libraryOr(lib *prompts.Library) *prompts.Library {
	if lib != nil {
		return lib
	}
	return builtin()
}

// library is the handler's library (an *bot.Engine has one), or nil.
func library(h bot.Handler) *prompts.Library {
	if l, ok := h.(interface{ Library() *prompts.Library }); ok {
		return l.Library()
	}
	return nil
}

// label is one of the terminal's own texts in lang (English when it is no language).
func (p *player) label(lang, key string, pairs ...string) string {
	return libraryOr(library(p.h)).Msg(key, lang, pairs...)
}

// command is an action's command as typed after "/" in lang (bot.TypedCommand): "next
// lobby" in Dutch is "volgende", "checkin off" is "terugblik uit".
func command(cmd, lang string) string { return bot.TypedCommand(cmd, lang) }

// player sends lines to the engine as users of one conversation.
type player struct {
	h     bot.Handler
	conv  bot.Conversation
	lang  string
	files string // where replies' documents are written
	// moved, when set, hears of the new conversation a reply opened.
	moved func(bot.Conversation)
	// unsaved is set when an event was answered with the engine's "could not save"
	// (the store was unavailable); Replay resets it per line.
	unsaved bool
}

// directConv is user's direct conversation with the bot, next to c.
func directConv(c bot.Conversation, user string) bot.Conversation {
	return bot.Conversation{Platform: c.Platform, Workspace: c.Workspace, Channel: "dm-" + user, Direct: true}
}

// open moves the player to the conversation a reply opens: a new thread in the same
// channel, or, for a Direct reply, the direct conversation with its recipient.
func (p *player) open(r bot.Reply) {
	next := p.conv
	if r.Direct && r.To != "" {
		next = directConv(p.conv, r.To)
	} else {
		threadSeq++
		next.Thread, next.Direct = fmt.Sprintf("main-%d", threadSeq), false
	}
	p.conv = next
	if p.moved != nil {
		p.moved(next)
	}
}

// threadSeq numbers the threads the terminal opens.
var threadSeq int

var eventSeq atomic.Int64

// directPrefix starts a line typed to the bot in the speaker's direct conversation
// (a DM on other platforms): "/dm I would call the mother" answers a private round.
const directPrefix = "/dm "

// say sends one line from user and returns the line itself followed by the replies.
// A line starting with "/dm " goes, without the prefix, to the direct conversation
// between user and the bot; the terminal stays where it is.
func (p *player) say(ctx context.Context, user, text string) ([]Entry, error) {
	conv, line := p.conv, text
	if rest, ok := strings.CutPrefix(text, directPrefix); ok {
		conv = directConv(p.conv, user)
		line = strings.TrimSpace(rest)
	}
	ev := bot.Event{
		ID:   fmt.Sprintf("term-%d-%d", time.Now().UnixNano(), eventSeq.Add(1)),
		Conv: conv, User: bot.User{ID: user, Name: user}, Text: line, Lang: p.lang,
	}
	// "/" is the terminal's own command prefix, as a slash command is on Slack and
	// Discord; anything else is typed in the session's thread.
	via := bot.Typed
	if strings.HasPrefix(line, "/") {
		via = bot.Invoked
	}
	ev.Text, ev.Command = bot.Classify(line, via)
	entries := []Entry{{From: user, Text: text}}
	out, err := p.h.Handle(ctx, ev)
	if err != nil {
		return nil, err
	}
	p.unsaved = p.unsaved || out.Unavailable()
	more, err := p.replies(ctx, user, out)
	if err != nil {
		return nil, err
	}
	entries = append(entries, more...)
	entries[0].Phase = out.Phase
	return entries, nil
}

// replies turns out's replies into entries, replaying what they open: the terminal is
// one thread, so the command runs here, from user, or from the reply's recipient when
// it is Direct or nobody typed (user "").
func (p *player) replies(ctx context.Context, user string, out bot.Outcome) ([]Entry, error) {
	p.unsaved = p.unsaved || out.Unavailable()
	var entries []Entry
	lang := out.Lang
	if lang == "" {
		lang = p.lang
	}
	for _, r := range out.Replies {
		entries = append(entries, p.entry(r, out.Phase, lang))
		if r.Opens == nil {
			continue
		}
		from := user
		if r.To != "" && (r.Direct || from == "") {
			from = r.To
		}
		if from == "" {
			continue // nobody to replay it from
		}
		p.open(r)
		more, err := p.say(ctx, from, "/"+r.Opens.Command)
		if err != nil {
			return nil, err
		}
		entries = append(entries, more[1:]...)
	}
	return entries, nil
}

// entry turns a reply in lang into an entry, writing its document (if any) into p.files.
func (p *player) entry(r bot.Reply, phase, lang string) Entry {
	e := Entry{From: "bot", To: r.To, Direct: r.Direct && r.To != "", Text: r.Text, Phase: phase, lang: lang, lib: library(p.h)}
	for _, a := range r.Actions {
		e.Actions = append(e.Actions, a.Label+": /"+command(a.Command, lang))
	}
	if r.File != nil {
		dir := p.files
		if dir == "" {
			dir = filesDir("")
		}
		path, err := saveFile(dir, r.File)
		if err != nil {
			e.FileError = err.Error()
		} else {
			e.File = path
		}
	}
	return e
}

// Clock is replay's clock. Advance moves it forward by d and fires every timer that
// is then due, in order, returning what each timer's event said.
type Clock interface {
	Advance(ctx context.Context, d time.Duration) ([]bot.Outcome, error)
}

// ReplayOptions set up Replay.
type ReplayOptions struct {
	Channel, Lang string
	JSON          bool  // one JSON object per message instead of text
	Clock         Clock // moves time on clock lines; nil: clock lines are an error
	// FilesDir is where replies' documents are written (the JSON entry's "file");
	// empty: INTERVISION_FILES_DIR, else DefaultFilesDir.
	FilesDir string
}

// UnsavedError is Replay's error when lines were answered with the engine's "could not
// save" (the store was unavailable): the whole transcript was played, but it did not
// run as written.
type UnsavedError struct {
	Lines []int // the transcript line numbers not saved
	Of    int   // lines played
}

func (e *UnsavedError) Error() string {
	nums := make([]string, len(e.Lines))
	for i, n := range e.Lines {
		nums[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf("%d of %s could not be saved (the store was unavailable): %s %s",
		len(e.Lines), prompts.Count(e.Of, "1 line", "{n} lines"), prompts.Count(len(e.Lines), "line", "lines"), strings.Join(nums, ", "))
}

// Replay plays a transcript and writes the conversation to w, as text or as one JSON
// object per line. A clock line moves the clock and prints what the timers said. When
// lines were answered "could not save", every line is still played and the error is an
// *UnsavedError.
func Replay(ctx context.Context, h bot.Handler, lines []Line, w io.Writer, o ReplayOptions) error {
	p := &player{h: h, conv: Conversation(o.Channel), lang: o.Lang, files: filesDir(o.FilesDir)}
	enc := json.NewEncoder(w)
	unsaved := &UnsavedError{Of: len(lines)}
	for _, l := range lines {
		p.unsaved = false
		entries, err := p.play(ctx, l, o.Clock)
		if err != nil {
			return fmt.Errorf("line %d: %w", l.N, err)
		}
		if p.unsaved {
			unsaved.Lines = append(unsaved.Lines, l.N)
		}
		for i := range entries {
			entries[i].Line = l.N
			if o.JSON {
				err = enc.Encode(entries[i])
			} else {
				_, err = fmt.Fprintln(w, entries[i].plain())
			}
			if err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
	}
	if len(unsaved.Lines) > 0 {
		return unsaved
	}
	return nil
}

// play runs one transcript line: a person's message, or a clock line whose timers'
// replies follow it.
func (p *player) play(ctx context.Context, l Line, clock Clock) ([]Entry, error) {
	if l.From != ClockName || l.Advance == 0 {
		return p.say(ctx, l.From, l.Text)
	}
	if clock == nil {
		return nil, fmt.Errorf("clock line without a clock")
	}
	outs, err := clock.Advance(ctx, l.Advance)
	if err != nil {
		return nil, err
	}
	entries := []Entry{{From: ClockName, Text: l.Text}}
	for _, out := range outs {
		more, err := p.replies(ctx, "", out)
		if err != nil {
			return nil, err
		}
		entries = append(entries, more...)
		if out.Phase != "" {
			entries[0].Phase = out.Phase
		}
	}
	return entries, nil
}
