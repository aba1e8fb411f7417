package followup

import "github.com/intervision-bot/intervision/prompts"

// Lang detects Dutch or English from function words; "en" when it cannot tell.
func (r *Interpreter) Lang(text string) string {
	l, _ := r.detect(tokenize(text))
	return l
}

// detect returns the language with most function words and whether it was clear
// (at least three of them, twice as many as any other language).
func (r *Interpreter) detect(d doc) (string, bool) {
	counts := map[string]int{}
	for _, t := range d.toks {
		for l, lc := range r.langs {
			if lc.function[t.w] {
				counts[l]++
			}
		}
	}
	best, second := string(prompts.English), 0
	bestN := -1
	for _, l := range prompts.Languages {
		n := counts[string(l)]
		if n > bestN {
			if bestN > second {
				second = bestN
			}
			best, bestN = string(l), n
		} else if n > second {
			second = n
		}
	}
	if bestN <= 0 {
		return string(prompts.English), false
	}
	return best, bestN >= 3 && bestN >= 2*second
}

// cuesFor picks the cue set for a text: lang when given and known, else the detected one.
func (r *Interpreter) cuesFor(d doc, lang string) *langCues {
	if lc := r.langs[lang]; lc != nil {
		return lc
	}
	l, _ := r.detect(d)
	return r.langs[l]
}

// textCues is the cue set for what a person wrote in a session of lang: the text's own
// language when it clearly differs, so an English remark in a Dutch session is read too.
func (r *Interpreter) textCues(d doc, lang string) *langCues {
	if l, clear := r.detect(d); clear && r.langs[l] != nil {
		return r.langs[l]
	}
	return r.cuesFor(d, lang)
}
