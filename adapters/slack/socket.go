package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Reconnect back-off for Socket Mode.
const (
	minBackoff = time.Second
	maxBackoff = 2 * time.Minute
)

// runSocket receives events over Socket Mode until ctx ends. slack-go reconnects
// after a dropped websocket by itself; when its run loop gives up (Slack unreachable
// for long, refused connections) this loop starts it again with exponential back-off.
// Refused credentials end Run: retrying them cannot help. slack-go itself stops only
// for some of them and retries the others (not_allowed_token_type, missing_scope)
// forever, so the adapter opens one connection itself first, and watches the
// connection errors slack-go reports on later reconnects.
func (a *Adapter) runSocket(ctx context.Context, r *router) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	smc := socketmode.New(a.raw, socketmode.OptionPingInterval(a.cfg.PingInterval))
	if _, _, err := smc.OpenContext(ctx); fatalAuth(err) {
		return refusedAppToken(err)
	} else if err != nil {
		a.log.Warn("slack: apps.connections.open failed, retrying", "err", err)
	}
	// The connection gets its own context: it closes after the intake stopped, not with
	// ctx (see below).
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	fatal := make(chan error, 1)
	refused := func(err error) {
		select {
		case fatal <- err:
		default:
		}
		stop()
	}
	// The intake stops first: socketEvents returns when ctx ends, having queued every
	// envelope it acknowledged. Then the websocket closes.
	intake := make(chan struct{})
	go func() {
		defer close(intake)
		a.socketEvents(ctx, smc, r, refused)
	}()
	loop := make(chan error, 1)
	go func() { loop <- a.socketLoop(runCtx, smc, fatal) }()
	if a.ready != nil {
		a.ready("")
	}
	select {
	case <-ctx.Done():
		<-intake
		// Acks are written by slack-go's sender goroutine from a small buffer: give it a
		// moment to write the last ones before the connection closes.
		time.Sleep(ackFlush)
		stop()
		<-loop
		a.log.Info("slack: socket mode closed")
		return nil
	case err := <-loop:
		cancel()
		<-intake
		return err
	}
}

// retryWindow is how long a Socket Mode connection may be gone without a catch-up:
// Slack retries an event it could not deliver for about five minutes (the first retry
// at once, one after a minute), to whichever connection is open then.
const retryWindow = time.Minute

// outage tracks the gaps between Socket Mode connections.
type outage struct {
	connected bool      // a connection was open before
	since     time.Time // when the last open connection went away; zero while up
}

// down notes that the connection went away (once per gap).
func (o *outage) down(now time.Time) {
	if o.connected && o.since.IsZero() {
		o.since = now
	}
}

// up notes a new connection and reports whether to catch up: after the first one (the
// process was down) and after a gap of at least window (always when window is negative).
func (o *outage) up(now time.Time, window time.Duration) bool {
	first, since := !o.connected, o.since
	o.connected, o.since = true, time.Time{}
	return first || window < 0 || since.IsZero() || now.Sub(since) >= window
}

// ackFlush is how long the connection stays open after the intake stopped, so that
// the acknowledgements already handed to slack-go are written.
const ackFlush = 200 * time.Millisecond

// socketLoop runs slack-go's Socket Mode client, restarting it with back-off, until
// ctx ends (nil) or the app token is refused.
func (a *Adapter) socketLoop(ctx context.Context, smc *socketmode.Client, fatal chan error) error {
	backoff := minBackoff
	defer a.ops.Down()
	for {
		started := time.Now()
		err := smc.RunContext(ctx)
		a.ops.Down()
		select {
		case err := <-fatal:
			return refusedAppToken(err)
		default:
		}
		if ctx.Err() != nil {
			return nil
		}
		if fatalAuth(err) {
			return refusedAppToken(err)
		}
		if time.Since(started) > time.Minute {
			backoff = minBackoff
		}
		a.log.Warn("slack: socket mode stopped, reconnecting", "err", err, "in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case err := <-fatal:
			t.Stop()
			return refusedAppToken(err)
		case <-t.C:
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// refusedAppToken explains a refused Socket Mode connection.
func refusedAppToken(err error) error {
	hint := "check SLACK_APP_TOKEN and that Socket Mode is on in the app"
	switch err.Error() {
	case "not_allowed_token_type":
		hint = "SLACK_APP_TOKEN must be an app-level token (xapp-…), not the bot token (xoxb-…)"
	case "missing_scope":
		hint = "the app-level token (SLACK_APP_TOKEN) needs the connections:write scope"
	case "invalid_auth", "not_authed", "token_revoked", "account_inactive":
		hint = "SLACK_APP_TOKEN is wrong or was revoked: generate a new app-level token"
	}
	return fmt.Errorf("slack: socket mode refused the app token: %w (%s)", err, hint)
}

// fatalAuth reports whether err means the token is wrong, revoked or lacks access.
func fatalAuth(err error) bool {
	if err == nil {
		return false
	}
	switch err.Error() {
	case "invalid_auth", "account_inactive", "not_authed", "token_revoked", "not_allowed_token_type", "missing_scope":
		return true
	}
	var code slack.StatusCodeError
	return errors.As(err, &code) && (code.Code == http.StatusNotFound || code.Code == http.StatusUnauthorized)
}

// socketEvents reads the Socket Mode client's events until ctx ends. Every envelope
// is acknowledged at once, before it is handled, so Slack does not redeliver it after 3
// seconds; the router then only decodes and queues. An envelope is queued exactly when
// its acknowledgement was handed to slack-go: once ctx ended, none is read, acknowledged
// or queued any more, and Slack redelivers those to another connection.
// refused is called when a connection error means the app token is refused for good.
func (a *Adapter) socketEvents(ctx context.Context, smc *socketmode.Client, r *router, refused func(error)) {
	var gap outage
	for {
		var evt socketmode.Event
		select {
		case <-ctx.Done():
			return
		case evt = <-smc.Events:
		}
		if ctx.Err() != nil {
			return // both were ready: the shutdown wins, the envelope stays unacknowledged
		}
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			if err := smc.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
				a.log.Warn("slack: ack envelope", "err", err)
				continue // not acknowledged: Slack sends it again
			}
			if evt.Request.RetryAttempt > 0 {
				a.log.Info("slack: redelivered envelope", "type", evt.Type, "retry_attempt", evt.Request.RetryAttempt, "retry_reason", evt.Request.RetryReason)
			}
		}
		switch evt.Type {
		case socketmode.EventTypeEventsAPI:
			if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
				r.eventsAPI(ev)
			}
		case socketmode.EventTypeSlashCommand:
			if cmd, ok := evt.Data.(slack.SlashCommand); ok {
				r.slashCommand(cmd, evt.Request.EnvelopeID)
			}
		case socketmode.EventTypeInteractive:
			if cb, ok := evt.Data.(slack.InteractionCallback); ok {
				r.interaction(cb, evt.Request.EnvelopeID)
			}
		case socketmode.EventTypeConnected:
			a.ops.Up()
			a.log.Info("slack: socket mode connected")
			// Events Slack could not deliver while no connection was open are gone
			// once its retries ran out.
			if gap.up(time.Now(), a.cfg.catchUpGap) {
				r.catchUp()
			}
		case socketmode.EventTypeConnecting, socketmode.EventTypeDisconnect:
			a.ops.Down()
			gap.down(time.Now())
		case socketmode.EventTypeConnectionError:
			a.ops.Down()
			gap.down(time.Now())
			if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
				a.log.Warn("slack: socket mode connection failed", "attempt", e.Attempt, "backoff", e.Backoff, "err", e.ErrorObj)
				if fatalAuth(e.ErrorObj) {
					refused(e.ErrorObj)
				}
			}
		case socketmode.EventTypeInvalidAuth:
			a.log.Error("slack: socket mode: invalid app token")
		case socketmode.EventTypeErrorBadMessage:
			a.ackUndecodable(ctx, smc, evt.Data)
		case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
			a.log.Warn("slack: socket mode", "event", evt.Type)
		}
	}
}

// ackUndecodable acknowledges an envelope slack-go could not decode (a field of an
// unexpected type, an event or envelope type it does not know: slack-go issues #943
// and #1411). slack-go hands it over as ErrorBadMessage with no Request, so without
// this it is never acknowledged and Slack redelivers it and counts failures. The
// envelope_id is read from the raw message; the log names the envelope, never its text.
func (a *Adapter) ackUndecodable(ctx context.Context, smc *socketmode.Client, data any) {
	bad, ok := data.(*socketmode.ErrorBadMessage)
	if !ok {
		a.log.Warn("slack: socket mode", "event", socketmode.EventTypeErrorBadMessage)
		return
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(bad.Message, &raw)
	var id, typ string
	_ = json.Unmarshal(raw["envelope_id"], &id)
	_ = json.Unmarshal(raw["type"], &typ)
	why := decodeFailure(bad.Cause)
	if id == "" {
		a.log.Warn("slack: socket mode message not understood, no envelope to acknowledge", "type", typ, "cause", why)
		return
	}
	if err := smc.AckCtx(ctx, id, nil); err != nil {
		a.log.Warn("slack: ack undecodable envelope", "envelope_id", id, "err", err)
		return
	}
	a.log.Warn("slack: envelope not understood, acknowledged and dropped", "envelope_id", id, "type", typ, "cause", why)
}

// decodeFailure describes why decoding failed without quoting the message: for a
// field of the wrong type its path and the JSON kind found, else the error's type.
func decodeFailure(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s: %s where %s was expected", te.Field, te.Value, te.Type)
	}
	var inner error = err
	for u := errors.Unwrap(inner); u != nil; u = errors.Unwrap(inner) {
		inner = u
	}
	return fmt.Sprintf("%T", inner)
}
