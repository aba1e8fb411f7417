package ops

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/bot"
)

// Optional capabilities of platform adapters, read by the collectors and /readyz.
type (
	// QueueStater reports an adapter's conversation queue: events waiting, events
	// dropped because too many waited.
	QueueStater interface{ QueueStats() (depth, dropped int) }
	// Reconnecter counts an adapter's connections after its first.
	Reconnecter interface{ Reconnects() int64 }
	// RateLimitWaiter counts the waits of an adapter's calls after HTTP 429.
	RateLimitWaiter interface{ RateLimitWaits() int64 }
	// Readier is nil while an adapter is connected to its platform.
	Readier interface{ Ready() error }
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
}

// WatchRedis registers a collector of the go-redis connection pool's stats.
func (m *Metrics) WatchRedis(c redis.UniversalClient) { m.reg.MustRegister(&redisCollector{c: c}) }

type redisCollector struct{ c redis.UniversalClient }

var (
	redisHits     = desc("redis_pool_hits_total", "Times a free connection was found in the go-redis pool.")
	redisMisses   = desc("redis_pool_misses_total", "Times no free connection was in the go-redis pool and one was dialled.")
	redisTimeouts = desc("redis_pool_timeouts_total", "Times waiting for a go-redis pool connection timed out.")
	redisTotal    = desc("redis_pool_conns", "Connections in the go-redis pool.")
	redisIdle     = desc("redis_pool_idle_conns", "Idle connections in the go-redis pool.")
)

func (r *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{redisHits, redisMisses, redisTimeouts, redisTotal, redisIdle} {
		ch <- d
	}
}

func (r *redisCollector) Collect(ch chan<- prometheus.Metric) {
	s := r.c.PoolStats()
	if s == nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(redisHits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(redisMisses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(redisTimeouts, prometheus.CounterValue, float64(s.Timeouts))
	ch <- prometheus.MustNewConstMetric(redisTotal, prometheus.GaugeValue, float64(s.TotalConns))
	ch <- prometheus.MustNewConstMetric(redisIdle, prometheus.GaugeValue, float64(s.IdleConns))
}

// WatchAdapters registers a collector of the adapters' queues, reconnects, rate-limit
// waits and readiness, for those that have the capabilities. Platform labels are
// bounded like the engine's.
func (m *Metrics) WatchAdapters(adapters []bot.Adapter) {
	m.reg.MustRegister(&adapterCollector{adapters: adapters})
}

type adapterCollector struct{ adapters []bot.Adapter }

var (
	queueDepth   = desc("adapter_queue_depth", "Events waiting in an adapter's conversation queue.", "platform")
	queueDropped = desc("adapter_queue_dropped_total", "Events an adapter dropped because too many waited.", "platform")
	reconnects   = desc("platform_reconnects_total", "Connections to the platform after the first (Socket Mode, gateway).", "platform")
	rateWaits    = desc("platform_rate_limit_waits_total", "Platform API calls that waited after HTTP 429.", "platform")
	connected    = desc("platform_connected", "1 while the adapter is connected to its platform, else 0.", "platform")
)

func (a *adapterCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueDepth, queueDropped, reconnects, rateWaits, connected} {
		ch <- d
	}
}

func (a *adapterCollector) Collect(ch chan<- prometheus.Metric) {
	seen := map[string]bool{} // one series per platform label, so "other" cannot repeat
	for _, ad := range a.adapters {
		p := platform(ad.Name())
		if seen[p] {
			continue
		}
		seen[p] = true
		if q, ok := ad.(QueueStater); ok {
			depth, dropped := q.QueueStats()
			ch <- prometheus.MustNewConstMetric(queueDepth, prometheus.GaugeValue, float64(depth), p)
			ch <- prometheus.MustNewConstMetric(queueDropped, prometheus.CounterValue, float64(dropped), p)
		}
		if r, ok := ad.(Reconnecter); ok {
			ch <- prometheus.MustNewConstMetric(reconnects, prometheus.CounterValue, float64(r.Reconnects()), p)
		}
		if r, ok := ad.(RateLimitWaiter); ok {
			ch <- prometheus.MustNewConstMetric(rateWaits, prometheus.CounterValue, float64(r.RateLimitWaits()), p)
		}
		if r, ok := ad.(Readier); ok {
			v := 0.0
			if r.Ready() == nil {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(connected, prometheus.GaugeValue, v, p)
		}
	}
}
