package slack

import (
	"encoding/json"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
)

// inbound is one thing a person did in Slack, decoded from either transport (Socket
// Mode or HTTP) and waiting to become a bot.Event.
type inbound struct {
	// id is the de-duplication id: msgID for a message (so a message fetched again
	// after a reconnect is the same event), a stable id for commands and clicks.
	id       string
	eventID  string // Slack's event_id of the envelope, when one brought it (logs, tests)
	seq      string // a message's ts: its place in the conversation (bot.Event.Seq)
	kind     string // "message", "mention", "slash", "action": for logs
	team     string
	channel  string
	thread   string // the session thread's parent ts; "" at a channel's top level and in DMs
	direct   bool
	user     string
	userName string // the name Slack sent along, used when users.info fails
	text     string // decoded plain text
	command  bool
	ambient  bool // a thread reply not addressed to the bot
	// ownThread: the thread's parent message is the bot's (parent_user_id), so it is a
	// session thread the bot opened (bot.Event.OwnThread).
	ownThread bool
	// replyTS is where public replies to a top-level event go: the thread of the
	// mention that asked, so the channel itself stays quiet. Empty: the channel.
	replyTS string
	// private makes replies without a recipient ephemeral to the user: a slash
	// command at a channel's top level, which nobody else saw.
	private bool
}

func (in inbound) conv() bot.Conversation {
	return bot.Conversation{Platform: Platform, Workspace: in.team, Channel: in.channel, Thread: in.thread, Direct: in.direct}
}

// key orders the work: one conversation's events run one after another.
func (in inbound) key() string { return in.team + ":" + in.channel + ":" + in.thread }

// eventMeta is what the Events API envelope says about an inner event.
type eventMeta struct {
	team    string
	eventID string
	// parentUser is the inner event's parent_user_id (the author of a thread reply's
	// parent message), which slack-go's MessageEvent leaves out.
	parentUser string
}

// msgID is the event id of a message: its channel and ts, which Slack keeps when it
// redelivers an event and which conversations.replies and conversations.history give
// again, so the engine applies a message once however it arrives. The app_mention and
// message events of one message share it.
func msgID(channel, ts string) string { return "msg:" + channel + ":" + ts }

// router routes decoded Slack payloads by type, as slack-go's SocketmodeHandler does,
// but synchronously: it only decodes and queues, so events reach the dispatcher in the
// order Slack delivered them. Both transports feed it.
type router struct {
	a *Adapter
	h bot.Handler
	d *queue.Queue

	events       map[slackevents.EventsAPIType]func(eventMeta, any)
	slash        map[string]func(slack.SlashCommand, string)
	interactions map[slack.InteractionType]func(slack.InteractionCallback, string)
}

func (a *Adapter) newRouter(h bot.Handler, d *queue.Queue) *router {
	r := &router{a: a, h: h, d: d,
		events:       map[slackevents.EventsAPIType]func(eventMeta, any){},
		slash:        map[string]func(slack.SlashCommand, string){},
		interactions: map[slack.InteractionType]func(slack.InteractionCallback, string){},
	}
	r.events[slackevents.Message] = r.onMessage
	r.events[slackevents.AppMention] = r.onMention
	r.events[slackevents.AppUninstalled] = r.onAppUninstalled
	r.events[slackevents.TokensRevoked] = r.onTokensRevoked
	r.slash[Command] = r.onSlash
	r.interactions[slack.InteractionTypeBlockActions] = r.onBlockActions
	return r
}

// eventsAPI routes one Events API callback by its inner event type.
func (r *router) eventsAPI(ev slackevents.EventsAPIEvent) {
	if ev.Type == slackevents.AppRateLimited {
		r.appRateLimited(ev)
		return
	}
	if ev.Type != slackevents.CallbackEvent {
		return
	}
	meta := eventMeta{team: ev.TeamID}
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		meta.eventID = cb.EventID
		if meta.team == "" {
			meta.team = cb.TeamID
		}
		if cb.InnerEvent != nil {
			var inner struct {
				ParentUserID string `json:"parent_user_id"`
			}
			_ = json.Unmarshal(*cb.InnerEvent, &inner)
			meta.parentUser = inner.ParentUserID
		}
	}
	if f, ok := r.events[slackevents.EventsAPIType(ev.InnerEvent.Type)]; ok {
		f(meta, ev.InnerEvent.Data)
	}
}

// appRateLimited logs Slack's app_rate_limited event: the app went over its event
// limits, and Slack drops its events for the rest of the minute. The team and the
// minute go in the log; the token never does.
func (r *router) appRateLimited(ev slackevents.EventsAPIEvent) {
	team, minute, app := ev.TeamID, 0, ""
	if rl, ok := ev.Data.(*slackevents.EventsAPIAppRateLimited); ok {
		team, minute, app = rl.TeamID, rl.MinuteRateLimited, rl.APIAppID
	}
	r.a.log.Warn("slack: app_rate_limited: over the event limit, Slack is dropping events", "team", team,
		"minute_rate_limited", minute, "api_app_id", app)
}

// slashCommand routes a slash command by its name.
func (r *router) slashCommand(cmd slack.SlashCommand, envelopeID string) {
	if f, ok := r.slash[cmd.Command]; ok {
		f(cmd, envelopeID)
	}
}

// interaction routes an interaction by its type.
func (r *router) interaction(cb slack.InteractionCallback, envelopeID string) {
	if f, ok := r.interactions[cb.Type]; ok {
		f(cb, envelopeID)
	}
}

// msgIDOf is msgID, or "" when the message has no ts.
func msgIDOf(channel, ts string) string {
	if ts == "" {
		return ""
	}
	return msgID(channel, ts)
}

func isDirect(channel, channelType string) bool {
	return channelType == "im" || strings.HasPrefix(channel, "D")
}

// messageInbound decides what a message event means: a session turn in a thread, a DM
// turn or command, or nothing (bots, edits, top-level chatter, mentions that arrive
// again as app_mention).
func (a *Adapter) messageInbound(meta eventMeta, m *slackevents.MessageEvent) (inbound, bool) {
	switch m.SubType {
	case "", "thread_broadcast", "file_share":
	default:
		return inbound{}, false // message_changed, message_deleted, channel_join, bot_message …
	}
	if m.BotID != "" || m.User == "" || m.User == a.botUserID {
		return inbound{}, false
	}
	in := inbound{id: firstNonEmpty(msgIDOf(m.Channel, m.TimeStamp), meta.eventID), eventID: meta.eventID, seq: m.TimeStamp,
		kind: "message", team: meta.team, channel: m.Channel, user: m.User}
	if in.team == "" {
		in.team = m.UserTeam
	}
	if isDirect(m.Channel, m.ChannelType) {
		in.direct = true
		if cmd, ok := a.mentionCommand(m.Text); ok {
			in.text, in.command = cmd, true // "@intervision status"
			return in, true
		}
		in.text, in.command = bot.Classify(decodeText(m.Text, a.name), bot.Typed)
		return in, true
	}
	if m.ThreadTimeStamp == "" || m.ThreadTimeStamp == m.TimeStamp {
		return inbound{}, false // the channel's top level: not ours unless mentioned
	}
	if _, ok := a.mentionCommand(m.Text); ok {
		return inbound{}, false // a command by mention: it comes as app_mention too
	}
	// Anything else is a turn, even when it mentions the bot along the way ("good
	// point, @intervision, I agree"); its app_mention twin is ignored.
	in.thread = m.ThreadTimeStamp
	in.ambient = true
	in.ownThread = meta.parentUser != "" && meta.parentUser == a.botUserID
	in.text, in.command = bot.Classify(decodeText(m.Text, a.name), bot.Typed)
	return in, true
}

// mentionInbound turns "@bot <command>" into a command event. A mention that is not a
// command is a turn in a thread or DM, which the message event carries, so it is
// ignored here; at a channel's top level it gets help.
func (a *Adapter) mentionInbound(meta eventMeta, m *slackevents.AppMentionEvent) (inbound, bool) {
	if m.BotID != "" || m.User == "" || m.User == a.botUserID || m.Edited != nil {
		return inbound{}, false
	}
	in := inbound{id: firstNonEmpty(msgIDOf(m.Channel, m.TimeStamp), meta.eventID), eventID: meta.eventID, seq: m.TimeStamp,
		kind: "mention", team: meta.team, channel: m.Channel, user: m.User, command: true}
	if in.team == "" {
		in.team = m.UserTeam
	}
	cmd, isCmd := a.mentionCommand(m.Text)
	switch {
	case isDirect(m.Channel, ""):
		in.direct = true
	case m.ThreadTimeStamp != "" && m.ThreadTimeStamp != m.TimeStamp:
		in.thread = m.ThreadTimeStamp
	default:
		in.replyTS = m.TimeStamp
		if !isCmd {
			cmd, isCmd = "help", true
		}
	}
	if !isCmd {
		return inbound{}, false // a turn: the message event brings it
	}
	in.text = cmd
	return in, true
}

// mentionCommand reports whether text addresses the bot with a command: it starts
// with a mention of the bot, and what follows is a command by bot.Classify
// ("@intervision next", "@intervision start incident en", a bare mention: help). It
// returns the command's text.
func (a *Adapter) mentionCommand(text string) (string, bool) {
	rest, ok := afterMention(text, a.botUserID)
	if !ok {
		return "", false
	}
	return bot.Classify(decodeText(rest, a.name), bot.Addressed)
}

// name is the names function for decodeText: the bot by its name, people by the
// names users.info gave before.
func (a *Adapter) name(id string) (string, bool) {
	if id != "" && id == a.botUserID && a.botName != "" {
		return a.botName, true
	}
	return a.users.cachedName(id)
}

// slashInbound turns "/intervision <command>". Slack sends no thread with a slash
// command: it is always at a channel's top level or in a DM.
func (a *Adapter) slashInbound(cmd slack.SlashCommand, envelopeID string) inbound {
	in := inbound{kind: "slash", team: cmd.TeamID, channel: cmd.ChannelID, user: cmd.UserID, userName: cmd.UserName, command: true}
	// trigger_id is the same when Slack delivers the command again.
	in.id = "slash:" + firstNonEmpty(cmd.TriggerID, envelopeID)
	in.direct = isDirect(cmd.ChannelID, "") || cmd.ChannelName == "directmessage"
	in.private = !in.direct
	in.text, _ = bot.Classify(decodeText(cmd.Text, a.name), bot.Invoked)
	return in
}

// actionInbounds turns clicks on the adapter's buttons into command events in the
// conversation the button's message belongs to: its thread, or the thread that the
// message starts (a session's opening message).
func (a *Adapter) actionInbounds(cb slack.InteractionCallback, envelopeID string) []inbound {
	var out []inbound
	channel := firstNonEmpty(cb.Channel.ID, cb.Container.ChannelID)
	for _, act := range cb.ActionCallback.BlockActions {
		if act == nil || !strings.HasPrefix(act.ActionID, actionPrefix) || act.Value == "" {
			continue
		}
		in := inbound{kind: "action", team: firstNonEmpty(cb.Team.ID, cb.User.TeamID), channel: channel,
			user: cb.User.ID, userName: cb.User.Name}
		in.text, in.command = bot.Classify(act.Value, bot.Invoked)
		in.id = "action:" + firstNonEmpty(cb.TriggerID, envelopeID, act.ActionTs+cb.User.ID) + ":" + act.ActionID
		if isDirect(channel, "") {
			in.direct = true
		} else {
			in.thread = cb.Container.ThreadTs
			if in.thread == "" {
				in.thread = cb.Message.ThreadTimestamp
			}
			if in.thread == "" && !cb.Container.IsEphemeral {
				in.thread = firstNonEmpty(cb.Container.MessageTs, cb.Message.Timestamp)
			}
		}
		out = append(out, in)
	}
	return out
}

func (r *router) onMessage(meta eventMeta, data any) {
	if m, ok := data.(*slackevents.MessageEvent); ok {
		if in, ok := r.a.messageInbound(meta, m); ok {
			r.enqueue(in)
		}
	}
}

func (r *router) onMention(meta eventMeta, data any) {
	if m, ok := data.(*slackevents.AppMentionEvent); ok {
		if in, ok := r.a.mentionInbound(meta, m); ok {
			r.enqueue(in)
		}
	}
}

func (r *router) onSlash(cmd slack.SlashCommand, envelopeID string) {
	r.enqueue(r.a.slashInbound(cmd, envelopeID))
}

func (r *router) onBlockActions(cb slack.InteractionCallback, envelopeID string) {
	for _, in := range r.a.actionInbounds(cb, envelopeID) {
		r.enqueue(in)
	}
}

func (r *router) enqueue(in inbound) {
	r.d.Submit(in.key(), func() {
		ctx, cancel := queue.JobContext()
		defer cancel()
		r.a.handle(ctx, r.h, in)
	})
}
