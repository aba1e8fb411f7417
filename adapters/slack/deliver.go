package slack

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/intervision-bot/intervision/bot"
)

// sorry is said privately when the engine failed on someone's event.
const sorry = "Sorry, something went wrong on my side. Please try again in a moment."

// handle turns in into a bot.Event, asks the engine and delivers its replies.
func (a *Adapter) handle(ctx context.Context, h bot.Handler, in inbound) {
	name, lang := a.users.lookup(ctx, in.user, in.userName)
	ev := bot.Event{
		ID:      in.id,
		Conv:    in.conv(),
		User:    bot.User{ID: in.user, Name: name},
		Text:    in.text,
		Command: in.command,
		Ambient: in.ambient,
		Lang:    lang,
		Time:    a.cfg.Now(),
	}
	out, err := h.Handle(ctx, ev)
	a.finish(ctx, h, in, ev, out, err, 0)
}

// finish delivers the outcome of ev, and reports it to the test observer.
func (a *Adapter) finish(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, out bot.Outcome, err error, depth int) {
	if a.observe != nil {
		defer a.observe(ev, out, err)
	}
	switch {
	case err != nil:
		a.log.Error("slack: engine failed", "kind", in.kind, "team", in.team, "channel", in.channel, "thread", in.thread, "err", err)
		a.post(ctx, in, bot.Reply{To: in.user, Text: sorry})
		return
	case out.Duplicate:
		a.log.Debug("slack: event applied before, ignored", "kind", in.kind, "event", in.id)
		return
	}
	// Thread chatter where no session runs is marked Ambient, and the engine stays
	// silent about it; a redelivered top-level start is a Duplicate, so it opens one
	// thread even across replicas.
	for _, r := range out.Replies {
		if r.Opens != nil && depth == 0 {
			a.open(ctx, h, in, ev, r)
			continue
		}
		a.post(ctx, in, r)
	}
}

// open posts r as a new top-level message, then hands r.Opens back to the engine as a
// command from the same user in that message's thread, and delivers what it says there.
func (a *Adapter) open(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, r bot.Reply) {
	parts := messages(r)
	_, ts, err := a.api.PostMessageContext(ctx, in.channel, parts[0]...)
	if err != nil {
		a.log.Error("slack: post a session's opening message", "channel", in.channel, "err", err)
		a.post(ctx, in, bot.Reply{To: in.user, Text: sorry})
		return
	}
	for _, opts := range parts[1:] { // a very long opening goes on in its thread
		if _, _, err := a.api.PostMessageContext(ctx, in.channel, append(opts, slack.MsgOptionTS(ts))...); err != nil {
			a.log.Error("slack: post a session's opening message", "channel", in.channel, "err", err)
			break
		}
	}
	thread := in
	thread.thread, thread.replyTS, thread.private = ts, "", false
	if in.id != "" {
		thread.id = in.id + "/open"
	}
	thread.text, thread.command = r.Opens.Command, true
	next := ev
	next.ID, next.Conv, next.Text, next.Command = thread.id, thread.conv(), thread.text, true
	out, err := h.Handle(ctx, next)
	a.finish(ctx, h, thread, next, out, err, 1)
}

// post delivers one reply in the conversation of in: ephemeral when it is for one
// person (or answers a slash command nobody else saw), in the thread otherwise. A
// reply too long for one message goes out as several, one after another, in the same
// place.
func (a *Adapter) post(ctx context.Context, in inbound, r bot.Reply) {
	ts := in.thread
	if ts == "" {
		ts = in.replyTS
	}
	to := r.To
	if to == "" && in.private {
		to = in.user
	}
	if in.direct && to == in.user {
		to = "" // a DM is private already, and a normal message stays after a reload
	}
	for _, opts := range messages(r) {
		if ts != "" {
			opts = append(opts, slack.MsgOptionTS(ts))
		}
		var err error
		if to != "" {
			_, err = a.api.PostEphemeralContext(ctx, in.channel, to, opts...)
		} else {
			_, _, err = a.api.PostMessageContext(ctx, in.channel, opts...)
		}
		if err != nil {
			a.log.Error("slack: post a reply", "channel", in.channel, "thread", ts, "ephemeral", to != "", "err", err)
			return
		}
	}
}
