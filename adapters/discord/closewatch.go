package discord

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// fatalCloseCodes are gateway close codes after which reconnecting cannot help.
// discordgo does not hand a live connection's close code on, so the adapter watches
// for them itself.
var fatalCloseCodes = map[int]string{
	4004: "authentication failed: DISCORD_BOT_TOKEN is wrong or was reset; copy a new token from the Discord Developer Portal → your application → Bot → Reset Token",
	4010: "invalid shard: DISCORD_SHARD_ID must be below DISCORD_SHARD_COUNT",
	4011: "sharding required: the bot is in too many servers for one connection; set DISCORD_SHARD_COUNT and run one replica per DISCORD_SHARD_ID",
	4012: "invalid gateway API version",
	4013: "invalid intents",
	4014: "disallowed intents: the privileged Message Content Intent is not enabled. Open the Discord Developer Portal → your application → Bot → Privileged Gateway Intents, switch on Message Content Intent, save, and restart the bot",
}

// FatalCloseError is returned by Run when Discord closed the gateway with a code that
// no reconnect can fix (bad token, disallowed intents, bad shard settings).
type FatalCloseError struct {
	Code int
}

func (e *FatalCloseError) Error() string {
	return fmt.Sprintf("discord: gateway closed with %d: %s", e.Code, fatalCloseCodes[e.Code])
}

// closeWatcher dials gateway connections and reads the close frames Discord sends on
// them, reporting fatal close codes. It sees the bytes the websocket library reads, so
// it parses the HTTP upgrade response and then websocket frame headers.
type closeWatcher struct {
	fatal chan *FatalCloseError // buffered; the first fatal code
	// proxy picks the proxy for a gateway URL (http.ProxyFromEnvironment in Run: the
	// HTTPS_PROXY, HTTP_PROXY and NO_PROXY variables); nil: connect directly.
	proxy func(*http.Request) (*url.URL, error)
	// tlsConfig, when set (tests), is the TLS configuration for the gateway.
	tlsConfig *tls.Config
	once      sync.Once
	mu        sync.Mutex
	stopped   bool
}

func newCloseWatcher() *closeWatcher {
	return &closeWatcher{fatal: make(chan *FatalCloseError, 1)}
}

// stop makes further dials fail: after a fatal close, or when Run shuts down.
func (w *closeWatcher) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}

func (w *closeWatcher) report(code int) {
	if _, ok := fatalCloseCodes[code]; !ok {
		return
	}
	w.once.Do(func() {
		w.stop()
		w.fatal <- &FatalCloseError{Code: code}
	})
}

func (w *closeWatcher) check() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return fmt.Errorf("discord: gateway stopped")
	}
	return nil
}

// dialer is the websocket dialer for discordgo. The watcher dials, through the proxy
// when one is configured, and does the TLS handshake itself, so that it sees the
// gateway's decrypted frames. (The websocket library's own Proxy option cannot be used
// with a TLS dial function: it would speak TLS to the proxy and plain text through
// the tunnel.)
func (w *closeWatcher) dialer() *websocket.Dialer {
	return &websocket.Dialer{
		NetDialContext:    w.dial,
		NetDialTLSContext: w.dialTLS,
		HandshakeTimeout:  45 * time.Second,
	}
}

// dial opens a plain connection (ws://, used by tests).
func (w *closeWatcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	c, err := w.connect(ctx, network, "http", addr)
	if err != nil {
		return nil, err
	}
	return &watchedConn{Conn: c, w: w}, nil
}

// dialTLS opens a TLS connection (wss://, Discord's gateway).
func (w *closeWatcher) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := w.check(); err != nil {
		return nil, err
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	c, err := w.connect(ctx, network, "https", addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if w.tlsConfig != nil {
		cfg = w.tlsConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return &watchedConn{Conn: tc, w: w}, nil
}

// connect opens a TCP connection to addr, directly or through an HTTP(S) proxy with
// CONNECT.
func (w *closeWatcher) connect(ctx context.Context, network, scheme, addr string) (net.Conn, error) {
	var d net.Dialer
	var pu *url.URL
	if w.proxy != nil {
		var err error
		if pu, err = w.proxy(&http.Request{URL: &url.URL{Scheme: scheme, Host: addr}}); err != nil {
			return nil, fmt.Errorf("discord: gateway proxy: %w", err)
		}
	}
	if pu == nil {
		return d.DialContext(ctx, network, addr)
	}
	if pu.Scheme != "http" && pu.Scheme != "https" {
		return nil, fmt.Errorf("discord: gateway proxy %s: only http:// and https:// proxies are supported", pu.Redacted())
	}
	paddr := pu.Host
	if pu.Port() == "" {
		port := "80"
		if pu.Scheme == "https" {
			port = "443"
		}
		paddr = net.JoinHostPort(pu.Hostname(), port)
	}
	c, err := d.DialContext(ctx, "tcp", paddr)
	if err != nil {
		return nil, fmt.Errorf("discord: gateway proxy %s: %w", pu.Redacted(), err)
	}
	if pu.Scheme == "https" {
		tc := tls.Client(c, &tls.Config{ServerName: pu.Hostname(), MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			c.Close()
			return nil, fmt.Errorf("discord: gateway proxy %s: %w", pu.Redacted(), err)
		}
		c = tc
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: addr}, Host: addr, Header: http.Header{}}
	if u := pu.User; u != nil {
		pass, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass)))
	}
	if err := req.Write(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("discord: gateway proxy %s: %w", pu.Redacted(), err)
	}
	// The proxy says nothing after its answer until the tunnel is used, so reading the
	// answer through a buffer loses no bytes of the tunnel.
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("discord: gateway proxy %s: %w", pu.Redacted(), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		c.Close()
		return nil, fmt.Errorf("discord: gateway proxy %s refused CONNECT %s: %s", pu.Redacted(), addr, resp.Status)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// watchedConn passes reads through and feeds them to a frame parser.
type watchedConn struct {
	net.Conn
	w *closeWatcher
	p frameParser
}

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		if code, ok := c.p.feed(b[:n]); ok {
			c.w.report(code)
		}
	}
	return n, err
}

// frameParser follows a websocket byte stream from the server: the HTTP response, then
// frames. It reports the status code of a close frame.
type frameParser struct {
	body    bool   // past the HTTP response headers
	tail    uint32 // last four header bytes, to find "\r\n\r\n"
	hdr     []byte // the frame header read so far
	left    uint64 // payload bytes still to skip in the current frame
	closing bool   // the current frame is a close frame
	code    []byte // the first payload bytes of a close frame
	mask    [4]byte
	masked  bool
}

// feed parses b and returns a close code when a close frame with one ended in b.
func (p *frameParser) feed(b []byte) (code int, ok bool) {
	for len(b) > 0 {
		if !p.body {
			p.tail = p.tail<<8 | uint32(b[0])
			b = b[1:]
			if p.tail == 0x0d0a0d0a {
				p.body = true
			}
			continue
		}
		if p.left > 0 {
			n := uint64(len(b))
			if n > p.left {
				n = p.left
			}
			if p.closing {
				for i := uint64(0); i < n && len(p.code) < 2; i++ {
					c := b[i]
					if p.masked {
						c ^= p.mask[len(p.code)%4]
					}
					p.code = append(p.code, c)
				}
			}
			b = b[n:]
			p.left -= n
			if p.left == 0 && p.closing && len(p.code) == 2 {
				code, ok = int(binary.BigEndian.Uint16(p.code)), true
			}
			continue
		}
		p.hdr = append(p.hdr, b[0])
		b = b[1:]
		if len(p.hdr) < 2 {
			continue
		}
		need := 2
		switch p.hdr[1] & 0x7f {
		case 126:
			need += 2
		case 127:
			need += 8
		}
		if p.hdr[1]&0x80 != 0 {
			need += 4
		}
		if len(p.hdr) < need {
			continue
		}
		var length uint64
		switch l := p.hdr[1] & 0x7f; l {
		case 126:
			length = uint64(binary.BigEndian.Uint16(p.hdr[2:4]))
		case 127:
			length = binary.BigEndian.Uint64(p.hdr[2:10])
		default:
			length = uint64(l)
		}
		p.masked = p.hdr[1]&0x80 != 0
		if p.masked {
			copy(p.mask[:], p.hdr[need-4:need])
		}
		p.closing = p.hdr[0]&0x0f == 0x8
		p.code = p.code[:0]
		p.left = length
		p.hdr = p.hdr[:0]
	}
	return code, ok
}
