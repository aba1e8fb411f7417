package discord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// discordgo's endpoints are package variables computed at init from discord.com, and
// overriding one does not move the others. So the adapter keeps them and points the
// session's HTTP client elsewhere instead: baseURL rewrites every request for Discord's
// host to the configured base (DISCORD_API_URL), and answers GET /gateway itself when a
// gateway URL is configured (DISCORD_GATEWAY_URL), which discordgo then dials.
var (
	discordHost = mustURL(discordgo.EndpointDiscord).Host
	gatewayPath = mustURL(discordgo.EndpointGateway).Path
)

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// parseBase checks a base URL setting: one of schemes, a host, no query.
func parseBase(name, raw string, schemes ...string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("discord: %s %q: want a URL such as %s://host:port", name, raw, schemes[0])
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return u, nil
		}
	}
	return nil, fmt.Errorf("discord: %s %q: the scheme must be %s", name, raw, strings.Join(schemes, " or "))
}

// baseURL is the RoundTripper of the session's HTTP client when a base URL is set.
type baseURL struct {
	api     *url.URL // scheme, host and an optional path prefix; nil: discord.com
	gateway string   // the gateway's websocket URL; "": the one GET /gateway returns
	next    http.RoundTripper
}

func (t *baseURL) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != discordHost {
		return t.next.RoundTrip(r) // not discord.com (an attachment's CDN URL): as it is
	}
	if t.gateway != "" && r.Method == http.MethodGet && r.URL.Path == gatewayPath {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		b, _ := json.Marshal(map[string]string{"url": t.gateway})
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(b)),
			ContentLength: int64(len(b)), Request: r}, nil
	}
	if t.api == nil {
		return t.next.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host, r2.Host = t.api.Scheme, t.api.Host, t.api.Host
	r2.URL.Path = strings.TrimSuffix(t.api.Path, "/") + r.URL.Path
	r2.URL.RawPath = ""
	return t.next.RoundTrip(r2)
}

// httpClient is the session's HTTP client: cfg.HTTPClient or discordgo's default (20 s
// timeout), sent to cfg.APIURL and cfg.GatewayURL when they are set.
func (cfg Config) httpClient() *http.Client {
	c := cfg.HTTPClient
	if cfg.api == nil && cfg.GatewayURL == "" {
		return c
	}
	if c == nil {
		c = &http.Client{Timeout: defaultHTTPTimeout}
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c2 := *c
	c2.Transport = &baseURL{api: cfg.api, gateway: cfg.GatewayURL, next: next}
	return &c2
}
