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

type gazHit struct {
	s, e  int
	conf  float64
	role  string
	label string
	child bool
}

// gazetteerNames finds given names from the gazetteer without a title or role: a
// capitalised name inside a sentence, an unambiguous one also at a sentence start, and
// a lower-case one after a role or title ("moeder fatima") or, weaker, alone. A
// following surname ("Fatima El Amrani", "Daan van der Berg") is included.
func gazetteerNames(text string, roles map[string]bool, titles map[string]string) []gazHit {
	var out []gazHit
	toks := reWordTok.FindAllStringIndex(text, -1)
	for i, t := range toks {
		w := text[t[0]:t[1]]
		if !isFirstName(w) {
			continue
		}
		if r := runeBefore(text, t[0]); r == '@' || r == '.' && t[0] >= 2 && isWordRune(runeBefore(text, t[0]-1)) || r == '/' || r == '#' {
			continue
		}
		if r := runeAfter(text, t[1]); r == '@' || r == '.' && isWordRune(runeAfter(text, t[1]+1)) {
			continue
		}
		r0, n0 := utf8.DecodeRuneInString(w)
		upper := unicode.IsUpper(r0)
		if upper {
			// all capitals (an acronym or shouting) is not taken as a name
			r1, _ := utf8.DecodeRuneInString(w[n0:])
			if !unicode.IsLower(r1) {
				continue
			}
		} else if w != strings.ToLower(w) {
			continue
		}
		prev, next := "", ""
		if i > 0 && strings.TrimSpace(text[toks[i-1][1]:t[0]]) == "" {
			prev = strings.ToLower(text[toks[i-1][0]:toks[i-1][1]])
		}
		if i+1 < len(toks) && strings.TrimSpace(text[t[1]:toks[i+1][0]]) == "" {
			next = strings.ToLower(text[toks[i+1][0]:toks[i+1][1]])
		}
		if noNameAfter[next] || isOrgType(next) {
			continue
		}
		// a number right after a month-like word ("Jan 2024", "Max 3 keer")
		if commonName(w) && nextIsDigit(text, t[1]) {
			continue
		}
		role, label, child := "", "", false
		if prev != "" {
			if c, ok := roles[prev]; ok {
				role, label, child = prev, capitalise(prev), c
			} else if l, ok := titles[prev]; ok {
				role, label = prev, l
			}
		}
		if role == "" && noNameBefore[prev] {
			continue
		}
		conf := 0.0
		switch {
		case !upper && commonName(w):
			continue
		case !upper && role != "":
			conf = 0.85
		case !upper:
			conf = 0.55
		case commonName(w):
			if role != "" {
				conf = 0.85
			} else if !sentenceInitial(text, t[0]) {
				conf = 0.65
			}
		case role != "":
			conf = 0.9
		case sentenceInitial(text, t[0]):
			conf = 0.75
		default:
			conf = 0.8
		}
		if conf == 0 {
			continue
		}
		if isStopName(w) {
			continue
		}
		e := surnameEnd(text, t[1])
		out = append(out, gazHit{t[0], e, conf, role, label, child})
	}
	return out
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
