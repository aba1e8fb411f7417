package discord

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// spaceCall is one thing a spaceRecorder was told.
type spaceCall struct {
	removed bool
	space   state.Space
}

// spaceRecorder is a Handler that is a bot.SpaceWatcher and records what it was told.
type spaceRecorder struct {
	mu    sync.Mutex
	calls []spaceCall
}

var _ bot.SpaceWatcher = (*spaceRecorder)(nil)

func (s *spaceRecorder) Handle(context.Context, bot.Event) (bot.Outcome, error) {
	return bot.Outcome{}, nil
}

func (s *spaceRecorder) SpaceRemoved(_ context.Context, space state.Space) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, spaceCall{true, space})
	return nil
}

func (s *spaceRecorder) SpaceReturned(_ context.Context, space state.Space) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, spaceCall{false, space})
	return nil
}

func (s *spaceRecorder) got() []spaceCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// TestGuildEventsTellTheEngine: the gateway's events reach the handler in the order
// Discord sent them, one guild's one after another, so once the last is recorded the
// earlier ones would have been too.
func TestGuildEventsTellTheEngine(t *testing.T) {
	rec := &spaceRecorder{}
	h := startWith(t, 1, rec, 0)
	sp := func(id string) state.Space { return state.Space{Platform: "discord", Workspace: id} }

	// Added to a server (or there at connect): SpaceReturned.
	h.f.dispatch("GUILD_CREATE", map[string]any{"id": "700", "name": "Team", "unavailable": false})
	h.until("SpaceReturned", func() bool { return len(rec.got()) == 1 })
	if got := rec.got(); got[0] != (spaceCall{false, sp("700")}) {
		t.Errorf("after GUILD_CREATE: %+v, want SpaceReturned(discord, 700)", got)
	}

	// An outage: the guild is unavailable, the bot still in it. Nothing; the
	// GUILD_CREATE when it is back says it is there.
	h.f.dispatch("GUILD_DELETE", map[string]any{"id": "700", "unavailable": true})
	h.f.dispatch("GUILD_CREATE", map[string]any{"id": "700", "name": "Team"})
	h.until("SpaceReturned after the outage", func() bool { return len(rec.got()) >= 2 })
	if got := rec.got(); !slices.Equal(got, []spaceCall{{false, sp("700")}, {false, sp("700")}}) {
		t.Errorf("after an outage: %+v, want no SpaceRemoved", got)
	}

	// Removed (kicked, or the server deleted): no unavailable field.
	h.f.dispatch("GUILD_DELETE", map[string]any{"id": "700"})
	h.until("SpaceRemoved", func() bool { return len(rec.got()) >= 3 })
	if got := rec.got(); len(got) != 3 || got[2] != (spaceCall{true, sp("700")}) {
		t.Errorf("after GUILD_DELETE: %+v, want SpaceRemoved(discord, 700) last", got)
	}
}

// TestGuildDeleteWithTheEngine: the real engine (here without a scheduler: no automatic
// purge) takes a removal, and the adapter goes on serving the other guild.
func TestGuildDeleteWithTheEngine(t *testing.T) {
	h := start(t, 1)
	h.f.dispatch("GUILD_DELETE", map[string]any{"id": "999"})
	h.f.dispatch("GUILD_CREATE", map[string]any{"id": "999"})
	id := h.slash(ann, guildID, channelID, "help")
	h.wait(id)
}
