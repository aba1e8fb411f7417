package bot

import (
	"context"
	"errors"
	"time"

	"github.com/intervision-bot/intervision/state"
)

// Observer hears what the engine does, for metrics. Labels it gets are bounded: platform names, kinds, method ids, outcome classes — never user, channel or message text.
type Observer interface {
	// EventHandled: one event reached Handle; kind is "message", "command" or "timer".
	EventHandled(platform, kind string)
	// DuplicateRefused: an event id seen before was refused.
	DuplicateRefused(platform string)
	// HandleLatency: how long Handle took; outcome is "ok", "unavailable" (the store
	// could not be reached, or the context ended) or "internal".
	HandleLatency(platform string, d time.Duration, outcome string)
	// StoreError: a store update failed; kind is "unavailable", "conflict" or "internal".
	StoreError(kind string)
	// SessionStarted and SessionFinished: a session began or closed (committed);
	// method is a library method id, or "other".
	SessionStarted(method string)
	SessionFinished(method string)
	// TimerScheduled: a turn asked the scheduler for a timer of kind ("warn", "end",
	// "idle", "checkin" or "other"). A retried update may ask again for the same timer
	// id, which the scheduler keeps once.
	TimerScheduled(kind string)
	// TimerFired: a timer of kind was fired, lag after its due time.
	TimerFired(kind string, lag time.Duration)
}

// nopObserver is the Observer of an engine configured without one.
type nopObserver struct{}

func (nopObserver) EventHandled(string, string)                 {}
func (nopObserver) DuplicateRefused(string)                     {}
func (nopObserver) HandleLatency(string, time.Duration, string) {}
func (nopObserver) StoreError(string)                           {}
func (nopObserver) SessionStarted(string)                       {}
func (nopObserver) SessionFinished(string)                      {}
func (nopObserver) TimerScheduled(string)                       {}
func (nopObserver) TimerFired(string, time.Duration)            {}

// Platforms are the platform labels an Observer hears; any other platform is "other".
var Platforms = []string{"terminal", "slack", "discord"}

// TimerKinds are the timer kinds an Observer hears, besides "other".
var TimerKinds = []string{wakeWarn, wakeEnd, wakeIdle, wakeCheckIn, wakePurge}

// oneOf is v when it is in known, else "other".
func oneOf(v string, known []string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return "other"
}

// observePlatform is ev's platform as an Observer label.
func observePlatform(ev Event) string { return oneOf(ev.Conv.Platform, Platforms) }

// observeKind is ev's kind as an Observer label.
func observeKind(ev Event) string {
	switch {
	case ev.timer != nil:
		return "timer"
	case ev.Command:
		return "command"
	}
	return "message"
}

// methodLabel is a method id as an Observer label: a library method's id, else "other".
func (e *Engine) methodLabel(id string) string {
	if _, ok := e.lib.Method(id); ok && id != "" {
		return id
	}
	return "other"
}

// timerKind reads a timer's kind from its payload, as an Observer label.
func timerKind(t state.Timer) string {
	w, err := decodeWake(t.Payload)
	if err != nil {
		return "other"
	}
	return oneOf(w.Kind, TimerKinds)
}

// errorClass sorts a store error: "unavailable", "conflict" or "internal".
func errorClass(err error) string {
	switch {
	case errors.Is(err, state.ErrConflict):
		return "conflict"
	case errors.Is(err, state.ErrUnavailable):
		return "unavailable"
	}
	return "internal"
}

// observeHandle reports one Handle call: the event, a refused duplicate, and the
// latency with its outcome class.
func (e *Engine) observeHandle(ev Event, began time.Time, out Outcome, err error) {
	p := observePlatform(ev)
	e.obs.EventHandled(p, observeKind(ev))
	if out.Duplicate {
		e.obs.DuplicateRefused(p)
	}
	class := out.fault
	switch {
	case err != nil && class == "":
		class = faultOf(err)
	case class == "":
		class = "ok"
	}
	e.obs.HandleLatency(p, time.Since(began), class)
}

// faultOf is the outcome class of a failed event: "unavailable" when the store could
// not be reached or the context ended, else "internal".
func faultOf(err error) string {
	if errors.Is(err, state.ErrUnavailable) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "unavailable"
	}
	return "internal"
}

// observeSessions reports the sessions a committed turn began or ended (method ids).
func (e *Engine) observeSessions(began, ended string) {
	if began != "" {
		e.obs.SessionStarted(e.methodLabel(began))
	}
	if ended != "" {
		e.obs.SessionFinished(e.methodLabel(ended))
	}
}
