package followup

import (
	"math"
	"slices"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// shortWords is the length up to which an answer without a concrete detail is vague.
const shortWords = 6

// analysis is what the interpreter sees in one contribution.
type analysis struct {
	lc       *langCues
	themes   []ThemeScore
	deficit  string // the deficit words, e.g. "not motivated"
	label    string // how the reason names them, e.g. "unmotivated"
	reframe  string // the question id the deficit cue prefers
	decision string // a decision taken without parents, e.g. "decided in the team"
	who      string // "the mother"
	poss     string // "her"
	vague    bool
	words    int
}

func (r *Interpreter) analyse(text, lang string) analysis {
	d := tokenize(text)
	lc := r.textCues(d, lang)
	a := analysis{lc: lc, themes: r.read(d, lc), words: len(d.toks)}
	for _, c := range lc.deficit {
		if m, ok := c.p.find(d); ok {
			a.deficit, a.label, a.reframe = m, c.label, c.q
			if a.label == "" {
				a.label = m
			}
			break
		}
	}
	for _, c := range lc.decision {
		if m, ok := c.p.find(d); ok {
			a.decision = m
			break
		}
	}
	if a.decision != "" {
		for _, c := range lc.withParents {
			if _, ok := c.p.find(d); ok {
				a.decision = "" // the parents were part of it
				break
			}
		}
	}
	for _, c := range lc.parents {
		if _, ok := c.p.find(d); ok {
			a.who, a.poss = c.who, c.poss
			break
		}
	}
	a.vague = vague(d, lc, text)
	return a
}

// vague reports whether a contribution is too short or too general to reflect on: no
// concrete detail (something said, a time, a number, a quote), and either very short or
// made of general words ("it was difficult", "altijd hetzelfde"). Questions are not vague.
func vague(d doc, lc *langCues, raw string) bool {
	if len(d.toks) == 0 {
		return false
	}
	questions := 0
	for _, s := range d.sents {
		if s.question {
			questions++
		}
	}
	if questions == len(d.sents) {
		return false
	}
	if strings.ContainsAny(raw, "\"“”„0123456789") {
		return false
	}
	for _, c := range lc.concrete {
		if _, ok := c.p.find(d); ok {
			return false
		}
	}
	if len(d.toks) <= shortWords {
		return true
	}
	if len(d.toks) > 30 {
		return false
	}
	for _, c := range lc.vague {
		if _, ok := c.p.find(d); ok {
			return true
		}
	}
	return false
}

// why fills a reason template of lc with {name} values.
func (a analysis) why(key string, pairs ...string) string {
	s := a.lc.why[key]
	if s == "" {
		return ""
	}
	r := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		r = append(r, "{"+pairs[i]+"}", pairs[i+1])
	}
	return strings.NewReplacer(r...).Replace(s)
}

// FollowUp picks the next reflective question for a contribution (bot.Interpreter):
//
//   - deficit language about parents: the reframing question the cue names (kind
//     reframe), else a non-participation question, Strong;
//   - a decision taken without the parents: a decision-making question, preferably one
//     about the parents' part (kind decision), Strong;
//   - a vague or very short answer: a question asking for one concrete detail
//     (kind concrete), never twice in a row;
//   - otherwise the strongest theme's first unasked question of the pool; when no theme
//     shows, the theme the session has looked at least.
//
// An empty Text (a phase begins) gets a question for the least-covered theme. A
// question in in.Asked is never returned. Why is in in.Lang.
func (r *Interpreter) FollowUp(in bot.FollowUpRequest) (bot.FollowUp, bool) {
	lang := in.Lang
	if r.langs[lang] == nil {
		lang = r.Lang(in.Text)
	}
	msgs := r.langs[lang]
	if strings.TrimSpace(in.Text) == "" {
		return r.neutral(in, analysis{lc: msgs}, "start")
	}
	a := r.analyse(in.Text, lang)
	ids := make([]string, 0, len(a.themes))
	for _, t := range a.themes {
		if t.Score >= MinScore {
			ids = append(ids, t.ID)
		}
	}
	// reasons speak the session's language, whatever language the text was in
	say := a
	say.lc = msgs
	if a.who == "" || a.lc != msgs {
		say.who, say.poss = msgs.why["who"], msgs.why["poss"]
	}
	done := func(q prompts.Question, why string, concrete, strong bool) (bot.FollowUp, bool) {
		return bot.FollowUp{Question: q, Why: why, Themes: ids, Concrete: concrete, Strong: strong}, true
	}
	if a.deficit != "" {
		if q, ok := r.reframing(in, a.reframe); ok {
			label := a.label
			if a.lc != msgs {
				label = a.deficit
			}
			return done(q, say.why("deficit", "who", say.who, "poss", say.poss, "label", label), false, true)
		}
	}
	if a.decision != "" {
		if q, ok := r.decisionQuestion(in); ok {
			return done(q, say.why("decision", "cue", a.decision), false, true)
		}
	}
	if a.vague && !in.LastConcrete {
		if q, ok := r.byKind(in, prompts.KindConcrete); ok {
			return done(q, say.why("concrete"), true, false)
		}
	}
	for _, t := range a.themes {
		if t.Score < MinScore {
			break
		}
		if q, ok := themeQuestion(in, prompts.Theme(t.ID)); ok {
			n := msgs.names[prompts.Theme(t.ID)]
			cue := ""
			if len(t.Cues) > 0 {
				cue = t.Cues[0]
			}
			return done(q, say.why("theme", "theme", n.Name, "opens", n.Opens, "cue", cue), false, false)
		}
	}
	f, ok := r.neutral(in, say, "neutral")
	f.Themes = ids
	return f, ok
}

// neutral picks a question for the theme the session has looked at least.
func (r *Interpreter) neutral(in bot.FollowUpRequest, a analysis, key string) (bot.FollowUp, bool) {
	best, bestN := prompts.Theme(""), math.MaxInt
	for _, id := range prompts.Themes {
		if in.Themes[string(id)] < bestN {
			if _, ok := themeQuestion(in, id); ok {
				best, bestN = id, in.Themes[string(id)]
			}
		}
	}
	if best != "" {
		q, _ := themeQuestion(in, best)
		n := a.lc.names[best]
		return bot.FollowUp{Question: q, Why: a.why(key, "theme", n.Name, "opens", n.Opens)}, true
	}
	for _, q := range in.Pool {
		if !in.Asked[q.ID] {
			return bot.FollowUp{Question: q, Why: a.why("next")}, true
		}
	}
	return bot.FollowUp{}, false
}

// special reports whether a question is kept for a rule (reframing, concrete detail).
func special(q prompts.Question) bool {
	return q.Kind == prompts.KindReframe || q.Kind == prompts.KindConcrete
}

// themeQuestion is the pool's first unasked question whose main theme is id, else the
// first that has id among its themes; a concrete-detail question only when nothing
// else fits, and never a reframing one: it answers a label ("you call the parent
// unmotivated") that only the deficit rule has heard.
func themeQuestion(in bot.FollowUpRequest, id prompts.Theme) (prompts.Question, bool) {
	passes := []func(prompts.Question) bool{
		func(q prompts.Question) bool { return !special(q) && len(q.Themes) > 0 && q.Themes[0] == id },
		func(q prompts.Question) bool { return !special(q) && slices.Contains(q.Themes, id) },
		func(q prompts.Question) bool { return q.Kind != prompts.KindReframe && slices.Contains(q.Themes, id) },
	}
	for _, ok := range passes {
		for _, q := range in.Pool {
			if !in.Asked[q.ID] && ok(q) {
				return q, true
			}
		}
	}
	return prompts.Question{}, false
}

// library is the library's questions, or none.
func (r *Interpreter) library() []prompts.Question {
	if r.lib == nil {
		return nil
	}
	return r.lib.Questions()
}

// byKind is the first unasked question of a kind, from the pool, else the library.
func (r *Interpreter) byKind(in bot.FollowUpRequest, kind prompts.QuestionKind) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if !in.Asked[q.ID] && q.Kind == kind {
				return q, true
			}
		}
	}
	return prompts.Question{}, false
}

// reframing is the question the deficit cue prefers, else a non-participation question
// about meaning; each from the pool first, then from the library. Other reframe
// questions are not used as a fallback: each quotes its own label ("You call the parent
// unmotivated"), which the person may not have used.
func (r *Interpreter) reframing(in bot.FollowUpRequest, prefer string) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if prefer != "" && q.ID == prefer && !in.Asked[q.ID] {
				return q, true
			}
		}
	}
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if !in.Asked[q.ID] && slices.Contains(q.Themes, prompts.ThemeNonParticipation) && !special(q) {
				return q, true
			}
		}
	}
	return prompts.Question{}, false
}

// decisionQuestion is the best unasked decision-making question, from the pool, else the
// library: one whose main theme is decision-making and that is about the parents' part
// (kind decision) first.
func (r *Interpreter) decisionQuestion(in bot.FollowUpRequest) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		var best prompts.Question
		bestScore := -1
		for _, q := range qs {
			if in.Asked[q.ID] || special(q) || !slices.Contains(q.Themes, prompts.ThemeDecisionMaking) {
				continue
			}
			s := 0
			if q.Themes[0] == prompts.ThemeDecisionMaking {
				s += 2
			}
			if q.Kind == prompts.KindDecision {
				s++
			}
			if s > bestScore {
				best, bestScore = q, s
			}
		}
		if bestScore >= 0 {
			return best, true
		}
	}
	return prompts.Question{}, false
}
