// Package followup reads what professionals write in an intervision session: it
// recognises the themes of the domain brief from cue lists (prompts/data/cues), notices
// deficit language about parents, decisions taken without them, vague answers and
// advice, and picks the next reflective question with a reason. It is deterministic
// and explainable: every score comes from cues that can be shown.
package followup

import (
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// ThemeScore is how strongly a text is about one theme, and the words that showed it.
type ThemeScore struct {
	ID    string   `json:"id"`
	Score float64  `json:"score"`
	Cues  []string `json:"cues"`
}

// Scorer is an optional extra theme model (for example a local classifier). Its scores
// are added to the cue scores; it is asked only for the themes of prompts.Themes.
type Scorer interface {
	Score(text, lang string) map[string]float64
}

// Reader is the theme-aware bot.Reader.
type Reader struct {
	lib     *prompts.Library
	langs   map[string]*langCues
	scorers []Scorer
}

var _ bot.Reader = (*Reader)(nil)

// MinScore is the score from which a theme counts as present in a text.
const MinScore = 1.0

// shortWords is the length up to which an answer without a concrete detail is vague.
const shortWords = 6

// New returns a Reader with the built-in cue files (prompts.Cues) and any extra cue
// directories. lib supplies reframing, decision and concrete questions when a phase's
// pool has none; it may be nil.
func New(lib *prompts.Library, extra ...fs.FS) (*Reader, error) {
	r := &Reader{lib: lib, langs: map[string]*langCues{}}
	for _, fsys := range append([]fs.FS{prompts.Cues()}, extra...) {
		if err := loadCues(fsys, r.langs); err != nil {
			return nil, err
		}
	}
	for _, l := range prompts.Languages {
		if r.langs[l] == nil {
			return nil, fmt.Errorf("followup: no cues for language %q", l)
		}
	}
	return r, nil
}

// AddScorer adds an extra theme model whose scores are summed with the cue scores.
func (r *Reader) AddScorer(s Scorer) { r.scorers = append(r.scorers, s) }

// Lang detects Dutch or English from function words; "en" when it cannot tell.
func (r *Reader) Lang(text string) string {
	l, _ := r.detect(tokenize(text))
	return l
}

// detect returns the language with most function words and whether it was clear
// (at least three of them, twice as many as any other language).
func (r *Reader) detect(d doc) (string, bool) {
	counts := map[string]int{}
	for _, t := range d.toks {
		for l, lc := range r.langs {
			if lc.function[t.w] {
				counts[l]++
			}
		}
	}
	best, second := "en", 0
	bestN := -1
	for _, l := range prompts.Languages {
		n := counts[l]
		if n > bestN {
			if bestN > second {
				second = bestN
			}
			best, bestN = l, n
		} else if n > second {
			second = n
		}
	}
	if bestN <= 0 {
		return "en", false
	}
	return best, bestN >= 3 && bestN >= 2*second
}

// cuesFor picks the cue set for a text: lang when given and known, else the detected one.
func (r *Reader) cuesFor(d doc, lang string) *langCues {
	if lc := r.langs[lang]; lc != nil {
		return lc
	}
	l, _ := r.detect(d)
	return r.langs[l]
}

// textCues is the cue set for what a person wrote in a session of lang: the text's own
// language when it clearly differs, so an English remark in a Dutch session is read too.
func (r *Reader) textCues(d doc, lang string) *langCues {
	if l, clear := r.detect(d); clear && r.langs[l] != nil {
		return r.langs[l]
	}
	return r.cuesFor(d, lang)
}

// Read scores text against the nine themes in lang ("" detects it). It returns the
// themes with a score above zero, strongest first, each with the words that matched.
func (r *Reader) Read(text, lang string) []ThemeScore {
	d := tokenize(text)
	return r.read(d, r.cuesFor(d, lang))
}

func (r *Reader) read(d doc, lc *langCues) []ThemeScore {
	scores := map[string]*ThemeScore{}
	hit := func(id string, c cue) {
		m, ok := c.p.find(d)
		if !ok {
			return
		}
		s := scores[id]
		if s == nil {
			s = &ThemeScore{ID: id}
			scores[id] = s
		}
		s.Score += c.w
		for _, x := range s.Cues {
			if x == m {
				return
			}
		}
		s.Cues = append(s.Cues, m)
	}
	for _, id := range prompts.Themes {
		for _, c := range lc.themes[id] {
			hit(id, c)
		}
	}
	for _, c := range lc.deficit {
		hit("non-participation", c)
	}
	for _, c := range lc.decision {
		hit("decision-making", c)
	}
	for _, sc := range r.scorers {
		for id, v := range sc.Score(strings.Join(d.words(sentence{0, len(d.toks), false}), " "), lc.lang) {
			if v <= 0 || !isTheme(id) {
				continue
			}
			if scores[id] == nil {
				scores[id] = &ThemeScore{ID: id}
			}
			scores[id].Score += v
		}
	}
	order := map[string]int{}
	for i, id := range prompts.Themes {
		order[id] = i
	}
	out := make([]ThemeScore, 0, len(scores))
	for _, s := range scores {
		s.Score = math.Round(s.Score*100) / 100
		if s.Cues == nil {
			s.Cues = []string{}
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return order[out[i].ID] < order[out[j].ID]
	})
	return out
}

func isTheme(id string) bool {
	for _, t := range prompts.Themes {
		if t == id {
			return true
		}
	}
	return false
}

// Advice reports whether text gives advice or passes a judgement, in Dutch or English.
// Suggestions dressed as questions ("Have you tried calling her?", "Waarom bel je niet
// gewoon?") count as advice; open questions ("What could you do next?", "Wat zei de
// moeder toen?") do not.
func (r *Reader) Advice(text, lang string) bool {
	_, ok := r.AdviceCue(text, lang)
	return ok
}

// AdviceCue is Advice that also returns the words that showed it.
func (r *Reader) AdviceCue(text, lang string) (string, bool) {
	d := tokenize(text)
	sets := []*langCues{r.cuesFor(d, lang)}
	if l, _ := r.detect(d); r.langs[l] != nil && r.langs[l] != sets[0] {
		sets = append(sets, r.langs[l])
	}
	for _, lc := range sets {
		if m, ok := adviceIn(d, lc); ok {
			return m, true
		}
	}
	return "", false
}

func adviceIn(d doc, lc *langCues) (string, bool) {
	for _, s := range d.sents {
		if anyIn(d, s, lc.invite) {
			continue // an invitation to tell more: "Misschien kun je vertellen hoe het begon?"
		}
		question := s.question && !anyEnds(d, s, lc.tag) // "…, isn't it?" is a statement
		for _, c := range lc.always {
			if m, ok := cueIn(d, s, c, question, lc); ok {
				return m, true
			}
		}
		if question && s.question && opensQuestion(d, s, lc) {
			continue // an open question: "what would you need?", "wat zou jij doen?"
		}
		for _, c := range lc.statement {
			if m, ok := cueIn(d, s, c, question, lc); ok {
				return m, true
			}
		}
		if m, ok := infinitive(d, s, lc); ok {
			return m, true // "Eerst even met de school bellen.", "Misschien de oma vragen?"
		}
		if question {
			if m, ok := softImperative(d, s, lc); ok {
				return m, true // "Maybe ask the father?"
			}
			continue
		}
		for _, c := range lc.assert {
			if m, ok := c.p.findIn(d, s); ok {
				return m, true
			}
		}
		if m, ok := imperative(d, s, lc); ok {
			return m, true
		}
	}
	return "", false
}

// cueIn matches a cue in a sentence; in a question, a cue after a reporting verb is
// reported speech ("Did the school say you should call?") and does not count.
func cueIn(d doc, s sentence, c cue, question bool, lc *langCues) (string, bool) {
	m, i, ok := c.p.locIn(d, s)
	if !ok {
		return "", false
	}
	if question {
		for j := s.start; j < i; j++ {
			if anyWord(d.toks[j].w, lc.reported) {
				return "", false
			}
		}
	}
	return m, true
}

// anyIn reports whether one of the cues occurs in the sentence.
func anyIn(d doc, s sentence, cs []cue) bool {
	for _, c := range cs {
		if _, ok := c.p.findIn(d, s); ok {
			return true
		}
	}
	return false
}

// anyWord reports whether w is one of the single-word cues.
func anyWord(w string, cs []cue) bool {
	for _, c := range cs {
		if c.p.word(w) {
			return true
		}
	}
	return false
}

// anyEnds reports whether one of the cues ends the sentence.
func anyEnds(d doc, s sentence, cs []cue) bool {
	for i := s.end - 1; i >= s.start && i >= s.end-4; i-- {
		for _, c := range cs {
			if _, end, ok := c.p.at(d, s, i); ok && end == s.end-1 {
				return true
			}
		}
	}
	return false
}

// imperativeAt matches an imperative at token i, after up to two lead words ("honestly
// just", "dan"); not when a not_after word follows ("Bel je haar?", "Tell us more") or
// when the verb stands alone before a comma ("Look, …", "Kijk, …").
func imperativeAt(d doc, s sentence, i int, lc *langCues) (string, bool) {
	for skip := 0; skip <= 2 && i+skip < s.end; skip++ {
		k := i + skip
		if skip > 0 && !anyWord(d.toks[k-1].w, lc.lead) {
			break
		}
		for _, c := range lc.imperative {
			m, end, ok := c.p.at(d, s, k)
			if !ok {
				continue
			}
			if end+1 < s.end && (anyWord(d.toks[end+1].w, lc.notAfter) || (end == k && d.toks[end+1].clause)) {
				continue
			}
			if end+1 == s.end && end == k && skip == 0 && s.end-s.start == 1 {
				continue // a single word ("Stop.") is not an instruction to anyone
			}
			return m, true
		}
	}
	return "", false
}

// imperative finds an instruction at the start of a statement or of one of its clauses
// ("If she doesn't pick up, send a letter.").
func imperative(d doc, s sentence, lc *langCues) (string, bool) {
	for i := s.start; i < s.end; i++ {
		if i != s.start && !d.toks[i].clause {
			continue
		}
		if m, ok := imperativeAt(d, s, i, lc); ok {
			return m, true
		}
	}
	return "", false
}

// softImperative is a question that begins with "maybe" or "perhaps" (after a lead word)
// and then an imperative: "Maybe ask the father?", "Or perhaps try a visit?".
func softImperative(d doc, s sentence, lc *langCues) (string, bool) {
	for i := s.start; i < s.end && i <= s.start+1; i++ {
		if anyWord(d.toks[i].w, lc.softLead) && i+1 < s.end {
			if m, ok := imperativeAt(d, s, i+1, lc); ok {
				return d.toks[i].w + " " + m, true
			}
		}
	}
	return "", false
}

// infinitive is a Dutch instruction without a finite verb: a sentence that begins with
// a start word ("gewoon", "eerst", "misschien", "niet"), has an infinitive and no subject or
// finite verb ("Eerst even met de school bellen.", "Misschien de oma vragen?").
func infinitive(d doc, s sentence, lc *langCues) (string, bool) {
	if len(lc.infStart) == 0 || s.end-s.start < 2 || !anyWord(d.toks[s.start].w, lc.infStart) {
		return "", false
	}
	verb := ""
	for i := s.start + 1; i < s.end; i++ {
		w := d.toks[i].w
		if anyWord(w, lc.infStop) {
			return "", false
		}
		if verb == "" && len([]rune(w)) >= 4 && anyWord(w, lc.infVerb) && !anyWord(w, lc.infNotVerb) {
			verb = w
		}
	}
	if verb == "" {
		return "", false
	}
	return d.toks[s.start].w + " .. " + verb, true
}

// opensQuestion reports whether a question sentence begins with a question word
// (possibly after a short lead-in such as "and" or "so").
func opensQuestion(d doc, s sentence, lc *langCues) bool {
	for i := s.start; i < s.end && i < s.start+3; i++ {
		for _, c := range lc.open {
			for _, ph := range c.p.phrases {
				if ph[0].match(d.toks[i].w) {
					return true
				}
			}
		}
	}
	return false
}

// analysis is what the reader sees in one contribution.
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

func (r *Reader) analyse(text, lang string) analysis {
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

// FollowUp picks the next reflective question for a contribution (bot.Reader):
//
//   - deficit language about parents: a reframing question (id "reframe-…", else a
//     non-participation question), Strong;
//   - a decision taken without the parents: a decision-making question about the
//     parents' part, Strong;
//   - a vague or very short answer: a question asking for one concrete detail
//     (id "concrete-…"), never twice in a row;
//   - otherwise the strongest theme's first unasked question of the pool; when no theme
//     shows, the theme the session has looked at least.
//
// An empty Text (a phase begins) gets a question for the least-covered theme. A
// question in in.Asked is never returned. Why is in in.Lang.
func (r *Reader) FollowUp(in bot.Reading) (bot.FollowUp, bool) {
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
		if q, ok := r.byPrefix(in, "concrete-"); ok {
			return done(q, say.why("concrete"), true, false)
		}
	}
	for _, t := range a.themes {
		if t.Score < MinScore {
			break
		}
		if q, ok := themeQuestion(in, t.ID); ok {
			n := msgs.names[t.ID]
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
func (r *Reader) neutral(in bot.Reading, a analysis, key string) (bot.FollowUp, bool) {
	best, bestN := "", math.MaxInt
	for _, id := range prompts.Themes {
		if in.Themes[id] < bestN {
			if _, ok := themeQuestion(in, id); ok {
				best, bestN = id, in.Themes[id]
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
	return strings.HasPrefix(q.ID, "reframe-") || strings.HasPrefix(q.ID, "concrete-")
}

func hasTheme(q prompts.Question, id string) bool {
	for _, t := range q.Themes {
		if t == id {
			return true
		}
	}
	return false
}

// themeQuestion is the pool's first unasked question whose main theme is id, else the
// first that has id among its themes; rule questions only when nothing else fits.
func themeQuestion(in bot.Reading, id string) (prompts.Question, bool) {
	passes := []func(prompts.Question) bool{
		func(q prompts.Question) bool { return !special(q) && len(q.Themes) > 0 && q.Themes[0] == id },
		func(q prompts.Question) bool { return !special(q) && hasTheme(q, id) },
		func(q prompts.Question) bool { return hasTheme(q, id) },
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
func (r *Reader) library() []prompts.Question {
	if r.lib == nil {
		return nil
	}
	return r.lib.Questions()
}

// byPrefix is the first unasked question with the id prefix, from the pool, else the library.
func (r *Reader) byPrefix(in bot.Reading, prefix string) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if !in.Asked[q.ID] && strings.HasPrefix(q.ID, prefix) {
				return q, true
			}
		}
	}
	return prompts.Question{}, false
}

// reframing is the question the deficit cue prefers, else a non-participation question
// about meaning; each from the pool first, then from the library. Other "reframe-"
// questions are not used as a fallback: each quotes its own label ("You call the parent
// unmotivated"), which the person may not have used.
func (r *Reader) reframing(in bot.Reading, prefer string) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if prefer != "" && q.ID == prefer && !in.Asked[q.ID] {
				return q, true
			}
		}
	}
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		for _, q := range qs {
			if !in.Asked[q.ID] && hasTheme(q, "non-participation") && !special(q) {
				return q, true
			}
		}
	}
	return prompts.Question{}, false
}

// decisionQuestion is the best unasked decision-making question, from the pool, else the
// library: one whose main theme is decision-making and that names the parents first.
func (r *Reader) decisionQuestion(in bot.Reading) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library()} {
		var best prompts.Question
		bestScore := -1
		for _, q := range qs {
			if in.Asked[q.ID] || special(q) || !hasTheme(q, "decision-making") {
				continue
			}
			s := 0
			if q.Themes[0] == "decision-making" {
				s += 2
			}
			if en := strings.ToLower(q.Text.In("en")); strings.Contains(en, "parent") ||
				strings.Contains(en, "mother") || strings.Contains(en, "father") {
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
