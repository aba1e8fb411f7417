package redisstore

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// NewClient parses a Redis URL into a client without connecting (Open also checks that
// it answers). Accepted forms:
//
//	redis://[user:password@]host:port[/db]            one server
//	rediss://...                                      one server over TLS
//	redis+cluster://host:port?addr=host2:port&...     Redis Cluster (also rediss+cluster)
//	redis://host1:port,redis://host2:port,...         Redis Cluster, one URL per seed
//
// Query parameters are go-redis's (dial_timeout, pool_size, ...).
func NewClient(url string) (redis.UniversalClient, error) {
	url = strings.TrimSpace(url)
	if url == "" {
		return nil, errors.New("redisstore: empty Redis URL")
	}
	if strings.Contains(url, ",") {
		parts := strings.Split(url, ",")
		o, err := redis.ParseClusterURL(strings.TrimSpace(parts[0]))
		if err != nil {
			return nil, fmt.Errorf("redisstore: parse Redis URL %s: %w", redactURL(parts[0]), err)
		}
		for _, p := range parts[1:] {
			po, err := redis.ParseURL(strings.TrimSpace(p))
			if err != nil {
				return nil, fmt.Errorf("redisstore: parse Redis URL %s: %w", redactURL(p), err)
			}
			o.Addrs = append(o.Addrs, po.Addr)
		}
		clusterDefaults(o)
		return redis.NewClusterClient(o), nil
	}
	if scheme, rest, ok := strings.Cut(url, "://"); ok && strings.HasSuffix(scheme, "+cluster") {
		o, err := redis.ParseClusterURL(strings.TrimSuffix(scheme, "+cluster") + "://" + rest)
		if err != nil {
			return nil, fmt.Errorf("redisstore: parse Redis URL %s: %w", redactURL(url), err)
		}
		clusterDefaults(o)
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: parse Redis URL %s: %w", redactURL(url), err)
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = DefaultDialerRetries
	}
	o.ContextTimeoutEnabled = true
	return redis.NewClient(o), nil
}

// Clients made by NewClient honour their callers' context deadlines on every read and
// write (ContextTimeoutEnabled), on top of the read and write timeouts (go-redis's
// default, or read_timeout and write_timeout in the URL): a stalled Redis cannot hold
// an Update past its deadline.
//
// DefaultDialTimeout and DefaultDialerRetries bound how long a user waits for "could not
// save" when Redis is down (go-redis alone dials 5 times with a 5 s timeout). A
// dial_timeout in the URL overrides the timeout (dialer_retries too, for clusters).
const (
	DefaultDialTimeout   = 2 * time.Second
	DefaultDialerRetries = 2
)

func clusterDefaults(o *redis.ClusterOptions) {
	if o.DialTimeout == 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = DefaultDialerRetries
	}
	if o.ClusterStateReloadInterval == 0 {
		o.ClusterStateReloadInterval = DefaultClusterReload
	}
	o.ContextTimeoutEnabled = true
}

// redactURL hides a password for error messages.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return "(invalid URL)"
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = "***@" + rest[at+1:]
	}
	return scheme + "://" + rest
}
