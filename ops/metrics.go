// Package ops serves what an operator watches: Prometheus metrics (/metrics), liveness
// (/healthz) and readiness (/readyz). Metrics is a bot.Observer; its labels are
// bounded (platforms, kinds, method ids, outcome classes) and never carry a user,
// channel or message. Every process has its own registry, not Prometheus's global one.
package ops

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/intervision-bot/intervision/bot"
)

// Namespace starts the name of every metric of the bot's own.
const Namespace = "intervision"

// Metrics is the process's registry and the engine's Observer.
type Metrics struct {
	reg *prometheus.Registry

	events, duplicates, storeErrors *prometheus.CounterVec
	started, finished, scheduled    *prometheus.CounterVec
	handle, lag                     *prometheus.HistogramVec
}

var _ bot.Observer = (*Metrics)(nil)

// NewMetrics returns Metrics on a new registry that also holds the Go runtime's and
// the process's collectors.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
		reg.MustRegister(c)
		return c
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets}, labels)
		reg.MustRegister(h)
		return h
	}
	return &Metrics{
		reg:         reg,
		events:      counter("events_total", "Events the engine handled, by platform and kind (message, command, timer).", "platform", "kind"),
		duplicates:  counter("duplicate_events_total", "Events refused because their id was applied before.", "platform"),
		storeErrors: counter("store_errors_total", "Store updates that failed, by kind (unavailable, conflict, internal).", "kind"),
		started:     counter("sessions_started_total", "Sessions started, by method id.", "method"),
		finished:    counter("sessions_finished_total", "Sessions finished (closed with or without a summary), by method id.", "method"),
		scheduled:   counter("timers_scheduled_total", "Timers the engine asked the scheduler for, by kind.", "kind"),
		handle: histogram("handle_duration_seconds", "How long the engine took for one event, by platform and outcome (ok, unavailable, internal).",
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, "platform", "outcome"),
		lag: histogram("timer_fire_lag_seconds", "How late a timer fired after its due time, by kind.",
			[]float64{.05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 900}, "kind"),
	}
}

// Registry is the process's registry, for /metrics and for more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// bounded is v when it is one of known, else "other": a guard, so that no label can
// grow with what people write even if a caller passes something unbounded.
func bounded(v string, known ...string) string {
	for _, k := range known {
		if v == k {
			return v
		}
	}
	return "other"
}

var (
	kinds     = []string{"message", "command", "timer"}
	outcomes  = []string{"ok", "unavailable", "internal"}
	errKinds  = []string{"unavailable", "conflict", "internal"}
	maxMethod = 40
)

// method keeps a method id as the engine gave it (a library id or "other"), guarding
// against anything that does not look like one.
func method(id string) string {
	if id == "" || len(id) > maxMethod {
		return "other"
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "other"
		}
	}
	return id
}

func platform(p string) string { return bounded(p, bot.Platforms...) }

// EventHandled implements bot.Observer.
func (m *Metrics) EventHandled(p, kind string) {
	m.events.WithLabelValues(platform(p), bounded(kind, kinds...)).Inc()
}

// DuplicateRefused implements bot.Observer.
func (m *Metrics) DuplicateRefused(p string) { m.duplicates.WithLabelValues(platform(p)).Inc() }

// HandleLatency implements bot.Observer.
func (m *Metrics) HandleLatency(p string, d time.Duration, outcome string) {
	m.handle.WithLabelValues(platform(p), bounded(outcome, outcomes...)).Observe(d.Seconds())
}

// StoreError implements bot.Observer.
func (m *Metrics) StoreError(kind string) {
	m.storeErrors.WithLabelValues(bounded(kind, errKinds...)).Inc()
}

// SessionStarted implements bot.Observer.
func (m *Metrics) SessionStarted(id string) { m.started.WithLabelValues(method(id)).Inc() }

// SessionFinished implements bot.Observer.
func (m *Metrics) SessionFinished(id string) { m.finished.WithLabelValues(method(id)).Inc() }

// TimerScheduled implements bot.Observer.
func (m *Metrics) TimerScheduled(kind string) {
	m.scheduled.WithLabelValues(bounded(kind, bot.TimerKinds...)).Inc()
}

// TimerFired implements bot.Observer.
func (m *Metrics) TimerFired(kind string, lag time.Duration) {
	m.lag.WithLabelValues(bounded(kind, bot.TimerKinds...)).Observe(max(lag, 0).Seconds())
}
