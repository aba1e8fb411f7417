package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state"
)

// seedTags adds n tags to a channel's and its workspace's report records, as n closed
// sessions would have.
func seedTags(t *testing.T, st state.Store, space state.Space, channel string, n int, themes []prompts.Theme) {
	t.Helper()
	for _, ch := range []string{channel, ""} {
		k := state.Key{Platform: space.Platform, Workspace: space.Workspace, Channel: ch, Thread: "report:"}
		err := st.Update(context.Background(), k, "", func(cur []byte) (state.Change, error) {
			var tags []report.Tag
			_ = json.Unmarshal(cur, &tags)
			for i := 0; i < n; i++ {
				tags = append(tags, report.Tag{Ended: bottest.Clock.Add(-time.Duration(i) * 12 * time.Hour), Method: "wsn", Minutes: 40 + i, Themes: themes})
			}
			b, err := json.Marshal(tags)
			return state.Change{Data: b}, err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestTeamReport: sessions that end leave anonymous tags; `report` counts them per
// channel, never across workspaces, never with text, with a chart; under three
// sessions there is no theme breakdown.
func TestTeamReport(t *testing.T) {
	h := newHarness(t, bot.Config{})
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}
	secret := "The father shouted at the door about the goal of the plan."
	for i := 0; i < 2; i++ {
		h.Conv.Thread = fmt.Sprintf("%d.0", i+1)
		h.say("ann", "/start incident en")
		h.say("bob", "/join")
		h.say("ann", "/bring")
		h.say("ann", "/next")
		h.say("ann", secret)
		h.say("ann", "/end")
	}
	out := h.say("bob", "/report")
	text := bottest.Public(out)
	if !strings.Contains(text, "2") || strings.Contains(text, secret) || strings.Contains(text, "ann") {
		t.Fatalf("report over two sessions:\n%s", text)
	}
	for _, th := range prompts.Themes {
		if strings.Contains(text, report.ThemeName(th, "en")) {
			t.Errorf("two sessions show a theme breakdown (%s):\n%s", th, text)
		}
	}
	seedTags(t, h.Store, state.Space{Platform: "slack", Workspace: "T1"}, "C1", 38,
		[]prompts.Theme{prompts.ThemeGoalSetting, prompts.ThemeNonParticipation})
	seedTags(t, h.Store, state.Space{Platform: "slack", Workspace: "T2"}, "C1", 5, []prompts.Theme{prompts.ThemeContext})
	out = h.say("bob", "/report 90d")
	text = bottest.Public(out)
	if !strings.Contains(text, "40 sessions") {
		t.Errorf("want 40 sessions in T1/C1:\n%s", text)
	}
	if !strings.Contains(text, report.ThemeName(prompts.ThemeGoalSetting, "en")) || strings.Contains(text, secret) {
		t.Errorf("theme breakdown or text:\n%s", text)
	}
	var chart *bot.File
	for _, r := range out.Replies {
		if r.File != nil {
			chart = r.File
		}
	}
	if chart == nil || chart.Type != "image/png" || chart.Alt == "" {
		t.Fatalf("no chart with alt text: %+v", out.Replies)
	}
	img, err := png.Decode(bytes.NewReader(chart.Data))
	if err != nil || img.Bounds().Dx() < 400 || img.Bounds().Dy() < 200 {
		t.Fatalf("chart: %v %v", err, img)
	}
	// The other workspace has its own report: 5 sessions.
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T2", Channel: "C1", Thread: "9.0"}
	if text := bottest.Public(h.say("cas", "/report")); !strings.Contains(text, "5 sessions") {
		t.Errorf("T2's report:\n%s", text)
	}
	// The Dutch word answers in Dutch, also where no session says the language.
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1"}
	if text := bottest.Public(h.say("cas", "/overzicht 90d")); !strings.Contains(text, "40 sessies") {
		t.Errorf("overzicht:\n%s", text)
	}
	// Forgetting a person leaves the counts, which hold no one.
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: "1.0"}
	h.say("ann", "/forget yes")
	if text := bottest.Public(h.say("bob", "/report 90d")); !strings.Contains(text, "40 sessions") {
		t.Errorf("after forget:\n%s", text)
	}
}
