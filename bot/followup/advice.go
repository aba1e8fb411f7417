package followup

import (
	"slices"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// FactStage reports whether a phase of stage s asks for facts, so that interpretations
// count as well as advice and judgements: the clarifying questions.
func FactStage(s prompts.Stage) bool { return s == prompts.StageClarify }

// Advice reports whether text gives advice or passes a judgement, in Dutch or English.
// Suggestions dressed as questions ("Have you tried calling her?", "Waarom bel je niet
// gewoon?") count as advice and leading questions that judge ("Is ze niet gewoon
// onverschillig?") as judgements; open questions ("What could you do next?", "Wat zei
// de moeder toen?") do not. Interpretations count only with ReadAdvice in a fact stage.
func (r *Interpreter) Advice(text, lang string) bool {
	_, ok := r.ReadAdvice(text, lang, "")
	return ok
}

// AdviceCue is Advice that also returns the words that showed it.
func (r *Interpreter) AdviceCue(text, lang string) (string, bool) {
	a, ok := r.ReadAdvice(text, lang, "")
	if !ok {
		return "", false
	}
	return a.Cues[0], true
}

// ReadAdvice reports what kind of advice text holds in a phase of stage: advice, a
// judgement or, where the phase asks for facts (FactStage), an interpretation. When a
// text holds several kinds it reports the strongest (judgement, then advice, then
// interpretation) with the words that showed it.
func (r *Interpreter) ReadAdvice(text, lang string, stage prompts.Stage) (bot.Advice, bool) {
	d := tokenize(text)
	sets := []*langCues{r.cuesFor(d, lang)}
	if l, _ := r.detect(d); r.langs[l] != nil && r.langs[l] != sets[0] {
		sets = append(sets, r.langs[l])
	}
	facts := FactStage(stage)
	for _, lc := range sets {
		if a, ok := adviceIn(d, lc, facts); ok {
			return a, true
		}
	}
	if denied(d, sets[0]) {
		return bot.Advice{}, false // "Ze is niet lui.": the model reads no negation
	}
	feats := features(d)
	for _, lc := range sets {
		// what no cue names, the model of the same language may find
		if kind, p, cues := r.modelAdvice(feats, lc, facts); kind != "" && p >= r.tune.adviceMin && len(cues) > 0 {
			return bot.Advice{Kind: kind, Cues: cues}, true
		}
	}
	return bot.Advice{}, false
}

// finding is one sentence's advice: the words and their kind.
type finding struct{ cue, kind string }

// kindRank orders the kinds when a text holds several.
var kindRank = map[string]int{bot.AdviceKindInterpretation: 1, bot.AdviceKindAdvice: 2, bot.AdviceKindJudgement: 3}

func adviceIn(d doc, lc *langCues, facts bool) (bot.Advice, bool) {
	var out bot.Advice
	for _, s := range d.sents {
		f, ok := sentenceAdvice(d, s, lc, facts)
		switch {
		case !ok:
		case kindRank[f.kind] > kindRank[out.Kind]:
			out = bot.Advice{Kind: f.kind, Cues: []string{f.cue}}
		case f.kind == out.Kind && !slices.Contains(out.Cues, f.cue):
			out.Cues = append(out.Cues, f.cue)
		}
	}
	return out, out.Kind != ""
}

// sentenceAdvice finds advice in one sentence; interpretations only when facts is true.
func sentenceAdvice(d doc, s sentence, lc *langCues, facts bool) (finding, bool) {
	if anyIn(d, s, lc.invite) {
		return finding{}, false // an invitation to tell more: "Misschien kun je vertellen hoe het begon?"
	}
	question := s.question && !anyEnds(d, s, lc.tag) // "…, isn't it?" is a statement
	open := question && opensQuestion(d, s, lc)
	judgement := lc.judgement
	if open {
		judgement = lc.openJudgement // "Waarom is ze zo'n slechte moeder?"
	}
	if f, ok := firstCue(d, s, judgement, question, lc); ok {
		return f, true // before the always cues, so a judgement is named as one
	}
	if f, ok := firstCue(d, s, lc.always, question, lc); ok {
		return f, true
	}
	if open {
		return finding{}, false // an open question: "what would you need?", "wat zou jij doen?"
	}
	if facts {
		if f, ok := firstCue(d, s, lc.interpret, question, lc); ok {
			return f, true // before the modal cues: "She must feel powerless." guesses, it does not advise
		}
	}
	if f, ok := firstCue(d, s, lc.statement, question, lc); ok {
		return f, true
	}
	if m, ok := infinitive(d, s, lc); ok {
		return finding{m, bot.AdviceKindAdvice}, true // "Eerst even met de school bellen.", "Misschien de oma vragen?"
	}
	if question {
		if m, ok := softImperative(d, s, lc); ok {
			return finding{m, bot.AdviceKindAdvice}, true // "Maybe ask the father?"
		}
	} else {
		for _, c := range lc.assert {
			if m, ok := cueIn(d, s, c, false, lc); ok {
				return finding{m, c.kind}, true
			}
		}
		if m, ok := imperative(d, s, lc); ok {
			return finding{m, bot.AdviceKindAdvice}, true
		}
	}
	return finding{}, false
}

// firstCue is the first of cs that cueIn finds in the sentence; in a question, not an
// assert cue.
func firstCue(d doc, s sentence, cs []cue, question bool, lc *langCues) (finding, bool) {
	for _, c := range cs {
		if question && c.assert {
			continue
		}
		if m, ok := cueIn(d, s, c, question, lc); ok {
			return finding{m, c.kind}, true
		}
	}
	return finding{}, false
}

// cueIn matches a cue in a sentence; in a question, a cue after a reporting verb is
// reported speech ("Did the school say you should call?") and does not count, nor in a
// statement a judgement or interpretation after a report ("She told me she was scared").
func cueIn(d doc, s sentence, c cue, question bool, lc *langCues) (string, bool) {
	m, i, ok := c.p.locIn(d, s)
	if !ok {
		return "", false
	}
	if c.kind != bot.AdviceKindAdvice && negated(d, s, i, lc) {
		return "", false // "Ik vind haar helemaal niet ongemotiveerd."
	}
	if question {
		// A judgement may begin at its reported word ("…say she doesn't care"): that
		// word counts too.
		last := i
		if c.kind == bot.AdviceKindAdvice {
			last = i - 1
		}
		if reportedBefore(d, s, last+1, lc) {
			return "", false
		}
	} else if c.kind != bot.AdviceKindAdvice && reportBefore(d, s, i, lc) {
		return "", false
	}
	return m, true
}

// denied reports whether a judgement cue of lc occurs in d only denied ("Ze is helemaal
// niet lui", "I don't think she is lazy"; see negated).
func denied(d doc, lc *langCues) bool {
	for _, s := range d.sents {
		for _, cs := range [][]cue{lc.judgement, lc.assert} {
			for _, c := range cs {
				if c.kind != bot.AdviceKindJudgement {
					continue
				}
				if _, i, ok := c.p.locIn(d, s); ok && negated(d, s, i, lc) {
					return true
				}
			}
		}
	}
	return false
}

// reportedBefore reports whether a reported word ("say", "zei") that is not the asker's
// own claim comes before token i of a question: what follows it is reported speech.
func reportedBefore(d doc, s sentence, i int, lc *langCues) bool {
	for j := s.start; j < i; j++ {
		if anyWord(d.toks[j].w, lc.reported) && !claimBefore(d, s, j, lc) && !ownView(d, s, j, lc) {
			return true
		}
	}
	return false
}

// ownView reports whether the reported word at token j opens the question with the
// hearer's view ("Vind je dat ze lui is?", "Denk je dat je haar moet bellen?"): what
// follows is put to the case bringer by the asker, not reported from someone else.
func ownView(d doc, s sentence, j int, lc *langCues) bool {
	return j == s.start && anyAt(d, s, j, lc.ownView)
}

// negated reports whether the words at token i of a statement are denied: a negation
// right before them, with at most two degree words between ("niet", "helemaal niet",
// "not really", "isn't"), or a denied belief earlier in the sentence ("I don't think",
// "ik denk niet dat"). A negation in a closed question asserts: "Is ze niet gewoon lui?"
func negated(d doc, s sentence, i int, lc *langCues) bool {
	if s.question {
		return false
	}
	for j, degrees := i-1, 0; j >= s.start && degrees <= 2; j-- {
		w := d.toks[j].w
		if anyWord(w, lc.negation) {
			return true
		}
		if !anyWord(w, lc.degree) {
			break
		}
		degrees++
	}
	for j := s.start; j < i; j++ {
		for _, c := range lc.denial {
			if _, end, ok := c.p.at(d, s, j); ok && end < i {
				return true
			}
		}
	}
	return false
}

// reportBefore reports whether a reports cue ends before token i in the sentence: what
// follows it is what someone else said ("The teacher wrote that he is aggressive").
func reportBefore(d doc, s sentence, i int, lc *langCues) bool {
	for j := s.start; j < i; j++ {
		if anyAt(d, s, j, lc.unreport) {
			continue // "Moeder zegt steeds af": a cancellation, not a report
		}
		for _, c := range lc.reports {
			if _, end, ok := c.p.at(d, s, j); ok && end < i && !reportEnds(d, end, i, lc) {
				return true
			}
		}
	}
	return false
}

// reportEnds reports whether a report that ends at token end, with its own clause
// ("he says he is busy"), is over before token i: a comma and a new subject came between
// ("…, he is just not motivated" is the writer's own again). "According to the file,
// she is…" goes on: no clause of its own follows the report word.
func reportEnds(d doc, end, i int, lc *langCues) bool {
	if end+1 >= i || !anyWord(d.toks[end+1].w, lc.scope) {
		return false
	}
	for k := end + 2; k <= i; k++ {
		if d.toks[k].comma && anyWord(d.toks[k].w, lc.scope) {
			return true
		}
	}
	return false
}

// anyAt reports whether one of the cues matches at token j of sentence s.
func anyAt(d doc, s sentence, j int, cs []cue) bool {
	for _, c := range cs {
		if _, _, ok := c.p.at(d, s, j); ok {
			return true
		}
	}
	return false
}

// claimBefore reports whether a claim phrase ("fair to", "eerlijk om te") ends right
// before token j: the reported word there is the asker's own claim.
func claimBefore(d doc, s sentence, j int, lc *langCues) bool { return endsBefore(d, s, j, lc.claim) }

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
