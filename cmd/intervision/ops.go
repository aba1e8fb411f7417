package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/ops"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
)

// OpsAddrEnv names where the bot serves /healthz, /readyz and /metrics (off when empty).
const OpsAddrEnv = "INTERVISION_OPS_ADDR"

// opsServer is runBot's ops listener; a nil *opsServer (INTERVISION_OPS_ADDR unset)
// does nothing.
type opsServer struct {
	metrics *ops.Metrics
	srv     *ops.Server
	cancel  context.CancelFunc
	done    chan struct{}
}

// startOps listens on INTERVISION_OPS_ADDR, if set, and serves until stop.
func startOps(getenv func(string) string, log *slog.Logger) (*opsServer, error) {
	addr := strings.TrimSpace(getenv(OpsAddrEnv))
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s=%q: %w", OpsAddrEnv, addr, err)
	}
	m := ops.NewMetrics()
	o := &opsServer{metrics: m, srv: ops.NewServer(m), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	log.Info("ops endpoints listening", "addr", ln.Addr().String(), "paths", "/healthz /readyz /metrics")
	go func() {
		defer close(o.done)
		if err := o.srv.Serve(ctx, ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("ops endpoints stopped", "err", err)
		}
	}()
	return o, nil
}

// observer is the engine's Observer: the metrics, or none.
func (o *opsServer) observer() bot.Observer {
	if o == nil {
		return nil
	}
	return o.metrics
}

// watch tells /readyz and /metrics about the store and the adapters.
func (o *opsServer) watch(st state.Store, adapters []bot.Adapter) {
	if o == nil {
		return
	}
	if rs, ok := st.(*redisstore.Store); ok {
		o.metrics.WatchRedis(rs.Client())
	}
	o.metrics.WatchAdapters(adapters)
	o.srv.Watch(st, adapters)
}

// drainOn makes /readyz answer 503 as soon as ctx ends (shutdown begins).
func (o *opsServer) drainOn(ctx context.Context) {
	if o != nil {
		context.AfterFunc(ctx, o.srv.Drain)
	}
}

// stop closes the listener, last: /healthz answers while the process runs.
func (o *opsServer) stop() {
	if o == nil {
		return
	}
	o.srv.Drain()
	o.cancel()
	<-o.done
}
