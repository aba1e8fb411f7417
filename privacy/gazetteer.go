package privacy

import (
	_ "embed"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The first-name gazetteer: given names common in the Netherlands and Flanders (also in
// Moroccan, Turkish, Surinamese, Antillean, Polish, Syrian, Eritrean, Somali and Afghan
// families) and in the English-speaking world, and the names among them that are also
// common words.
var (
	//go:embed data/firstnames.txt
	firstNamesData string
	//go:embed data/commonwords.txt
	commonWordsData string

	firstNames  = loadWords(firstNamesData)
	commonNames = loadWords(commonWordsData)
)

func loadWords(data string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(data, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}

// isFirstName reports whether w (any case) is a known given name; hyphenated names
// count when their first part is one ("Anne-Marie", "Jan-Willem").
func isFirstName(w string) bool {
	lw := strings.ToLower(w)
	if firstNames[lw] {
		return true
	}
	if i := strings.IndexByte(lw, '-'); i > 0 {
		return firstNames[lw[:i]] && !commonNames[lw[:i]]
	}
	return false
}

// commonName reports whether the given name w is also a common word or a month.
func commonName(w string) bool {
	lw := strings.ToLower(w)
	if i := strings.IndexByte(lw, '-'); i > 0 {
		lw = lw[:i]
	}
	return commonNames[lw] || monthWords[lw] > 0
}

var reWordTok = regexp.MustCompile(`\p{L}[\p{L}\-]*`)

// noNameBefore are words after which a given name is part of something else: a saint,
// a royal, a hospital or a street ("Sint Jan", "Prinses Beatrix", "het Emma").
var noNameBefore = set(`sint st saint heilige koning koningin prins prinses king queen prince
princess profeet prophet de het 't the een a an`)

// noNameAfter are words after which a given name is a brand or an institution
// ("Albert Heijn", "Sophia Kinderziekenhuis").
var noNameAfter = set(`heijn kinderziekenhuis ziekenhuis ziekenhuizen school college lyceum
academy hospital primary nursery centre center kliniek gasthuis paviljoen huis stichting
fonds foundation trust zorg`)

// gazetteerNames finds given names from the gazetteer without a title or role: a
// capitalised name inside a sentence, an unambiguous one also at a sentence start, and
// a lower-case one after a role or title ("moeder fatima") or, weaker, alone. A
// following surname ("Fatima El Amrani", "Daan van der Berg") is included. A name is an
// introduction only after a role or title.
func gazetteerNames(text string, v vocabulary) []nameCand {
	var out []nameCand
	toks := reWordTok.FindAllStringIndex(text, -1)
	for i, t := range toks {
		w := text[t[0]:t[1]]
		if !isFirstName(w) || partOfAddress(text, t[0], t[1]) {
			continue
		}
		upper, ok := nameCase(w)
		if !ok {
			continue
		}
		prev, next := neighbours(text, toks, i)
		if noNameAfter[next] || isOrgType(next) {
			continue
		}
		// a number right after a month-like word ("Jan 2024", "Max 3 keer")
		if commonName(w) && nextIsDigit(text, t[1]) {
			continue
		}
		p := v.cue(prev)
		if p.role == "" && noNameBefore[prev] {
			continue
		}
		conf := gazetteerConfidence(text, t[0], w, upper, p.role != "")
		if conf == 0 || isStopName(w) {
			continue
		}
		out = append(out, nameCand{t[0], surnameEnd(text, t[1]), conf, p, p.role != ""})
	}
	return out
}

// partOfAddress reports whether the word text[s:e] is part of an e-mail or web address,
// a path or a hashtag.
func partOfAddress(text string, s, e int) bool {
	if r := runeBefore(text, s); r == '@' || r == '.' && s >= 2 && isWordRune(runeBefore(text, s-1)) || r == '/' || r == '#' {
		return true
	}
	r := runeAfter(text, e)
	return r == '@' || r == '.' && isWordRune(runeAfter(text, e+1))
}

// nameCase reports whether w is capitalised (upper) and whether it is written as a name
// at all: capitalised, or all lower case. All capitals (an acronym or shouting) is not.
func nameCase(w string) (upper, ok bool) {
	r0, n0 := utf8.DecodeRuneInString(w)
	if unicode.IsUpper(r0) {
		r1, _ := utf8.DecodeRuneInString(w[n0:])
		return true, unicode.IsLower(r1)
	}
	return false, w == strings.ToLower(w)
}

// neighbours returns the lower-case words right before and after token i, when only
// spaces stand between.
func neighbours(text string, toks [][]int, i int) (prev, next string) {
	t := toks[i]
	if i > 0 && strings.TrimSpace(text[toks[i-1][1]:t[0]]) == "" {
		prev = strings.ToLower(text[toks[i-1][0]:toks[i-1][1]])
	}
	if i+1 < len(toks) && strings.TrimSpace(text[t[1]:toks[i+1][0]]) == "" {
		next = strings.ToLower(text[toks[i+1][0]:toks[i+1][1]])
	}
	return prev, next
}

// gazetteerConfidence rates the given name w at text[i]: written in lower case (upper
// false), also a common word, after a role or title (cued), at a sentence start. 0 means
// it is not taken as a name.
func gazetteerConfidence(text string, i int, w string, upper, cued bool) float64 {
	common := commonName(w)
	switch {
	case !upper && common:
		return 0
	case !upper && cued:
		return 0.85
	case !upper:
		return 0.55
	case cued && common:
		return 0.85
	case common && sentenceInitial(text, i):
		return 0
	case common:
		return 0.65
	case cued:
		return 0.9
	case sentenceInitial(text, i):
		return 0.75
	}
	return 0.8
}

func nextIsDigit(text string, j int) bool {
	for j < len(text) && (text[j] == ' ' || text[j] == '.') {
		j++
	}
	return j < len(text) && isDigit(text[j])
}

var reSurname = regexp.MustCompile(`^\s(?:(?:(?i:van der|van den|van de|van 't|van het|in 't|van|de|der|den|ter|ten|te|op de|el|al|bin|ben|abu|da|dos|di|du|le|la|von|mc|mac))[\s\-])?((?:O['’]|D['’]|Mc|Mac)?\p{Lu}\p{Ll}[\p{L}'’]*(?:-\p{Lu}\p{Ll}[\p{L}'’]*)?)`)

// surnameEnd extends a first name ending at j with a surname: particles and one or two
// capitalised words that are not common words, places or given names of a next person.
func surnameEnd(text string, j int) int {
	end := j
	for n := 0; n < 2; n++ {
		m := reSurname.FindStringSubmatchIndex(text[end:])
		if m == nil {
			break
		}
		w := text[end+m[2] : end+m[3]]
		w = strings.TrimRight(w, "'’")
		lw := strings.ToLower(w)
		if isStopName(w) || titleOrRole(w) || isOrgType(lw) || noNameAfter[lw] {
			break
		}
		// "Fatima en Daan": a second given name without particles is a next person only
		// when joined by a conjunction, which the regexp does not cross; "Anna Maria" is
		// one person.
		if sentenceInitial(text, end+m[2]) {
			break
		}
		end += m[2] + len(w)
	}
	return end
}

// orgTypes are organisation and school type words: a given name before them is part of
// an institution's name.
var orgTypes = set(`basisschool school college lyceum atheneum gymnasium academie academy
kinderopvang kinderdagverblijf kdv bso crèche creche peuterspeelzaal stichting ggz
jeugdzorg ziekenhuis hospital nursery primary kindcentrum ikc centrum centre center
instituut institute clinic kliniek praktijk surgery`)

func isOrgType(lw string) bool { return orgTypes[lw] }
