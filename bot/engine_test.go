package bot_test

import (
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/prompts"
)

var update = flag.Bool("update", false, "rewrite golden transcripts")

// harness is a chat with the engine.
type harness struct{ *bottest.Chat }

func newHarness(t *testing.T, cfg bot.Config) *harness { return &harness{bottest.New(t, cfg)} }

func (h *harness) say(user, text string) bot.Outcome { h.T.Helper(); return h.Say(user, text) }

func (h *harness) record() []byte { h.T.Helper(); return h.Record() }

func (h *harness) golden(name string) { h.T.Helper(); h.Golden(name, *update) }

// lines each role writes, per language.
var (
	peerQuestion = map[string]string{"en": "What did the mother say when you arrived?", "nl": "Wat zei de moeder toen je aankwam?"}
	peerRemark   = map[string]string{"en": "I notice the plan was written before the parents were asked.", "nl": "Het valt me op dat het plan er al lag voor de ouders iets gevraagd werd."}
	bringerText  = map[string]string{"en": "The father stood in the doorway and said he had no time for another meeting.", "nl": "De vader stond in de deuropening en zei dat hij geen tijd had voor nog een gesprek."}
	takeaway     = map[string]string{"en": "I decided for them without asking what they wanted.", "nl": "Ik besliste voor hen zonder te vragen wat zij wilden."}
	nextStep     = map[string]string{"en": "On Monday I will call the father and ask which time suits him.", "nl": "Maandag bel ik de vader en vraag ik welk moment hem past."}
)

// text is what someone in role writes in phase.
func text(ph prompts.Phase, role prompts.Role, lang string) string {
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
	for _, p := range lib.Plan(m.ID, mode).Phases {
		ids = append(ids, p.ID)
	}
	return ids
}

func findPhase(lib *prompts.Library, m *prompts.Method, mode, id string) prompts.Phase {
	for _, p := range lib.Plan(m.ID, mode).Phases {
		if p.ID == id {
			return p
		}
	}
	return prompts.Phase{}
}

// interpreter is the follow-up interpreter the binary runs with, so that golden
// summaries show the themes a session looked at.
func interpreter(t *testing.T, lib *prompts.Library) bot.Interpreter {
	t.Helper()
	r, err := followup.New(lib)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkSummaryShape: the summary opens with the takeaway and the next step, every bot
// question (a line "- _…_") is followed by an answer, and it ends with the themes.
func checkSummaryShape(t *testing.T, doc, takeaway, nextStep string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(doc, "\n"), "\n")
	ti, ni, first := strings.Index(doc, takeaway), strings.Index(doc, nextStep), -1
	if nextStep == "" { // a method without the next-step phase (Balint)
		ni = ti
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "- _") {
			if first < 0 {
				first = strings.Index(doc, l)
			}
			if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "- ") {
				t.Errorf("question without an answer: %q", l)
			}
		}
	}
	if ti < 0 || ni < 0 || (first >= 0 && (ti > first || ni > first)) {
		t.Errorf("takeaway and next step do not come first:\n%s", doc)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "Not looked at") && !strings.Contains(last, "Niet bekeken") &&
		!strings.Contains(last, "Looked at") && !strings.Contains(last, "Bekeken") {
		t.Errorf("no themes mirror at the end: %q", last)
	}
}

// TestGoldenGroup runs every group method in both languages from start to summary.
func TestGoldenGroup(t *testing.T) {
	lib := prompts.MustBuiltin()
	for _, m := range lib.Methods() {
		if !m.Supports(prompts.ModeGroup) {
			continue
		}
		for _, l := range prompts.Languages {
			lang := string(l)
			t.Run(m.ID+"/"+lang, func(t *testing.T) {
				h := newHarness(t, bot.Config{Library: lib, Interpreter: interpreter(t, lib)})
				h.say("ann", "/start "+m.ID+" "+lang)
				h.say("bob", "/join")
				h.say("cas", "/join")
				plan := lib.Plan(m.ID, prompts.ModeGroup)
				choose := plan.Phases[0].Stage == prompts.StageChoose
				if !choose { // a method that chooses its case begins without one
					h.say("ann", "/bring")
				}
				h.say("ann", "/next")
				people := map[prompts.Role][]string{prompts.RoleBringer: {"ann"}, prompts.RolePeers: {"bob", "cas"}}
				for guard := 0; h.Phase != "done"; guard++ {
					if guard > 40 {
						t.Fatalf("stuck in phase %q", h.Phase)
					}
					ph := findPhase(lib, m, prompts.ModeGroup, h.Phase)
					before := h.Phase
					// The role whose words complete the phase writes last.
					roles := append([]prompts.Role(nil), ph.Speakers...)
					if ph.Done == prompts.DoneBringer && len(roles) == 2 {
						roles = []prompts.Role{prompts.RolePeers, prompts.RoleBringer}
					}
					for _, role := range roles {
						for _, who := range people[role] {
							switch {
							case h.Phase != before:
							case ph.Private: // a private round is answered by DM
								h.Direct(who, text(ph, role, lang))
							default:
								h.say(who, text(ph, role, lang))
							}
						}
					}
					if h.Phase != before && ph.Done != prompts.DoneLine {
						t.Errorf("phase %q (%d speakers) closed on content alone", before, len(ph.Speakers))
					}
					if h.Phase == before && choose {
						h.bringChosen(plan, before)
					}
					if h.Phase == before {
						h.say("ann", "/next")
					}
				}
				want := append(append([]string{"lobby"}, phaseIDs(lib, m, prompts.ModeGroup)...), "done")
				if strings.Join(h.Phases, " ") != strings.Join(want, " ") {
					t.Fatalf("phases\n got %v\nwant %v", h.Phases, want)
				}
				summary := bottest.Document(h.Last)
				step := nextStep[lang]
				if slices.Contains(m.Skip, "next-step") {
					step = ""
					if strings.Contains(summary, nextStep[lang]) {
						t.Errorf("a method without a next step has one in its summary:\n%s", summary)
					}
				}
				checkSummaryShape(t, summary, takeaway[lang], step)
				for _, s := range []string{takeaway[lang], step, "ann"} {
					if !strings.Contains(summary, s) {
						t.Errorf("summary lacks %q:\n%s", s, summary)
					}
				}
				h.golden("group-" + m.ID + "-" + lang)
			})
		}
	}
}

// bringChosen has ann bring the chosen case at the end of the last choose phase: next
// is refused first, as nobody brings it yet.
func (h *harness) bringChosen(plan *prompts.Plan, phase string) {
	h.T.Helper()
	i := slices.IndexFunc(plan.Phases, func(p prompts.Phase) bool { return p.ID == phase })
	chosen := strings.Contains(h.Transcript(), "ann brings the chosen case") || strings.Contains(h.Transcript(), "ann brengt de gekozen casus in")
	if chosen || plan.Phases[i].Stage != prompts.StageChoose || plan.Phases[i+1].Stage == prompts.StageChoose {
		return
	}
	if out := h.say("ann", "/next"); !strings.Contains(privateTo(out, "ann"), "`") || h.Phase != phase {
		h.T.Errorf("next without a case bringer was not refused: %+v", out.Replies)
	}
	h.say("ann", "/bring")
}

// TestGoldenSolo runs every solo method in both languages, answering every question.
func TestGoldenSolo(t *testing.T) {
	lib := prompts.MustBuiltin()
	for _, m := range lib.Methods() {
		if !m.Supports(prompts.ModeSolo) {
			continue
		}
		for _, l := range prompts.Languages {
			lang := string(l)
			t.Run(m.ID+"/"+lang, func(t *testing.T) {
				h := newHarness(t, bot.Config{Library: lib, Interpreter: interpreter(t, lib)})
				h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
				h.say("ann", "/start "+m.ID+" "+lang)
				for guard := 0; h.Phase != "done"; guard++ {
					if guard > 60 {
						t.Fatalf("stuck in phase %q", h.Phase)
					}
					h.say("ann", text(findPhase(lib, m, prompts.ModeSolo, h.Phase), prompts.RoleBringer, lang))
				}
				want := append(phaseIDs(lib, m, prompts.ModeSolo), "done")
				if strings.Join(h.Phases, " ") != strings.Join(want, " ") {
					t.Fatalf("phases\n got %v\nwant %v", h.Phases, want)
				}
				if !strings.Contains(bottest.Document(h.Last), nextStep[lang]) {
					t.Errorf("summary lacks the next step:\n%s", bottest.Document(h.Last))
				}
				h.golden("solo-" + m.ID + "-" + lang)
			})
		}
	}
}

func TestCleanName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ann", "Ann"},
		{"  A\x00n\x07n\u200e \n", "Ann"},
		{"b\xffob", "b\uFFFDob"},
		{"\x00\x01", ""},
		{strings.Repeat("é", 300), strings.Repeat("é", bot.MaxName)},
	}
	for _, c := range cases {
		if got := bot.CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
