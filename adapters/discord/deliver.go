package discord

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/bot"
)

// errAcknowledged means another gateway session (a replica on the same shard) answered
// the interaction first.
var errAcknowledged = errors.New("discord: interaction already acknowledged")

// threadArchive is how long, in minutes, an idle session thread stays open (one day).
const threadArchive = 1440

// acker answers one interaction: it acknowledges it once and then knows whether the
// "@original" response message is still waiting for content.
type acker struct {
	api api
	i   *discordgo.Interaction

	mu        sync.Mutex
	done      bool // acknowledged, by us or by another replica
	failed    bool // another replica acknowledged it first
	deferred  bool // a deferred "thinking" message waits for content
	ephemeral bool // that message is private to the user
	used      bool // it has content
	// inThread sends public replies as bot messages rather than interaction messages:
	// set while the replies of a session's first command go into its new thread.
	inThread bool
}

// deferReply acknowledges a slash command with a deferred message, private or public.
// It does nothing when the interaction was already acknowledged.
func (a *acker) deferReply(ephemeral bool) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done {
		return nil
	}
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	if ephemeral {
		resp.Data = &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}
	}
	if err := a.respond(resp); err != nil {
		return err
	}
	a.deferred, a.ephemeral = true, ephemeral
	return nil
}

// deferUpdate acknowledges a button click without a message of its own.
func (a *acker) deferUpdate() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.done {
		return nil
	}
	return a.respond(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
}

func (a *acker) respond(resp *discordgo.InteractionResponse) error {
	a.done = true
	err := a.api.InteractionRespond(a.i, resp)
	var rerr *discordgo.RESTError
	if errors.As(err, &rerr) && rerr.Message != nil && rerr.Message.Code == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged {
		a.failed = true
		return errAcknowledged
	}
	if err != nil {
		return fmt.Errorf("discord: acknowledge interaction %s: %w", a.i.ID, err)
	}
	return nil
}

// adoptSibling records that another replica deferred this slash command privately.
func (a *acker) adoptSibling() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failed, a.deferred, a.ephemeral = false, true, true
}

func (a *acker) lost() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failed
}

// takeOriginal reports whether a reply of this visibility can fill the deferred message,
// and marks it used when so.
func (a *acker) takeOriginal(private bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.deferred && !a.used && a.ephemeral == private && !(a.inThread && !private) {
		a.used = true
		return true
	}
	return false
}

// publicFollowups reports whether public replies may be interaction followups. Not when
// the deferred message is private and still empty: Discord would show the first
// followup in its place, privately.
func (a *acker) publicFollowups() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.inThread && !(a.deferred && a.ephemeral && !a.used)
}

func (a *acker) setInThread(v bool) {
	a.mu.Lock()
	a.inThread = v
	a.mu.Unlock()
}

// finish removes a deferred message that no reply filled.
func (a *acker) finish() {
	a.mu.Lock()
	unused := a.deferred && !a.used
	a.used = true
	a.mu.Unlock()
	if unused {
		_ = a.api.InteractionResponseDelete(a.i)
	}
}

// poster sends one piece of text with buttons, and files when there are any, somewhere
// and returns the message.
type poster func(content string, rows []discordgo.MessageComponent, files []*discordgo.File) (*discordgo.Message, error)

// post sends text in pieces Discord accepts; the buttons and the document (file, may
// be nil) go with the last piece. first sends the first piece and rest the others. It
// returns the first message. When Discord refuses the piece with the file, it goes
// again without it (see attachFailed).
func (r *router) post(first, rest poster, text string, rows []discordgo.MessageComponent, file *bot.File) (*discordgo.Message, error) {
	parts := chunks(escape(text))
	var msg *discordgo.Message
	for n, part := range parts {
		var rs []discordgo.MessageComponent
		var files []*discordgo.File
		last := n == len(parts)-1
		if last {
			rs = rows
			files = r.attachment(file)
		}
		send := rest
		if n == 0 {
			send = first
		}
		m, err := send(part, rs, files)
		if err != nil && files != nil {
			m, err = r.attachFailed(send, rest, part, rs, file, err)
		} else if err == nil && last && file != nil && files == nil {
			r.textInstead(rest, file)
		}
		if err != nil {
			return msg, err
		}
		if msg == nil {
			msg = m
		}
	}
	return msg, nil
}

// toChannel posts plain bot messages in a channel, thread or DM.
func (r *router) toChannel(channelID string) poster {
	return func(content string, rows []discordgo.MessageComponent, files []*discordgo.File) (*discordgo.Message, error) {
		m, err := r.api.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
			Content: content, Components: rows, AllowedMentions: noMentions(), Files: files,
		})
		if err != nil {
			return nil, fmt.Errorf("discord: send message to %s: %w", channelID, err)
		}
		return m, nil
	}
}

// followup posts an interaction followup, private to the user or public.
func (r *router) followup(a *acker, private bool) poster {
	return func(content string, rows []discordgo.MessageComponent, files []*discordgo.File) (*discordgo.Message, error) {
		p := &discordgo.WebhookParams{Content: content, Components: rows, AllowedMentions: noMentions(), Files: files}
		if private {
			p.Flags = discordgo.MessageFlagsEphemeral
		}
		m, err := r.api.FollowupMessageCreate(a.i, true, p)
		if err != nil {
			return nil, fmt.Errorf("discord: followup to interaction %s: %w", a.i.ID, err)
		}
		return m, nil
	}
}

// original fills the deferred response message.
func (r *router) original(a *acker) poster {
	return func(content string, rows []discordgo.MessageComponent, files []*discordgo.File) (*discordgo.Message, error) {
		if rows == nil {
			rows = []discordgo.MessageComponent{}
		}
		m, err := r.api.InteractionResponseEdit(a.i, &discordgo.WebhookEdit{
			Content: &content, Components: &rows, AllowedMentions: noMentions(), Files: files,
		})
		if err != nil {
			return nil, fmt.Errorf("discord: answer interaction %s: %w", a.i.ID, err)
		}
		return m, nil
	}
}

// dm posts in the user's direct-message channel with the bot.
func (r *router) dm(userID string) (poster, error) {
	id, err := r.dmChannel(userID)
	if err != nil {
		return nil, err
	}
	return r.toChannel(id), nil
}

// dmChannel returns the id of the user's direct-message channel with the bot, opening
// it when needed.
func (r *router) dmChannel(userID string) (string, error) {
	r.mu.Lock()
	id := r.dms[userID]
	r.mu.Unlock()
	if id == "" {
		ch, err := r.api.UserChannelCreate(userID)
		if err != nil {
			return "", fmt.Errorf("discord: open DM with %s: %w", userID, err)
		}
		id = ch.ID
		r.mu.Lock()
		if r.dms == nil || len(r.dms) >= maxCachedChannels {
			r.dms = map[string]string{}
		}
		r.dms[userID] = id
		r.mu.Unlock()
	}
	return id, nil
}

// deliver sends an outcome's replies, with h for what they open. ack is the
// interaction the event came from, or nil for a message or for replies nobody asked
// for (Deliver).
//
// Public replies go to the conversation: for an interaction as its response message or
// followups, for a message as bot messages in the thread or DM. Private replies (To set)
// are ephemeral interaction messages when the event was that user's interaction;
// otherwise they go to the user's DMs, as do replies with Direct. When Discord refuses
// the DM because the user accepts none (50007), a fixed note in the conversation tells
// them so, by name and without a ping; the private text itself is never posted
// publicly. Other DM failures are logged and the reply is dropped. It returns the
// errors of the replies that were not delivered (each one is logged).
func (r *router) deliver(ctx context.Context, h bot.Handler, ev bot.Event, out bot.Outcome, ack *acker) error {
	var errs []error
	for _, rep := range out.Replies {
		if ctx.Err() != nil {
			r.log.Warn("discord: deliver cancelled", "event", ev.ID, "err", ctx.Err())
			return errors.Join(append(errs, ctx.Err())...)
		}
		rows, dropped := components(rep.Actions, "")
		if len(dropped) > 0 {
			r.log.Warn("discord: actions dropped: custom_id too long or too many buttons", "commands", dropped)
		}
		var err error
		switch {
		case rep.In != nil && rep.In.Platform == platformName && where(*rep.In) != "":
			// Said about a session elsewhere (a private answer sent by DM): posted in
			// the session's thread, where its buttons act.
			to := r.toChannel(where(*rep.In))
			_, err = r.post(to, to, rep.Text, rows, rep.File)
		case rep.Opens != nil && rep.Direct && rep.To != "":
			err = r.openDirect(ctx, h, ev, rep)
		case rep.Opens != nil:
			err = r.open(ctx, h, ev, rep, rows, ack)
		case rep.To != "":
			err = r.private(ev, rep, rows, ack)
		case ack != nil && ack.takeOriginal(false):
			_, err = r.post(r.original(ack), r.followup(ack, false), rep.Text, rows, rep.File)
		case ack != nil && ack.publicFollowups():
			_, err = r.post(r.followup(ack, false), r.followup(ack, false), rep.Text, rows, rep.File)
		default:
			to := r.toChannel(where(ev.Conv))
			_, err = r.post(to, to, rep.Text, rows, rep.File)
		}
		if err != nil {
			r.log.Error("discord: deliver reply", "event", ev.ID, "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// deliverUnasked delivers the replies of an event nobody sent on Discord (a timer's)
// in conv, one by one as replies to a message from their recipient would be: public
// ones in the thread (or DM), private and Direct ones by DM, with the note in the
// thread when the recipient accepts no DMs.
func (r *router) deliverUnasked(ctx context.Context, h bot.Handler, conv bot.Conversation, out bot.Outcome) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	for _, rep := range out.Replies {
		ev := bot.Event{Conv: conv}
		if !conv.Direct {
			// As if the recipient had written in the thread: a refused DM gets the note
			// there. (In a DM conversation the reply goes by the recipient's own DM.)
			ev.User.ID = rep.To
		}
		errs = append(errs, r.deliver(ctx, h, ev, bot.Outcome{Replies: []bot.Reply{rep}}, nil))
	}
	return errors.Join(errs...)
}

// private delivers a reply meant for one user.
func (r *router) private(ev bot.Event, rep bot.Reply, rows []discordgo.MessageComponent, ack *acker) error {
	if ack != nil && rep.To == ev.User.ID && !rep.Direct {
		if ack.takeOriginal(true) {
			_, err := r.post(r.original(ack), r.followup(ack, true), rep.Text, rows, rep.File)
			return err
		}
		_, err := r.post(r.followup(ack, true), r.followup(ack, true), rep.Text, rows, rep.File)
		return err
	}
	if ev.Conv.Direct && rep.To == ev.User.ID {
		to := r.toChannel(ev.Conv.Channel)
		_, err := r.post(to, to, rep.Text, rows, rep.File)
		return err
	}
	to, err := r.dm(rep.To)
	if err == nil {
		// Buttons in the DM act on the thread's session; a Direct reply's act in the DM.
		remote := ev.Conv.Thread
		if rep.Direct {
			remote = ""
		}
		dmRows, _ := components(rep.Actions, remote)
		if _, err = r.post(to, to, rep.Text, dmRows, rep.File); err == nil {
			return nil
		}
	}
	return r.dmFailed(ev, rep, err)
}

// dmFailed handles a private reply whose DM failed with err. The private text never
// goes anywhere public: it may be an export of everything the user wrote. The log
// names the user and the error, never the text. Only when the user accepts no DMs and
// the reply answers them in a thread or channel does a note there say so.
func (r *router) dmFailed(ev bot.Event, rep bot.Reply, err error) error {
	if !cannotDM(err) || rep.To != ev.User.ID || ev.Conv.Direct {
		r.log.Warn("discord: private reply not delivered: direct message failed", "user", rep.To,
			"conv", where(ev.Conv), "event", ev.ID, "err", err)
		return nil
	}
	r.log.Warn("discord: private reply not delivered: the user accepts no direct messages; told them so in the conversation",
		"user", rep.To, "conv", where(ev.Conv), "event", ev.ID)
	name := ev.User.Name
	if name == "" {
		name = r.nameOf(ev.Conv.Workspace, rep.To)
	}
	to2 := r.toChannel(where(ev.Conv))
	_, err = r.post(to2, to2, noDMNote(r.langOf(ev), name), nil, nil) // never the private reply's document
	return err
}

// nameOf names a user the engine addressed without an event of theirs: their server
// nickname, else their display or user name, else the id.
func (r *router) nameOf(guild, userID string) string {
	if guild != "" && guild != dmWorkspace {
		if m, err := r.api.GuildMember(guild, userID); err == nil && m != nil {
			if u := userOf(m.User, m); u.Name != "" {
				return u.Name
			}
		}
	}
	if u, err := r.api.User(userID); err == nil && u != nil {
		if n := userOf(u, nil).Name; n != "" {
			return n
		}
	}
	return userID
}

// cannotDM reports whether Discord refused a direct message because the user does not
// accept them (error 50007: they allow no DMs from server members, or blocked the bot).
func cannotDM(err error) bool {
	var rerr *discordgo.RESTError
	return errors.As(err, &rerr) && rerr.Message != nil && rerr.Message.Code == discordgo.ErrCodeCannotSendMessagesToThisUser
}

// noDMNote is the neutral note posted in the conversation when a private reply cannot
// reach the user by DM. It names the user in plain text (no mention, no ping) and says
// nothing of the reply itself.
func noDMNote(lang, name string) string {
	name = bot.Quote(name)
	if lang == "nl" {
		return name + ", ik heb een persoonlijk antwoord voor je, maar kan je geen privébericht sturen. " +
			"Sta privéberichten van serverleden toe (servermenu → Privacyinstellingen), of gebruik " +
			"/intervisie hier: de antwoorden daarop ziet alleen jij."
	}
	return name + ", I have a private reply for you but cannot send you a direct message. " +
		"Please allow direct messages from server members (server menu → Privacy Settings), or use " +
		"/intervision here: only you can see its answers."
}

// open gives a session a thread of its own: it posts the reply as the opening message
// in the channel, starts a public thread on it and hands Opens.Command back to the
// engine as a command from the same user inside the thread.
func (r *router) open(ctx context.Context, h bot.Handler, ev bot.Event, rep bot.Reply, rows []discordgo.MessageComponent, ack *acker) error {
	parent := ev.Conv.Channel
	if ev.Conv.Direct || ev.Conv.Thread != "" {
		return fmt.Errorf("discord: cannot open a thread from %s", where(ev.Conv))
	}
	var first poster = r.toChannel(parent)
	rest := first
	// The slash command's own public response can carry the opening message when the
	// command was used in that channel (not in a thread of it).
	if ack != nil && ack.i.ChannelID == parent && ack.takeOriginal(false) {
		first, rest = r.original(ack), r.followup(ack, false)
	}
	msg, err := r.post(first, rest, rep.Text, rows, rep.File)
	if err != nil {
		return err
	}
	if msg == nil || msg.ID == "" {
		return fmt.Errorf("discord: opening message in %s has no id", parent)
	}
	th, err := r.api.MessageThreadStartComplex(parent, msg.ID, &discordgo.ThreadStart{
		Name: threadName(rep.Text), AutoArchiveDuration: threadArchive,
	})
	if err != nil {
		return fmt.Errorf("discord: start thread in %s (does the bot have Create Public Threads and Send Messages in Threads there?): %w", parent, err)
	}
	r.remember(th.ID, channelInfo{thread: true, parent: parent, owner: r.selfID(), guild: ev.Conv.Workspace})

	oev := bot.Event{
		ID:      derivedID(ev.ID, "/open"),
		Seq:     msg.ID, // the opening message: every turn in its thread comes after it
		Conv:    bot.Conversation{Platform: platformName, Workspace: ev.Conv.Workspace, Channel: parent, Thread: th.ID},
		User:    ev.User,
		Text:    rep.Opens.Command,
		Command: true,
		Lang:    ev.Lang,
	}
	if rep.Opens.Lang != "" {
		r.noteLang(th.ID, rep.Opens.Lang, true)
	} else {
		r.noteLang(th.ID, ev.Lang, false)
	}
	// The opening event runs inside the job of the channel the start came from: the
	// thread is seconds old and nobody has written in it yet.
	if oev.User.ID != "" && oev.User.Name == "" { // delivered without an event
		oev.User.Name = r.nameOf(oev.Conv.Workspace, oev.User.ID)
	}
	out, err := h.Handle(ctx, oev)
	if err != nil {
		return fmt.Errorf("discord: start session in thread %s: %w", th.ID, err)
	}
	// Replies go into the thread; private ones still reach the user as ephemeral
	// followups of the original interaction.
	for i := range out.Replies {
		if out.Replies[i].Opens != nil {
			out.Replies[i].Opens = nil // a thread cannot open another
		}
	}
	if ack != nil {
		ack.setInThread(true)
		defer ack.setInThread(false)
	}
	_ = r.deliver(ctx, h, oev, out, ack)
	return nil
}

// openDirect posts a Direct reply in the DM with its recipient and then hands
// rep.Opens.Command back to the engine as a command from the recipient in that DM, and
// delivers what it says there. When the DM fails, nothing is handed back.
func (r *router) openDirect(ctx context.Context, h bot.Handler, ev bot.Event, rep bot.Reply) error {
	ch, err := r.dmChannel(rep.To)
	if err == nil {
		rows, _ := components(rep.Actions, "")
		to := r.toChannel(ch)
		_, err = r.post(to, to, rep.Text, rows, rep.File)
	}
	if err != nil {
		return r.dmFailed(ev, rep, err)
	}
	user := bot.User{ID: rep.To}
	if ev.User.ID == rep.To {
		user.Name = ev.User.Name
	}
	if user.Name == "" {
		user.Name = r.nameOf(ev.Conv.Workspace, rep.To)
	}
	oev := bot.Event{
		ID:      derivedID(ev.ID, "/direct"),
		Conv:    bot.Conversation{Platform: platformName, Workspace: dmWorkspace, Channel: ch, Direct: true},
		User:    user,
		Text:    rep.Opens.Command,
		Command: true,
		Lang:    ev.Lang,
	}
	if rep.Opens.Lang != "" {
		oev.Lang = rep.Opens.Lang
		r.noteLang(ch, rep.Opens.Lang, true)
	}
	// Like a thread's opening event, it runs in the job it came from: the DM's queue
	// may hold a message of the user's meanwhile, which then comes after.
	out, err := h.Handle(ctx, oev)
	if err != nil {
		return fmt.Errorf("discord: start session in the DM with %s: %w", rep.To, err)
	}
	for i := range out.Replies {
		out.Replies[i].Opens = nil // a DM cannot open another
	}
	_ = r.deliver(ctx, h, oev, out, nil)
	return nil
}

// derivedID is the id of an event the adapter derives from the event id (none when
// the event has none).
func derivedID(id, suffix string) string {
	if id == "" {
		return ""
	}
	return id + suffix
}
