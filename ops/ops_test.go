package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// clock is a test clock the engine and scheduler share.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// rig is an engine with Metrics on an embedded store and an in-process scheduler.
type rig struct {
	t     *testing.T
	m     *Metrics
	srv   *Server
	http  *httptest.Server
	eng   *bot.Engine
	sched *memstore.Scheduler
	clk   *clock
	seq   int
}

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	m := NewMetrics()
	sched := memstore.NewScheduler(memstore.WithSchedulerClock(clk.Now))
	st := memstore.New(memstore.WithClock(clk.Now))
	eng := bot.New(bot.Config{Store: st, Scheduler: sched, Library: prompts.MustBuiltin(), Now: clk.Now,
		Observer: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := NewServer(m)
	srv.Watch(st, nil)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &rig{t: t, m: m, srv: srv, http: hs, eng: eng, sched: sched, clk: clk}
}

// say sends one event; the returned id can be sent again (a redelivery).
func (r *rig) say(conv bot.Conversation, user, text string, command bool) string {
	r.t.Helper()
	r.seq++
	id := fmt.Sprintf("ev-%d", r.seq)
	r.send(id, conv, user, text, command)
	return id
}

func (r *rig) send(id string, conv bot.Conversation, user, text string, command bool) bot.Outcome {
	r.t.Helper()
	out, err := r.eng.Handle(context.Background(), bot.Event{ID: id, Conv: conv, User: bot.User{ID: user, Name: user},
		Text: text, Command: command, Time: r.clk.now})
	if err != nil {
		r.t.Fatalf("Handle %q: %v", text, err)
	}
	return out
}

// session runs a short group session in conv between people a and b, with text:
// start, join, bring, a contribution, a timer fired late (the phase's box ends),
// a redelivered event, and end.
func (r *rig) session(conv bot.Conversation, a, b, text string) {
	r.t.Helper()
	r.say(conv, a, "start incident en", true)
	r.say(conv, b, "join", true)
	r.say(conv, a, "bring", true)
	r.say(conv, a, "next", true)
	id := r.say(conv, a, text, false)
	if out := r.send(id, conv, a, text, false); !out.Duplicate {
		r.t.Fatalf("a redelivered event was not refused: %+v", out)
	}
	r.clk.now = r.clk.now.Add(3 * time.Hour) // every box ended: the timers fire 3 s late at least
	n, err := r.sched.FireDue(context.Background(), func(ctx context.Context, t state.Timer) error {
		_, _, err := r.eng.Fire(ctx, t)
		return err
	})
	if err != nil || n == 0 {
		r.t.Fatalf("FireDue: %d fired, %v", n, err)
	}
	r.say(conv, a, "end", true)
}

// scrape reads /metrics with the text parser.
func (r *rig) scrape() map[string]*dto.MetricFamily {
	r.t.Helper()
	resp, err := http.Get(r.http.URL + "/metrics")
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		r.t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// value is the sample of fam whose labels include want (counter or histogram count).
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	fam, ok := fams[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

var thread = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1700.1"}

func TestMetricsAfterSession(t *testing.T) {
	r := newRig(t)
	r.session(thread, "UANN", "UBOB", "The father stood in the doorway and said nothing at all.")
	fams := r.scrape()
	checks := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"intervision_events_total", map[string]string{"platform": "slack", "kind": "command"}, 5},
		{"intervision_events_total", map[string]string{"platform": "slack", "kind": "message"}, 2},
		{"intervision_events_total", map[string]string{"platform": "slack", "kind": "timer"}, 1},
		{"intervision_duplicate_events_total", map[string]string{"platform": "slack"}, 1},
		{"intervision_handle_duration_seconds", map[string]string{"platform": "slack", "outcome": "ok"}, 8},
		{"intervision_sessions_started_total", map[string]string{"method": "incident"}, 1},
		{"intervision_sessions_finished_total", map[string]string{"method": "incident"}, 1},
		{"intervision_timers_scheduled_total", map[string]string{"kind": "end"}, 1},
		{"intervision_timer_fire_lag_seconds", map[string]string{"kind": "end"}, 1},
	}
	for _, c := range checks {
		v, ok := value(fams, c.name, c.labels)
		if !ok || v < c.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", c.name, c.labels, v, ok, c.min)
		}
	}
	if _, ok := fams["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics (go_goroutines) in /metrics")
	}
	// The end timer fired hours after its due time: its lag is in the top buckets.
	fam := fams["intervision_timer_fire_lag_seconds"]
	for _, m := range fam.GetMetric() {
		if h := m.GetHistogram(); h.GetSampleSum() < 2*float64(h.GetSampleCount()) {
			t.Errorf("timer lag sum %v for %d fires, want more than 2 s each", h.GetSampleSum(), h.GetSampleCount())
		}
	}
}

func TestStoreErrorsCounted(t *testing.T) {
	m := NewMetrics()
	eng := bot.New(bot.Config{Store: failingStore{memstore.New()}, Library: prompts.MustBuiltin(), Observer: m,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	out, err := eng.Handle(context.Background(), bot.Event{ID: "1", Conv: thread, User: bot.User{ID: "U1"}, Text: "start", Command: true})
	if err != nil || len(out.Replies) == 0 {
		t.Fatalf("Handle: %+v %v", out, err)
	}
	srv := httptest.NewServer(NewServer(m).Handler())
	defer srv.Close()
	r := &rig{t: t, http: srv}
	fams := r.scrape()
	if v, _ := value(fams, "intervision_store_errors_total", map[string]string{"kind": "unavailable"}); v != 1 {
		t.Errorf("store errors (unavailable) = %v, want 1", v)
	}
	if v, _ := value(fams, "intervision_handle_duration_seconds", map[string]string{"outcome": "unavailable"}); v != 1 {
		t.Errorf("handle outcome unavailable = %v, want 1", v)
	}
}

// failingStore's updates find the store unreachable.
type failingStore struct{ *memstore.Store }

func (failingStore) Update(context.Context, state.Key, string, state.UpdateFunc) error {
	return fmt.Errorf("redis down: %w", state.ErrUnavailable)
}

// UpdateLog fails too: the engine commits sessions through it (state.LogStore).
func (failingStore) UpdateLog(context.Context, state.Key, string, state.LogFunc) (string, error) {
	return "", fmt.Errorf("redis down: %w", state.ErrUnavailable)
}

// TestLabelsBounded: what people are and write never becomes a label, and the number
// of series stays put however many people and channels there are.
func TestLabelsBounded(t *testing.T) {
	r := newRig(t)
	secrets := []string{}
	series := func() int {
		n := 0
		for name, fam := range r.scrape() {
			if strings.HasPrefix(name, Namespace+"_") {
				n += len(fam.GetMetric())
			}
		}
		return n
	}
	var after3 int
	for i := range 30 {
		a, b := fmt.Sprintf("Uann%dsecret", i), fmt.Sprintf("Ubob%dsecret", i)
		conv := bot.Conversation{Platform: "slack", Workspace: fmt.Sprintf("Tws%dsecret", i),
			Channel: fmt.Sprintf("Cchan%dsecret", i), Thread: fmt.Sprintf("17%dsecret", i)}
		text := fmt.Sprintf("Jansen%dsecret told the family everything that happened that day.", i)
		secrets = append(secrets, a, b, conv.Workspace, conv.Channel, conv.Thread, text, "Jansen")
		r.session(conv, a, b, text)
		if i == 2 {
			after3 = series()
		}
	}
	// An unknown platform name is not a label either.
	r.say(bot.Conversation{Platform: "matrix-secret", Workspace: "w", Channel: "c", Thread: "t"}, "Ueve", "help", true)
	secrets = append(secrets, "matrix-secret", "Ueve")
	fams := r.scrape()
	for name, fam := range fams {
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				for _, s := range secrets {
					if strings.Contains(l.GetValue(), s) || strings.Contains(l.GetValue(), "secret") {
						t.Errorf("%s has label %s=%q, which holds %q", name, l.GetName(), l.GetValue(), s)
					}
				}
			}
		}
	}
	const bound = 60
	t.Logf("%d intervision series after 3 sessions, %d after 30", after3, series())
	if n := series(); n > bound || n > after3+8 {
		t.Errorf("%d intervision series after 30 sessions (%d after 3), want at most %d and no growth with people", n, after3, bound)
	}
}

func TestHealthAndDrain(t *testing.T) {
	r := newRig(t)
	get := func(path string) (int, string) {
		resp, err := http.Get(r.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d, want 200", code)
	}
	r.srv.Watch(nil, []bot.Adapter{fakeAdapter{name: "slack", err: errors.New("slack: socket mode not connected")}})
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "socket mode not connected") {
		t.Errorf("/readyz with a disconnected adapter = %d %q, want 503 with the reason", code, body)
	}
	r.srv.Watch(nil, []bot.Adapter{fakeAdapter{name: "slack"}})
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz with a connected adapter = %d", code)
	}
	fams := r.scrape()
	for _, name := range []string{"intervision_adapter_queue_depth", "intervision_adapter_queue_dropped_total",
		"intervision_platform_reconnects_total", "intervision_platform_rate_limit_waits_total", "intervision_platform_connected"} {
		if _, ok := fams[name]; ok {
			t.Errorf("%s before WatchAdapters", name)
		}
	}
	r.m.WatchAdapters([]bot.Adapter{fakeAdapter{name: "slack", depth: 3, dropped: 2, reconnects: 4, waits: 5}})
	fams = r.scrape()
	for name, want := range map[string]float64{"intervision_adapter_queue_depth": 3, "intervision_adapter_queue_dropped_total": 2,
		"intervision_platform_reconnects_total": 4, "intervision_platform_rate_limit_waits_total": 5, "intervision_platform_connected": 1} {
		if v, ok := value(fams, name, map[string]string{"platform": "slack"}); !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	r.srv.Drain()
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "shutting down") {
		t.Errorf("/readyz after Drain = %d %q", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz after Drain = %d", code)
	}
}

type fakeAdapter struct {
	name              string
	err               error
	depth, dropped    int
	reconnects, waits int64
}

func (f fakeAdapter) Name() string                                 { return f.name }
func (f fakeAdapter) Run(ctx context.Context, _ bot.Handler) error { <-ctx.Done(); return nil }
func (f fakeAdapter) Ready() error                                 { return f.err }
func (f fakeAdapter) QueueStats() (int, int)                       { return f.depth, f.dropped }
func (f fakeAdapter) Reconnects() int64                            { return f.reconnects }
func (f fakeAdapter) RateLimitWaits() int64                        { return f.waits }

// TestReadyFollowsRedis: /readyz is 503 while Redis is stopped and 200 again once it is
// back; the pool's stats are on /metrics.
func TestReadyFollowsRedis(t *testing.T) {
	rs := redistest.Start(t)
	client, err := redisstore.NewClient(rs.URL() + "?dial_timeout=200ms")
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(client, redisstore.Options{Prefix: "opstest"})
	defer st.Close()
	m := NewMetrics()
	m.WatchRedis(client)
	srv := NewServer(m)
	srv.Watch(st, nil)
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	ready := func() (int, string) {
		resp, err := http.Get(hs.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor := func(want int) string {
		deadline := time.Now().Add(15 * time.Second)
		for {
			code, body := ready()
			if code == want {
				return body
			}
			if time.Now().After(deadline) {
				t.Fatalf("/readyz = %d %q, want %d", code, body, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor(200)
	rs.Stop()
	if body := waitFor(503); !strings.Contains(body, "store:") {
		t.Errorf("/readyz body %q does not name the store", body)
	}
	if err := rs.Restart(); err != nil {
		t.Fatal(err)
	}
	waitFor(200)
	r := &rig{t: t, http: hs}
	fams := r.scrape()
	for _, name := range []string{"intervision_redis_pool_hits_total", "intervision_redis_pool_misses_total",
		"intervision_redis_pool_timeouts_total", "intervision_redis_pool_conns", "intervision_redis_pool_idle_conns"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s in /metrics", name)
		}
	}
	if v, _ := value(fams, "intervision_redis_pool_misses_total", nil); v < 1 {
		t.Errorf("redis pool misses = %v, want at least the first dial", v)
	}
}
