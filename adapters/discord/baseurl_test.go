package discord

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBaseURLSettings: with APIURL and GatewayURL (and no HTTP client of the test's
// own) the real discordgo session reaches the fake: REST under the base, the gateway
// at the configured URL (so GET /gateway is never asked).
func TestBaseURLSettings(t *testing.T) {
	f := newFakeDiscord(t)
	f.addChannel(channelID, guildID, 0)
	addr := f.srv.Listener.Addr().String()
	a, err := New(Config{Token: "test-token", GuildID: guildID, Logger: quiet(),
		APIURL: "http://" + addr, GatewayURL: "ws://" + addr + "/gateway"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, &eventLog{}) }()
	deadline := time.Now().Add(8 * time.Second)
	for {
		var put, gateway bool
		for _, c := range f.restCalls() {
			put = put || c.Method == "PUT" && c.Status == 200
			gateway = gateway || c.Path == "/gateway"
		}
		if gateway {
			t.Error("GET /gateway was asked although DISCORD_GATEWAY_URL is set")
		}
		if put {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the adapter did not register its commands at the fake")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if ids, _ := f.counts(); ids != 1 {
		t.Errorf("%d IDENTIFY at the fake gateway, want 1", ids)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

type recordTrip struct{ got []*http.Request }

func (r *recordTrip) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req)
	return &http.Response{StatusCode: 204, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// TestBaseURLRewrite: scheme, host, Host header and a path prefix are taken from the
// base; other hosts (attachments on the CDN) pass untouched; a bad setting is refused.
func TestBaseURLRewrite(t *testing.T) {
	rec := &recordTrip{}
	cfg := Config{HTTPClient: &http.Client{Transport: rec}}
	var err error
	if cfg.api, err = parseBase("API URL", "https://proxy.example:8443/discord/", "https", "http"); err != nil {
		t.Fatal(err)
	}
	c := cfg.httpClient()
	for _, u := range []string{"https://discord.com/api/v9/channels/1/messages", "https://cdn.discordapp.com/attachments/1/a.txt"} {
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := rec.got[0].URL.String(); got != "https://proxy.example:8443/discord/api/v9/channels/1/messages" || rec.got[0].Host != "proxy.example:8443" {
		t.Errorf("REST call went to %s (Host %s)", got, rec.got[0].Host)
	}
	if got := rec.got[1].URL.String(); got != "https://cdn.discordapp.com/attachments/1/a.txt" {
		t.Errorf("CDN call went to %s", got)
	}
	for _, bad := range []Config{{Token: "t", APIURL: "discord.example"}, {Token: "t", APIURL: "ftp://x"}, {Token: "t", GatewayURL: "https://x"}} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v): no error", bad)
		}
	}
}
