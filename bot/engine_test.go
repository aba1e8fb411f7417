package bot_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
)

var update = flag.Bool("update", false, "rewrite golden transcripts")

var clock = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// harness drives an engine as a chat would and keeps the transcript.
type harness struct {
	t      *testing.T
	eng    *bot.Engine
	store  state.Store
	conv   bot.Conversation
	lib    *prompts.Library
	out    strings.Builder
	phases []string
	phase  string
	last   bot.Outcome
	seq    int
}

func newHarness(t *testing.T, cfg bot.Config) *harness {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = memstore.New(memstore.WithClock(func() time.Time { return clock }))
	}
	if cfg.Library == nil {
		cfg.Library = prompts.MustBuiltin()
	}
	cfg.Now = func() time.Time { return clock }
	return &harness{t: t, eng: bot.New(cfg), store: cfg.Store, lib: cfg.Library,
		conv: bot.Conversation{Platform: "terminal", Workspace: "local", Channel: "c1", Thread: "main"}}
}

// say sends text from user; a leading "/" makes it a command.
func (h *harness) say(user, text string) bot.Outcome {
	h.t.Helper()
	h.seq++
	ev := bot.Event{ID: fmt.Sprintf("ev-%d", h.seq), Conv: h.conv, User: bot.User{ID: user, Name: user}, Text: text}
	if strings.HasPrefix(text, "/") {
		ev.Command, ev.Text = true, text[1:]
	}
	out, err := h.eng.Handle(context.Background(), ev)
	if err != nil {
		h.t.Fatalf("%s: %q: %v", user, text, err)
	}
	fmt.Fprintf(&h.out, "%s: %s\n", user, text)
	for _, r := range out.Replies {
		to := ""
		if r.To != "" {
			to = " → " + r.To
		}
		fmt.Fprintf(&h.out, "bot%s: %s\n", to, r.Text)
		for _, a := range r.Actions {
			fmt.Fprintf(&h.out, "  [%s: /%s]\n", a.Label, a.Command)
		}
	}
	if out.Phase != h.phase {
		h.phases = append(h.phases, out.Phase)
		h.phase = out.Phase
	}
	h.last = out
	return out
}

func (h *harness) record() []byte {
	h.t.Helper()
	b, err := h.store.Get(context.Background(), bot.Key(h.conv))
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// golden compares the transcript with testdata/golden/name.txt.
func (h *harness) golden(name string) {
	h.t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	got := h.out.String()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if got != string(want) {
		h.t.Errorf("transcript differs from %s (go test ./bot -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, a, b)
		}
	}
	return ""
}

// lines each role writes, per language.
var (
	peerQuestion = map[string]string{"en": "What did the mother say when you arrived?", "nl": "Wat zei de moeder toen je aankwam?"}
	peerRemark   = map[string]string{"en": "I notice the plan was written before the parents were asked.", "nl": "Het valt me op dat het plan er al lag voor de ouders iets gevraagd werd."}
	bringerText  = map[string]string{"en": "The father stood in the doorway and said he had no time for another meeting.", "nl": "De vader stond in de deuropening en zei dat hij geen tijd had voor nog een gesprek."}
	takeaway     = map[string]string{"en": "I decided for them without asking what they wanted.", "nl": "Ik besliste voor hen zonder te vragen wat zij wilden."}
	nextStep     = map[string]string{"en": "On Monday I will call the father and ask which time suits him.", "nl": "Maandag bel ik de vader en vraag ik welk moment hem past."}
)

// text is what someone in role writes in phase.
func text(ph prompts.Phase, role, lang string) string {
	switch {
	case ph.Stage == "takeaway":
		return takeaway[lang]
	case ph.Stage == "next-step":
		return nextStep[lang]
	case role == prompts.RoleBringer:
		return bringerText[lang]
	case ph.Rule == prompts.RuleQuestions:
		return peerQuestion[lang]
	}
	return peerRemark[lang]
}

func phaseIDs(lib *prompts.Library, m *prompts.Method, mode string) []string {
	var ids []string
	for _, p := range m.Phases {
		ids = append(ids, p.ID)
	}
	for _, p := range lib.Closing(mode) {
		ids = append(ids, p.ID)
	}
	return ids
}

func findPhase(lib *prompts.Library, m *prompts.Method, mode, id string) prompts.Phase {
	for _, p := range append(append([]prompts.Phase(nil), m.Phases...), lib.Closing(mode)...) {
		if p.ID == id {
			return p
		}
	}
	return prompts.Phase{}
}

// TestGoldenGroup runs every group method in both languages from start to summary.
func TestGoldenGroup(t *testing.T) {
	lib := prompts.MustBuiltin()
	for _, m := range lib.Methods() {
		if !m.Supports(prompts.ModeGroup) {
			continue
		}
		for _, lang := range prompts.Languages {
			t.Run(m.ID+"/"+lang, func(t *testing.T) {
				h := newHarness(t, bot.Config{Library: lib})
				h.say("ann", "/start "+m.ID+" "+lang)
				h.say("bob", "/join")
				h.say("cas", "/join")
				h.say("ann", "/bring")
				h.say("ann", "/next")
				people := map[string][]string{prompts.RoleBringer: {"ann"}, prompts.RolePeers: {"bob", "cas"}}
				for guard := 0; h.phase != "done"; guard++ {
					if guard > 40 {
						t.Fatalf("stuck in phase %q", h.phase)
					}
					ph := findPhase(lib, m, prompts.ModeGroup, h.phase)
					before := h.phase
					// The role whose words complete the phase writes last.
					roles := append([]string(nil), ph.Speakers...)
					if ph.Done == prompts.DoneBringer && len(roles) == 2 {
						roles = []string{prompts.RolePeers, prompts.RoleBringer}
					}
					for _, role := range roles {
						for _, who := range people[role] {
							if h.phase == before {
								h.say(who, text(ph, role, lang))
							}
						}
					}
					if h.phase == before {
						h.say("ann", "/next")
					}
				}
				want := append(append([]string{"lobby"}, phaseIDs(lib, m, prompts.ModeGroup)...), "done")
				if strings.Join(h.phases, " ") != strings.Join(want, " ") {
					t.Fatalf("phases\n got %v\nwant %v", h.phases, want)
				}
				summary := h.last.Replies[0].Text
				for _, s := range []string{takeaway[lang], nextStep[lang], "ann"} {
					if !strings.Contains(summary, s) {
						t.Errorf("summary lacks %q:\n%s", s, summary)
					}
				}
				h.golden("group-" + m.ID + "-" + lang)
			})
		}
	}
}

// TestGoldenSolo runs every solo method in both languages, answering every question.
func TestGoldenSolo(t *testing.T) {
	lib := prompts.MustBuiltin()
	for _, m := range lib.Methods() {
		if !m.Supports(prompts.ModeSolo) {
			continue
		}
		for _, lang := range prompts.Languages {
			t.Run(m.ID+"/"+lang, func(t *testing.T) {
				h := newHarness(t, bot.Config{Library: lib})
				h.conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
				h.say("ann", "/start "+m.ID+" "+lang)
				for guard := 0; h.phase != "done"; guard++ {
					if guard > 60 {
						t.Fatalf("stuck in phase %q", h.phase)
					}
					h.say("ann", text(findPhase(lib, m, prompts.ModeSolo, h.phase), prompts.RoleBringer, lang))
				}
				want := append(phaseIDs(lib, m, prompts.ModeSolo), "done")
				if strings.Join(h.phases, " ") != strings.Join(want, " ") {
					t.Fatalf("phases\n got %v\nwant %v", h.phases, want)
				}
				if !strings.Contains(h.last.Replies[0].Text, nextStep[lang]) {
					t.Errorf("summary lacks the next step:\n%s", h.last.Replies[0].Text)
				}
				h.golden("solo-" + m.ID + "-" + lang)
			})
		}
	}
}
