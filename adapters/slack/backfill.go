package slack

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// Slack delivers each Events API event to one of the app's open Socket Mode
// connections and retries one that is not acknowledged a few times over some minutes;
// when no connection is open for longer than that (an outage, a restart with one
// replica), the events are gone (docs/slack.md, "Dropped connections"). So at the
// first Socket Mode connection and at a reconnect after a gap of retryWindow or more
// (socket.go), and when the HTTP listener starts, the adapter holds its intake (adapters/queue Hold), asks the
// engine for the open sessions (bot.Resumer) and, ahead of every envelope of the new
// connection, fetches each session's messages after the last one applied:
// conversations.replies for a session thread, conversations.history for a DM (oldest
// = that ts, cursor paging, 429s waited out through retryingAPI). While a session's
// private round is open, the DMs of the members it still waits for are fetched the
// same way (conversations.open, then conversations.history), since their answers come
// there (directJobs). They are handled as if their events had come, with the message's
// id (msgID) as event id, so what was applied before is a duplicate and gets no answer.

// Catch-up bounds.
const (
	// listTimeout bounds asking the engine for the open sessions; the intake is held
	// meanwhile (envelopes are still acknowledged at once).
	listTimeout = 10 * time.Second
	// pageLimit is the messages asked for per page (Slack recommends at most 200).
	pageLimit = 200
	// maxPages bounds one conversation's catch-up.
	maxPages = 50
	// fetchTimeout bounds fetching one conversation's messages, 429 waits included
	// (apps outside the Marketplace may call conversations.replies once a minute).
	fetchTimeout = 10 * time.Minute
)

// catchUp starts catching up after a Socket Mode connect: it holds the queue at once
// and lists the open Slack sessions in the background.
func (r *router) catchUp() {
	res, ok := r.h.(bot.Resumer)
	if !ok {
		return
	}
	release := r.d.Hold()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), listTimeout)
		defer cancel()
		open, err := res.Resumable(ctx, state.Filter{Platform: Platform})
		if err != nil {
			r.a.log.Warn("slack: cannot list the open sessions to catch up after connecting: messages posted while disconnected are not answered", "err", err)
			release(nil)
			return
		}
		var jobs []queue.Job
		for _, s := range open {
			in := inbound{team: s.Key.Workspace, channel: s.Key.Channel, thread: s.Key.Thread}
			jobs = append(jobs, queue.Job{Key: in.key(), Run: func() { r.backfill(s) }})
		}
		if len(jobs) > 0 {
			r.a.log.Info("slack: catching up on open sessions", "sessions", len(jobs))
		}
		release(append(jobs, r.directJobs(ctx, open)...))
	}()
}

// directJobs are the catch-up jobs of the DMs of the members open private rounds still
// wait for (bot.Resumable.Owing): their answers come by DM. Each DM (conversations.open
// finds it) is fetched once, after the earliest point of the sessions that wait for
// its person, in the DM's own queue; its messages are handled as the DMs they are, so
// the engine routes them to the round, and one applied before is a duplicate.
func (r *router) directJobs(ctx context.Context, open []bot.Resumable) []queue.Job {
	dms := map[string]bot.Resumable{}
	var order []string
	for _, s := range open {
		for _, user := range s.Owing {
			ch, _, _, err := r.a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
			if err != nil || ch == nil || ch.ID == "" {
				r.a.log.Warn("slack: cannot open a DM to catch up on a private round", "user", user, "err", err)
				continue
			}
			dm := bot.Resumable{Key: state.Key{Platform: Platform, Workspace: s.Key.Workspace, Channel: ch.ID}, After: s.After, Since: s.Since}
			was, seen := dms[ch.ID]
			if !seen {
				order = append(order, ch.ID)
			} else {
				dm = bot.Earlier(was, dm)
			}
			dms[ch.ID] = dm
		}
	}
	jobs := make([]queue.Job, 0, len(order))
	for _, id := range order {
		dm := dms[id]
		in := inbound{team: dm.Key.Workspace, channel: id}
		jobs = append(jobs, queue.Job{Key: in.key(), Run: func() { r.backfill(dm) }})
	}
	if len(jobs) > 0 {
		r.a.log.Info("slack: catching up on the DMs of open private rounds", "dms", len(jobs))
	}
	return jobs
}

// backfill fetches the messages of s's conversation after its last applied one and
// handles them in order, each as one job would.
func (r *router) backfill(s bot.Resumable) {
	after := s.After
	if after == "" {
		after = tsAt(s.Since)
	}
	fetch, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	msgs, err := r.a.messagesAfter(fetch, s.Key, after)
	cancel()
	if err != nil {
		r.a.log.Warn("slack: catch up on a session", "team", s.Key.Workspace, "channel", s.Key.Channel, "thread", s.Key.Thread, "err", err)
	}
	handled := 0
	for _, m := range msgs {
		if in, ok := r.a.backfilledInbound(s.Key, m); ok {
			ctx, cancel := queue.JobContext()
			r.a.handle(ctx, r.h, in)
			cancel()
			handled++
		}
	}
	if handled > 0 {
		r.a.log.Info("slack: caught up on a session", "team", s.Key.Workspace, "channel", s.Key.Channel, "thread", s.Key.Thread, "messages", handled)
	}
}

// messagesAfter lists the messages of a session thread (conversations.replies) or a DM
// (conversations.history) with a ts after after, oldest first. On an error it returns
// what it had fetched before.
func (a *Adapter) messagesAfter(ctx context.Context, k state.Key, after string) ([]slack.Message, error) {
	var out []slack.Message
	cursor := ""
	for page := 0; page < maxPages; page++ {
		var msgs []slack.Message
		var more bool
		var err error
		if k.Thread != "" {
			msgs, more, cursor, err = a.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
				ChannelID: k.Channel, Timestamp: k.Thread, Oldest: after, Limit: pageLimit, Cursor: cursor})
		} else {
			var h *slack.GetConversationHistoryResponse
			if h, err = a.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
				ChannelID: k.Channel, Oldest: after, Limit: pageLimit, Cursor: cursor}); err == nil {
				msgs, more, cursor = h.Messages, h.HasMore, h.ResponseMetaData.NextCursor
			}
		}
		if err != nil {
			return sortTS(out), err
		}
		for _, m := range msgs {
			if bot.SeqAfter(m.Timestamp, after) && m.Timestamp != k.Thread {
				out = append(out, m) // conversations.replies always starts with the parent
			}
		}
		if !more || cursor == "" {
			break
		}
	}
	return sortTS(out), nil
}

// sortTS orders messages oldest first (conversations.history gives newest first).
func sortTS(msgs []slack.Message) []slack.Message {
	sort.SliceStable(msgs, func(i, j int) bool { return bot.SeqAfter(msgs[j].Timestamp, msgs[i].Timestamp) })
	return msgs
}

// backfilledInbound decides a fetched message as its event would have been decided: a
// turn or command by messageInbound, or a command by mention, which live comes as
// app_mention (mentionInbound). Its event id is msgID, as for the live events.
func (a *Adapter) backfilledInbound(k state.Key, m slack.Message) (inbound, bool) {
	meta := eventMeta{team: k.Workspace, parentUser: m.ParentUserId}
	thread := m.ThreadTimestamp
	if k.Thread != "" && thread == "" {
		thread = k.Thread
	}
	ev := &slackevents.MessageEvent{Type: "message", User: m.User, Text: m.Text, TimeStamp: m.Timestamp,
		ThreadTimeStamp: thread, Channel: k.Channel, SubType: m.SubType, BotID: m.BotID}
	if k.Thread == "" && strings.HasPrefix(k.Channel, "D") {
		ev.ChannelType = "im"
	}
	if in, ok := a.messageInbound(meta, ev); ok {
		return in, true
	}
	if m.SubType != "" || m.BotID != "" {
		return inbound{}, false
	}
	// Edited or not, it was never applied: it counts as written now (a live edit
	// of a mention that was applied comes as a new app_mention, which is ignored).
	return a.mentionInbound(meta, &slackevents.AppMentionEvent{Type: "app_mention", User: m.User, Text: m.Text,
		TimeStamp: m.Timestamp, ThreadTimeStamp: thread, Channel: k.Channel})
}

// tsAt is the Slack ts of the start of t's second, for fetching messages after t.
func tsAt(t time.Time) string { return fmt.Sprintf("%d.000000", t.Unix()) }
