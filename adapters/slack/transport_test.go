package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

func TestRetriedEventAppliedOnce(t *testing.T) {
	h := start(t, newEngine(), "")
	const dm = "D7"
	if out := h.say("UDAN", dm, "", "start wsn solo"); out.Phase == "" {
		t.Fatalf("solo session did not start: %+v", out)
	}
	before := len(h.fake.allPosts())
	// Slack redelivers an event it thinks was not acked: same event_id, retry_attempt 1, 2.
	payload := eventPayload("EvRetry", messageEvent("UDAN", dm, "", "1700002000.000001", soloAnswer(1)))
	for retry := range 3 {
		h.fake.send("events_api", payload, retry, "")
	}
	applied, dup := 0, 0
	for n := 1; n <= 3; n++ {
		if r := h.waitN("EvRetry", n); r.out.Duplicate {
			dup++
		} else {
			applied++
		}
	}
	if applied != 1 || dup != 2 {
		t.Errorf("event delivered 3 times: applied %d, duplicate %d; want 1 and 2", applied, dup)
	}
	if got := len(h.fake.allPosts()) - before; got != 1 {
		t.Errorf("the turn was answered %d times, want once", got)
	}

	// A redelivered "@bot start" at a channel's top level opens one thread, not two.
	start := eventPayload("EvStart", mentionEvent("UALICE", "C9", "", "1700002000.000002", "start incident en"))
	h.fake.send("events_api", start, 0, "")
	h.wait("EvStart")
	h.fake.send("events_api", start, 1, "")
	h.waitN("EvStart", 2)
	openers := 0
	for _, p := range h.fake.allPosts() {
		if p.Channel == "C9" && p.Thread == "" {
			openers++
		}
	}
	if openers != 1 {
		t.Errorf("redelivered start opened %d threads, want 1", openers)
	}
}

func TestRateLimitedPostRetried(t *testing.T) {
	h := start(t, newEngine(), "")
	h.fake.limit("chat.postMessage", 1)
	began := time.Now()
	h.say("UDAN", "D8", "", "help")
	posts := h.fake.allPosts()
	if len(posts) != 1 || posts[0].Channel != "D8" {
		t.Fatalf("posts after a 429: %+v", posts)
	}
	if n := h.fake.callCount("chat.postMessage"); n != 2 {
		t.Errorf("chat.postMessage called %d times, want 2 (429, then the retry)", n)
	}
	if n := h.a.RateLimitWaits(); n != 1 {
		t.Errorf("RateLimitWaits = %d, want 1", n)
	}
	if d := time.Since(began); d < time.Second {
		t.Errorf("retried after %v, before Retry-After: 1", d)
	}
}

func TestChannelPingEchoedHarmlessly(t *testing.T) {
	h := start(t, newEngine(), "")
	h.fake.addUser("UEVE", "<!here> Eve <@UBOB>", "nl-NL")
	out, thread := h.slash("UALICE", "C2", "start incident en")
	if out.Phase != "lobby" {
		t.Fatalf("start: %+v", out)
	}
	// A name with a ping in it is echoed by "joined".
	r := h.mention("UEVE", "C2", thread, "join")
	if r.ev.Lang != "nl" || r.ev.User.Name != "<!here> Eve <@UBOB>" {
		t.Errorf("user from users.info: name %q lang %q", r.ev.User.Name, r.ev.Lang)
	}
	// An unknown command echoes what was typed.
	h.slash("UALICE", "C2", "<!channel> <!everyone> <@UBOB> &lt;b&gt; <https://evil.example|click>")
	// A turn that mentions the bot is quoted in the summary later; it must not ping.
	h.say("UALICE", "C2", thread, "<!channel> <@"+fakeBotUser+"> <@UBOB> &lt;b&gt; <https://evil.example|click>")
	posts := h.fake.allPosts()
	assertInert(t, posts)
	var sawName, sawEcho bool
	for _, p := range posts {
		sawName = sawName || strings.Contains(p.Text, "Eve")
		sawEcho = sawEcho || (p.To == "UALICE" && strings.Contains(p.Text, "channel"))
	}
	if !sawName || !sawEcho {
		t.Errorf("echoes not found (name %v, command %v) in %+v", sawName, sawEcho, posts)
	}
}

// blockingHandler holds every event until released.
type blockingHandler struct {
	release chan struct{}
	mu      sync.Mutex
	order   []string
}

func (b *blockingHandler) Handle(ctx context.Context, ev bot.Event) (bot.Outcome, error) {
	<-b.release
	b.mu.Lock()
	b.order = append(b.order, ev.Text)
	b.mu.Unlock()
	return bot.Outcome{Phase: "x"}, nil
}

func TestAckBeforeWorkAndOrderPerThread(t *testing.T) {
	b := &blockingHandler{release: make(chan struct{})}
	h := start(t, b, "")
	// The handler blocks, yet every envelope is acked within Slack's 3 s (send checks).
	var ids []string
	for i := range 5 {
		id := fmt.Sprintf("EvOrder%d", i)
		ids = append(ids, id)
		h.fake.send("events_api", eventPayload(id, messageEvent("UBOB", "C3", "1700000000.000001",
			fmt.Sprintf("1700003000.%06d", i), fmt.Sprint("turn ", i))), 0, "")
	}
	close(b.release)
	for _, id := range ids {
		h.wait(id)
	}
	want := []string{"turn 0", "turn 1", "turn 2", "turn 3", "turn 4"}
	if fmt.Sprint(b.order) != fmt.Sprint(want) {
		t.Errorf("turns of one thread handled in order %v, want %v", b.order, want)
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	h := start(t, newEngine(), "")
	opens := func() int { h.fake.mu.Lock(); defer h.fake.mu.Unlock(); return h.fake.opens }
	before := opens()
	h.fake.drop()
	h.fake.waitConnected()
	if after := opens(); after <= before {
		t.Errorf("apps.connections.open called %d times before the drop and %d after, want a new connection", before, after)
	}
	if out := h.say("UDAN", "D9", "", "start wsn solo"); out.Phase == "" {
		t.Errorf("no session after reconnecting: %+v", out)
	}
}

// signed builds a request to the HTTP Events API signed with secret at ts.
func signed(t *testing.T, addr, path, secret string, ts time.Time, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:%s", stamp, body)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	if strings.HasPrefix(body, "{") {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHTTPEventsAPI(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	h := start(t, newEngine(), secret)
	now := time.Now()
	jsonBody := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	event := jsonBody(eventPayload("EvHTTP1", messageEvent("UDAN", "D5", "", "1700004000.000001", "start wsn solo")))
	slash := url.Values{"command": {Command}, "text": {"start incident en"}, "team_id": {fakeTeam},
		"channel_id": {"C5"}, "user_id": {"UALICE"}, "user_name": {"alice"}, "trigger_id": {"trigHTTP"}}.Encode()
	challenge := `{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`

	forged := signed(t, h.addr, PathEvents, "wrong-secret", now, event)
	stale := signed(t, h.addr, PathEvents, secret, now.Add(-10*time.Minute), event)
	unsigned := signed(t, h.addr, PathEvents, secret, now, event)
	unsigned.Header.Del("X-Slack-Signature")
	tampered := signed(t, h.addr, PathEvents, secret, now, strings.Replace(event, "start wsn solo", "end", 1))
	tampered.Header = signed(t, h.addr, PathEvents, secret, now, event).Header // signature of the original
	good := signed(t, h.addr, PathEvents, secret, now, event)
	replay := signed(t, h.addr, PathEvents, secret, now, event) // the same bytes again
	// Slack's own retry is signed anew (new timestamp) and carries X-Slack-Retry-Num.
	retried := signed(t, h.addr, PathEvents, secret, now.Add(2*time.Second), event)
	retried.Header.Set("X-Slack-Retry-Num", "1")

	tests := []struct {
		name     string
		req      *http.Request
		status   int
		body     string
		handled  string // event id that must be handled
		dupCount int    // handled results so far for that id
	}{
		{"url verification", signed(t, h.addr, PathEvents, secret, now, challenge), 200, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "", 0},
		{"forged signature", forged, 401, "", "", 0},
		{"stale timestamp", stale, 401, "", "", 0},
		{"no signature", unsigned, 401, "", "", 0},
		{"tampered body", tampered, 401, "", "", 0},
		{"valid event", good, 200, "", "EvHTTP1", 1},
		{"replayed request", replay, 401, "", "", 0},
		{"slack retry", retried, 200, "", "EvHTTP1", 2},
		{"slash command", signed(t, h.addr, PathCommands, secret, now, slash), 200, "", "slash:trigHTTP/open", 1},
		{"wrong method", func() *http.Request {
			r := signed(t, h.addr, PathEvents, secret, now, event)
			r.Method = http.MethodGet
			return r
		}(), 405, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, tt.req)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%s)", status, tt.status, body)
			}
			if tt.body != "" && body != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			if tt.handled != "" {
				h.waitN(tt.handled, tt.dupCount)
			}
		})
	}
	// The event applied once though it was accepted twice.
	if r := h.waitN("EvHTTP1", 2); !r.out.Duplicate {
		t.Errorf("Slack's retry over HTTP was applied again: %+v", r.out)
	}
	// Nothing the rejected requests carried reached the engine.
	h.mu.Lock()
	n := len(h.results)
	h.mu.Unlock()
	if n != 4 { // EvHTTP1 (also under its message id), slash:trigHTTP, slash:trigHTTP/open
		t.Errorf("%d events handled, want 4", n)
	}

	// Clicking "join" on the opening message over HTTP joins the session in its thread.
	p, action := h.fake.button("UBOB", "join")
	form := url.Values{"payload": {jsonBody(clickPayload("UBOB", p, action, "join", "trigClick"))}}.Encode()
	if status, body := do(t, signed(t, h.addr, PathInteractions, secret, now, form)); status != 200 {
		t.Fatalf("interaction: %d %s", status, body)
	}
	if r := h.wait("action:trigClick:" + action); r.ev.Conv.Thread == "" || r.out.Phase != "lobby" {
		t.Errorf("click over HTTP: conv %+v phase %q", r.ev.Conv, r.out.Phase)
	}
	assertInert(t, h.fake.allPosts())
}
