package slack

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSlack is a Slack on loopback for the real slack-go client: the Web API methods
// the adapter calls, recording every call, and a Socket Mode websocket that sends
// envelopes and reads their acks.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	calls   []apiCall
	posts   []fakePost
	seq     int
	limited map[string]int           // method → how many 429 answers come first
	after   map[string]string        // method → Retry-After of its 429s (default "1")
	delay   map[string]time.Duration // method → how long it takes to answer
	fail    map[string]string        // method → error code it answers with ({"ok":false})
	users   map[string]fakeUser
	opens   int                         // apps.connections.open calls
	uploads fakeUploads                 // the file upload methods (files_test.go)
	history map[string][]map[string]any // channel → its messages, oldest first (backfill_test.go)

	wsMu      sync.Mutex
	ws        *websocket.Conn
	connected chan struct{} // one value per websocket connection
	acks      chan string
	env       int
}

type apiCall struct {
	Method string
	Form   url.Values
}

// fakePost is one message the bot posted.
type fakePost struct {
	Method    string // chat.postMessage or chat.postEphemeral
	Channel   string
	Thread    string
	TS        string
	To        string // ephemeral recipient
	Text      string
	Blocks    []fakeBlock
	LinkNames string
}

type fakeBlock struct {
	Type     string `json:"type"`
	BlockID  string `json:"block_id"`
	Text     *struct{ Type, Text string }
	Elements []struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
		Style    string `json:"style"`
		Text     struct{ Text string }
	} `json:"elements"`
}

type fakeUser struct{ Name, Display, Locale string }

const (
	fakeTeam    = "T1"
	fakeBotUser = "UBOT"
)

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, limited: map[string]int{}, users: map[string]fakeUser{},
		after: map[string]string{}, delay: map[string]time.Duration{}, fail: map[string]string{},
		connected: make(chan struct{}, 10), acks: make(chan string, 100), seq: 100}
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", f.serveWS)
	mux.HandleFunc("/", f.serveAPI)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.wsMu.Lock()
		if f.ws != nil {
			f.ws.Close()
		}
		f.wsMu.Unlock()
		f.srv.Close()
	})
	return f
}

// apiURL is what the adapter's Config.APIURL gets (the trailing slash matters).
func (f *fakeSlack) apiURL() string { return f.srv.URL + "/" }

func (f *fakeSlack) limit(method string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
}

// limitFor makes method answer 429 with Retry-After retryAfter (seconds) n times.
func (f *fakeSlack) limitFor(method string, n int, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limited[method] = n
	f.after[method] = retryAfter
}

// slow makes method take d to answer (or until the caller gives up).
func (f *fakeSlack) slow(method string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay[method] = d
}

// failWith makes method answer {"ok":false,"error":code}; "" undoes it.
func (f *fakeSlack) failWith(method, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = code
}

func (f *fakeSlack) addUser(id, display, locale string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = fakeUser{Name: strings.ToLower(id), Display: display, Locale: locale}
}

func (f *fakeSlack) nextTS() string {
	f.seq++
	return fmt.Sprintf("1700000000.%06d", f.seq)
}

func (f *fakeSlack) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/")
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	f.mu.Lock()
	f.calls = append(f.calls, apiCall{Method: method, Form: form})
	d := f.delay[method]
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.limited[method] > 0 {
		f.limited[method]--
		w.Header().Set("Retry-After", cmp.Or(f.after[method], "1"))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	if code := f.fail[method]; code != "" {
		reply(map[string]any{"ok": false, "error": code})
		return
	}
	switch method {
	case "auth.test":
		reply(map[string]any{"ok": true, "user_id": fakeBotUser, "bot_id": "BBOT", "team_id": fakeTeam, "user": "intervision", "team": "Test"})
	case "apps.connections.open":
		f.opens++
		reply(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	case "users.info":
		u, ok := f.users[form.Get("user")]
		if !ok {
			reply(map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		reply(map[string]any{"ok": true, "user": map[string]any{"id": form.Get("user"), "name": u.Name,
			"real_name": u.Display, "locale": u.Locale, "profile": map[string]any{"display_name": u.Display}}})
	case "conversations.open":
		users := strings.Split(form.Get("users"), ",")
		if len(users) != 1 || users[0] == "" {
			reply(map[string]any{"ok": false, "error": "invalid_users"})
			return
		}
		if _, ok := f.users[users[0]]; !ok {
			reply(map[string]any{"ok": false, "error": "user_not_found"})
			return
		}
		reply(map[string]any{"ok": true, "channel": map[string]any{"id": "D" + users[0]}})
	case "chat.postMessage", "chat.postEphemeral":
		p := fakePost{Method: method, Channel: form.Get("channel"), Thread: form.Get("thread_ts"),
			To: form.Get("user"), Text: form.Get("text"), LinkNames: form.Get("link_names"), TS: f.nextTS()}
		if b := form.Get("blocks"); b != "" {
			if err := json.Unmarshal([]byte(b), &p.Blocks); err != nil {
				f.t.Errorf("fake slack: blocks: %v", err)
			}
		}
		f.posts = append(f.posts, p)
		if method == "chat.postMessage" {
			f.addLocked(p.Channel, map[string]any{"type": "message", "user": fakeBotUser, "bot_id": "BBOT", "text": p.Text, "ts": p.TS}, p.Thread)
		}
		if method == "chat.postEphemeral" {
			reply(map[string]any{"ok": true, "message_ts": p.TS})
			return
		}
		reply(map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS})
	case "conversations.replies", "conversations.history":
		reply(f.listMessages(method, form))
	default:
		if f.serveFiles(w, r, method, form, body, reply) {
			return
		}
		reply(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) serveWS(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake slack: upgrade: %v", err)
		return
	}
	f.wsMu.Lock()
	f.ws = c
	err = c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
	f.wsMu.Unlock()
	if err != nil {
		return
	}
	f.connected <- struct{}{}
	for {
		var ack struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if err := c.ReadJSON(&ack); err != nil {
			return
		}
		f.acks <- ack.EnvelopeID
	}
}

// waitConnected waits for the next websocket connection.
func (f *fakeSlack) waitConnected() {
	f.t.Helper()
	select {
	case <-f.connected:
	case <-time.After(10 * time.Second):
		f.t.Fatal("fake slack: the adapter did not connect over Socket Mode")
	}
}

// drop closes the websocket, as a network failure would.
func (f *fakeSlack) drop() {
	f.wsMu.Lock()
	defer f.wsMu.Unlock()
	if f.ws != nil {
		_ = f.ws.Close()
		f.ws = nil
	}
}

// send delivers one Socket Mode envelope and waits for its ack. retry > 0 marks a
// redelivery, as Slack does when an ack came late.
func (f *fakeSlack) send(typ string, payload any, retry int, envelopeID string) {
	f.t.Helper()
	if envelopeID == "" {
		f.mu.Lock()
		f.env++
		envelopeID = fmt.Sprintf("env-%d", f.env)
		f.mu.Unlock()
	}
	msg := map[string]any{"type": typ, "envelope_id": envelopeID, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry}
	f.sendRaw(envelopeID, msg)
}

// sendRaw delivers msg, any JSON, as one Socket Mode message and waits for an ack of
// envelopeID.
func (f *fakeSlack) sendRaw(envelopeID string, msg any) {
	f.t.Helper()
	f.wsMu.Lock()
	var err error
	if f.ws == nil {
		err = fmt.Errorf("not connected")
	} else {
		err = f.ws.WriteJSON(msg)
	}
	f.wsMu.Unlock()
	if err != nil {
		f.t.Fatalf("fake slack: send envelope: %v", err)
	}
	deadline := time.After(3 * time.Second) // Slack's own limit for an ack
	for {
		select {
		case id := <-f.acks:
			if id == envelopeID {
				return
			}
		case <-deadline:
			f.t.Fatalf("fake slack: no ack for %s within 3 s", envelopeID)
		}
	}
}

func (f *fakeSlack) allPosts() []fakePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakePost(nil), f.posts...)
}

func (f *fakeSlack) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.Method == method {
			n++
		}
	}
	return n
}

// button finds the newest message visible to user that offers a button with command,
// and returns what Slack would send when it is clicked.
func (f *fakeSlack) button(user, command string) (post fakePost, actionID string) {
	f.t.Helper()
	return f.buttonIn(user, "", command)
}

// buttonIn is button limited to one session thread (its opening message included);
// thread "" means anywhere.
func (f *fakeSlack) buttonIn(user, thread, command string) (post fakePost, actionID string) {
	f.t.Helper()
	posts := f.allPosts()
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		if (p.Method == "chat.postEphemeral" && p.To != user) || (thread != "" && p.Thread != thread && p.TS != thread) {
			continue
		}
		for _, b := range p.Blocks {
			for _, e := range b.Elements {
				if e.Type == "button" && (e.Value == command || strings.HasPrefix(e.Value, command+" ")) {
					return p, e.ActionID
				}
			}
		}
	}
	f.t.Fatalf("fake slack: no %q button for %s", command, user)
	return fakePost{}, ""
}

// Payload builders, in the shapes Slack sends.

func slashPayload(user, channel, text, trigger string) map[string]any {
	return map[string]any{"command": Command, "text": text, "team_id": fakeTeam, "channel_id": channel,
		"channel_name": "intervision", "user_id": user, "user_name": strings.ToLower(user), "trigger_id": trigger,
		"api_app_id": "A1", "response_url": "http://127.0.0.1/unused"}
}

func eventPayload(eventID string, inner map[string]any) map[string]any {
	return map[string]any{"token": "tok", "team_id": fakeTeam, "api_app_id": "A1", "type": "event_callback",
		"event_id": eventID, "event_time": 1700000000, "event": inner}
}

func messageEvent(user, channel, thread, ts, text string) map[string]any {
	ct := "channel"
	if strings.HasPrefix(channel, "D") {
		ct = "im"
	}
	m := map[string]any{"type": "message", "user": user, "text": text, "ts": ts, "channel": channel, "channel_type": ct}
	if thread != "" {
		m["thread_ts"] = thread
	}
	return m
}

func mentionEvent(user, channel, thread, ts, text string) map[string]any {
	m := map[string]any{"type": "app_mention", "user": user, "text": "<@" + fakeBotUser + "> " + text, "ts": ts, "channel": channel}
	if thread != "" {
		m["thread_ts"] = thread
	}
	return m
}

// clickPayload is the block_actions payload of a click on the button actionID in p.
func clickPayload(user string, p fakePost, actionID, value, trigger string) map[string]any {
	container := map[string]any{"type": "message", "message_ts": p.TS, "channel_id": p.Channel,
		"is_ephemeral": p.Method == "chat.postEphemeral"}
	msg := map[string]any{"type": "message", "ts": p.TS, "text": p.Text}
	if p.Thread != "" {
		container["thread_ts"] = p.Thread
		msg["thread_ts"] = p.Thread
	}
	return map[string]any{"type": "block_actions", "team": map[string]any{"id": fakeTeam},
		"user":    map[string]any{"id": user, "name": strings.ToLower(user), "team_id": fakeTeam},
		"channel": map[string]any{"id": p.Channel}, "trigger_id": trigger, "api_app_id": "A1",
		"container": container, "message": msg,
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": "intervision-actions",
			"value": value, "action_ts": "1700000001.000001"}}}
}

// hasButton reports whether the newest message in thread visible to user that offers
// buttons offers one with command.
func (f *fakeSlack) hasButton(user, thread, command string) bool {
	posts := f.allPosts()
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		if (p.Method == "chat.postEphemeral" && p.To != user) || (p.Thread != thread && p.TS != thread) {
			continue
		}
		for _, b := range p.Blocks {
			for _, e := range b.Elements {
				if e.Type == "button" && e.Value == command {
					return true
				}
			}
		}
	}
	return false
}

// fakePage is how many messages the fake gives per page of conversations.replies and
// conversations.history, whatever the limit: what Slack allows apps outside the
// Marketplace (15), so that paging is exercised.
const fakePage = 15

// addMessage adds a message to a channel's history (a thread reply when thread is
// set), as Slack keeps it whether or not its event reached the bot.
func (f *fakeSlack) addMessage(channel, thread, user, ts, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addLocked(channel, map[string]any{"type": "message", "user": user, "text": text, "ts": ts}, thread)
}

// addLocked adds m to channel's history (f.mu held), as a reply in thread when set:
// with thread_ts and the parent's author as parent_user_id.
func (f *fakeSlack) addLocked(channel string, m map[string]any, thread string) {
	if f.history == nil {
		f.history = map[string][]map[string]any{}
	}
	if thread != "" {
		m["thread_ts"] = thread
		for _, p := range f.history[channel] {
			if p["ts"] == thread {
				m["parent_user_id"] = p["user"]
			}
		}
	}
	f.history[channel] = append(f.history[channel], m)
}

// listMessages answers conversations.replies (the thread's parent first, then its
// replies after oldest) or conversations.history (top-level messages after oldest,
// newest first), fakePage at a time; the cursor is the offset of the next page.
func (f *fakeSlack) listMessages(method string, form url.Values) map[string]any {
	channel, thread, oldest := form.Get("channel"), form.Get("ts"), form.Get("oldest")
	var all []map[string]any
	for _, m := range f.history[channel] {
		ts, _ := m["ts"].(string)
		th, _ := m["thread_ts"].(string)
		switch {
		case method == "conversations.replies" && ts == thread:
			all = append([]map[string]any{m}, all...)
		case method == "conversations.replies" && th == thread && ts > oldest:
			all = append(all, m)
		case method == "conversations.history" && (th == "" || th == ts) && ts > oldest:
			all = append([]map[string]any{m}, all...)
		}
	}
	start := 0
	fmt.Sscan(form.Get("cursor"), &start)
	end := min(start+fakePage, len(all))
	out := map[string]any{"ok": true, "messages": all[min(start, end):end], "has_more": end < len(all)}
	if end < len(all) {
		out["response_metadata"] = map[string]any{"next_cursor": fmt.Sprint(end)}
	}
	return out
}
