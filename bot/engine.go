package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state"
)

// Config sets up an Engine. Store and Library are required.
type Config struct {
	Store   state.Store
	Library *prompts.Library
	// Interpreter recognises advice and chooses follow-up questions; nil: BasicInterpreter.
	Interpreter Interpreter
	// Pseudonymiser pseudonymises case text; nil keeps text as it is.
	Pseudonymiser Pseudonymiser
	// Lang is the language when neither the session nor the user's platform says
	// ("en" when empty).
	Lang string
	// GroupMethod and SoloMethod are the methods `start` uses when none is named.
	GroupMethod, SoloMethod string
	// FinishedRetention is how long a finished session's case text is kept, unless
	// the case bringer keeps the summary (then only the summary stays, for the store's
	// retention). Default 7 days.
	FinishedRetention time.Duration
	Now               func() time.Time
	Logger            *slog.Logger
	// CacheSize bounds the decoded sessions kept between turns (default 512; negative:
	// none). It saves CPU, not correctness: a session is only reused while the store
	// still holds exactly what this engine committed.
	CacheSize int
	// LogText logs every message's text at debug level. Off by default: case text is
	// about real families and does not belong in logs.
	LogText bool
	// Scheduler keeps the timers of time boxes, reminders and check-ins; nil: none
	// (time boxes are shown, not kept).
	Scheduler state.Scheduler
	// Idle is how long a live session may be quiet before its starter is reminded
	// (and, after as long again, it closes with its summary). Default a day.
	Idle time.Duration
	// PurgeAfter is how long after the app was removed from a workspace its data is
	// purged, unless the team comes back; negative: never by itself. Default 7 days.
	PurgeAfter time.Duration
	// CheckIn is when the bot checks back with the case bringer about their next step
	// if they choose nothing; negative: no check-in unless chosen. Default two weeks.
	CheckIn time.Duration
	// Observer hears what the engine does, for metrics; nil: nobody.
	Observer Observer
	// RateMessages is how many messages one person may send per RateWindow (default a
	// minute), in this process: a bucket of that many, refilled evenly over the
	// window. A message beyond it is not saved, and the person hears so once per
	// window. Zero or negative: no limit, for engines that code drives (tests, replay,
	// the bench); the binary sets DefaultRateMessages (INTERVISION_RATE_MESSAGES).
	RateMessages int
	RateWindow   time.Duration
	// SessionMaxTurns and SessionMaxBytes bound what one session keeps: its
	// contributions, and the bytes they take in its record. A contribution beyond
	// either is not saved, and the session is offered to close with its summary.
	// Default 500 and 2 MiB; negative: no bound.
	SessionMaxTurns, SessionMaxBytes int
}

// Engine runs intervision sessions. It is safe for concurrent use; all session state
// lives in the Store, so several engines (replicas) can share one Store.
type Engine struct {
	cfg    Config
	lib    *prompts.Library
	store  state.Store
	logs   state.LogStore // the store, for sessions: state.Logged(store)
	interp Interpreter
	log    *slog.Logger
	cache  *sessionCache
	obs    Observer
	// limiter is the per-person rate limit, nil when off; budget bounds a session.
	limiter *rateLimiter
	budget  budget
}

// New returns an Engine.
func New(cfg Config) *Engine {
	if cfg.Lang == "" {
		cfg.Lang = string(prompts.English)
	}
	if cfg.GroupMethod == "" {
		cfg.GroupMethod = "incident"
	}
	if cfg.SoloMethod == "" {
		cfg.SoloMethod = "wsn"
	}
	if cfg.FinishedRetention <= 0 {
		cfg.FinishedRetention = 7 * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := cfg.Interpreter
	if r == nil {
		r = BasicInterpreter{}
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 512
	}
	if cfg.Idle <= 0 {
		cfg.Idle = 24 * time.Hour
	}
	if cfg.PurgeAfter == 0 {
		cfg.PurgeAfter = 7 * 24 * time.Hour
	}
	if cfg.CheckIn == 0 {
		cfg.CheckIn = 14 * 24 * time.Hour
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	return &Engine{cfg: cfg, lib: cfg.Library, store: cfg.Store, logs: state.Logged(cfg.Store), interp: r, log: cfg.Logger,
		cache: newSessionCache(cfg.CacheSize), obs: obs,
		limiter: newRateLimiter(cfg.RateMessages, cmp.Or(cfg.RateWindow, DefaultRateWindow)),
		budget:  budget{turns: cmp.Or(cfg.SessionMaxTurns, DefaultSessionMaxTurns), bytes: cmp.Or(cfg.SessionMaxBytes, DefaultSessionMaxBytes)}}
}

// Library returns the engine's method library.
func (e *Engine) Library() *prompts.Library { return e.lib }

// Key returns the store key of a conversation.
func Key(c Conversation) state.Key {
	return state.Key{Platform: c.Platform, Workspace: c.Workspace, Channel: c.Channel, Thread: c.Thread}
}

// Handle decides what to do with one event and commits the session's new state. Bad
// input and store failures become friendly replies; the error is non-nil only when ctx
// ended.
func (e *Engine) Handle(ctx context.Context, ev Event) (out Outcome, err error) {
	began := time.Now()
	defer func() {
		// A bug must not take every conversation down: the panic aborted before the
		// store committed anything, so the user can simply try again.
		if r := recover(); r != nil {
			e.log.Error("panic in engine", "conv", Key(ev.Conv).String(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			out, err = Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg("error.internal", e.userLang(ev))}}, fault: "internal"}, nil
		}
		e.observeHandle(ev, began, out, err)
	}()
	if ev.Time.IsZero() {
		ev.Time = e.cfg.Now()
	}
	if ev.timer != nil {
		return e.fire(ctx, ev)
	}
	if out, limited := e.rateLimited(ctx, ev); limited {
		return out, nil
	}
	if e.cfg.LogText {
		e.log.Debug("event", "conv", Key(ev.Conv).String(), "user", ev.User.ID, "command", ev.Command, "text", ev.Text)
	}
	if ev.Command && strings.TrimSpace(ev.Text) == "" {
		ev.Text = "help"
	}
	if key := inputProblem(ev.Text); key != "" {
		return e.refuseInput(ctx, ev, key), nil
	}
	var cmd *command
	if ev.Command {
		c := parseCommand(ev.Text)
		cmd = &c
		if out, done, err := e.outsideSession(ctx, ev, c); done {
			return out, err
		}
	}
	if routed, late, ok := e.privateRoute(ctx, ev, cmd); ok {
		return e.answerPrivately(ctx, routed, cmd)
	} else if late != nil {
		return *late, nil
	}
	return e.apply(ctx, ev, cmd)
}

// refuseInput answers a message that cannot be used (key says why), privately and in
// the session's language; chatter in a thread that is no session gets no answer.
func (e *Engine) refuseInput(ctx context.Context, ev Event, key string) Outcome {
	lang := e.userLang(ev)
	sessLang, active := e.sessionLang(ctx, ev.Conv)
	if ev.Ambient && !active {
		return Outcome{} // not said to the bot, in a thread that is no session
	}
	if sessLang != "" {
		lang = sessLang
	}
	return Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg(key, lang, "max", fmt.Sprint(MaxText))}}, Lang: lang}
}

// outsideSession runs the commands that do not change one session: forget and export
// (about a person, across sessions) and start at a channel's top level (it opens a
// thread). done is false for every other command.
func (e *Engine) outsideSession(ctx context.Context, ev Event, c command) (out Outcome, done bool, err error) {
	lang := e.userLang(ev)
	if c.word == "forget" || c.word == "export" || c.word == "report" {
		if sessLang, _ := e.sessionLang(ctx, ev.Conv); sessLang != "" {
			lang = sessLang
		} else if l, ok := typedLang(ev.Text); ok {
			lang = l // "overzicht" at a channel's top level: answer in Dutch
		}
	}
	switch {
	case c.word == "forget" && len(c.args) == 1 && (c.args[0] == "yes" || c.args[0] == dutchArg("forget", "yes")):
		out, err = e.forget(ctx, ev, lang)
	case c.word == "forget":
		out, err = e.forgetAsk(ctx, ev, lang)
	case c.word == "export":
		out, err = e.export(ctx, ev, lang)
	case c.word == "report" && !ev.Conv.Direct:
		out, err = e.teamReport(ctx, ev, c, lang)
	case (c.word == "start" || c.word == "solo") && !ev.Conv.InThread():
		out, err = e.open(ctx, ev, c, lang)
	default:
		return Outcome{}, false, nil
	}
	return out, true, err
}

// apply decides the event for its conversation's session inside one store update, so
// that the decision and the commit are one atomic update, and keeps the committed session
// in the cache.
func (e *Engine) apply(ctx context.Context, ev Event, cmd *command) (Outcome, error) {
	key := Key(ev.Conv)
	var a applied // one allocation for what the closure decides
	version, err := e.logs.UpdateLog(ctx, key, ev.ID, func(cur state.Record) (state.Change, error) {
		a.kept = nil
		sess := e.cache.take(key, cur.Version)
		if sess == nil {
			var err error
			if sess, err = decodeRecord(cur); err != nil {
				return state.Change{}, err
			}
		}
		if ev.Ambient && (sess == nil || sess.Status == statusDone) && (cmd == nil || cmd.word != "start") {
			return e.noSession(ev, sess, cur.Data, &a.out) // chatter in a thread that is not (or no longer) a session
		}
		tr := &turn{ctx: ctx, e: e, ev: ev, sess: sess, lang: e.userLang(ev)}
		if sess != nil {
			tr.lang = sess.Lang
		}
		tr.run(cmd)
		switch {
		case tr.early:
			return state.Change{}, errEarly
		case tr.void:
			return state.Change{}, errIgnore
		}
		tr.touch()
		tr.keepSeq()
		if err := e.schedule(ctx, tr.timers); err != nil {
			return state.Change{}, err
		}
		a.nextStep, a.tag, a.began, a.ended = tr.nextStep, tr.tag, tr.began, tr.ended
		a.asked, a.heard, a.askedSeq, a.askedTTL = tr.pointers, tr.listeners, 0, 0
		if len(a.asked)+len(a.heard) > 0 {
			a.askedSeq, a.askedTTL = tr.sess.PhaseSeq, tr.pointerTTL()
		}
		a.out = Outcome{Replies: tr.replies, Phase: tr.phaseID(), Lang: tr.lang}
		ch, err := tr.change()
		if err == nil && !tr.deleted && tr.sess != nil && (ch.Data != nil || cur.Data != nil) {
			a.kept = tr.sess
		}
		return ch, err
	})
	if err != nil {
		if full, ok := e.endWhenFull(ctx, ev, cmd, a.out, err); ok {
			return full, nil
		}
		return e.failure(ctx, ev, err)
	}
	if a.kept != nil {
		a.kept.committed()
		e.cache.put(key, version, a.kept)
	}
	e.observeSessions(a.began, a.ended)
	if a.nextStep != "" {
		e.writeNote(ctx, key.Space(), ev.User.ID, a.nextStep, stampOf(ev.Time))
	}
	if a.tag != nil {
		e.writeTag(ctx, ev.Conv, *a.tag)
	}
	if len(a.asked) > 0 {
		e.writePointers(ctx, ev.Conv, a.askedSeq, a.askedTTL, a.asked, false)
	}
	if len(a.heard) > 0 {
		e.writePointers(ctx, ev.Conv, a.askedSeq, a.askedTTL, a.heard, true)
	}
	return a.out, nil
}

// applied is what apply's update function decided, for after the commit.
type applied struct {
	out          Outcome
	kept         *session // the session as committed, for the cache
	nextStep     string   // a next step to remember for the case bringer
	tag          *report.Tag
	began, ended string   // the methods of a session that began or ended, for the Observer
	asked        []string // users a private round asked: their pointers follow the commit
	heard        []string // members it does not wait for: listening pointers
	askedSeq     int
	askedTTL     time.Duration
}

// noSession decides an ambient message in a thread without a running session: it is
// ignored, except in a thread the bot opened whose record is gone (expired, lost, a
// store restarted empty), where the first such message gets one note that the session
// cannot be continued and a lost marker is stored, so that the note comes only once.
func (e *Engine) noSession(ev Event, sess *session, cur []byte, out *Outcome) (state.Change, error) {
	if sess != nil || len(cur) != 0 || !ev.OwnThread || ev.Conv.Thread == "" || ev.Conv.Direct {
		return state.Change{}, errIgnore
	}
	*out = Outcome{Replies: []Reply{{Text: e.msg("session.lost", e.userLang(ev))}}}
	return state.Change{Data: lostMarker, Rewrite: true, TTL: e.cfg.FinishedRetention}, nil
}

// failure turns an update that did not commit into its outcome: nothing for an ignored
// or repeated event, else what storeFailure says.
func (e *Engine) failure(ctx context.Context, ev Event, err error) (Outcome, error) {
	switch {
	case errors.Is(err, errIgnore):
		return Outcome{}, nil
	case errors.Is(err, state.ErrDuplicate):
		return Outcome{Duplicate: true}, nil
	case ev.timer != nil:
		if !errors.Is(err, errEarly) {
			e.obs.StoreError(errorClass(err))
		}
		return Outcome{}, fmt.Errorf("timer %s: %w", ev.timer.Kind, err) // the scheduler tries again
	}
	return e.storeFailure(ctx, ev, e.userLang(ev), err)
}

// storeFailure answers a store error: ctx's error when it ended, else a friendly
// private reply in lang ("try again" when the store is unavailable).
func (e *Engine) storeFailure(ctx context.Context, ev Event, lang string, err error) (Outcome, error) {
	if ctx.Err() != nil {
		return Outcome{}, ctx.Err()
	}
	e.obs.StoreError(errorClass(err))
	key, fault := "error.internal", "internal"
	if errors.Is(err, state.ErrUnavailable) {
		key, fault = "error.unavailable", "unavailable"
		if errors.Is(err, state.ErrFull) {
			key = "error.full"
		}
		e.log.Warn("store unavailable", "conv", Key(ev.Conv).String(), "err", err)
	} else {
		e.log.Error("handle event", "conv", Key(ev.Conv).String(), "err", err)
	}
	return Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg(key, lang)}}, Lang: lang, fault: fault}, nil
}

// Fire decides a due timer like any event, through the store with the timer's id as
// event id (so a timer fired twice acts once), and returns the conversation its
// replies belong to. An error means the timer should be fired again later.
func (e *Engine) Fire(ctx context.Context, t state.Timer) (Conversation, Outcome, error) {
	w, err := decodeWake(t.Payload)
	if err != nil {
		return Conversation{}, Outcome{}, err
	}
	e.obs.TimerFired(oneOf(w.Kind, TimerKinds), e.cfg.Now().Sub(t.Due))
	ev := Event{ID: "timer|" + t.ID, Conv: w.Conv, User: User{ID: w.User}, timer: &w}
	out, err := e.Handle(ctx, ev)
	return w.Conv, out, err
}

// RunTimers fires the scheduler's timers until ctx ends and hands each outcome with
// replies to deliver, which sends them with the adapter of the conversation's platform.
// Without a scheduler it only waits for ctx.
func (e *Engine) RunTimers(ctx context.Context, deliver func(context.Context, Conversation, Outcome) error) error {
	if e.cfg.Scheduler == nil {
		<-ctx.Done()
		return ctx.Err()
	}
	return e.cfg.Scheduler.Run(ctx, func(ctx context.Context, t state.Timer) error {
		conv, out, err := e.Fire(ctx, t)
		if err != nil {
			return err
		}
		if out.Duplicate || len(out.Replies) == 0 {
			return nil
		}
		if err := deliver(ctx, conv, out); err != nil {
			e.log.Warn("deliver timer replies", "conv", Key(conv).String(), "err", err)
		}
		return nil
	})
}

// fire decides a timer's event: a check-in about a person, or a session's timer.
func (e *Engine) fire(ctx context.Context, ev Event) (Outcome, error) {
	switch ev.timer.Kind {
	case wakeCheckIn:
		return e.checkIn(ctx, ev)
	case wakePurge:
		return e.purge(ctx, ev)
	}
	return e.apply(ctx, ev, nil)
}

// schedule makes the timers a turn planned durable, before the turn commits: a crash
// in between leaves only timers that find nothing to do.
func (e *Engine) schedule(ctx context.Context, timers []state.Timer) error {
	if e.cfg.Scheduler == nil {
		return nil
	}
	for _, t := range timers {
		if err := e.cfg.Scheduler.Schedule(ctx, t); err != nil {
			return fmt.Errorf("%w: schedule timer: %v", state.ErrUnavailable, err)
		}
		e.obs.TimerScheduled(timerKind(t))
	}
	return nil
}

// ttl is how long a session's record lives after a turn: the store's retention while
// it runs or after its summary was kept; after it closed, only what is left of
// FinishedRetention, however often people look at it.
func (e *Engine) ttl(s *session, now time.Time) time.Duration {
	if s == nil || s.Status != statusDone || s.Kept {
		return 0
	}
	left := s.Finished.Time().Add(e.cfg.FinishedRetention).Sub(now)
	return max(left, time.Second)
}

// sessionLang reads the language of the session in a conversation, for the few
// answers given outside a session's own turn; active reports a running session.
func (e *Engine) sessionLang(ctx context.Context, c Conversation) (lang string, active bool) {
	b, err := e.store.Get(ctx, Key(c))
	if err != nil {
		return "", false
	}
	sess, err := decodeSession(b)
	if err != nil || sess == nil {
		return "", false
	}
	return sess.Lang, sess.Status != statusDone
}

// userLang is the language for a user outside a session.
func (e *Engine) userLang(ev Event) string {
	if l, ok := prompts.ParseLanguage(ev.Lang); ok {
		return string(l)
	}
	return e.cfg.Lang
}

func (e *Engine) msg(key, lang string, pairs ...string) string {
	return e.lib.Msg(key, lang, pairs...)
}

// errIgnore aborts an update that should leave no trace.
var errIgnore = errors.New("ignored")

// errEarly aborts a timer that fired before the turn that planned it committed; the
// scheduler fires it again.
var errEarly = errors.New("timer fired before its turn committed")

// open answers `start` at a channel's top level: the adapter opens a thread for the
// session and replays the start command there. The event id is recorded on the
// channel's key, so a redelivered start opens no second thread.
func (e *Engine) open(ctx context.Context, ev Event, c command, lang string) (Outcome, error) {
	o, problem := e.parseStart(c, ev, lang)
	if problem != "" {
		return Outcome{Replies: []Reply{{To: ev.User.ID, Text: problem}}, Lang: lang}, nil
	}
	if ev.ID != "" {
		err := e.store.Update(ctx, Key(ev.Conv), ev.ID, func([]byte) (state.Change, error) { return state.Change{}, nil })
		switch {
		case errors.Is(err, state.ErrDuplicate):
			return Outcome{Duplicate: true}, nil
		case err != nil:
			return e.storeFailure(ctx, ev, lang, err)
		}
	}
	return Outcome{Replies: []Reply{e.opening(o, ev.User.Name)}}, nil
}

// opening is the reply that gives a new session a conversation of its own: the
// adapter posts it as a new message and replays the start in its thread.
func (e *Engine) opening(o startOptions, starter string) Reply {
	m, _ := e.lib.Method(o.method)
	args := []string{"start", o.method, o.lang}
	if o.mode == prompts.ModeSolo {
		args = append(args, "solo")
	}
	if o.span != "" {
		args = append(args, o.span)
	}
	text := e.msg("start.opening", o.lang, "method", m.Title.In(o.lang), "name", Quote(starter))
	return Reply{Text: text, Opens: &Opening{Command: strings.Join(args, " "), Lang: o.lang}}
}

// startOptions are the parsed arguments of `start`.
type startOptions struct {
	method, lang, mode string
	span               string // a spread pace ("3d"); empty: live
	checkIn            bool   // a check-in opens this solo reflection
}

// parseStart reads `start [method] [nl|en] [solo] [SPAN]`; problem is a message for
// the user.
func (e *Engine) parseStart(c command, ev Event, lang string) (o startOptions, problem string) {
	o.lang = lang
	o.mode = prompts.ModeGroup
	if ev.Conv.Direct || c.word == "solo" {
		o.mode = prompts.ModeSolo
	}
	// The language first, wherever it stands: a problem with another argument is told
	// in it ("start roddelmethode nl").
	for _, a := range c.args {
		if l, ok := prompts.ParseLanguage(a); ok {
			o.lang = string(l)
		}
	}
	for _, a := range c.args {
		if problem := e.startArg(&o, a, ev.Conv.Direct); problem != "" {
			return o, problem
		}
	}
	if o.method == "" {
		o.method = e.cfg.GroupMethod
		if o.mode == prompts.ModeSolo {
			o.method = e.cfg.SoloMethod
		}
	}
	m, ok := e.lib.Method(o.method)
	if !ok {
		return o, e.msg("start.unknown_method", o.lang, "method", o.method, "methods", e.methodIDs(o.mode))
	}
	if !m.Supports(o.mode) {
		return o, e.msg("start.wrong_mode."+o.mode, o.lang, "method", m.Title.In(o.lang), "methods", e.methodIDs(o.mode))
	}
	if o.span != "" && o.mode == prompts.ModeSolo {
		o.span = "" // a solo reflection keeps its own pace
	}
	return o, ""
}

// startArg reads one argument of start into o.
func (e *Engine) startArg(o *startOptions, a string, direct bool) (problem string) {
	l, isLang := prompts.ParseLanguage(a)
	_, isSpan := ParseSpan(a)
	switch {
	case isLang:
		o.lang = string(l)
	case a == "solo" || a == "alone" || a == "alleen":
		o.mode = prompts.ModeSolo
	case a == "group" || a == "groep":
		if !direct {
			o.mode = prompts.ModeGroup
		}
	case a == "checkin":
		o.checkIn, o.mode = true, prompts.ModeSolo
	case isSpan:
		if d, _ := ParseSpan(a); d < time.Hour || d > 12*7*24*time.Hour {
			return e.msg("start.span", o.lang, "span", Quote(a))
		}
		o.span = a
	default:
		if _, ok := e.lib.Method(a); !ok {
			return e.msg("start.unknown_method", o.lang, "method", Quote(a), "methods", e.methodIDs(o.mode))
		}
		o.method = a
	}
	return ""
}

// methodIDs lists the ids of the methods that run in mode.
func (e *Engine) methodIDs(mode string) string {
	var ids []string
	for _, m := range e.lib.Methods() {
		if m.Supports(mode) {
			ids = append(ids, m.ID)
		}
	}
	return strings.Join(ids, ", ")
}
