package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// spaceRecorder is a Handler that is a bot.SpaceWatcher and records what it was told.
type spaceRecorder struct {
	mu       sync.Mutex
	removed  []state.Space
	returned []state.Space
}

var _ bot.SpaceWatcher = (*spaceRecorder)(nil)

func (s *spaceRecorder) Handle(context.Context, bot.Event) (bot.Outcome, error) {
	return bot.Outcome{}, nil
}

func (s *spaceRecorder) SpaceRemoved(_ context.Context, space state.Space) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed = append(s.removed, space)
	return nil
}

func (s *spaceRecorder) SpaceReturned(_ context.Context, space state.Space) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.returned = append(s.returned, space)
	return nil
}

// waitRemoved waits until n removals were recorded and returns them.
func (s *spaceRecorder) waitRemoved(t *testing.T, n int) []state.Space {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		got := append([]state.Space(nil), s.removed...)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("SpaceRemoved called %d times, want %d: %v", len(got), n, got)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// removalPayload is an Events API callback for team with an inner app_uninstalled or
// tokens_revoked event.
func removalPayload(eventID, team string, inner map[string]any) map[string]any {
	p := eventPayload(eventID, inner)
	p["team_id"] = team
	return p
}

func tokensRevoked(oauth, botTokens []string) map[string]any {
	return map[string]any{"type": "tokens_revoked", "event_ts": "1700005000.000100",
		"tokens": map[string]any{"oauth": oauth, "bot": botTokens}}
}

func TestAppUninstalledRemovesSpace(t *testing.T) {
	rec := &spaceRecorder{}
	h := start(t, rec, "")
	h.fake.send("events_api", removalPayload("EvUninst1", "T9", map[string]any{"type": "app_uninstalled"}), 0, "")
	got := rec.waitRemoved(t, 1)
	if want := (state.Space{Platform: "slack", Workspace: "T9"}); got[0] != want {
		t.Errorf("SpaceRemoved(%+v), want %+v", got[0], want)
	}
	if len(rec.returned) != 0 {
		t.Errorf("SpaceReturned called: %v", rec.returned)
	}
}

// drained waits until the adapter's queue ran every job submitted so far.
func (h *harness) drained() {
	h.t.Helper()
	h.a.runMu.Lock()
	q := h.a.queue
	h.a.runMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := q.Drain(ctx); err != nil {
		h.t.Fatal(err)
	}
}

// The events go out in order, one router decides on them in that order: once the
// last one (for another team) is recorded, the ones before it were queued if they
// were going to be, and the drain lets them run.
func TestTokensRevokedRemovesSpaceOnlyForBotTokens(t *testing.T) {
	rec := &spaceRecorder{}
	h := start(t, rec, "")
	// A user signed out of the app: only a user token is revoked; the bot stays.
	h.fake.send("events_api", removalPayload("EvRevoke1", "T7", tokensRevoked([]string{"UXXXXXXXX"}, nil)), 0, "")
	h.fake.send("events_api", removalPayload("EvRevoke2", "T7", tokensRevoked([]string{"UXXXXXXXX"}, []string{})), 0, "")
	// The bot's token revoked: the app is gone.
	h.fake.send("events_api", removalPayload("EvRevoke3", "T8", tokensRevoked(nil, []string{"UBOT1"})), 0, "")
	rec.waitRemoved(t, 1)
	h.drained()
	rec.mu.Lock()
	got := rec.removed
	rec.mu.Unlock()
	if want := []state.Space{{Platform: "slack", Workspace: "T8"}}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("SpaceRemoved calls %v, want %v (user tokens alone remove nothing)", got, want)
	}
}

// TestRemovalOverHTTP: the HTTP Events API routes the same inner events.
func TestRemovalOverHTTP(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	rec := &spaceRecorder{}
	h := start(t, rec, secret)
	for i, ev := range []struct {
		team  string
		inner map[string]any
	}{
		{"T4", tokensRevoked([]string{"UXXXXXXXX"}, nil)},
		{"T5", tokensRevoked(nil, []string{"UBOT1"})},
		{"T6", map[string]any{"type": "app_uninstalled"}},
	} {
		b, _ := json.Marshal(removalPayload(fmt.Sprintf("EvHTTPRm%d", i), ev.team, ev.inner))
		if status, body := do(t, signed(t, h.addr, PathEvents, secret, time.Now(), string(b))); status != 200 {
			t.Fatalf("event %d: status %d %q", i, status, body)
		}
	}
	rec.waitRemoved(t, 2)
	h.drained()
	rec.mu.Lock()
	got := slices.Clone(rec.removed)
	rec.mu.Unlock()
	slices.SortFunc(got, func(a, b state.Space) int { return strings.Compare(a.Workspace, b.Workspace) })
	want := []state.Space{{Platform: "slack", Workspace: "T5"}, {Platform: "slack", Workspace: "T6"}}
	if !slices.Equal(got, want) {
		t.Errorf("SpaceRemoved calls %v, want %v", got, want)
	}
}

// TestRemovalWithTheEngine: the real engine, here without a scheduler (no automatic
// purge), takes the removal, and the adapter goes on.
func TestRemovalWithTheEngine(t *testing.T) {
	h := start(t, newEngine(), "")
	h.fake.send("events_api", removalPayload("EvUninst2", fakeTeam, map[string]any{"type": "app_uninstalled"}), 0, "")
	if out := h.say("UDAN", "D5", "", "start wsn solo"); len(out.Replies) == 0 {
		t.Errorf("no replies after a removal event: %+v", out)
	}
}
