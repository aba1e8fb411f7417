package slack

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/slack-go/slack"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// sorry is said privately when the engine failed on someone's event (error.adapter
// in the prompts, from the handler's library when it has one), in the language of the
// session when this process opened its conversation, else the first of hints that is
// a language (the user's Slack language), else English.
func (a *Adapter) sorry(h bot.Handler, in inbound, hints ...string) bot.Reply {
	lang := string(prompts.English)
	for _, l := range append([]string{a.langs.of(in.key())}, hints...) {
		if p, ok := prompts.ParseLanguage(l); ok {
			lang = string(p)
			break
		}
	}
	lib, ok := h.(interface{ Library() *prompts.Library })
	if !ok || lib.Library() == nil {
		return bot.Reply{To: in.user, Text: builtin().Msg("error.adapter", lang)}
	}
	return bot.Reply{To: in.user, Text: lib.Library().Msg("error.adapter", lang)}
}

// builtin is the embedded library, for a handler that has none of its own.
var builtin = sync.OnceValue(prompts.MustBuiltin)

// langCache remembers the language of the sessions this process opened a
// conversation for (Opening.Lang), by conversation, for the texts the adapter writes
// itself. It forgets everything once it holds maxLangs.
type langCache struct {
	mu sync.Mutex
	m  map[string]string
}

// maxLangs bounds a langCache.
const maxLangs = 10000

// note remembers lang for the conversation key.
func (c *langCache) note(key, lang string) {
	if lang == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxLangs {
		c.m = map[string]string{}
	}
	c.m[key] = lang
}

// of is the language noted for key, or "".
func (c *langCache) of(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

var _ bot.Deliverer = (*Adapter)(nil)

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
		Seq:     in.seq,
		// A thread the bot opened, with no session record: the engine says so once.
		OwnThread: in.ownThread,
	}
	out, err := h.Handle(ctx, ev)
	a.finish(ctx, h, in, ev, out, err, 0)
}

// Deliver delivers the replies of an event nobody sent in Slack (a timer's) to conv, as
// the replies to an inbound event are delivered: public replies in conv's thread
// (chat.postMessage with thread_ts), replies with To as ephemeral messages for that
// user in the same thread (chat.postEphemeral: they must be in the channel; in a DM
// as normal messages), replies with Direct in the DM with To (conversations.open, then
// chat.postMessage). Opens with Direct is handed back to h as a command from To in that
// DM. It runs in the conversation's queue, after the events waiting there, and
// returns once everything was sent; the error names the replies that failed (each one
// is logged too). Before Run (or after it) it delivers at once.
func (a *Adapter) Deliver(ctx context.Context, h bot.Handler, conv bot.Conversation, out bot.Outcome) error {
	if conv.Platform != Platform || conv.Channel == "" {
		return fmt.Errorf("slack: cannot deliver to %s conversation %q", conv.Platform, conv.Channel)
	}
	if h == nil {
		return errors.New("slack: nil handler")
	}
	in := inbound{kind: "timer", team: conv.Workspace, channel: conv.Channel, thread: conv.Thread, direct: conv.Direct}
	job := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return a.replies(ctx, h, in, bot.Event{Conv: conv, Time: a.cfg.Now()}, out, 0)
	}
	a.runMu.Lock()
	d := a.queue
	a.runMu.Unlock()
	if d == nil {
		return job()
	}
	done := make(chan error, 1)
	if !d.Submit(in.key(), func() { done <- job() }) {
		return errors.New("slack: too many queued events: delivery dropped")
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// finish delivers the outcome of ev, and reports it to the test observer.
func (a *Adapter) finish(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, out bot.Outcome, err error, depth int) {
	if a.observe != nil {
		defer a.observe(in.eventID, ev, out, err)
	}
	switch {
	case err != nil:
		a.log.Error("slack: engine failed", "kind", in.kind, "team", in.team, "channel", in.channel, "thread", in.thread, "err", err)
		_ = a.post(ctx, in, a.sorry(h, in, ev.Lang))
		return
	case out.Duplicate:
		a.log.Debug("slack: event applied before, ignored", "kind", in.kind, "event", in.id)
		return
	}
	// Thread chatter where no session runs is marked Ambient, and the engine stays
	// silent about it; a redelivered top-level start is a Duplicate, so it opens one
	// thread even across replicas.
	_ = a.replies(ctx, h, in, ev, out, depth)
}

// replies delivers out's replies in the conversation of in, opening what they ask to
// open (not deeper than one level). It returns the errors of the replies that failed.
func (a *Adapter) replies(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, out bot.Outcome, depth int) error {
	var errs []error
	for _, r := range out.Replies {
		var err error
		switch {
		case r.In != nil && r.In.Platform == Platform && r.In.Channel != "":
			// Said about a session elsewhere (a private answer sent by DM): posted in
			// the session's thread.
			there := inbound{kind: in.kind, team: r.In.Workspace, channel: r.In.Channel, thread: r.In.Thread, direct: r.In.Direct}
			err = a.post(ctx, there, r)
		case r.Opens != nil && depth == 0 && r.Direct && r.To != "":
			err = a.openDirect(ctx, h, in, ev, r)
		case r.Opens != nil && depth == 0:
			err = a.open(ctx, h, in, ev, r)
		default:
			err = a.post(ctx, in, r)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// open posts r as a new top-level message, then hands r.Opens back to the engine as a
// command from the same user in that message's thread, and delivers what it says there.
func (a *Adapter) open(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, r bot.Reply) error {
	parts := messages(r)
	_, ts, err := a.api.PostMessageContext(ctx, in.channel, parts[0]...)
	if err != nil {
		a.log.Error("slack: post a session's opening message", "channel", in.channel, "err", err)
		if in.user != "" {
			_ = a.post(ctx, in, a.sorry(h, in, r.Opens.Lang, ev.Lang))
		}
		return fmt.Errorf("slack: post an opening message in %s: %w", in.channel, err)
	}
	for _, opts := range parts[1:] { // a very long opening goes on in its thread
		if _, _, err := a.api.PostMessageContext(ctx, in.channel, append(opts, slack.MsgOptionTS(ts))...); err != nil {
			a.log.Error("slack: post a session's opening message", "channel", in.channel, "err", err)
			break
		}
	}
	if r.File != nil {
		a.attach(ctx, in.channel, ts, r.File)
	}
	thread := in
	thread.thread, thread.replyTS, thread.private = ts, "", false
	if in.id != "" {
		thread.id = in.id + "/open"
	}
	thread.text, thread.command = r.Opens.Command, true
	a.langs.note(thread.key(), r.Opens.Lang)
	thread.seq = ts // the opening message: every reply in its thread comes after it
	next := ev
	next.ID, next.Conv, next.Text, next.Command, next.Seq = thread.id, thread.conv(), thread.text, true, ts
	if next.User.ID == "" && r.To != "" { // delivered without an event: from the addressee
		thread.user = r.To
		next.User = a.user(ctx, r.To)
	}
	out, err := h.Handle(ctx, next)
	a.finish(ctx, h, thread, next, out, err, 1)
	return nil
}

// openDirect posts r in the DM with r.To, then hands r.Opens back to the engine as a
// command from r.To in that DM, and delivers what it says there.
func (a *Adapter) openDirect(ctx context.Context, h bot.Handler, in inbound, ev bot.Event, r bot.Reply) error {
	channel, err := a.postDirect(ctx, r)
	if err != nil {
		return err
	}
	dm := inbound{kind: in.kind, team: in.team, channel: channel, direct: true, user: r.To,
		text: r.Opens.Command, command: true}
	if in.id != "" {
		dm.id = in.id + "/direct"
	}
	name, lang := a.users.lookup(ctx, r.To, "")
	a.langs.note(dm.key(), r.Opens.Lang)
	if r.Opens.Lang != "" {
		lang = r.Opens.Lang
	}
	next := bot.Event{ID: dm.id, Conv: dm.conv(), User: bot.User{ID: r.To, Name: name}, Text: dm.text,
		Command: true, Lang: lang, Time: a.cfg.Now()}
	out, err := h.Handle(ctx, next)
	a.finish(ctx, h, dm, next, out, err, 1)
	return nil
}

// user names a user the engine addressed: from users.info (cached), else the id.
func (a *Adapter) user(ctx context.Context, id string) bot.User {
	name, _ := a.users.lookup(ctx, id, "")
	return bot.User{ID: id, Name: name}
}

// post delivers one reply in the conversation of in: ephemeral when it is for one
// person (or answers a slash command nobody else saw), in the thread otherwise; in the
// DM with its recipient when it is Direct. A reply too long for one message goes out
// as several, one after another, in the same place. Its document (File) is uploaded
// after the text, into the same channel and thread; an ephemeral message cannot carry
// a file, so a private reply's document goes to its recipient's DM (attachPrivately).
func (a *Adapter) post(ctx context.Context, in inbound, r bot.Reply) error {
	if r.Direct && r.To != "" {
		_, err := a.postDirect(ctx, r)
		return err
	}
	ts := in.thread
	if ts == "" {
		ts = in.replyTS
	}
	to := r.To
	if to == "" && in.private {
		to = in.user
	}
	// A DM is private already, and a normal message stays after a reload. (in.user is
	// empty for a delivery without an event: the DM's one person is the addressee.)
	if in.direct && (to == in.user || in.user == "") {
		to = ""
	}
	if err := a.postText(ctx, in, ts, to, r); err != nil {
		return err
	}
	switch {
	case r.File == nil:
	case to == "":
		a.attach(ctx, in.channel, ts, r.File)
	default:
		a.attachPrivately(ctx, in, ts, to, r.File)
	}
	return nil
}

// postText posts r's text (and buttons) in in's channel, in thread ts when set: as
// ephemeral messages for to when it is set, as normal messages otherwise. A text too
// long for one message goes out as several, one after another.
func (a *Adapter) postText(ctx context.Context, in inbound, ts, to string, r bot.Reply) error {
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
			return fmt.Errorf("slack: post a reply in %s: %w", in.channel, err)
		}
	}
	return nil
}

// postDirect posts r in the DM with r.To, which conversations.open finds or opens, and
// returns that DM's channel.
func (a *Adapter) postDirect(ctx context.Context, r bot.Reply) (string, error) {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{r.To}})
	if err == nil && (ch == nil || ch.ID == "") {
		err = errors.New("no channel in the answer")
	}
	if err != nil {
		a.log.Error("slack: open a direct message", "user", r.To, "err", err)
		return "", fmt.Errorf("slack: open a DM with %s: %w", r.To, err)
	}
	in := inbound{kind: "direct", channel: ch.ID, direct: true, user: r.To}
	r.Direct = false
	return ch.ID, a.post(ctx, in, r)
}

// attachPrivately delivers the document of a private reply, whose text went out as an
// ephemeral message: Slack cannot attach a file to one, and an ephemeral message is
// gone after a reload, so the document goes to the recipient's DM with the bot
// (conversations.open), where it stays and nobody else sees it. When the DM cannot be
// opened, a text document's content follows the text ephemerally, in the same place;
// it is never posted where others could read it.
func (a *Adapter) attachPrivately(ctx context.Context, in inbound, ts, to string, f *bot.File) {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to}})
	if err == nil && ch != nil && ch.ID != "" {
		a.attach(ctx, ch.ID, "", f)
		return
	}
	textual := isText(f)
	a.log.Error("slack: open a direct message for a private file", "user", to, "type", f.Type, "posted_as_text", textual, "err", err)
	if textual {
		_ = a.postText(ctx, in, ts, to, bot.Reply{Text: string(f.Data)})
	}
}
