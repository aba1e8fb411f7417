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

// union merges word tables; a later table wins where both have a word (the Dutch and
// English tables agree on the words they share).
func union[V any](ms ...map[string]V) map[string]V {
	out := map[string]V{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// wordsOf returns the words of the tables, each once.
func wordsOf[V any](ms ...map[string]V) []string {
	return slices.Collect(maps.Keys(union(ms...)))
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

func findNames(text, lang string, others []hit) []hit {
	var out []hit
	type person struct {
		label string
		child bool
	}
	known := map[string]person{}
	add := func(s, e int, conf float64, role, label string, child bool) {
		s2, e2, ks, ok := nameSpan(text, s, e)
		if !ok || isWordRune(runeAfter(text, e2)) && runeAfter(text, e2) != '\'' {
			return
		}
		out = append(out, hit{Finding: Finding{KindName, s2, e2, conf}, role: role, label: label, child: child, intro: true})
		for _, k := range ks {
			if _, ok := known[k]; !ok {
				known[k] = person{label, child}
			}
		}
	}
	titles := map[string]string{}
	roles := map[string]bool{}
	if useNL(lang) {
		for k, v := range titlesNL {
			titles[k] = v
		}
		for k, v := range rolesNL {
			roles[k] = v
		}
	}
	if useEN(lang) {
		for k, v := range titlesEN {
			titles[k] = v
		}
		for k, v := range rolesEN {
			roles[k] = v
		}
	}
	for _, m := range reTitle.FindAllStringSubmatchIndex(text, -1) {
		t := strings.ToLower(text[m[2]:m[3]])
		label, ok := titles[t]
		if !ok || isWordRune(runeBefore(text, m[0])) {
			continue
		}
		// "mr" without a dot must not be the end of a word; "ms" neither.
		add(m[4], m[5], 0.9, t, label, false)
	}
	for _, m := range reRole.FindAllStringSubmatchIndex(text, -1) {
		r := strings.ToLower(text[m[2]:m[3]])
		child, ok := roles[r]
		if !ok || isWordRune(runeBefore(text, m[0])) || runeBefore(text, m[0]) == '-' {
			continue
		}
		label := capitalise(r)
		add(m[4], m[5], 0.9, r, label, child)
	}
	for _, m := range reAge.FindAllStringSubmatchIndex(text, -1) {
		if isWordRune(runeBefore(text, m[0])) {
			continue
		}
		add(m[2], m[3], 0.85, "", "", true)
	}
	for _, m := range reAge2.FindAllStringSubmatchIndex(text, -1) {
		add(m[2], m[3], 0.8, "", "", true)
	}
	if useEN(lang) {
		for _, m := range rePoss.FindAllStringSubmatchIndex(text, -1) {
			add(m[2], m[3], 0.85, "", "", false)
		}
	}
	for _, m := range reOfRole.FindAllStringSubmatchIndex(text, -1) {
		r := strings.ToLower(text[m[2]:m[3]])
		child, ok := roles[r]
		if !ok {
			continue
		}
		_ = child
		add(m[4], m[5], 0.85, "", "", false)
	}
	for _, m := range reFamily.FindAllStringSubmatchIndex(text, -1) {
		add(m[2], m[3], 0.85, "", "Family", false)
	}
	for _, m := range reApp.FindAllStringSubmatchIndex(text, -1) {
		r := strings.ToLower(text[m[2]:m[3]])
		child, ok := roles[r]
		if !ok || isWordRune(runeBefore(text, m[0])) {
			continue
		}
		add(m[4], m[5], 0.8, "", capitalise(r), child)
	}
	for _, m := range reCalled.FindAllStringSubmatchIndex(text, -1) {
		add(m[2], m[3], 0.8, "", "", false)
	}
	for _, g := range gazetteerNames(text, roles, titles) {
		n := len(out)
		add(g.s, g.e, g.conf, g.role, g.label, g.child)
		if len(out) > n && g.role == "" {
			out[n].intro = false
		}
	}

	inOther := func(s, e int) bool {
		for _, o := range others {
			if s < o.End && o.Start < e {
				return true
			}
		}
		return false
	}
	inOut := func(s, e int) bool {
		for _, o := range out {
			if s < o.End && o.Start < e {
				return true
			}
		}
		return false
	}
	// every later mention of an introduced name
	toks := reCapTok.FindAllStringIndex(text, -1)
	var rest []hit
	for _, t := range toks {
		if isWordRune(runeBefore(text, t[0])) || isWordRune(runeAfter(text, t[1])) {
			continue
		}
		w := strings.ToLower(text[t[0]:t[1]])
		if p, ok := known[w]; ok && !inOut(t[0], t[1]) && !inOther(t[0], t[1]) {
			rest = append(rest, hit{Finding: Finding{KindName, t[0], t[1], 0.85}, label: p.label, child: p.child})
		}
	}
	// capitalised words repeated, at least once inside a sentence
	type stat struct {
		n, inner int
		spans    [][]int
	}
	stats := map[string]*stat{}
	var order []string
	for _, t := range toks {
		if isWordRune(runeBefore(text, t[0])) || isWordRune(runeAfter(text, t[1])) {
			continue
		}
		w := text[t[0]:t[1]]
		lw := strings.ToLower(w)
		if _, ok := known[lw]; ok || isStopName(w) || inOther(t[0], t[1]) || inOrgPhrase(text, t[0], t[1]) {
			continue
		}
		st := stats[lw]
		if st == nil {
			st = &stat{}
			stats[lw] = st
			order = append(order, lw)
		}
		st.n++
		if !sentenceInitial(text, t[0]) {
			st.inner++
		}
		st.spans = append(st.spans, t)
	}
	for _, lw := range order {
		st := stats[lw]
		if st.n < 2 || st.inner < 1 || hasLowerWord(text, lw) {
			continue
		}
		for _, sp := range st.spans {
			if !inOut(sp[0], sp[1]) {
				rest = append(rest, hit{Finding: Finding{KindName, sp[0], sp[1], 0.7}})
			}
		}
	}
	return append(out, rest...)
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
