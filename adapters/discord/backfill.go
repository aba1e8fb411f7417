package discord

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// After a fresh IDENTIFY (the first connection, or op 9 INVALID_SESSION, which
// discordgo v0.29.0 answers by identifying again at once: it keeps no
// resume_gateway_url) Discord replays nothing, so the messages posted in a session's
// thread or DM while the bot was away would be lost. At every READY the adapter
// therefore holds its intake (adapters/queue Hold), asks the engine for the open
// sessions (bot.Resumer) and, ahead of every event of the new connection, fetches each
// one's messages after the last one applied (GET /channels/{id}/messages?after=…,
// 100 a page, oldest first) and hands them to the engine as if the gateway had brought
// them, with the message id as event id: what was applied before is a duplicate and
// gets no answer. While a session's private round is open, the DMs of the members it
// still waits for are fetched the same way, since their answers come there
// (directJobs). A RESUMED connection needs none of this: Discord replays the events
// missed.

// Catch-up bounds.
const (
	// listTimeout bounds asking the engine for the open sessions; the intake is held
	// meanwhile.
	listTimeout = 10 * time.Second
	// pageSize is Discord's largest page of GET /channels/{id}/messages.
	pageSize = 100
	// maxPages bounds one conversation's catch-up (10,000 messages).
	maxPages = 100
)

// catchUp starts catching up after a READY: it holds the queue at once (the gateway's
// next events wait behind the catch-up) and lists the open sessions of this shard in
// the background. Without a queue (unit tests) or an engine that lists sessions it
// does nothing.
func (r *router) catchUp(shard func(guild string) bool) {
	res, ok := r.h.(bot.Resumer)
	if !ok || r.q == nil {
		return
	}
	release := r.q.Hold()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), listTimeout)
		defer cancel()
		open, err := res.Resumable(ctx, state.Filter{Platform: platformName})
		if err != nil {
			r.log.Warn("discord: cannot list the open sessions to catch up after connecting: messages posted while disconnected are not answered", "err", err)
			release(nil)
			return
		}
		var jobs []queue.Job
		for _, s := range open {
			if !shard(s.Key.Workspace) {
				continue
			}
			ch := s.Key.Thread
			if ch == "" {
				ch = s.Key.Channel // a DM
			}
			jobs = append(jobs, queue.Job{Key: ch, Run: func() { r.backfill(ch, s) }})
		}
		if len(jobs) > 0 {
			r.log.Info("discord: catching up on open sessions", "sessions", len(jobs))
		}
		if shard(dmWorkspace) { // DMs come to shard 0
			jobs = append(jobs, r.directJobs(open)...)
		}
		release(jobs)
	}()
}

// directJobs are the catch-up jobs of the DMs of the members open private rounds still
// wait for (bot.Resumable.Owing): their answers come by DM. Each DM (POST
// /users/@me/channels finds it) is fetched once, after the earliest point of the
// sessions that wait for its person, in the DM's own queue; its messages are handled
// as the DMs they are, so the engine routes them to the round, and one applied before
// is a duplicate.
func (r *router) directJobs(open []bot.Resumable) []queue.Job {
	dms := map[string]bot.Resumable{}
	var order []string
	for _, s := range open {
		for _, user := range s.Owing {
			ch, err := r.api.UserChannelCreate(user)
			if err != nil || ch == nil || ch.ID == "" {
				r.log.Warn("discord: cannot open a DM to catch up on a private round", "user", user, "err", err)
				continue
			}
			dm := bot.Resumable{Key: state.Key{Platform: platformName, Workspace: dmWorkspace, Channel: ch.ID}, After: s.After, Since: s.Since}
			if was, seen := dms[ch.ID]; seen {
				dm = bot.Earlier(was, dm)
			} else {
				order = append(order, ch.ID)
			}
			dms[ch.ID] = dm
		}
	}
	jobs := make([]queue.Job, 0, len(order))
	for _, id := range order {
		dm := dms[id]
		jobs = append(jobs, queue.Job{Key: id, Run: func() { r.backfill(id, dm) }})
	}
	if len(jobs) > 0 {
		r.log.Info("discord: catching up on the DMs of open private rounds", "dms", len(jobs))
	}
	return jobs
}

// backfill fetches the messages of channel (a session thread or DM) after s's last
// applied message and handles them in order, as the gateway would have delivered them.
func (r *router) backfill(channel string, s bot.Resumable) {
	after := s.After
	if after == "" {
		after = snowflakeAt(s.Since)
	}
	handled := 0
	for page := 0; page < maxPages; page++ {
		msgs, err := r.api.ChannelMessages(channel, pageSize, "", after, "")
		if err != nil {
			r.log.Warn("discord: catch up on a session", "channel", channel, "err", err)
			return
		}
		sort.Slice(msgs, func(i, j int) bool { return bot.SeqAfter(msgs[j].ID, msgs[i].ID) })
		for _, m := range msgs {
			if !bot.SeqAfter(m.ID, after) {
				continue
			}
			after = m.ID
			if m.GuildID == "" && s.Key.Workspace != dmWorkspace {
				m.GuildID = s.Key.Workspace // REST messages carry no guild id
			}
			if m.ChannelID == "" {
				m.ChannelID = channel
			}
			if r.isTurn(m) {
				r.handleMessage(m)
				handled++
			}
		}
		if len(msgs) < pageSize {
			break
		}
	}
	if handled > 0 {
		r.log.Info("discord: caught up on a session", "channel", channel, "messages", handled)
	}
}

// snowflakeAt is the smallest Discord id of time t (ids start with milliseconds since
// 2015), for fetching messages after t.
func snowflakeAt(t time.Time) string {
	ms := t.UnixMilli() - discordEpoch
	if ms <= 0 {
		return "0"
	}
	return strconv.FormatInt(ms<<22, 10)
}

// discordEpoch is the first millisecond of 2015, Discord's epoch of ids.
const discordEpoch = 1420070400000

// onShard reports whether a guild's events come to this replica: Discord sends a
// guild's to shard (guild_id >> 22) % count, and DMs to shard 0.
func onShard(guild string, id, count int) bool {
	if count <= 1 {
		return true
	}
	if guild == dmWorkspace {
		return id == 0
	}
	g, err := strconv.ParseUint(guild, 10, 64)
	return err == nil && int((g>>22)%uint64(count)) == id
}

// isTurn reports whether a message may be a person's turn: not a bot's, a system
// message, a webhook's or the bot's own.
func (r *router) isTurn(m *discordgo.Message) bool {
	return m.Author != nil && !m.Author.Bot && !m.Author.System && m.WebhookID == "" && m.Author.ID != r.selfID() &&
		(m.Type == discordgo.MessageTypeDefault || m.Type == discordgo.MessageTypeReply)
}
