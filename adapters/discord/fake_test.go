package discord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeDiscord is Discord on loopback: the REST endpoints the adapter uses and a gateway
// that says HELLO, accepts IDENTIFY and RESUME, sends READY and dispatches events with
// increasing sequence numbers to every connected session. It records every REST call
// and every message the bot sends.
type fakeDiscord struct {
	t     *testing.T
	srv   *httptest.Server
	botID string
	appID string
	token string

	mu           sync.Mutex
	next         int64
	channels     map[string]map[string]any // id → channel JSON
	sent         []sent
	calls        []call
	acks         map[string][]ack // interaction id → callbacks
	tokens       map[string]*ixn  // interaction token → interaction
	commands     map[string][]map[string]any
	limits       map[string]int // "METHOD path" → 429 answers still to give
	sessions     []*gwSession
	identifies   int
	resumes      int
	disallow     bool // close with 4014 on IDENTIFY asking for message content
	closeOnReady int  // close code sent right after READY (0: none)
	lastIdentify map[string]any
	noDMs        map[string]bool             // users who accept no DMs from the bot
	users        map[string]map[string]any   // user id → user JSON (GET /users/{id})
	members      map[string]map[string]any   // "guild/user" → member JSON (GET /guilds/{g}/members/{u})
	files        fakeFiles                   // the files of multipart calls (files_test.go)
	dmDelay      time.Duration               // how long a message to a DM channel takes (shutdown_test.go)
	history      map[string][]map[string]any // channel id → every message created there, oldest first (backfill_test.go)
	gatewayDown  bool                        // refuse gateway connections, as during an outage
}

// sent is one message the bot created or filled.
type sent struct {
	Kind        string // "message", "original", "followup"
	Channel     string
	ID          string
	Content     string
	Ephemeral   bool
	Buttons     []string // custom ids
	Labels      []string
	Mentions    string // allowed_mentions as JSON; "" when absent
	Interaction string
	Files       []sentFile // attachments (multipart files[n])
}

type call struct {
	Method, Path string
	Query        string
	At           time.Time
	Status       int
}

type ack struct {
	Type      int
	Ephemeral bool
	Status    int
}

type ixn struct {
	id, channel, guild string
	ephemeral          bool   // the deferred response is private
	original           string // message id of the response once filled
}

type gwSession struct {
	id   string
	seq  int64
	log  [][]byte
	conn *websocket.Conn
	wmu  sync.Mutex
}

func newFakeDiscord(t *testing.T) *fakeDiscord {
	f := &fakeDiscord{
		t: t, botID: "9000", appID: "9001", token: "Bot test-token", next: 1000,
		channels: map[string]map[string]any{}, acks: map[string][]ack{}, tokens: map[string]*ixn{},
		commands: map[string][]map[string]any{}, limits: map[string]int{}, noDMs: map[string]bool{},
		users: map[string]map[string]any{}, members: map[string]map[string]any{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v9/", f.rest)
	mux.HandleFunc("/gateway/", f.gateway)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.drop()
		f.srv.Close()
	})
	return f
}

// id returns a fresh snowflake-like id.
func (f *fakeDiscord) id() string {
	f.next++
	return fmt.Sprint(f.next)
}

// addChannel adds a guild text channel or a DM channel.
func (f *fakeDiscord) addChannel(id, guild string, typ int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := map[string]any{"id": id, "type": typ}
	if guild != "" {
		c["guild_id"] = guild
	}
	f.channels[id] = c
}

// addThread adds a thread somebody else opened.
func (f *fakeDiscord) addThread(id, guild, parent, owner string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[id] = map[string]any{"id": id, "type": 11, "guild_id": guild, "parent_id": parent, "owner_id": owner}
}

// addUser makes a user known to GET /users/{id} and, with a guild, a member of it
// (with a nickname when nick is set).
func (f *fakeDiscord) addUser(user map[string]any, guild, nick string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprint(user["id"])
	f.users[id] = user
	if guild != "" {
		m := map[string]any{"user": user, "roles": []string{}, "joined_at": time.Now().UTC().Format(time.RFC3339)}
		if nick != "" {
			m["nick"] = nick
		}
		f.members[guild+"/"+id] = m
	}
}

// rateLimit makes the next n calls of method on path answer 429.
func (f *fakeDiscord) rateLimit(method, path string, n int) {
	f.mu.Lock()
	f.limits[method+" "+path] = n
	f.mu.Unlock()
}

func (f *fakeDiscord) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// reply writes v as JSON with status and returns status.
func (f *fakeDiscord) reply(w http.ResponseWriter, status int, v any) int {
	f.writeJSON(w, status, v)
	return status
}

func (f *fakeDiscord) rest(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Authorization") != f.token && path != "/gateway" { // GET /gateway needs no token
		f.writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	f.mu.Lock()
	d := f.dmDelay
	f.mu.Unlock()
	if d > 0 && r.Method == http.MethodPost && strings.HasPrefix(path, "/channels/dm-") {
		time.Sleep(d)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	body, status := f.multipart(w, r, path, body)
	if status == 0 {
		status = f.route(w, r.Method, path, r.URL.Query(), body)
	}
	f.calls = append(f.calls, call{Method: r.Method, Path: path, Query: r.URL.RawQuery, At: time.Now(), Status: status})
}

// restReq is one REST call as the fake's handlers see it: path without /api/v9, its
// segments, and the body decoded as a JSON object (nil when it is not one).
type restReq struct {
	method, path string
	p            []string
	in           map[string]any
	body         []byte
	query        map[string][]string
}

// restRoute sends the calls of one method whose path matches to handle. The webhook
// route takes any method and dispatches on it itself.
type restRoute struct {
	method string // "" for any
	match  func(r restReq) bool
	handle func(f *fakeDiscord, w http.ResponseWriter, r restReq) int
}

// restRoutes are tried in order; the first match answers.
var restRoutes = []restRoute{
	{"GET", func(r restReq) bool { return r.path == "/gateway" }, (*fakeDiscord).getGateway},
	{"PUT", func(r restReq) bool {
		return len(r.p) >= 3 && r.p[0] == "applications" && r.p[len(r.p)-1] == "commands"
	}, (*fakeDiscord).putCommands},
	{"GET", func(r restReq) bool { return len(r.p) == 2 && r.p[0] == "channels" }, inChannel((*fakeDiscord).getChannel)},
	{"POST", func(r restReq) bool { return len(r.p) == 3 && r.p[0] == "channels" && r.p[2] == "messages" }, inChannel((*fakeDiscord).postMessage)},
	{"GET", func(r restReq) bool { return len(r.p) == 3 && r.p[0] == "channels" && r.p[2] == "messages" }, inChannel((*fakeDiscord).getMessages)},
	{"POST", func(r restReq) bool {
		return len(r.p) == 5 && r.p[0] == "channels" && r.p[2] == "messages" && r.p[4] == "threads"
	}, inChannel((*fakeDiscord).postThread)},
	{"POST", func(r restReq) bool { return r.path == "/users/@me/channels" }, (*fakeDiscord).postDM},
	{"GET", func(r restReq) bool { return len(r.p) == 2 && r.p[0] == "users" }, (*fakeDiscord).getUser},
	{"GET", func(r restReq) bool { return len(r.p) == 4 && r.p[0] == "guilds" && r.p[2] == "members" }, (*fakeDiscord).getMember},
	{"POST", func(r restReq) bool { return len(r.p) == 4 && r.p[0] == "interactions" && r.p[3] == "callback" }, (*fakeDiscord).postCallback},
	{"", func(r restReq) bool { return len(r.p) >= 3 && r.p[0] == "webhooks" }, (*fakeDiscord).webhook},
}

// route answers one REST call with f.mu held and returns the status it wrote.
func (f *fakeDiscord) route(w http.ResponseWriter, method, path string, q map[string][]string, body []byte) int {
	if f.rateLimited(w, method, path) {
		return 429
	}
	r := restReq{method: method, path: path, p: strings.Split(strings.Trim(path, "/"), "/"), body: body, query: q}
	_ = json.Unmarshal(body, &r.in)
	for _, rt := range restRoutes {
		if (rt.method == "" || rt.method == method) && rt.match(r) {
			return rt.handle(f, w, r)
		}
	}
	return f.unexpected(w, r)
}

// rateLimited answers 429 when a limit set by rateLimit is left for method and path.
func (f *fakeDiscord) rateLimited(w http.ResponseWriter, method, path string) bool {
	n := f.limits[method+" "+path]
	if n <= 0 {
		return false
	}
	f.limits[method+" "+path] = n - 1
	h := w.Header()
	h.Set("Retry-After", "1")
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", "0.300")
	h.Set("X-RateLimit-Bucket", "fake-bucket")
	h.Set("X-RateLimit-Scope", "user")
	f.writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": 0.3, "global": false})
	return true
}

// unexpected fails the test for a call the fake does not know.
func (f *fakeDiscord) unexpected(w http.ResponseWriter, r restReq) int {
	f.t.Errorf("fake discord: unexpected %s %s", r.method, r.path)
	return f.reply(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
}

// inChannel answers a call on /channels/{channel}/... with Unknown Channel unless the
// channel exists, and otherwise hands it to h with the channel.
func inChannel(h func(f *fakeDiscord, w http.ResponseWriter, r restReq, c map[string]any) int) func(*fakeDiscord, http.ResponseWriter, restReq) int {
	return func(f *fakeDiscord, w http.ResponseWriter, r restReq) int {
		c, ok := f.channels[r.p[1]]
		if !ok {
			return f.reply(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
		}
		return h(f, w, r, c)
	}
}

// GET /gateway
func (f *fakeDiscord) getGateway(w http.ResponseWriter, _ restReq) int {
	return f.reply(w, 200, map[string]any{"url": "ws://" + f.srv.Listener.Addr().String() + "/gateway"})
}

// PUT /applications/{app}[/guilds/{guild}]/commands
func (f *fakeDiscord) putCommands(w http.ResponseWriter, r restReq) int {
	var cmds []map[string]any
	_ = json.Unmarshal(r.body, &cmds)
	f.commands[r.path] = cmds
	return f.reply(w, 200, cmds)
}

// GET /channels/{channel}
func (f *fakeDiscord) getChannel(w http.ResponseWriter, _ restReq, c map[string]any) int {
	return f.reply(w, 200, c)
}

// POST /channels/{channel}/messages
func (f *fakeDiscord) postMessage(w http.ResponseWriter, r restReq, c map[string]any) int {
	if user := strings.TrimPrefix(r.p[1], "dm-"); user != r.p[1] && f.noDMs[user] {
		return f.reply(w, 403, map[string]any{"message": "Cannot send messages to this user", "code": 50007})
	}
	m := f.record("message", r.p[1], "", r.in)
	guild, _ := c["guild_id"].(string)
	msg := f.botMessage(m, guild)
	f.dispatchLocked("MESSAGE_CREATE", msg) // Discord echoes the bot's own messages
	return f.reply(w, 200, msg)
}

// POST /channels/{channel}/messages/{message}/threads
func (f *fakeDiscord) postThread(w http.ResponseWriter, r restReq, parent map[string]any) int {
	id := f.id()
	th := map[string]any{"id": id, "type": 11, "guild_id": parent["guild_id"], "parent_id": r.p[1],
		"owner_id": f.botID, "name": r.in["name"], "thread_metadata": map[string]any{"auto_archive_duration": r.in["auto_archive_duration"]}}
	f.channels[id] = th
	f.dispatchLocked("THREAD_CREATE", th)
	return f.reply(w, 201, th)
}

// POST /users/@me/channels
func (f *fakeDiscord) postDM(w http.ResponseWriter, r restReq) int {
	user, _ := r.in["recipient_id"].(string)
	id := "dm-" + user
	f.channels[id] = map[string]any{"id": id, "type": 1, "recipients": []map[string]any{{"id": user}}}
	return f.reply(w, 200, f.channels[id])
}

// POST /interactions/{interaction}/{token}/callback
func (f *fakeDiscord) postCallback(w http.ResponseWriter, r restReq) int {
	typ, _ := r.in["type"].(float64)
	flags := 0.0
	if d, ok := r.in["data"].(map[string]any); ok {
		flags, _ = d["flags"].(float64)
	}
	a := ack{Type: int(typ), Ephemeral: int(flags)&64 != 0, Status: 204}
	if len(f.acks[r.p[1]]) > 0 {
		a.Status = 400
	}
	f.acks[r.p[1]] = append(f.acks[r.p[1]], a)
	if a.Status == 400 {
		return f.reply(w, 400, map[string]any{"message": "Interaction has already been acknowledged.", "code": 40060})
	}
	if it := f.tokens[r.p[2]]; it != nil {
		it.ephemeral = a.Ephemeral
	}
	w.WriteHeader(204)
	return 204
}

// /webhooks/{app}/{token}/...: the interaction's responses, known once it is acknowledged.
func (f *fakeDiscord) webhook(w http.ResponseWriter, r restReq) int {
	it := f.tokens[r.p[2]]
	if it == nil || len(f.acks[it.id]) == 0 {
		return f.reply(w, 404, map[string]any{"message": "Unknown interaction", "code": 10062})
	}
	original := len(r.p) == 5 && r.p[4] == "@original"
	switch {
	case r.method == "PATCH" && original:
		return f.patchOriginal(w, it, r)
	case r.method == "DELETE" && original:
		w.WriteHeader(204)
		return 204
	case r.method == "POST" && len(r.p) == 3:
		return f.postFollowup(w, it, r)
	}
	return f.unexpected(w, r)
}

// PATCH /webhooks/{app}/{token}/messages/@original
func (f *fakeDiscord) patchOriginal(w http.ResponseWriter, it *ixn, r restReq) int {
	m := f.record("original", it.channel, it.id, r.in)
	m.Ephemeral = it.ephemeral
	if it.original == "" {
		it.original = m.ID
	} else {
		m.ID = it.original
	}
	f.sent[len(f.sent)-1] = m
	return f.reply(w, 200, f.botMessage(m, it.guild))
}

// POST /webhooks/{app}/{token}
func (f *fakeDiscord) postFollowup(w http.ResponseWriter, it *ixn, r restReq) int {
	m := f.record("followup", it.channel, it.id, r.in)
	msg := f.botMessage(m, it.guild)
	if !m.Ephemeral {
		f.dispatchLocked("MESSAGE_CREATE", msg)
	}
	return f.reply(w, 200, msg)
}

// record stores a message the bot sends, with f.mu held.
func (f *fakeDiscord) record(kind, channel, interaction string, in map[string]any) sent {
	m := sent{Kind: kind, Channel: channel, ID: f.id(), Interaction: interaction, Files: f.takeFiles()}
	m.Content, _ = in["content"].(string)
	if flags, ok := in["flags"].(float64); ok && int(flags)&64 != 0 {
		m.Ephemeral = true
	}
	if am, ok := in["allowed_mentions"]; ok {
		b, _ := json.Marshal(am)
		m.Mentions = string(b)
	}
	rows, _ := in["components"].([]any)
	for _, row := range rows {
		cs, _ := row.(map[string]any)["components"].([]any)
		for _, c := range cs {
			b := c.(map[string]any)
			m.Buttons = append(m.Buttons, fmt.Sprint(b["custom_id"]))
			m.Labels = append(m.Labels, fmt.Sprint(b["label"]))
		}
	}
	f.sent = append(f.sent, m)
	return m
}

func (f *fakeDiscord) botMessage(m sent, guild string) map[string]any {
	msg := map[string]any{"id": m.ID, "channel_id": m.Channel, "content": m.Content, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339),
		"author":    map[string]any{"id": f.botID, "username": "intervision", "bot": true}}
	if guild != "" {
		msg["guild_id"] = guild
	}
	if m.Interaction != "" {
		msg["webhook_id"] = f.appID
	}
	return msg
}

// gateway serves one websocket connection.
func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	down := f.gatewayDown
	f.mu.Unlock()
	if down {
		http.Error(w, "gateway unavailable", http.StatusServiceUnavailable)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("fake gateway: upgrade: %v", err)
		return
	}
	var s *gwSession
	wmu := &sync.Mutex{}
	write := func(v any) {
		wmu.Lock()
		defer wmu.Unlock()
		_ = conn.WriteJSON(v)
	}
	write(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
	for {
		var in struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := conn.ReadJSON(&in); err != nil {
			return
		}
		switch in.Op {
		case 1:
			write(map[string]any{"op": 11})
		case 2:
			var id map[string]any
			_ = json.Unmarshal(in.D, &id)
			f.mu.Lock()
			f.identifies++
			f.lastIdentify = id
			intents, _ := id["intents"].(float64)
			if id["token"] != f.token {
				f.mu.Unlock()
				closeWith(conn, wmu, 4004, "Authentication failed.")
				return
			}
			if f.disallow && int(intents)&(1<<15) != 0 {
				f.mu.Unlock()
				closeWith(conn, wmu, 4014, "Disallowed intent(s).")
				return
			}
			s = &gwSession{id: fmt.Sprintf("session-%d", f.identifies), conn: conn}
			f.sessions = append(f.sessions, s)
			ready := map[string]any{"v": 9, "session_id": s.id,
				"user":               map[string]any{"id": f.botID, "username": "intervision", "bot": true},
				"application":        map[string]any{"id": f.appID, "flags": 0},
				"guilds":             []any{},
				"resume_gateway_url": "ws://" + f.srv.Listener.Addr().String() + "/gateway"}
			wmu = &s.wmu // from now on the connection's writes go through the session
			f.sendLocked(s, "READY", ready)
			code := f.closeOnReady
			f.mu.Unlock()
			if code != 0 {
				closeWith(conn, wmu, code, "closed by test")
				return
			}
		case 6:
			var res struct {
				SessionID string `json:"session_id"`
				Seq       int64  `json:"seq"`
			}
			_ = json.Unmarshal(in.D, &res)
			f.mu.Lock()
			s = nil
			for _, c := range f.sessions {
				if c.id == res.SessionID {
					s = c
				}
			}
			if s == nil {
				f.mu.Unlock()
				write(map[string]any{"op": 9, "d": false})
				continue
			}
			f.resumes++
			s.conn = conn
			wmu = &s.wmu
			f.sendLocked(s, "RESUMED", map[string]any{})
			for _, frame := range s.log {
				var fr struct {
					S int64 `json:"s"`
				}
				_ = json.Unmarshal(frame, &fr)
				if fr.S > res.Seq && fr.S < s.seq {
					s.wmu.Lock()
					_ = conn.WriteMessage(websocket.TextMessage, frame)
					s.wmu.Unlock()
				}
			}
			f.mu.Unlock()
		}
	}
}

func closeWith(conn *websocket.Conn, wmu *sync.Mutex, code int, text string) {
	wmu.Lock()
	_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
	wmu.Unlock()
	time.Sleep(20 * time.Millisecond)
	_ = conn.Close()
}

// sendLocked sends one dispatch to a session (f.mu held), logging it for replay.
func (f *fakeDiscord) sendLocked(s *gwSession, typ string, d any) {
	s.seq++
	frame, _ := json.Marshal(map[string]any{"op": 0, "t": typ, "s": s.seq, "d": d})
	s.log = append(s.log, frame)
	if s.conn != nil {
		s.wmu.Lock()
		_ = s.conn.WriteMessage(websocket.TextMessage, frame)
		s.wmu.Unlock()
	}
}

// dispatchLocked sends an event to every gateway session (f.mu held): every session on
// a shard receives every event, as on Discord.
func (f *fakeDiscord) dispatchLocked(typ string, d any) {
	if m, ok := d.(map[string]any); ok && typ == "MESSAGE_CREATE" {
		f.remember(m)
	}
	for _, s := range f.sessions {
		f.sendLocked(s, typ, d)
	}
}

func (f *fakeDiscord) dispatch(typ string, d any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dispatchLocked(typ, d)
}

// drop cuts every gateway connection without a close frame, as a network failure would.
// Events dispatched meanwhile are kept and replayed on RESUME.
func (f *fakeDiscord) drop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sessions {
		if s.conn != nil {
			_ = s.conn.NetConn().Close()
			s.conn = nil
		}
	}
}

// messages returns a copy of what the bot sent.
func (f *fakeDiscord) messages() []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sent(nil), f.sent...)
}

func (f *fakeDiscord) restCalls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func (f *fakeDiscord) acksOf(id string) []ack {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ack(nil), f.acks[id]...)
}

func (f *fakeDiscord) counts() (identifies, resumes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.identifies, f.resumes
}

// toFake sends every request to the fake: scheme, host and Host header are rewritten,
// the path (/api/v9/...) is kept.
type toFake struct{ host string }

func (t toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = "http"
	r2.URL.Host = t.host
	r2.Host = t.host
	return http.DefaultTransport.RoundTrip(r2)
}

func (f *fakeDiscord) client() *http.Client {
	return &http.Client{Transport: toFake{host: f.srv.Listener.Addr().String()}, Timeout: 10 * time.Second}
}

// getUser answers GET /users/{id} for users added with addUser.
func (f *fakeDiscord) getUser(w http.ResponseWriter, r restReq) int {
	u, ok := f.users[r.p[1]]
	if !ok {
		return f.reply(w, 404, map[string]any{"message": "Unknown User", "code": 10013})
	}
	return f.reply(w, 200, u)
}

// getMember answers GET /guilds/{g}/members/{u} for members added with addUser.
func (f *fakeDiscord) getMember(w http.ResponseWriter, r restReq) int {
	m, ok := f.members[r.p[1]+"/"+r.p[3]]
	if !ok {
		return f.reply(w, 404, map[string]any{"message": "Unknown Member", "code": 10007})
	}
	return f.reply(w, 200, m)
}

// remember keeps a created message in its channel's history (f.mu held), for
// GET /channels/{id}/messages.
func (f *fakeDiscord) remember(m map[string]any) {
	if f.history == nil {
		f.history = map[string][]map[string]any{}
	}
	ch := fmt.Sprint(m["channel_id"])
	f.history[ch] = append(f.history[ch], m)
}

// GET /channels/{channel}/messages?after=ID&limit=N: the N oldest messages after ID,
// newest first, as Discord answers (limit 1 to 100, default 50). Only after= is
// supported: it is all the adapter asks.
func (f *fakeDiscord) getMessages(w http.ResponseWriter, r restReq, _ map[string]any) int {
	q := url.Values(r.query)
	limit := 50
	if l := q.Get("limit"); l != "" {
		limit, _ = strconv.Atoi(l)
	}
	if limit < 1 || limit > 100 || q.Get("before") != "" || q.Get("around") != "" {
		return f.reply(w, 400, map[string]any{"message": "Invalid Form Body", "code": 50035})
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	var page []map[string]any
	for _, m := range f.history[r.p[1]] {
		if id, _ := strconv.ParseInt(fmt.Sprint(m["id"]), 10, 64); id > after && len(page) < limit {
			page = append(page, m)
		}
	}
	out := make([]map[string]any, 0, len(page))
	for i := len(page) - 1; i >= 0; i-- {
		out = append(out, page[i])
	}
	return f.reply(w, 200, out)
}

// outage cuts every gateway connection, forgets the gateway sessions (a RESUME then
// gets op 9 INVALID_SESSION, and discordgo identifies afresh: Discord replays
// nothing) and refuses new connections until the returned function is called. Messages
// created meanwhile reach only the channels' history.
func (f *fakeDiscord) outage() (end func()) {
	f.mu.Lock()
	f.gatewayDown = true
	for _, s := range f.sessions {
		if s.conn != nil {
			_ = s.conn.NetConn().Close()
			s.conn = nil
		}
	}
	f.sessions = nil
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.gatewayDown = false
		f.mu.Unlock()
	}
}
