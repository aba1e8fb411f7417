package followup

import (
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/placeholder"
	"github.com/intervision-bot/intervision/prompts"
)

// shortWords is the length up to which an answer without a concrete detail is vague.
const shortWords = 6

// analysis is what the interpreter sees in one contribution.
type analysis struct {
	raw     string // the text as written, for quotes in reasons
	quoted  string // the words inside quotes, see quotedWords: someone else's words
	lc      *langCues
	themes  []ThemeScore
	deficit string // the deficit words, e.g. "not motivated"
	// use is whose the deficit words are: the writer's own ("Is ze niet gewoon lui?"),
	// someone else's passed on ("volgens het dossier", "the school says", in quotes),
	// looked back on ("Ik heb haar ongemotiveerd genoemd") or asked about ("Who wrote
	// 'unmotivated' in the file?", "Did mum say she doesn't care?"). Denied words ("Ik
	// vind haar helemaal niet ongemotiveerd") are not read as deficit language at all.
	use labelUse
	// unread is the deficit words asked about or denied: a theme reason never quotes
	// them ("You wrote about parents not taking part ("lazy")" under "She is not lazy").
	unread   []string
	label    string // how the reason names them, e.g. "unmotivated"
	reframe  string // the question id the deficit cue prefers
	decision string // a decision taken without parents, e.g. "decided in the team"
	feeling  string // a feeling the writer names, e.g. "angry"
	who      string // "the mother"
	poss     string // "her"
	vague    bool
	words    int
}

func (r *Interpreter) analyse(text, lang string) analysis {
	d := tokenize(text)
	lc := r.textCues(d, lang)
	quoted := quotedWords(text)
	hits := deficitHits(d, lc, quoted)
	a := analysis{raw: text, quoted: quoted, lc: lc, themes: r.read(d, lc, ownDeficit(hits)), words: len(d.toks)}
	a.deficitIn(d, lc, hits)
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
	a.feeling = ownFeeling(d, lc)
	for _, c := range lc.parents {
		if _, ok := c.p.find(d); ok {
			a.who, a.poss = c.who, c.poss
			break
		}
	}
	a.vague = vague(d, lc, text)
	return a
}

// feelingID starts the id of a composed question about a feeling ("feeling-angry").
const feelingID = "feeling-"

// askedFeeling reports whether a question about a feeling was asked already.
func askedFeeling(asked map[string]bool) bool {
	for id, ok := range asked {
		if ok && strings.HasPrefix(id, feelingID) {
			return true
		}
	}
	return false
}

// ownFeeling is the first feeling word in d that is the writer's, by the nearest
// person named before it in its sentence: the writer ("I was surprised", "She shouted
// and I felt powerless", "The mother was upset and I felt powerless"), or nobody
// ("Angry at him.", "Frustrated, because she kept cancelling"); not someone else ("She
// was surprised", "The mother was angry with me", "I think the mother felt ashamed").
// A feeling word the writer follows ("it scared me") is theirs.
func ownFeeling(d doc, lc *langCues) string {
	for _, s := range d.sents {
		for i := s.start; i < s.end; i++ {
			w := d.toks[i].w
			if !anyWord(w, lc.feelings) {
				continue
			}
			// "it scared me", "Her words hurt me": the writer is the one who felt it
			if i+1 < s.end && anyWord(d.toks[i+1].w, lc.feelingSelf) || !othersBefore(d, s, i, lc) {
				return w
			}
		}
	}
	return ""
}

// othersBefore reports whether the nearest person named before token i in sentence s
// is someone other than the writer.
func othersBefore(d doc, s sentence, i int, lc *langCues) bool {
	for j := i - 1; j >= s.start; j-- {
		switch w := d.toks[j].w; {
		case anyWord(w, lc.feelingSelf):
			return false
		case anyWord(w, lc.feelingOther):
			return true
		}
	}
	return false
}

// labelUse is whose deficit words a contribution holds (analysis.use).
type labelUse int

const (
	labelOwn    labelUse = iota // the writer's own words
	labelOthers                 // someone else's, passed on or quoted
	labelNamed                  // looked back on ("ik noemde haar…") or mentioned ("het woord lui")
	labelAsked                  // asked about: in an open question, or reported in a closed one
)

// deficitHit is one deficit cue found in a sentence, with whose the words are.
type deficitHit struct {
	c    cue
	m    string
	use  labelUse
	read bool // false: denied
}

// deficitHits lists every deficit cue of lc found in d, cue by cue, sentence by sentence.
func deficitHits(d doc, lc *langCues, quoted string) []deficitHit {
	var out []deficitHit
	for _, c := range lc.deficit {
		for _, s := range d.sents {
			if m, i, ok := c.p.locIn(d, s); ok {
				use, read := labelUseAt(d, s, i, m, lc, quoted)
				out = append(out, deficitHit{c: c, m: m, use: use, read: read})
			}
		}
	}
	return out
}

// deficitIn finds the first deficit cue of lc in d, preferring one the writer uses as
// their own words, then one passed on from someone else, then one looked back on or
// asked about (see analysis.use). Denied words do not count. Without deficit words of
// the writer's own, a label passed on (labelIn) is read instead. hits are
// deficitHits(d, lc, a.quoted).
func (a *analysis) deficitIn(d doc, lc *langCues, hits []deficitHit) {
	for _, h := range hits {
		if !h.read || h.use == labelAsked {
			a.unread = append(a.unread, h.m)
		}
	}
	if !ownDeficit(hits) && a.labelIn(d, lc, a.quoted) {
		return
	}
	for _, want := range []labelUse{labelOwn, labelOthers, labelNamed, labelAsked} {
		for _, h := range hits {
			if !h.read || h.use != want {
				continue
			}
			a.deficit, a.label, a.reframe, a.use = h.m, h.c.label, h.c.q, h.use
			if a.label == "" {
				a.label = h.m
			}
			return
		}
	}
}

// labelIn finds a label of lc.labels ("probleemkind", "problem child") that the writer
// passes on from someone else ("De juf zegt dat hij een probleemkind is"); it reports
// whether it found one.
func (a *analysis) labelIn(d doc, lc *langCues, quoted string) bool {
	for _, c := range lc.labels {
		for _, s := range d.sents {
			m, i, ok := c.p.locIn(d, s)
			if !ok {
				continue
			}
			use, read := labelUseAt(d, s, i, m, lc, quoted)
			// passed on, also inside a question ("De juf zegt dat hij een probleemkind
			// is, klopt dat?"); asked on its own ("Is hij een ADHD-kind?") it is not
			if read && (use == labelOthers || use == labelAsked && reportedBefore(d, s, i, lc)) {
				a.deficit, a.label, a.use = m, m, labelOthers
				return true
			}
		}
	}
	return false
}

// labelUseAt is whose the deficit words m at token i of sentence s are; false when they
// are denied.
func labelUseAt(d doc, s sentence, i int, m string, lc *langCues, quoted string) (labelUse, bool) {
	if s.question && (opensQuestion(d, s, lc) || reportedBefore(d, s, i, lc)) {
		return labelAsked, true
	}
	if negated(d, s, i, lc) {
		return 0, false
	}
	if reportBefore(d, s, i, lc) || strings.Contains(quoted, " "+m+" ") {
		return labelOthers, true
	}
	if next := i + len(strings.Fields(m)); next < s.end && anyWord(d.toks[next].w, lc.reports) {
		return labelNamed, true
	}
	if endsBefore(d, s, i, lc.mention) {
		return labelNamed, true // "The word lazy made me want to defend him"
	}
	return labelOwn, true
}

// quotedRe finds text in double quotes, or in single quotes that open after a space or
// the start and close before a space or a mark ("zo'n" and "don't" are not quotes).
var quotedRe = regexp.MustCompile(`"[^"]+"|(?:^|[\s(])'[^']+'(?:[\s.,;:!?)]|$)`)

// quotedWords is the words of the quoted parts of raw, joined and surrounded by spaces.
func quotedWords(raw string) string {
	var b strings.Builder
	b.WriteString(" ")
	for _, q := range quotedRe.FindAllString(normalise(raw), -1) {
		b.WriteString(tokenize(q).flat)
		b.WriteString(" ")
	}
	return b.String()
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

// fill replaces each {name} of a template with its value.
func fill(s string, pairs ...string) string {
	if s == "" {
		return ""
	}
	r := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		r = append(r, "{"+pairs[i]+"}", pairs[i+1])
	}
	return placeholder.Replace(s, r...)
}

// part is one writer's words and what the interpreter sees in them.
type part struct {
	name string // as the reason names the writer; "" is the person addressed
	a    analysis
}

// parts analyses each writer's words of the request on their own, so a reason can say
// who wrote what.
func (r *Interpreter) parts(in bot.FollowUpRequest, lang string) []part {
	ps := in.Parts
	if len(ps) == 0 {
		ps = []bot.Part{{Text: in.Text}}
	}
	out := make([]part, 0, len(ps))
	for _, p := range ps {
		if strings.TrimSpace(p.Text) != "" {
			out = append(out, part{name: p.Name, a: r.analyse(p.Text, lang)})
		}
	}
	return out
}

// writer is how a reason in msgs names the writer of p: by name, or "you".
func (p part) writer(msgs *langCues) string {
	if p.name == "" {
		return msgs.why["you"]
	}
	return p.name
}

// FollowUp picks the next reflective question for a contribution (bot.Interpreter).
// The rules that read the answer come first (Reads), each from the first writer whose
// words show it:
//
//   - deficit language about parents: the reframing question the cue names (kind
//     reframe), else a non-participation question, Strong;
//   - a decision taken without the parents: a decision-making question, preferably one
//     about the parents' part (kind decision), Strong;
//   - a feeling the case bringer names (or anyone, in a solo session): a question about
//     what was behind it, once a session;
//   - a vague or very short answer: a question asking for one concrete detail
//     (kind concrete), never twice in a row (LastConcrete).
//
// Otherwise the script goes on: the strongest theme's first unasked question whose main
// theme it is, else one that has it among its themes; when no theme shows, the theme
// the session has looked at least (without a reason).
//
// A reason is given only when it is true of the question it sits under: a theme reason
// names the question's main theme and quotes the words of the writer it names. An empty
// Text (a phase begins, nothing to read) gets the pool's first question, without a
// reason. A question in in.Asked is never returned. Why is in in.Lang.
func (r *Interpreter) FollowUp(in bot.FollowUpRequest) (bot.FollowUp, bool) {
	lang := in.Lang
	if r.langs[lang] == nil {
		lang = r.Lang(in.Text)
	}
	msgs := r.langs[lang]
	if strings.TrimSpace(in.Text) == "" {
		return r.neutral(in)
	}
	a := r.analyse(in.Text, lang)
	ids := make([]string, 0, len(a.themes))
	for _, t := range a.themes {
		if t.Present {
			ids = append(ids, t.ID)
		}
	}
	ps := r.parts(in, lang)
	if f, ok := r.reading(in, a, ps, msgs); ok {
		f.Themes, f.Reads = ids, true
		return f, true
	}
	if f, ok := r.byTheme(in, a, ps, msgs); ok {
		f.Themes = ids
		return f, true
	}
	f, ok := r.neutral(in)
	f.Themes = ids
	return f, ok
}

// deficitFollowUp answers the deficit words of part p: the writer's own label gets the
// reframing question its cue prefers and a reason that names it; a label passed on from
// someone else gets a question about what lies behind that word, with a reason saying
// so; a label looked back on or asked about gets a reframing question without the label
// and without a reason ("you described the mother as unmotivated" would not be true).
func (r *Interpreter) deficitFollowUp(in bot.FollowUpRequest, p part, msgs *langCues) (bot.FollowUp, bool) {
	prefer := ""
	switch p.a.use {
	case labelOwn:
		prefer = p.a.reframe
	case labelOthers:
		prefer = theirWordQuestion
	}
	q, ok := r.reframing(in, prefer)
	if !ok {
		return bot.FollowUp{}, false
	}
	label := p.a.label
	if p.a.lc != msgs {
		label = p.a.deficit
	}
	switch {
	case p.a.use == labelOwn:
		who, poss := p.a.who, p.a.poss
		if who == "" || p.a.lc != msgs {
			who, poss = msgs.why["who"], msgs.why["poss"]
		}
		why := fill(msgs.why["deficit"], "writer", p.writer(msgs), "who", who, "poss", poss, "label", label)
		return bot.FollowUp{Question: q, Why: why, Strong: true}, true
	case p.a.use == labelOthers && q.ID == theirWordQuestion:
		// the words as written: they are quoted as someone else's
		why := fill(msgs.why["their_word"], "writer", p.writer(msgs), "label", p.a.asWritten(p.a.deficit))
		return bot.FollowUp{Question: q, Why: why, Strong: true}, true
	}
	return bot.FollowUp{Question: q}, true
}

// theirWordQuestion is the id of the question a label passed on from someone else gets
// ("De juf zegt dat hij lui is"): what was seen or heard, and how would the parents put it.
const theirWordQuestion = "reframe-their-word"

// reading is the follow-up that answers what a writer said, if any.
func (r *Interpreter) reading(in bot.FollowUpRequest, a analysis, ps []part, msgs *langCues) (bot.FollowUp, bool) {
	for _, p := range ps {
		if p.a.deficit == "" {
			continue
		}
		if f, ok := r.deficitFollowUp(in, p, msgs); ok {
			return f, true
		}
		break
	}
	for _, p := range ps {
		if p.a.decision == "" {
			continue
		}
		if q, ok := r.decisionQuestion(in); ok {
			why := fill(msgs.why["decision"], "writer", p.writer(msgs), "cue", p.a.asWritten(p.a.decision))
			return bot.FollowUp{Question: q, Why: why, Strong: true}, true
		}
		break
	}
	for _, p := range ps {
		if p.a.feeling == "" || msgs.ask["feeling"] == "" || (!in.Solo && in.Role != prompts.RoleBringer) {
			continue
		}
		id := feelingID + p.a.feeling
		if askedFeeling(in.Asked) {
			break // once a session: a second word for a feeling ("annoyed", then "irritated") would ask the same again
		}
		q := prompts.Question{ID: id, Text: prompts.Text{msgs.lang: fill(msgs.ask["feeling"], "feeling", p.a.feeling)}}
		why := fill(msgs.why["feeling"], "writer", p.writer(msgs), "cue", p.a.feeling)
		return bot.FollowUp{Question: q, Why: why}, true
	}
	if a.vague && !in.LastConcrete {
		// from the phase's pool only: a question about a moment that happened fits the
		// phases that look back, not one about other ways, a plan or the takeaway
		if q, ok := poolKind(in, prompts.KindConcrete); ok {
			return bot.FollowUp{Question: q, Why: msgs.why["concrete"], Concrete: true}, true
		}
	}
	return bot.FollowUp{}, false
}

// byTheme is the script's question for the strongest theme of the text that has one:
// first a question whose main theme it is (with a reason that names the theme and
// quotes its writer, unless the question only asks for facts), else one that has the
// theme among its themes (without a reason: the question looks at something else
// first).
func (r *Interpreter) byTheme(in bot.FollowUpRequest, a analysis, ps []part, msgs *langCues) (bot.FollowUp, bool) {
	for _, main := range []bool{true, false} {
		for _, t := range a.themes {
			if !t.Present {
				continue
			}
			id := prompts.Theme(t.ID)
			q, ok := themeQuestion(in, id, main)
			if !ok {
				continue
			}
			f := bot.FollowUp{Question: q}
			if main && !factual(q) {
				if p, cue := author(ps, id); cue != "" {
					n := msgs.names[id]
					f.Why = fill(msgs.why["theme"], "writer", p.writer(msgs), "theme", n.Name, "cue", cue)
				}
			}
			return f, true
		}
	}
	return bot.FollowUp{}, false
}

// factual reports whether a library question only asks for facts or for the case (it
// fits only the stages of choosing, telling and clarifying: "Where did it take
// place?", "With which parent do you feel stuck at the moment?"). What a theme opens up
// is not what it asks, so it gets no theme reason.
func factual(q prompts.Question) bool {
	if len(q.Stages) == 0 {
		return false
	}
	for _, st := range q.Stages {
		if st != prompts.StageClarify && st != prompts.StageChoose && st != prompts.StageDescribe {
			return false
		}
	}
	return true
}

// author is the writer whose reading scores theme id highest (cues and model), and the
// first of the words that showed it as written; words only the theme model weighed,
// deficit words asked about or denied, and words inside quotes (someone else's: "lukt
// niet, sorry") are never quoted as a reason.
func author(ps []part, id prompts.Theme) (part, string) {
	var best part
	cue, score := "", 0.0
	for _, p := range ps {
		for _, t := range p.a.themes {
			if t.ID != string(id) || t.Model || t.Score <= score {
				continue
			}
			for _, c := range t.Cues {
				if !slices.Contains(p.a.unread, c) && !strings.Contains(p.a.quoted, " "+c+" ") {
					best, cue, score = p, p.a.asWritten(c), t.Score
					break
				}
			}
		}
	}
	return best, cue
}

// neutral picks a question for the theme the session has looked at least, mainly about
// that theme if the pool has one. It gives no reason: "no theme stood out" says nothing
// about the question.
func (r *Interpreter) neutral(in bot.FollowUpRequest) (bot.FollowUp, bool) {
	best, bestN := prompts.Theme(""), math.MaxInt
	for _, id := range prompts.Themes {
		if in.Themes[string(id)] < bestN {
			if _, ok := themeQuestion(in, id, false); ok {
				best, bestN = id, in.Themes[string(id)]
			}
		}
	}
	if best != "" {
		if q, ok := themeQuestion(in, best, true); ok {
			return bot.FollowUp{Question: q}, true
		}
		q, _ := themeQuestion(in, best, false)
		return bot.FollowUp{Question: q}, true
	}
	for _, q := range in.Pool {
		if !in.Asked[q.ID] {
			return bot.FollowUp{Question: q}, true
		}
	}
	return bot.FollowUp{}, false
}

// special reports whether a question is kept for a rule (reframing, concrete detail).
func special(q prompts.Question) bool {
	return q.Kind == prompts.KindReframe || q.Kind == prompts.KindConcrete
}

// themeQuestion is the pool's first unasked question whose main theme is id; unless
// main, else the first that has id among its themes, and a concrete-detail question
// only when nothing else fits. Never a reframing one: it answers a label ("you call
// the parent unmotivated") that only the deficit rule has heard.
func themeQuestion(in bot.FollowUpRequest, id prompts.Theme, main bool) (prompts.Question, bool) {
	passes := []func(prompts.Question) bool{
		func(q prompts.Question) bool { return !special(q) && len(q.Themes) > 0 && q.Themes[0] == id },
		func(q prompts.Question) bool { return !special(q) && slices.Contains(q.Themes, id) },
		func(q prompts.Question) bool { return q.Kind != prompts.KindReframe && slices.Contains(q.Themes, id) },
	}
	if main {
		passes = passes[:1]
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

// library is the library's questions, or none for a phase with its own questions only.
func (r *Interpreter) library(in bot.FollowUpRequest) []prompts.Question {
	if r.lib == nil || in.OwnPool {
		return nil // a method with its own questions only (Balint) gets none of the library's
	}
	return r.lib.Questions()
}

// poolKind is the pool's first unasked question of a kind.
func poolKind(in bot.FollowUpRequest, kind prompts.QuestionKind) (prompts.Question, bool) {
	for _, q := range in.Pool {
		if !in.Asked[q.ID] && q.Kind == kind {
			return q, true
		}
	}
	return prompts.Question{}, false
}

// reframing is the question the deficit cue prefers, else a question mainly about
// non-participation, else one that touches it; each from the pool first, then from the
// library. Other reframe
// questions are not used as a fallback: each quotes its own label ("You call the parent
// unmotivated"), which the person may not have used.
func (r *Interpreter) reframing(in bot.FollowUpRequest, prefer string) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library(in)} {
		for _, q := range qs {
			if prefer != "" && q.ID == prefer && !in.Asked[q.ID] {
				return q, true
			}
		}
	}
	for _, main := range []bool{true, false} {
		for _, qs := range [][]prompts.Question{in.Pool, r.library(in)} {
			for _, q := range qs {
				if in.Asked[q.ID] || special(q) || len(q.Themes) == 0 || !aboutMeaning(q) {
					continue
				}
				if main && q.Themes[0] == prompts.ThemeNonParticipation || !main && slices.Contains(q.Themes, prompts.ThemeNonParticipation) {
					return q, true
				}
			}
		}
	}
	return prompts.Question{}, false
}

// aboutMeaning reports whether a question can look at what behaviour might mean, as the
// deficit reason says it does: one for a stage of clarifying, analysing, perspectives,
// alternatives or discussion ("What did you feel when the parent stayed away?" is a
// feelings question, and the reason would not be true of it).
func aboutMeaning(q prompts.Question) bool {
	if len(q.Stages) == 0 {
		return true
	}
	for _, st := range q.Stages {
		switch st {
		case prompts.StageClarify, prompts.StageAnalyse, prompts.StagePerspectives, prompts.StageAlternatives, prompts.StageDiscuss:
			return true
		}
	}
	return false
}

// decisionQuestion is the best unasked decision-making question, from the pool, else the
// library: one whose main theme is decision-making and that is about the parents' part
// (kind decision) first.
func (r *Interpreter) decisionQuestion(in bot.FollowUpRequest) (prompts.Question, bool) {
	for _, qs := range [][]prompts.Question{in.Pool, r.library(in)} {
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

// VagueStep reports whether a next step leaves open what will be done, with whom or when
// (bot.StepReader): it is concrete when it says when (a day, "next week", "at the next
// visit", a time or a number), or names with whom in five words or more that are not
// only general ones ("try to be more patient with parents"). A step of fewer than three
// words is always vague.
func (r *Interpreter) VagueStep(text, lang string) bool {
	d := tokenize(text)
	if len(d.toks) < 3 {
		return true
	}
	lc := r.textCues(d, lang)
	if strings.ContainsAny(text, "0123456789") || anyFound(d, lc.stepWhen) {
		return false
	}
	return len(d.toks) < 5 || !anyFound(d, lc.stepWho) || anyFound(d, lc.stepGeneral)
}

// ContinuesTakeaway reports whether text, the case bringer's first message after the
// takeaway closed, goes on with the takeaway rather than naming a step: only on
// evidence, a continuation that says what they take away ("Also that I…", "En dat
// ik…", "And I realise…"), and says neither when (a day, a time, a number: "That I
// call her on Thursday" is a step) nor that they will do something ("And that I'll
// call him", "dat ik van plan ben…"). Anything else is the step.
func (r *Interpreter) ContinuesTakeaway(text, lang string) bool {
	d := tokenize(text)
	lc := r.textCues(d, lang)
	more := anyFound(d, lc.stepMore) || anyFound(d, lc.stepMoreBare) && !anyFound(d, lc.stepWillLate)
	return more && !strings.ContainsAny(text, "0123456789") && !anyFound(d, lc.stepWhen) && !anyFound(d, lc.stepWill)
}

// anyFound reports whether one of the cues occurs in d.
func anyFound(d doc, cs []cue) bool {
	for _, c := range cs {
		if _, ok := c.p.find(d); ok {
			return true
		}
	}
	return false
}

// asWritten is the matched words m (lower-cased tokens) as the writer wrote them: with
// their capitals, apostrophes and the marks between the words ("Not good: I never
// asked", "Kind 1"), so that a quote in a reason is what the person wrote. When the
// words cannot be found as such, m.
func (a analysis) asWritten(m string) string {
	words := strings.Fields(m)
	if len(words) == 0 {
		return m
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = strings.ReplaceAll(regexp.QuoteMeta(w), "'", "['’]")
	}
	re, err := regexp.Compile(`(?i)(?:^|[^\p{L}\p{N}])(` + strings.Join(parts, `[^\p{L}\p{N}]+`) + `)(?:[^\p{L}\p{N}]|$)`)
	if err != nil {
		return m
	}
	if sm := re.FindStringSubmatch(a.raw); sm != nil {
		return sm[1]
	}
	return m
}

// endsBefore reports whether one of the cues ends right before token i of sentence s.
func endsBefore(d doc, s sentence, i int, cs []cue) bool {
	for j := max(s.start, i-4); j < i; j++ {
		for _, c := range cs {
			if _, end, ok := c.p.at(d, s, j); ok && end == i-1 {
				return true
			}
		}
	}
	return false
}
