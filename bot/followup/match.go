package followup

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// token is one lower-cased word of a text and the sentence it belongs to.
type token struct {
	w    string
	sent int
	// clause is true for the first word after a comma or colon inside a sentence.
	clause bool
	// comma is true for the first word after a comma.
	comma bool
}

// sentence is one sentence of a text: its tokens [start, end) and whether it is a question.
type sentence struct {
	start, end int
	question   bool
}

// doc is a text prepared for matching.
type doc struct {
	toks  []token
	sents []sentence
	flat  string // the tokens joined by single spaces, sentences separated by " | "
}

// normalise lower-cases text and unifies quotes and dashes.
func normalise(s string) string {
	return quoteUnifier.Replace(strings.ToLower(s))
}

var quoteUnifier = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "“", "\"", "”", "\"", "„", "\"",
	"–", " ", "—", " ")

// tokenize splits text into words and sentences. Letters and digits make words; an
// apostrophe inside a word stays ("won't", "zo'n"); hyphens split words ("no-show" is
// "no show"), so cues and texts agree. A sentence ends at . ! ? ; or a line break.
func tokenize(text string) doc {
	t := tokenizer{rs: []rune(normalise(text))}
	if raw := []rune(text); len(raw) == len(t.rs) {
		t.upper = make([]bool, len(raw))
		for i, r := range raw {
			t.upper[i] = unicode.IsUpper(r)
		}
	}
	for i := range t.rs {
		t.read(i)
	}
	t.endSentence(false)
	t.d.noClauseStarts()
	t.d.flat = t.d.flatten()
	return t.d
}

// tokenizer is the state of tokenize while it reads the runes of a text.
type tokenizer struct {
	d         doc
	rs        []rune
	cur       []rune // the word being read
	sentStart int    // the first token of the current sentence
	clause    bool   // a comma or colon came before the next word
	comma     bool   // a comma came before the next word
	upper     []bool // which runes were capitals before normalising (nil: unknown)
}

// read reads rs[i].
func (t *tokenizer) read(i int) {
	r := t.rs[i]
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		t.cur = append(t.cur, r)
	case r == '\'' && len(t.cur) > 0 && i+1 < len(t.rs) && unicode.IsLetter(t.rs[i+1]):
		t.cur = append(t.cur, r)
	case r == '?':
		t.endSentence(true)
	case r == '!' || r == ';' || r == '\n':
		t.endSentence(false)
		t.clause = false
	case r == ',' || r == ':':
		t.flush()
		t.clause = true
		t.comma = r == ','

	case r == '.':
		// a full stop between digits (1.5), inside an abbreviation or after an initial
		// ("dat N. een probleemkind is": pseudonyms are often initials) keeps the sentence
		if i+1 < len(t.rs) && (unicode.IsDigit(t.rs[i+1]) || unicode.IsLetter(t.rs[i+1])) ||
			len(t.cur) == 1 && t.upper != nil && t.upper[i-1] && i+2 < len(t.rs) && t.rs[i+1] == ' ' && !t.upper[i+2] && unicode.IsLetter(t.rs[i+2]) {
			t.flush()
			return
		}
		t.endSentence(false)
		t.clause = false
	default:
		t.flush()
	}
}

// flush ends the word being read.
func (t *tokenizer) flush() {
	if len(t.cur) == 0 {
		return
	}
	w := strings.Trim(string(t.cur), "'")
	if w != "" {
		inside := len(t.d.toks) > t.sentStart
		t.d.toks = append(t.d.toks, token{w: w, sent: len(t.d.sents), clause: t.clause && inside, comma: t.comma && inside})
		t.clause, t.comma = false, false
	}
	t.cur = t.cur[:0]
}

// endSentence ends the current sentence, a question when q.
func (t *tokenizer) endSentence(q bool) {
	t.flush()
	d := &t.d
	if len(d.toks) > t.sentStart {
		d.sents = append(d.sents, sentence{start: t.sentStart, end: len(d.toks), question: q})
		t.sentStart = len(d.toks)
	} else if q && len(d.sents) > 0 && d.sents[len(d.sents)-1].end == len(d.toks) {
		d.sents[len(d.sents)-1].question = true // "?!" or "? ?"
	}
}

// noClauseStarts clears the clause mark of the first word of each sentence: a clause
// never begins a sentence.
func (d *doc) noClauseStarts() {
	for i := range d.toks {
		if i > 0 && d.toks[i].sent != d.toks[i-1].sent {
			d.toks[i].clause = false
		}
	}
}

// flatten joins the tokens by single spaces and the sentences by " | ".
func (d *doc) flatten() string {
	parts := make([]string, 0, len(d.sents))
	for _, s := range d.sents {
		parts = append(parts, strings.Join(d.words(s), " "))
	}
	return strings.Join(parts, " | ")
}

// words returns the words of a sentence.
func (d doc) words(s sentence) []string {
	out := make([]string, 0, s.end-s.start)
	for _, t := range d.toks[s.start:s.end] {
		out = append(out, t.w)
	}
	return out
}

// span returns the words from token i to token j inclusive.
func (d doc) span(i, j int) string {
	ws := make([]string, 0, j-i+1)
	for _, t := range d.toks[i : j+1] {
		ws = append(ws, t.w)
	}
	return strings.Join(ws, " ")
}

// alt is one alternative of a word in a cue: exact, a prefix ("motiva*"), a suffix
// ("*plan") or a part ("*besliss*").
type alt struct {
	s              string
	prefix, suffix bool // s* and *s; both: *s*
}

func (a alt) match(w string) bool {
	switch {
	case a.prefix && a.suffix:
		return strings.Contains(w, a.s)
	case a.prefix:
		return strings.HasPrefix(w, a.s)
	case a.suffix:
		return strings.HasSuffix(w, a.s)
	}
	return w == a.s
}

// phraseWord is one word of a phrase cue: its alternatives and how many other words may
// stand between it and the previous word.
type phraseWord struct {
	alts []alt
	gap  int
}

func (pw phraseWord) match(w string) bool {
	for _, a := range pw.alts {
		if a.match(w) {
			return true
		}
	}
	return false
}

// gapWords is how many words ".." lets stand between two words of a phrase.
const gapWords = 4

// pattern is a compiled cue: one or more phrases of words, or a regular expression ("re:").
type pattern struct {
	src     string
	phrases [][]phraseWord
	re      *regexp.Regexp
}

// compile parses a cue. Syntax:
//
//	word            the word itself
//	word*  *word    a word starting or ending with it (inflections, Dutch compounds)
//	*word*          a word containing it
//	a|b|c           any of the alternatives
//	a b             words next to each other, in order
//	a .. b          up to four other words between a and b, in the same sentence
//	p / q           phrase p or phrase q ("hard to reach / out of reach")
//	re:EXPR         a Go regular expression on the lower-cased words joined by spaces
//	                (sentences joined by " | "); \w matches any letter, not only ASCII
func compile(src string) (*pattern, error) {
	src = strings.TrimSpace(src)
	if rest, ok := strings.CutPrefix(src, "re:"); ok {
		// \w is any letter, digit or apostrophe of a word, not only ASCII ("geïnteresseerd",
		// "naïef", "won't"), so a cue that skips a word skips every word.
		expr := strings.ReplaceAll(strings.TrimSpace(rest), `\w`, `[\p{L}\p{N}_']`)
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("cue %q: %w", src, err)
		}
		return &pattern{src: src, re: re}, nil
	}
	p := &pattern{src: src}
	for _, ph := range strings.Split(src, " / ") {
		words, err := compilePhrase(ph)
		if err != nil {
			return nil, fmt.Errorf("cue %q: %w", src, err)
		}
		p.phrases = append(p.phrases, words)
	}
	return p, nil
}

func compilePhrase(src string) ([]phraseWord, error) {
	var words []phraseWord
	gap := 0
	for _, f := range strings.Fields(strings.ReplaceAll(normalise(src), "-", " ")) {
		if f == ".." {
			gap += gapWords
			continue
		}
		var pw phraseWord
		for _, a := range strings.Split(f, "|") {
			x := alt{s: a}
			if strings.HasPrefix(x.s, "*") {
				x.suffix, x.s = true, x.s[1:]
			}
			if strings.HasSuffix(x.s, "*") {
				x.prefix, x.s = true, x.s[:len(x.s)-1]
			}
			if x.s == "" || strings.ContainsAny(x.s, "*") {
				return nil, fmt.Errorf("bad word %q", a)
			}
			pw.alts = append(pw.alts, x)
		}
		if len(words) > 0 {
			pw.gap = gap
		}
		gap = 0
		words = append(words, pw)
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("empty phrase")
	}
	if gap > 0 {
		return nil, fmt.Errorf("phrase ends with a gap")
	}
	return words, nil
}

// find returns the matched words of the first match in d, or "" and false.
func (p *pattern) find(d doc) (string, bool) {
	if p.re != nil {
		m := p.re.FindString(d.flat)
		return strings.TrimSpace(m), m != ""
	}
	for _, ph := range p.phrases {
		for i := range d.toks {
			if end, ok := from(ph, d, 0, i); ok {
				return d.span(i, end), true
			}
		}
	}
	return "", false
}

// findIn is find limited to one sentence.
func (p *pattern) findIn(d doc, s sentence) (string, bool) {
	if p.re != nil {
		m := p.re.FindString(strings.Join(d.words(s), " "))
		return strings.TrimSpace(m), m != ""
	}
	for _, ph := range p.phrases {
		for i := s.start; i < s.end; i++ {
			if end, ok := from(ph, d, 0, i); ok {
				return d.span(i, end), true
			}
		}
	}
	return "", false
}

// locIn is findIn that also returns the index of the first matched token.
func (p *pattern) locIn(d doc, s sentence) (string, int, bool) {
	if p.re != nil {
		ws := strings.Join(d.words(s), " ")
		loc := p.re.FindStringIndex(ws)
		if loc == nil {
			return "", 0, false
		}
		m := strings.TrimSpace(ws[loc[0]:loc[1]])
		if m == "" {
			return "", 0, false
		}
		off := loc[0]
		for off < len(ws) && ws[off] == ' ' {
			off++
		}
		return m, s.start + strings.Count(ws[:off], " "), true
	}
	for _, ph := range p.phrases {
		for i := s.start; i < s.end; i++ {
			if end, ok := from(ph, d, 0, i); ok {
				return d.span(i, end), i, true
			}
		}
	}
	return "", 0, false
}

// at reports whether the pattern (phrases only) matches from token i within sentence s;
// it returns the matched words and the last matched token.
func (p *pattern) at(d doc, s sentence, i int) (string, int, bool) {
	if p.re != nil || i < s.start || i >= s.end {
		return "", 0, false
	}
	for _, ph := range p.phrases {
		if end, ok := from(ph, d, 0, i); ok && end < s.end {
			return d.span(i, end), end, true
		}
	}
	return "", 0, false
}

// word reports whether a single word matches a one-word phrase of the pattern.
func (p *pattern) word(w string) bool {
	for _, ph := range p.phrases {
		if len(ph) == 1 && ph[0].match(w) {
			return true
		}
	}
	return false
}

// from matches ph[k:] with ph[k] at token i; it returns the last matched token.
func from(ph []phraseWord, d doc, k, i int) (int, bool) {
	if !ph[k].match(d.toks[i].w) {
		return 0, false
	}
	if k == len(ph)-1 {
		return i, true
	}
	next := ph[k+1]
	for j := i + 1; j <= i+1+next.gap && j < len(d.toks); j++ {
		if d.toks[j].sent != d.toks[i].sent {
			break
		}
		if end, ok := from(ph, d, k+1, j); ok {
			return end, true
		}
	}
	return 0, false
}
