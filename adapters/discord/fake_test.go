package discord

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	noDMs        map[string]bool           // users who accept no DMs from the bot
	users        map[string]map[string]any // user id → user JSON (GET /users/{id})
	members      map[string]map[string]any // "guild/user" → member JSON (GET /guilds/{g}/members/{u})
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
}

type call struct {
	Method, Path string
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

func (f *fakeDiscord) rest(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Authorization") != f.token && path != "/gateway" { // GET /gateway needs no token
		f.writeJSON(w, 401, map[string]any{"message": "401: Unauthorized", "code": 0})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	status := f.route(w, r.Method, path, r.URL.Query(), body)
	f.calls = append(f.calls, call{Method: r.Method, Path: path, At: time.Now(), Status: status})
}

// route answers one REST call with f.mu held and returns the status it wrote.
func (f *fakeDiscord) route(w http.ResponseWriter, method, path string, q map[string][]string, body []byte) int {
	if n := f.limits[method+" "+path]; n > 0 {
		f.limits[method+" "+path] = n - 1
		h := w.Header()
		h.Set("Retry-After", "1")
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", "0.300")
		h.Set("X-RateLimit-Bucket", "fake-bucket")
		h.Set("X-RateLimit-Scope", "user")
		f.writeJSON(w, 429, map[string]any{"message": "You are being rate limited.", "retry_after": 0.3, "global": false})
		return 429
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	p := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == "GET" && path == "/gateway":
		f.writeJSON(w, 200, map[string]any{"url": "ws://" + f.srv.Listener.Addr().String() + "/gateway"})
		return 200
	case method == "PUT" && len(p) >= 3 && p[0] == "applications" && p[len(p)-1] == "commands":
		var cmds []map[string]any
		_ = json.Unmarshal(body, &cmds)
		f.commands[path] = cmds
		f.writeJSON(w, 200, cmds)
		return 200
	case method == "GET" && len(p) == 2 && p[0] == "channels":
		c, ok := f.channels[p[1]]
		if !ok {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
			return 404
		}
		f.writeJSON(w, 200, c)
		return 200
	case method == "POST" && len(p) == 3 && p[0] == "channels" && p[2] == "messages":
		c, ok := f.channels[p[1]]
		if !ok {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
			return 404
		}
		if user := strings.TrimPrefix(p[1], "dm-"); user != p[1] && f.noDMs[user] {
			f.writeJSON(w, 403, map[string]any{"message": "Cannot send messages to this user", "code": 50007})
			return 403
		}
		m := f.record("message", p[1], "", in)
		guild, _ := c["guild_id"].(string)
		msg := f.botMessage(m, guild)
		f.dispatchLocked("MESSAGE_CREATE", msg) // Discord echoes the bot's own messages
		f.writeJSON(w, 200, msg)
		return 200
	case method == "POST" && len(p) == 5 && p[0] == "channels" && p[2] == "messages" && p[4] == "threads":
		parent, ok := f.channels[p[1]]
		if !ok {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown Channel", "code": 10003})
			return 404
		}
		id := f.id()
		th := map[string]any{"id": id, "type": 11, "guild_id": parent["guild_id"], "parent_id": p[1],
			"owner_id": f.botID, "name": in["name"], "thread_metadata": map[string]any{"auto_archive_duration": in["auto_archive_duration"]}}
		f.channels[id] = th
		f.dispatchLocked("THREAD_CREATE", th)
		f.writeJSON(w, 201, th)
		return 201
	case method == "GET" && len(p) == 2 && p[0] == "users":
		u, ok := f.users[p[1]]
		if !ok {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown User", "code": 10013})
			return 404
		}
		f.writeJSON(w, 200, u)
		return 200
	case method == "GET" && len(p) == 4 && p[0] == "guilds" && p[2] == "members":
		m, ok := f.members[p[1]+"/"+p[3]]
		if !ok {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown Member", "code": 10007})
			return 404
		}
		f.writeJSON(w, 200, m)
		return 200
	case method == "POST" && path == "/users/@me/channels":
		user, _ := in["recipient_id"].(string)
		id := "dm-" + user
		f.channels[id] = map[string]any{"id": id, "type": 1, "recipients": []map[string]any{{"id": user}}}
		f.writeJSON(w, 200, f.channels[id])
		return 200
	case method == "POST" && len(p) == 4 && p[0] == "interactions" && p[3] == "callback":
		typ, _ := in["type"].(float64)
		flags := 0.0
		if d, ok := in["data"].(map[string]any); ok {
			flags, _ = d["flags"].(float64)
		}
		a := ack{Type: int(typ), Ephemeral: int(flags)&64 != 0, Status: 204}
		if len(f.acks[p[1]]) > 0 {
			a.Status = 400
		}
		f.acks[p[1]] = append(f.acks[p[1]], a)
		if a.Status == 400 {
			f.writeJSON(w, 400, map[string]any{"message": "Interaction has already been acknowledged.", "code": 40060})
			return 400
		}
		if it := f.tokens[p[2]]; it != nil {
			it.ephemeral = a.Ephemeral
		}
		w.WriteHeader(204)
		return 204
	case len(p) >= 3 && p[0] == "webhooks":
		it := f.tokens[p[2]]
		if it == nil || len(f.acks[it.id]) == 0 {
			f.writeJSON(w, 404, map[string]any{"message": "Unknown interaction", "code": 10062})
			return 404
		}
		switch {
		case method == "PATCH" && len(p) == 5 && p[4] == "@original":
			m := f.record("original", it.channel, it.id, in)
			m.Ephemeral = it.ephemeral
			if it.original == "" {
				it.original = m.ID
			} else {
				m.ID = it.original
			}
			f.sent[len(f.sent)-1] = m
			f.writeJSON(w, 200, f.botMessage(m, it.guild))
			return 200
		case method == "DELETE" && len(p) == 5 && p[4] == "@original":
			w.WriteHeader(204)
			return 204
		case method == "POST" && len(p) == 3:
			m := f.record("followup", it.channel, it.id, in)
			msg := f.botMessage(m, it.guild)
			if !m.Ephemeral {
				f.dispatchLocked("MESSAGE_CREATE", msg)
			}
			f.writeJSON(w, 200, msg)
			return 200
		}
	}
	f.t.Errorf("fake discord: unexpected %s %s", method, path)
	f.writeJSON(w, 404, map[string]any{"message": "404: Not Found", "code": 0})
	return 404
}

// record stores a message the bot sends, with f.mu held.
func (f *fakeDiscord) record(kind, channel, interaction string, in map[string]any) sent {
	m := sent{Kind: kind, Channel: channel, ID: f.id(), Interaction: interaction}
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
