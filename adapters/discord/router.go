package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// platformName is the Conversation.Platform of every Discord event.
const platformName = "discord"

// dmWorkspace is the Conversation.Workspace of direct messages, which belong to no guild.
const dmWorkspace = "dm"

// api is the part of Discord's REST API the adapter uses; *discordgo.Session has it.
type api interface {
	ApplicationCommandBulkOverwrite(appID, guildID string, cmds []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	Channel(channelID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	// ChannelMessages (GET /channels/{id}/messages, Read Message History) fetches what
	// was posted in a session while the bot was disconnected (backfill.go).
	ChannelMessages(channelID string, limit int, beforeID, afterID, aroundID string, options ...discordgo.RequestOption) ([]*discordgo.Message, error)
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	UserChannelCreate(recipientID string, options ...discordgo.RequestOption) (*discordgo.Channel, error)
	GuildMember(guildID, userID string, options ...discordgo.RequestOption) (*discordgo.Member, error)
	User(userID string, options ...discordgo.RequestOption) (*discordgo.User, error)
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	InteractionResponseDelete(i *discordgo.Interaction, options ...discordgo.RequestOption) error
	FollowupMessageCreate(i *discordgo.Interaction, wait bool, data *discordgo.WebhookParams, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

// channelInfo is what the router needs to know about a channel.
type channelInfo struct {
	thread bool
	parent string // the thread's parent channel
	owner  string // the user who created the thread
	guild  string
}

// maxCachedChannels bounds the channel cache; it is cleared when full.
const maxCachedChannels = 20000

// router turns gateway events into engine events and delivers the engine's replies.
// Its event handlers only decode and queue (adapters/queue, keyed by channel); the
// REST calls and the engine run in the queued jobs, one conversation at a time, in
// arrival order.
type router struct {
	api     api
	state   *discordgo.State // the gateway's cache; nil: look channels up over REST
	h       bot.Handler
	log     *slog.Logger
	ackWait time.Duration // how long a slash command may take before it is deferred
	timeout time.Duration // how long one event may take in all
	q       *queue.Queue  // the ordered per-conversation job queue; nil: run at once (tests)

	mu          sync.Mutex
	self        string
	channels    map[string]channelInfo
	dms         map[string]string // user id → DM channel id
	langs       map[string]string // Discord channel → language last seen there ("nl", "en")
	warnedEmpty bool

	// observe, when set (tests), is called when an event has been handled and answered.
	observe func(eventID string)

	// intakeMu and closed gate the gateway's event handlers (intake): once stopIntake
	// returned, no handler queues anything more.
	intakeMu sync.RWMutex
	closed   bool
}

// intake runs handle, a gateway event handler, unless the intake stopped.
func (r *router) intake(handle func()) {
	r.intakeMu.RLock()
	defer r.intakeMu.RUnlock()
	if r.closed {
		return
	}
	handle()
}

// stopIntake makes the gateway's events be dropped from now on; it returns once no
// handler runs any more, so every event accepted is in the queue.
func (r *router) stopIntake() {
	r.intakeMu.Lock()
	r.closed = true
	r.intakeMu.Unlock()
}

// accepted logs, at debug level, that an event was queued (ids only; the shutdown test
// counts these lines).
func (r *router) accepted(kind, id string) {
	r.log.Debug("discord: event accepted", "kind", kind, "event", id)
}

func (r *router) done(id string) {
	if r.observe != nil {
		r.observe(id)
	}
}

func (r *router) selfID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.self
}

func (r *router) setSelf(id string) {
	r.mu.Lock()
	r.self = id
	r.mu.Unlock()
}

// remember caches what is known about a channel.
func (r *router) remember(id string, info channelInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.channels == nil || len(r.channels) >= maxCachedChannels {
		r.channels = map[string]channelInfo{}
	}
	r.channels[id] = info
}

// channel returns what is known about a channel: from the cache, the gateway state, or
// Discord's REST API.
func (r *router) channel(id string) (channelInfo, error) {
	r.mu.Lock()
	info, ok := r.channels[id]
	r.mu.Unlock()
	if ok {
		return info, nil
	}
	var ch *discordgo.Channel
	if r.state != nil {
		ch, _ = r.state.Channel(id)
	}
	if ch == nil {
		var err error
		if ch, err = r.api.Channel(id); err != nil {
			return channelInfo{}, fmt.Errorf("discord: look up channel %s: %w", id, err)
		}
	}
	info = channelInfo{thread: ch.IsThread(), parent: ch.ParentID, owner: ch.OwnerID, guild: ch.GuildID}
	r.remember(id, info)
	return info, nil
}

// sessionThread reports whether a channel is a thread the bot opened: only there do
// plain messages count as turns.
func (r *router) sessionThread(info channelInfo) bool {
	return info.thread && info.owner != "" && info.owner == r.selfID()
}

// guildConv places an event that happened in a guild channel. A thread the bot opened
// is a session's home; any other thread counts as the top level of its parent, since
// sessions live only in threads of their own.
func (r *router) guildConv(guildID, channelID string) (bot.Conversation, error) {
	c := bot.Conversation{Platform: platformName, Workspace: guildID, Channel: channelID}
	info, err := r.channel(channelID)
	if err != nil {
		return c, err
	}
	switch {
	case r.sessionThread(info):
		c.Channel, c.Thread = info.parent, channelID
	case info.thread && info.parent != "":
		c.Channel = info.parent
	}
	return c, nil
}

// where is the Discord channel (thread, channel or DM) a conversation's messages go to.
func where(c bot.Conversation) string {
	if c.Thread != "" {
		return c.Thread
	}
	return c.Channel
}

// userOf names the author of a message or interaction: server nickname, then global
// display name, then user name, then id; each cleaned (bot.CleanName), never raw.
func userOf(u *discordgo.User, m *discordgo.Member) bot.User {
	if u == nil && m != nil {
		u = m.User
	}
	if u == nil {
		return bot.User{}
	}
	nick := ""
	if m != nil {
		nick = m.Nick
	}
	name := u.ID
	for _, n := range []string{nick, u.GlobalName, u.Username} {
		if n = bot.CleanName(n); n != "" {
			name = n
			break
		}
	}
	return bot.User{ID: u.ID, Name: name}
}

// submit queues job under key: the events of one conversation run one after another,
// in the order the gateway delivered them. Without a queue (unit tests) job runs now.
func (r *router) submit(key string, job func()) bool {
	if r.q == nil {
		job()
		return true
	}
	return r.q.Submit(key, job)
}

// jobContext bounds one queued job: it does not end with Run's context, so a reply
// being posted at shutdown is not cut in half.
func (r *router) jobContext() (context.Context, context.CancelFunc) {
	ctx, cancel := queue.JobContext()
	if r.timeout <= 0 {
		return ctx, cancel
	}
	ctx2, cancel2 := context.WithTimeout(ctx, r.timeout)
	return ctx2, func() { cancel2(); cancel() }
}

// onMessage handles MESSAGE_CREATE: it drops what is not a turn and queues the rest
// under the message's channel. It runs on the gateway's event goroutine and must not
// block: channel look-ups and the engine run in the job.
func (r *router) onMessage(m *discordgo.Message) {
	if !r.isTurn(m) {
		r.done(m.ID)
		return
	}
	if !r.submit(m.ChannelID, func() { r.handleMessage(m) }) {
		r.log.Warn("discord: message dropped: too many queued events", "channel", m.ChannelID)
		r.done(m.ID)
		return
	}
	r.accepted("message", m.ID)
}

// handleMessage is the queued work for a message: a turn in a session thread or a DM.
func (r *router) handleMessage(m *discordgo.Message) {
	defer r.done(m.ID)
	ev, ok := r.messageEvent(m)
	if !ok {
		return
	}
	if strings.TrimSpace(ev.Text) == "" {
		if len(m.Attachments) == 0 && len(m.StickerItems) == 0 {
			r.warnEmptyContent()
		}
		return
	}
	ctx, cancel := r.jobContext()
	defer cancel()
	out, err := r.h.Handle(ctx, ev)
	if err != nil {
		r.log.Error("discord: handle message", "conv", where(ev.Conv), "event", ev.ID, "err", err)
		return
	}
	if out.Duplicate {
		return
	}
	_ = r.deliver(ctx, r.h, ev, out, nil)
}

// messageEvent turns a message into an engine event; ok is false for messages that
// are not the bot's business (chatter outside its threads, unknown channels). Whether
// it is a command is bot.Classify's decision: after a leading mention as Addressed,
// else as Typed.
func (r *router) messageEvent(m *discordgo.Message) (bot.Event, bool) {
	text, mentioned := stripMention(m.Content, r.selfID())
	ev := bot.Event{ID: m.ID, Seq: m.ID, User: userOf(m.Author, m.Member), Time: m.Timestamp}
	via := bot.Typed
	if mentioned {
		via = bot.Addressed
	}
	ev.Text, ev.Command = bot.Classify(text, via)
	if m.GuildID == "" {
		ev.Conv = bot.Conversation{Platform: platformName, Workspace: dmWorkspace, Channel: m.ChannelID, Direct: true}
		return ev, true
	}
	info, err := r.channel(m.ChannelID)
	if err != nil {
		r.log.Warn("discord: message in unknown channel", "channel", m.ChannelID, "err", err)
		return ev, false
	}
	if !r.sessionThread(info) {
		if !mentioned {
			return ev, false // chatter outside the bot's threads
		}
		// "@intervision next" outside a session thread; a mention that is no command
		// gets help there.
		if ev.Conv, err = r.guildConv(m.GuildID, m.ChannelID); err != nil {
			r.log.Warn("discord: mention in unknown channel", "channel", m.ChannelID, "err", err)
			return ev, false
		}
		if !ev.Command {
			ev.Text, ev.Command = "help", true
		}
		return ev, true
	}
	ev.Conv = bot.Conversation{Platform: platformName, Workspace: m.GuildID, Channel: info.parent, Thread: m.ChannelID}
	ev.Ambient = !ev.Command || !mentioned
	ev.OwnThread = true // the bot opened it: a message here with no session gets a note
	return ev, true
}

// stripMention removes a leading mention of the bot ("<@id>" or "<@!id>") and reports
// whether there was one.
func stripMention(text, self string) (string, bool) {
	if self == "" {
		return text, false
	}
	t := strings.TrimSpace(text)
	for _, p := range []string{"<@" + self + ">", "<@!" + self + ">"} {
		if strings.HasPrefix(t, p) {
			return strings.TrimSpace(strings.TrimPrefix(t, p)), true
		}
	}
	return text, false
}

// warnEmptyContent logs once that messages arrive without text, which is what Discord
// does when the Message Content intent is not enabled for the application.
func (r *router) warnEmptyContent() {
	r.mu.Lock()
	warned := r.warnedEmpty
	r.warnedEmpty = true
	r.mu.Unlock()
	if !warned {
		r.log.Error("discord: a message in a session thread arrived without text. Enable the " +
			"privileged Message Content Intent: Discord Developer Portal → your application → " +
			"Bot → Privileged Gateway Intents → Message Content Intent, save, and restart the bot")
	}
}

// onInteraction handles INTERACTION_CREATE: slash commands and button clicks. It runs on
// the gateway's event goroutine: it starts the acknowledgement clock (Discord allows 3
// seconds from the event, however long the conversation's queue is) and queues the
// rest under the conversation's channel.
func (r *router) onInteraction(i *discordgo.Interaction) {
	var text, remote string
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		t, err := commandText(i.ApplicationCommandData())
		if err != nil {
			r.log.Warn("discord: interaction", "interaction", i.ID, "err", err)
			r.done(i.ID)
			return
		}
		text = t
	case discordgo.InteractionMessageComponent:
		remote, text = parseCustomID(i.MessageComponentData().CustomID)
	default:
		r.done(i.ID)
		return
	}
	ev := bot.Event{ID: i.ID, Seq: i.ID, User: userOf(i.User, i.Member), Lang: lang(i.Locale)}
	ev.Text, ev.Command = bot.Classify(text, bot.Invoked)
	if ev.User.ID == "" {
		r.done(i.ID)
		return
	}
	ack := &acker{api: r.api, i: i}
	var acked chan error // a click's acknowledgement, sent at once
	var timer *time.Timer
	if i.Type == discordgo.InteractionMessageComponent {
		// A click needs no visible answer of its own: acknowledge it at once, outside
		// the queue (without blocking the gateway). Only one replica's acknowledgement
		// succeeds; the others drop the event.
		acked = make(chan error, 1)
		go func() { acked <- ack.deferUpdate() }()
	} else {
		// A slash command's first answer decides whether the deferred message is private.
		// The engine usually answers in milliseconds; if the answer is not there within
		// ackWait of the event's arrival (also while it waits behind other events of
		// the conversation), the command is deferred privately so that Discord's 3
		// seconds are kept.
		timer = time.AfterFunc(r.ackWait, func() {
			if err := ack.deferReply(true); err != nil && !errors.Is(err, errAcknowledged) {
				r.log.Warn("discord: defer interaction", "interaction", i.ID, "err", err)
			}
		})
	}
	key := i.ChannelID
	if remote != "" {
		key = remote // a DM button acts on its thread: keep it in the thread's order
	}
	job := func() {
		if timer != nil {
			defer timer.Stop()
		}
		r.handleInteraction(i, ev, remote, ack, acked)
	}
	if !r.submit(key, job) {
		r.log.Warn("discord: interaction dropped: too many queued events", "interaction", i.ID)
		if timer != nil {
			timer.Stop()
		}
		r.done(i.ID)
		return
	}
	r.accepted("interaction", i.ID)
}

// handleInteraction is the queued work for an interaction.
func (r *router) handleInteraction(i *discordgo.Interaction, ev bot.Event, remote string, ack *acker, acked chan error) {
	defer r.done(i.ID)
	if acked != nil {
		if err := <-acked; err != nil {
			r.ackFailed(ev, err)
			return
		}
	}
	switch {
	case remote != "":
		// A button the bot sent to this user's DMs on behalf of a session thread.
		info, err := r.channel(remote)
		if err != nil || !r.sessionThread(info) {
			r.log.Warn("discord: button for an unknown session thread", "thread", remote, "err", err)
			return
		}
		ev.Conv = bot.Conversation{Platform: platformName, Workspace: info.guild, Channel: info.parent, Thread: remote}
		ack.setInThread(true) // public replies belong in the thread, not in the DM
	case i.GuildID == "":
		ev.Conv = bot.Conversation{Platform: platformName, Workspace: dmWorkspace, Channel: i.ChannelID, Direct: true}
	default:
		c, err := r.guildConv(i.GuildID, i.ChannelID)
		if err != nil {
			r.log.Warn("discord: interaction channel", "channel", i.ChannelID, "err", err)
		}
		ev.Conv = c
	}
	r.noteLang(where(ev.Conv), ev.Lang, false)
	ctx, cancel := r.jobContext()
	defer cancel()

	out, err := r.h.Handle(ctx, ev)
	if err != nil {
		r.log.Error("discord: handle interaction", "conv", where(ev.Conv), "event", ev.ID, "err", err)
		ack.finish()
		return
	}
	if out.Duplicate {
		// Another replica applied it and answers, also into a response this replica may
		// have deferred: the interaction token is the same for every replica.
		return
	}
	if i.Type == discordgo.InteractionApplicationCommand {
		private := len(out.Replies) > 0 && out.Replies[0].To != ""
		opens := len(out.Replies) > 0 && out.Replies[0].Opens != nil
		if err := ack.deferReply(private); err != nil {
			switch {
			case errors.Is(err, errAcknowledged):
				// This replica applied the event (for a top-level start: the engine
				// recorded the start's id, and the other replica sees a duplicate), but
				// another one deferred it first (which it does privately, when it waited
				// too long): answer into that response. A thread is then opened with
				// plain messages in the channel.
				ack.adoptSibling()
			case opens:
				// The engine saved the start: the thread must be opened anyway, with
				// plain messages; private replies go by DM.
				r.ackFailed(ev, err)
				ack = nil
			default:
				r.ackFailed(ev, err)
				return
			}
		}
	}
	if ack != nil && ack.lost() {
		return
	}
	if ack == nil {
		_ = r.deliver(ctx, r.h, ev, out, nil)
		return
	}
	_ = r.deliver(ctx, r.h, ev, out, ack)
	ack.finish()
}

// ackFailed logs a failed acknowledgement; "already acknowledged" means another replica
// on the same shard answers this interaction, which is expected and quiet.
func (r *router) ackFailed(ev bot.Event, err error) {
	if errors.Is(err, errAcknowledged) {
		r.log.Debug("discord: interaction answered by another replica", "interaction", ev.ID)
		return
	}
	r.log.Error("discord: acknowledge interaction", "interaction", ev.ID, "err", err)
}

// noteLang remembers the language of a Discord channel, for the few texts the adapter
// writes itself: the language a session was started with (override), else the Discord
// language of the first person seen using an interaction there.
func (r *router) noteLang(channel, lang string, override bool) {
	if _, ok := prompts.ParseLanguage(lang); !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.langs == nil || len(r.langs) >= maxCachedChannels {
		r.langs = map[string]string{}
	}
	if _, known := r.langs[channel]; override || !known {
		r.langs[channel] = lang
	}
}

// langOf is the language for an adapter text in ev's conversation: the one noted
// there, else the user's, else English.
func (r *router) langOf(ev bot.Event) string {
	r.mu.Lock()
	l := r.langs[where(ev.Conv)]
	r.mu.Unlock()
	if l != "" {
		return l
	}
	if l, ok := prompts.ParseLanguage(ev.Lang); ok {
		return string(l)
	}
	return string(prompts.English)
}
