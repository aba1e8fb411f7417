package discord

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// connectProxy is an HTTP proxy that only tunnels (CONNECT), recording the targets.
type connectProxy struct {
	mu      sync.Mutex
	targets []string
	auth    []string
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.targets = append(p.targets, r.Host)
	p.auth = append(p.auth, r.Header.Get("Proxy-Authorization"))
	p.mu.Unlock()
	up, err := net.Dial("tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, rw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = rw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n")
	_ = rw.Flush()
	go func() { _, _ = io.Copy(up, rw); up.Close() }()
	_, _ = io.Copy(conn, up)
	conn.Close()
}

// TestGatewayThroughProxy: the gateway connection honours the proxy (HTTPS_PROXY in
// production), and the close watcher still reads Discord's close codes through it.
func TestGatewayThroughProxy(t *testing.T) {
	t.Parallel()
	gw := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"op":10,"d":{"heartbeat_interval":45000}}`))
		closeWith(c, &sync.Mutex{}, 4014, "Disallowed intent(s).")
	}))
	defer gw.Close()
	roots := x509.NewCertPool()
	roots.AddCert(gw.Certificate())

	tests := []struct {
		name     string
		proxied  bool
		user     *url.Userinfo
		wantAuth string
	}{
		{name: "no proxy"},
		{name: "proxy", proxied: true},
		{name: "proxy with credentials", proxied: true, user: url.UserPassword("bot", "s3cret"),
			wantAuth: "Basic Ym90OnMzY3JldA=="},
	}
	if gatewayWatcher().proxy == nil {
		t.Fatal("Run's gateway dialer ignores the proxy environment")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &connectProxy{}
			ps := httptest.NewServer(p)
			defer ps.Close()
			w := newCloseWatcher()
			w.tlsConfig = &tls.Config{RootCAs: roots, ServerName: "example.com"}
			if tc.proxied {
				pu := &url.URL{Scheme: "http", Host: ps.Listener.Addr().String(), User: tc.user}
				w.proxy = func(*http.Request) (*url.URL, error) { return pu, nil }
			}
			c, _, err := w.dialer().Dial("wss://"+gw.Listener.Addr().String()+"/gateway", nil)
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer c.Close()
			if _, msg, err := c.ReadMessage(); err != nil || !strings.Contains(string(msg), `"op":10`) {
				t.Fatalf("hello: %q, %v", msg, err)
			}
			_, _, _ = c.ReadMessage() // the close frame
			select {
			case f := <-w.fatal:
				if f.Code != 4014 {
					t.Fatalf("close code %d, want 4014", f.Code)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the close watcher saw no close code")
			}
			p.mu.Lock()
			defer p.mu.Unlock()
			if tc.proxied != (len(p.targets) == 1 && p.targets[0] == gw.Listener.Addr().String()) {
				t.Fatalf("proxied = %v, proxy saw %v", tc.proxied, p.targets)
			}
			if tc.proxied && p.auth[0] != tc.wantAuth {
				t.Fatalf("Proxy-Authorization = %q, want %q", p.auth[0], tc.wantAuth)
			}
		})
	}
}
