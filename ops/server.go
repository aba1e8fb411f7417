package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/intervision-bot/intervision/bot"
)

// Pinger is a store's optional capability: a cheap probe that the store answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// ProbeTimeout bounds the store probe of one /readyz request.
const ProbeTimeout = 2 * time.Second

// Server answers /healthz, /readyz and /metrics.
type Server struct {
	metrics  *Metrics
	mu       sync.Mutex
	store    any // a Pinger, or not probed
	adapters []bot.Adapter
	draining atomic.Bool
}

// NewServer returns a Server for m's registry. Watch says what /readyz checks.
func NewServer(m *Metrics) *Server { return &Server{metrics: m} }

// Watch sets what /readyz checks: the store (when it is a Pinger) and every adapter
// that reports its connection (a Readier).
func (s *Server) Watch(store any, adapters []bot.Adapter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store, s.adapters = store, adapters
}

// Drain marks the process not ready: shutdown began. /healthz still answers.
func (s *Server) Drain() { s.draining.Store(true) }

// Handler routes the three endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if problems := s.Problems(r.Context()); len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, strings.Join(problems, "\n"))
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{Registry: s.metrics.reg}))
	return mux
}

// Problems says why the process is not ready; none: ready.
func (s *Server) Problems(ctx context.Context) []string {
	if s.draining.Load() {
		return []string{"shutting down"}
	}
	s.mu.Lock()
	store, adapters := s.store, s.adapters
	s.mu.Unlock()
	var problems []string
	if p, ok := store.(Pinger); ok {
		ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		err := p.Ping(ctx)
		cancel()
		if err != nil {
			problems = append(problems, "store: "+err.Error())
		}
	}
	for _, a := range adapters {
		if r, ok := a.(Readier); ok {
			if err := r.Ready(); err != nil {
				problems = append(problems, a.Name()+": "+err.Error())
			}
		}
	}
	return problems
}

// Serve answers on ln until ctx ends, then shuts the server down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
