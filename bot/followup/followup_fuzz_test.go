package followup

import (
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// FuzzFollowUp: on any text in nl and en, for every phase of a method (pick chooses), FollowUp
// and Advice never panic, and a returned question comes from the phase's pool or the
// library (never from nowhere) and was not asked before.
func FuzzFollowUp(f *testing.F) {
	for _, s := range []string{
		"De moeder is ongemotiveerd en we hebben al besloten dat Daan naar de opvang gaat.",
		"The parents never show up; we decided without them. You should just call them.",
		"ja",
		"Misschien moet je gewoon eens bellen?",
		"a\x00b\x00 besloten",
		"\xff\xfe \xc3\x28 ongemotiveerd \xe2\x82",
		"<@9000> @everyone <!channel> advies: doe dit",
		strings.Repeat("ongemotiveerd ", 500),
		strings.Repeat(".", 4000),
		"",
	} {
		f.Add(s, true, uint16(len(s)))
		f.Add(s, false, uint16(3*len(s)))
	}
	lib := prompts.MustBuiltin()
	r, err := New(lib)
	if err != nil {
		f.Fatal(err)
	}
	known := map[string]bool{}
	for _, q := range lib.Questions() {
		known[q.ID] = true
	}
	var plans []*prompts.Plan
	for _, m := range lib.Methods() {
		for _, mode := range m.Modes {
			if p := lib.Plan(m.ID, mode); p != nil {
				plans = append(plans, p)
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string, lastConcrete bool, pick uint16) {
		text = text[:min(len(text), 4*bot.MaxText)]
		for _, lang := range []string{"nl", "en"} {
			r.Advice(text, lang)
			for _, p := range []*prompts.Plan{plans[int(pick)%len(plans)]} {
				for i := range p.Phases {
					pool := p.Pools[i]
					in := bot.FollowUpRequest{Lang: lang, Text: text, Stage: p.Phases[i].Stage, Pool: pool,
						Asked: map[string]bool{}, Themes: map[string]int{}, LastConcrete: lastConcrete}
					if len(pool) > 0 {
						in.Asked[pool[0].ID] = true
					}
					fu, ok := r.FollowUp(in)
					if !ok {
						continue
					}
					id := fu.Question.ID
					inPool := false
					for _, q := range pool {
						inPool = inPool || q.ID == id
					}
					if !inPool && !known[id] || in.Asked[id] {
						t.Fatalf("%s phase %s (%s): question %q is from nowhere or asked before", lang, p.Phases[i].ID, text, id)
					}
				}
			}
		}
	})
}
