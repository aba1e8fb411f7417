package privacy

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	nameWord  = `(?:\p{Lu}\p{Ll}[\p{L}\-]*|\p{Lu}['’]\p{Lu}[\p{L}\-]*)`
	particle  = `(?i:van|de|der|den|ter|te|ten|el|al|ben|la|le|du|da|von|van de|van der|van den)`
	fullName  = `((?:\p{Lu}\.\s?){0,3}(?:` + particle + `\s)?` + nameWord + `(?:\s(?:` + particle + `\s)?` + nameWord + `)?)`
	firstName = `(` + nameWord + `(?:\s(?:` + particle + `\s)?` + nameWord + `)?)`
)

var (
	reTitle  = buildWordRe(wordsOf(titlesNL, titlesEN), fullName)
	reRole   = buildWordRe(wordsOf(rolesNL, rolesEN), firstName)
	reAge    = regexp.MustCompile(`(` + nameWord + `)\s?\(\s?[0-9]{1,2}(?:[;,.][0-9]{1,2})?\s?(?:jaar|jr\.?|j\.?|years?|yrs?|y\.?o\.?|mnd\.?|maanden|months?)?\s?\)`)
	reAge2   = regexp.MustCompile(`(` + nameWord + `),\s[0-9]{1,2}\s?(?:jaar|jr|years old|year old|yrs)\b`)
	rePoss   = regexp.MustCompile(`(` + nameWord + `)(?:'s|’s)\s(?i:` + strings.Join(sortedByLen(wordsOf(rolesEN)), "|") + `)\b`)
	reOfRole = regexp.MustCompile(`(?i:(?:de|het|the)\s(` + strings.Join(sortedByLen(wordsOf(rolesNL, rolesEN)), "|") + `)\s(?:van|of))\s(` + nameWord + `)`)
	reFamily = regexp.MustCompile(`(?i:the)\s(` + nameWord + `)\s(?:family|household)\b`)
	reApp    = regexp.MustCompile(`(?i:(` + strings.Join(sortedByLen(wordsOf(rolesNL, rolesEN)), "|") + `)),\s(` + nameWord + `)(?:\s` + nameWord + `)?,`)
	reCalled = regexp.MustCompile(`(?i:named|called|genaamd|heet|heten)\s(` + nameWord + `)`)
	reCapTok = regexp.MustCompile(nameWord)
)

// wordsOf returns the words of the tables, each once.
func wordsOf[V any](ms ...map[string]V) []string {
	all := map[string]V{}
	for _, m := range ms {
		maps.Copy(all, m)
	}
	return slices.Collect(maps.Keys(all))
}

// sortedByLen quotes the words for a regexp, longest first (then alphabetically), so
// that an alternation prefers the longest word.
func sortedByLen(ws []string) []string {
	q := make([]string, 0, len(ws))
	for _, w := range ws {
		q = append(q, regexp.QuoteMeta(w))
	}
	slices.SortFunc(q, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return q
}

func buildWordRe(words []string, name string) *regexp.Regexp {
	return regexp.MustCompile(`(?i:(` + strings.Join(sortedByLen(words), "|") + `))\s+` + name)
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// isStopName reports whether a capitalised word is not a name.
func isStopName(w string) bool {
	l := strings.ToLower(w)
	return stopCaps[l] || places[l] || monthWords[l] > 0 || extraStop[l]
}

var extraStop = set(`persoon person kind child early help looked after section conference strategy
assessment review panel core group plan services service centre center department office
unit officer worker visitor nurse lead designated safeguarding mash cin lac ehcp senco camhs
iro gezinsvoogd gezinsvoogdij voogd mentor coach begeleider ambulant hulpverlener
william schrikker leger heils salvation army humanitas horizon spirit levvel juzt
huis samen thuis kinderen jongeren gezinshuis pleegzorg pleeggezin jeugdarts wijkagent
zorgcoördinator zorgcoordinator intern begeleider ib'er ib-er directeur directie leerkracht
groep klas klas mentor docent zorgteam mdo overleg gesprek verslag dossier rapport
signalen veiligheid zorgen krachten doelen doel afspraken afspraak plan hulpverlening
head headteacher deputy manager supervisor colleague team leader
centrum stichting vereniging dienst afdeling instituut hogeschool universiteit ministerie
university foundation trust association ministry
een twee drie vier vijf zes zeven acht negen tien one two three four five six seven eight
nine ten
is zijn was waren heeft hebben had hadden kan kon kunnen wil wilde willen moet moest
moeten gaat ging gaan komt kwam komen zegt zei zeggen vindt vond weet wist doet deed
wordt werd blijft bleef krijgt kreeg staat stond ligt lag zit zat loopt liep belt belde
are were has have can could would should must might does did says
goes went comes came gets got wants wanted thinks thought knows knew feels felt
tells told asks asked keeps kept lives lived works worked`)

// nameSpan trims a matched name to the words that are names; ok is false when nothing
// is left. It returns the byte span and the lower-case keys of its name words.
func nameSpan(text string, s, e int) (int, int, []string, bool) {
	words := strings.Fields(text[s:e])
	var keysOut []string
	pos := s
	end := s
	first := true
	for _, w := range words {
		i := strings.Index(text[pos:], w) + pos
		pos = i + len(w)
		lw := strings.ToLower(w)
		switch {
		case strings.HasSuffix(w, ".") && utf8.RuneCountInString(w) == 2: // initial
			end = pos
			continue
		case particles[lw]:
			continue
		case isStopName(w):
			if first {
				return 0, 0, nil, false
			}
			// a stop word after the first name ends the name
			if end == s {
				return 0, 0, nil, false
			}
			return s, end, keysOut, len(keysOut) > 0
		}
		first = false
		keysOut = append(keysOut, lw)
		end = pos
	}
	return s, end, keysOut, len(keysOut) > 0
}

// who is what an introduction says about a person: the title or role word before the
// name (lower case), the label word for a pseudonym, and whether it is a child.
type who struct {
	role, label string
	child       bool
}

// nameCand is a candidate name at text[s:e] from one pass of findNames; intro tells
// whether a title or role introduced it (strong evidence).
type nameCand struct {
	s, e  int
	conf  float64
	who   who
	intro bool
}

// vocabulary holds the titles and roles of the languages a text is read in.
type vocabulary struct {
	titles map[string]string
	roles  map[string]bool
}

// vocabularyFor returns the titles and roles for lang ("nl", "en", or "" for both).
func vocabularyFor(lang string) vocabulary {
	v := vocabulary{titles: map[string]string{}, roles: map[string]bool{}}
	if useNL(lang) {
		maps.Copy(v.titles, titlesNL)
		maps.Copy(v.roles, rolesNL)
	}
	if useEN(lang) {
		maps.Copy(v.titles, titlesEN)
		maps.Copy(v.roles, rolesEN)
	}
	return v
}

// cue returns what a role or title word before a name says about the person; its role
// is "" when word is neither.
func (v vocabulary) cue(word string) who {
	if word == "" {
		return who{}
	}
	if c, ok := v.roles[word]; ok {
		return who{word, capitalise(word), c}
	}
	if l, ok := v.titles[word]; ok {
		return who{role: word, label: l}
	}
	return who{}
}

// namePass is one way a name is introduced: a pattern whose last group is the name, or
// a function of its own (find). cue, if set, reads the pattern's first group, a title or
// role word, and may reject the match; otherwise the person is fixed.
type namePass struct {
	re     *regexp.Regexp
	find   func(text string, v vocabulary) []nameCand
	enOnly bool            // English text only
	conf   float64         // confidence of a name found by re
	edge   func(rune) bool // rejects a match after a rune it reports; nil accepts all
	cue    func(word string, v vocabulary) (who, bool)
	fixed  who
}

// namePasses are the passes of findNames, in order: the first pass to find a name word
// decides how its later mentions are labelled.
var namePasses = []namePass{
	// "mevrouw Jansen", "Mr. Peters"; "mr" and "ms" must not end a word
	{re: reTitle, conf: 0.9, edge: isWordRune, cue: titleCue},
	// "moeder Fatima", "zoon Daan"; not after a hyphen
	{re: reRole, conf: 0.9, edge: wordOrHyphen, cue: roleCue},
	{re: reAge, conf: 0.85, edge: isWordRune, fixed: who{child: true}}, // "Daan (7)"
	{re: reAge2, conf: 0.8, fixed: who{child: true}},                   // "Daan, 7 jaar"
	{re: rePoss, enOnly: true, conf: 0.85},                             // "Liam's mother"
	{re: reOfRole, conf: 0.85, cue: anyRoleCue},                        // "de moeder van Daan"
	{re: reFamily, conf: 0.85, fixed: who{label: "Family"}},            // "the Smith family"
	{re: reApp, conf: 0.8, edge: isWordRune, cue: appositionCue},       // "her son, Liam,"
	{re: reCalled, conf: 0.8},                                          // "a boy called Liam"
	{find: gazetteerNames},                                             // "Fatima", "moeder fatima"
}

// titleCue accepts a title and labels the person by it ("Mevrouw").
func titleCue(word string, v vocabulary) (who, bool) {
	l, ok := v.titles[word]
	return who{role: word, label: l}, ok
}

// roleCue accepts a role and labels the person by it ("Moeder", a child for "zoon").
func roleCue(word string, v vocabulary) (who, bool) {
	c, ok := v.roles[word]
	return who{word, capitalise(word), c}, ok
}

// anyRoleCue accepts a role but says nothing about the person.
func anyRoleCue(word string, v vocabulary) (who, bool) {
	_, ok := v.roles[word]
	return who{}, ok
}

// appositionCue accepts a role and labels the person by it; the role word is not next
// to the name, so it is not kept as the name's role.
func appositionCue(word string, v vocabulary) (who, bool) {
	c, ok := v.roles[word]
	return who{label: capitalise(word), child: c}, ok
}

func wordOrHyphen(r rune) bool { return isWordRune(r) || r == '-' }

// candidates returns the names this pass finds in text.
func (p namePass) candidates(text string, v vocabulary) []nameCand {
	if p.find != nil {
		return p.find(text, v)
	}
	var out []nameCand
	for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
		if p.edge != nil && p.edge(runeBefore(text, m[0])) {
			continue
		}
		person, name := p.fixed, m[2:4]
		if p.cue != nil {
			var ok bool
			if person, ok = p.cue(strings.ToLower(text[m[2]:m[3]]), v); !ok {
				continue
			}
			name = m[4:6]
		}
		out = append(out, nameCand{name[0], name[1], p.conf, person, true})
	}
	return out
}

// findNames finds names introduced by a title, a role, an age or the gazetteer, later
// mentions of them, and capitalised words that come back like names. others are the
// findings of other kinds, which a later mention does not overlap.
func findNames(text, lang string, others []hit) []hit {
	v := vocabularyFor(lang)
	f := &nameFinder{text: text, others: others, known: map[string]who{}}
	for _, p := range namePasses {
		if p.enOnly && !useEN(lang) {
			continue
		}
		for _, c := range p.candidates(text, v) {
			f.add(c)
		}
	}
	toks := reCapTok.FindAllStringIndex(text, -1)
	return slices.Concat(f.found, f.laterMentions(toks), f.repeated(toks))
}

// nameFinder collects the names of one text.
type nameFinder struct {
	text   string
	others []hit
	found  []hit          // introduced names
	known  map[string]who // lower-case name word → the person it was introduced as
}

// add keeps a candidate trimmed to its name words, and remembers its words.
func (f *nameFinder) add(c nameCand) {
	s, e, ks, ok := nameSpan(f.text, c.s, c.e)
	if !ok || isWordRune(runeAfter(f.text, e)) {
		return
	}
	f.found = append(f.found, hit{Finding: Finding{KindName, s, e, c.conf},
		role: c.who.role, label: c.who.label, child: c.who.child, intro: c.intro})
	for _, k := range ks {
		if _, ok := f.known[k]; !ok {
			f.known[k] = who{label: c.who.label, child: c.who.child}
		}
	}
}

// laterMentions finds every later mention of an introduced name.
func (f *nameFinder) laterMentions(toks [][]int) []hit {
	var out []hit
	for _, t := range toks {
		if !wholeWord(f.text, t[0], t[1]) {
			continue
		}
		w := strings.ToLower(f.text[t[0]:t[1]])
		if p, ok := f.known[w]; ok && !overlaps(f.found, t[0], t[1]) && !overlaps(f.others, t[0], t[1]) {
			out = append(out, hit{Finding: Finding{KindName, t[0], t[1], 0.85}, label: p.label, child: p.child})
		}
	}
	return out
}

// repeated finds capitalised words that come back, at least once inside a sentence,
// and never in lower case: names nobody introduced.
func (f *nameFinder) repeated(toks [][]int) []hit {
	type stat struct {
		n, inner int
		spans    [][]int
	}
	stats := map[string]*stat{}
	var order []string
	for _, t := range toks {
		if !f.unknownCap(t[0], t[1]) {
			continue
		}
		lw := strings.ToLower(f.text[t[0]:t[1]])
		st := stats[lw]
		if st == nil {
			st = &stat{}
			stats[lw] = st
			order = append(order, lw)
		}
		st.n++
		if !sentenceInitial(f.text, t[0]) {
			st.inner++
		}
		st.spans = append(st.spans, t)
	}
	var out []hit
	for _, lw := range order {
		st := stats[lw]
		if st.n < 2 || st.inner < 1 || hasLowerWord(f.text, lw) {
			continue
		}
		for _, sp := range st.spans {
			if !overlaps(f.found, sp[0], sp[1]) {
				out = append(out, hit{Finding: Finding{KindName, sp[0], sp[1], 0.7}})
			}
		}
	}
	return out
}

// unknownCap reports whether the capitalised word text[s:e] may be a name nobody
// introduced: a whole word, not known, not a stop word, not in another finding and not
// part of the name of a service.
func (f *nameFinder) unknownCap(s, e int) bool {
	if !wholeWord(f.text, s, e) {
		return false
	}
	w := f.text[s:e]
	_, known := f.known[strings.ToLower(w)]
	return !known && !isStopName(w) && !overlaps(f.others, s, e) && !inOrgPhrase(f.text, s, e)
}

// sentenceInitial reports whether the word at i starts a sentence, a line or a list item.
func sentenceInitial(text string, i int) bool {
	j := i
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if r == ' ' || r == '\t' || r == '"' || r == '\'' || r == '(' || r == '*' || r == '“' || r == '‘' || r == '_' {
			j -= n
			continue
		}
		switch r {
		case '.', '!', '?', ':', ';', '\n', '-', '•', '>':
			return true
		}
		return false
	}
	return true
}

var reLowerWord = regexp.MustCompile(`\p{Ll}[\p{L}'’\-]*`)

func hasLowerWord(text, lw string) bool {
	for _, m := range reLowerWord.FindAllStringIndex(text, -1) {
		if text[m[0]:m[1]] == lw && !isWordRune(runeBefore(text, m[0])) {
			return true
		}
	}
	return false
}

var (
	rePrevCap = regexp.MustCompile(`(\p{Lu}[\p{L}'’\-]*)\s$`)
	reNextCap = regexp.MustCompile(`^\s(\p{Lu}[\p{L}'’\-]*)`)
)

// inOrgPhrase reports whether the word at text[s:e] is part of a capitalised phrase with
// a common word inside a sentence ("Team Around the Family", "Early Help"): the name of
// a service or plan, not of a person.
func inOrgPhrase(text string, s, e int) bool {
	lo := s - 40
	if lo < 0 {
		lo = 0
	}
	if m := rePrevCap.FindStringSubmatchIndex(text[lo:s]); m != nil {
		w := text[lo+m[2] : lo+m[3]]
		if isStopName(w) && !sentenceInitial(text, lo+m[2]) && !titleOrRole(w) {
			return true
		}
	}
	hi := e + 40
	if hi > len(text) {
		hi = len(text)
	}
	if m := reNextCap.FindStringSubmatch(text[e:hi]); m != nil {
		if isStopName(m[1]) && !titleOrRole(m[1]) {
			return true
		}
	}
	return false
}

func titleOrRole(w string) bool {
	l := strings.ToLower(w)
	_, a := titlesNL[l]
	_, b := titlesEN[l]
	_, c := rolesNL[l]
	_, d := rolesEN[l]
	return a || b || c || d
}
