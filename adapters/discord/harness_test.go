package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

const (
	guildID   = "100"
	channelID = "200" // a text channel in the guild
)

// person is a Discord user in the tests.
type person struct{ id, name, nick, locale string }

var (
	ann = person{"501", "ann", "", "en-US"}
	bob = person{"502", "bob", "", "en-GB"}
	cas = person{"503", "cas", "", "nl"}
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// harness runs replicas of the real adapter, each with its own real discordgo session,
// against one fakeDiscord, and the real engine on an in-memory store.
type harness struct {
	t     *testing.T
	f     *fakeDiscord
	store *memstore.Store
	eng   *bot.Engine
	n     int // replicas

	mu       sync.Mutex
	observed map[string]int
	runErr   []chan error
	adapters []*Adapter // the replicas, in start order
}

func start(t *testing.T, replicas int) *harness {
	t.Helper()
	return startWith(t, replicas, nil, 0)
}

// startWith runs replicas of the adapter with handler (nil: the real engine) and the
// given AckWait (0: the default).
func startWith(t *testing.T, replicas int, handler bot.Handler, ackWait time.Duration) *harness {
	t.Helper()
	f := newFakeDiscord(t)
	f.addChannel(channelID, guildID, 0)
	st := memstore.New()
	h := &harness{t: t, f: f, store: st, n: replicas, observed: map[string]int{},
		eng: bot.New(bot.Config{Store: st, Library: prompts.MustBuiltin(), Logger: quiet()})}
	if handler == nil {
		handler = h.eng
	}
	ctx, cancel := context.WithCancel(context.Background())
	for i := 0; i < replicas; i++ {
		a, err := New(Config{Token: "test-token", GuildID: guildID, HTTPClient: f.client(), Logger: quiet(), AckWait: ackWait})
		if err != nil {
			t.Fatal(err)
		}
		a.observe = func(id string) {
			h.mu.Lock()
			h.observed[id]++
			h.mu.Unlock()
		}
		done := make(chan error, 1)
		h.runErr = append(h.runErr, done)
		h.adapters = append(h.adapters, a)
		go func() { done <- a.Run(ctx, handler) }()
	}
	t.Cleanup(func() {
		cancel()
		for _, done := range h.runErr {
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("Run did not return after cancel")
			}
		}
	})
	h.until("replicas connected and commands registered", func() bool {
		puts := 0
		for _, c := range f.restCalls() {
			if c.Method == "PUT" && c.Status == 200 {
				puts++
			}
		}
		return puts == replicas
	})
	return h
}

// until waits for cond, failing the test after a few seconds.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(8 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// wait blocks until every replica has handled and answered event id.
func (h *harness) wait(id string) {
	h.t.Helper()
	h.until("event "+id+" handled", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return h.observed[id] >= h.n
	})
}

func (h *harness) newID() string {
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	return h.f.id()
}

func userJSON(p person) map[string]any {
	return map[string]any{"id": p.id, "username": p.name, "global_name": strings.ToUpper(p.name[:1]) + p.name[1:]}
}

// interaction dispatches INTERACTION_CREATE and returns its id.
func (h *harness) interaction(p person, guild, channel string, typ int, data map[string]any) string {
	id := h.newID()
	token := "tok-" + id
	it := map[string]any{"id": id, "application_id": h.f.appID, "type": typ, "token": token, "version": 1,
		"locale": p.locale, "channel_id": channel, "data": data}
	if guild != "" {
		it["guild_id"] = guild
		it["member"] = map[string]any{"user": userJSON(p), "nick": p.nick}
	} else {
		it["user"] = userJSON(p)
	}
	h.f.mu.Lock()
	h.f.tokens[token] = &ixn{id: id, channel: channel, guild: guild}
	h.f.mu.Unlock()
	h.f.dispatch("INTERACTION_CREATE", it)
	return id
}

// slash runs /intervision sub with options given as "name=value", and waits for it.
func (h *harness) slash(p person, guild, channel, sub string, opts ...string) string {
	h.t.Helper()
	var o []map[string]any
	for _, kv := range opts {
		k, v, _ := strings.Cut(kv, "=")
		o = append(o, map[string]any{"name": k, "type": 3, "value": v})
	}
	id := h.interaction(p, guild, channel, 2, map[string]any{"id": "cmd1", "name": "intervision", "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": o}}})
	h.wait(id)
	return id
}

// click presses the button with customID on the latest bot message in channel that has
// it, and waits for the answer. A Next button carries its phase ("next lobby"): "next"
// presses the newest of them.
func (h *harness) click(p person, channel, customID string) string {
	h.t.Helper()
	msgID, want := "", customID
	for _, m := range h.f.messages() {
		if m.Channel != channel {
			continue
		}
		for _, b := range m.Buttons {
			if b == want || strings.HasPrefix(b, want+" ") {
				msgID, customID = m.ID, b
			}
		}
	}
	if msgID == "" {
		h.t.Fatalf("no button %q in channel %s", customID, channel)
	}
	guild := guildID
	if strings.HasPrefix(channel, "dm-") {
		guild = ""
	}
	id := h.interaction(p, guild, channel, 3, map[string]any{"custom_id": customID, "component_type": 2})
	h.wait(id)
	return id
}

// post dispatches a MESSAGE_CREATE from p without waiting.
func (h *harness) post(p person, guild, channel, text string) string {
	id := h.newID()
	m := map[string]any{"id": id, "channel_id": channel, "content": text, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "author": userJSON(p)}
	if guild != "" {
		m["guild_id"] = guild
		m["member"] = map[string]any{"nick": p.nick}
	}
	h.f.dispatch("MESSAGE_CREATE", m)
	return id
}

// say posts a message and waits for its answer.
func (h *harness) say(p person, guild, channel, text string) string {
	h.t.Helper()
	id := h.post(p, guild, channel, text)
	h.wait(id)
	return id
}

// thread returns the id of the only thread the bot opened.
func (h *harness) thread() string {
	h.t.Helper()
	h.f.mu.Lock()
	defer h.f.mu.Unlock()
	var ids []string
	for id, c := range h.f.channels {
		if c["type"] == 11 && c["owner_id"] == h.f.botID {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		h.t.Fatalf("bot threads: %v, want exactly one", ids)
	}
	return ids[0]
}

// session returns the engine's stored session of a conversation as JSON fields.
func (h *harness) session(k state.Key) map[string]any {
	h.t.Helper()
	b, err := h.store.Get(context.Background(), k)
	if err != nil {
		h.t.Fatal(err)
	}
	if b == nil {
		return nil
	}
	if b, err = bot.RecordJSON(b); err != nil {
		h.t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// in returns the messages the bot sent to channel (public and private).
func (h *harness) in(channel string) []sent {
	var out []sent
	for _, m := range h.f.messages() {
		if m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkSafe asserts that every message allowed no mentions and no raw broadcast.
func checkSafe(t *testing.T, msgs []sent) {
	t.Helper()
	for _, m := range msgs {
		if m.Mentions != `{"parse":[],"replied_user":false}` {
			t.Errorf("%s %s: allowed_mentions = %s, want parse [] (no pings)", m.Kind, m.ID, m.Mentions)
		}
		for _, raw := range []string{"@everyone", "@here"} {
			if strings.Contains(m.Content, raw) {
				t.Errorf("%s %s contains raw %q: %q", m.Kind, m.ID, raw, m.Content)
			}
		}
	}
}

func dump(msgs []sent) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "[%s ch=%s eph=%v buttons=%v] %s\n", m.Kind, m.Channel, m.Ephemeral, m.Buttons, m.Content)
	}
	return b.String()
}
