package privacy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// runeBefore and runeAfter return the rune just outside text[i:j] (0 at the edges).
func runeBefore(text string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return r
}

func runeAfter(text string, j int) rune {
	if j >= len(text) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	return r
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wholeWord reports whether text[s:e] is not part of a longer word or number.
func wholeWord(text string, s, e int) bool {
	return !isWordRune(runeBefore(text, s)) && !isWordRune(runeAfter(text, e))
}

// overlaps reports whether text[s:e] overlaps one of hs.
func overlaps(hs []hit, s, e int) bool {
	return slices.ContainsFunc(hs, func(h hit) bool { return s < h.End && h.Start < e })
}

// numberBounded reports whether text[i:j] is not part of a longer number or word:
// no letter or digit next to it, and no separator followed by another digit.
func numberBounded(text string, i, j int) bool {
	if isWordRune(runeBefore(text, i)) || isWordRune(runeAfter(text, j)) {
		return false
	}
	if i >= 2 && strings.ContainsRune(".-/", rune(text[i-1])) && isDigit(text[i-2]) {
		return false
	}
	if j+1 < len(text) && strings.ContainsRune(".-/", rune(text[j])) && isDigit(text[j+1]) {
		return false
	}
	return true
}

// before returns up to n bytes of lower-cased text before i.
func before(text string, i, n int) string {
	s := i - n
	if s < 0 {
		s = 0
	}
	return strings.ToLower(text[s:i])
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

var reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

func findEmails(text string) []hit {
	var out []hit
	for _, m := range reEmail.FindAllStringIndex(text, -1) {
		out = append(out, hit{Finding: Finding{KindEmail, m[0], m[1], 0.99}})
	}
	return out
}

var reIBAN = regexp.MustCompile(`(?i)[a-z]{2}[0-9]{2}(?: ?[a-z0-9]){11,30}`)

func findIBANs(text string) []hit {
	var out []hit
	for _, m := range reIBAN.FindAllStringIndex(text, -1) {
		if isWordRune(runeBefore(text, m[0])) {
			continue
		}
		// positions of the alphanumerics; try the longest prefix that is valid and ends
		// at a word boundary.
		var pos []int
		for k := m[0]; k < m[1]; k++ {
			if text[k] != ' ' {
				pos = append(pos, k)
			}
		}
		for n := len(pos); n >= 15; n-- {
			end := pos[n-1] + 1
			if isWordRune(runeAfter(text, end)) {
				continue
			}
			if ValidIBAN(text[m[0]:end]) {
				out = append(out, hit{Finding: Finding{KindIBAN, m[0], end, 0.99}})
				break
			}
		}
	}
	return out
}

var (
	reBSN = regexp.MustCompile(`[0-9]{9}|[0-9]{3}[. ][0-9]{3}[. ][0-9]{3}|[0-9]{4}[. ][0-9]{2}[. ][0-9]{3}|[0-9]{2}[. ][0-9]{3}[. ][0-9]{2}[. ][0-9]{2}`)
	reRRN = regexp.MustCompile(`[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}[-. ]?[0-9]{3}[-. ]?[0-9]{2}`)
)

// nationalNumber is a kind of national identification number: how it is written, its
// checksum, and how sure a valid number is alone and right after a word naming it.
type nationalNumber struct {
	kind  string
	re    *regexp.Regexp
	valid func(string) bool
	words []string // words that name the number ("bsn", "rijksregister")
	conf  float64  // a valid number
	named float64  // a valid number with one of words in the 40 bytes before it
}

// nationalNumbers are the numbers findNationalNumbers looks for, in the order it reports them.
var nationalNumbers = []nationalNumber{
	{KindBSN, reBSN, ValidBSN, []string{"bsn", "burgerservice", "sofinummer", "sofi-nummer", "citizen service"}, 0.9, 0.99},
	{KindRRN, reRRN, ValidRRN, []string{"rijksregister", "rrn", "insz", "national register", "nationaal nummer", "identificatienummer"}, 0.95, 0.99},
}

// findNationalNumbers finds the numbers of every kind in nationalNumbers.
func findNationalNumbers(text string) []hit {
	var out []hit
	for _, nn := range nationalNumbers {
		out = append(out, nn.find(text)...)
	}
	return out
}

// find returns the valid numbers of this kind in text that are not part of a longer
// number or word; they may overlap each other (see allIndex).
func (nn nationalNumber) find(text string) []hit {
	var out []hit
	for _, m := range allIndex(nn.re, text) {
		if !numberBounded(text, m[0], m[1]) || !nn.valid(text[m[0]:m[1]]) {
			continue
		}
		conf := nn.conf
		if containsAny(before(text, m[0], 40), nn.words) {
			conf = nn.named
		}
		out = append(out, hit{Finding: Finding{nn.kind, m[0], m[1], conf}})
	}
	return out
}

// allIndex returns every match of re, also those starting inside an earlier match.
func allIndex(re *regexp.Regexp, text string) [][]int {
	var out [][]int
	for i := 0; i < len(text); {
		loc := re.FindStringIndex(text[i:])
		if loc == nil {
			break
		}
		out = append(out, []int{i + loc[0], i + loc[1]})
		// continue after the first byte of this match, at the next rune start
		_, size := utf8.DecodeRuneInString(text[i+loc[0]:])
		i += loc[0] + size
	}
	return out
}

var phoneWords = []string{"tel", "telefoon", "gsm", "mobiel", "bel", "nummer", "phone", "mobile", "call", "ring", "text", "sms", "whatsapp", "app"}

// findPhones reads runs of digit groups starting with +, 00 or 0 and keeps the longest
// run of groups that has the length of a Dutch or Belgian number.
func findPhones(text string) []hit {
	var out []hit
	for i := 0; i < len(text); i++ {
		c := text[i]
		if !(c == '+' || c == '0' || c == '(') {
			continue
		}
		if r := runeBefore(text, i); isWordRune(r) || r == '.' || r == '-' || r == '/' || r == '+' || r == ',' {
			continue
		}
		h, end, ok := readPhone(text, i)
		if ok {
			out = append(out, h)
			i = end
		}
	}
	return out
}

// readPhone reads a phone number starting at text[start]; it returns the finding, the
// byte where it ends, and whether there is one.
func readPhone(text string, start int) (hit, int, bool) {
	i, intl, paren, ok := phonePrefix(text, start)
	if !ok {
		return hit{}, start, false
	}
	cuts, ok := phoneCuts(text, i, paren)
	if !ok {
		return hit{}, start, false
	}
	return longestPhone(text, start, cuts, intl)
}

// phonePrefix reads the start of a phone number: "+" or "00" (international) and an
// opening parenthesis. It returns where the first digit group starts; ok is false when
// no digit follows.
func phonePrefix(text string, start int) (i int, intl, paren, ok bool) {
	i = start
	if text[i] == '+' {
		intl = true
		i++
	} else if strings.HasPrefix(text[i:], "00") && i+2 < len(text) && text[i+2] != '0' {
		intl = true
	}
	if i < len(text) && text[i] == '(' {
		paren = true
		i++
	}
	return i, intl, paren, i < len(text) && isDigit(text[i])
}

// phoneCut is the end of a digit group: the digits so far, the byte after the last
// digit, and whether a number may end there (a space, or no further digit, follows).
type phoneCut struct {
	digits string
	end    int
	sep    bool
}

// phoneCuts reads the digit groups from i on and returns the end of every group; ok is
// false when the groups hold more than 15 digits (no phone number).
func phoneCuts(text string, i int, paren bool) ([]phoneCut, bool) {
	var cuts []phoneCut
	var digits strings.Builder
	for i < len(text) {
		j := i
		for j < len(text) && isDigit(text[j]) {
			j++
		}
		if j == i {
			break
		}
		digits.WriteString(text[i:j])
		i = j
		if digits.Len() > 15 {
			return nil, false
		}
		var k int
		k, paren = skipPhoneSeparator(text, i, paren)
		atSpace := k < len(text) && text[i] == ' ' || k >= len(text)
		cuts = append(cuts, phoneCut{digits.String(), i, atSpace || !(k < len(text) && isDigit(text[k]))})
		if k == i || k >= len(text) || !isDigit(text[k]) {
			break
		}
		i = k
	}
	return cuts, true
}

// skipPhoneSeparator skips what may stand between two digit groups at text[k]: the
// closing parenthesis of an area code (when one is open), " (0)", "(0)", " - ", or one of
// " -./". It returns the byte after it and whether a parenthesis is still open.
func skipPhoneSeparator(text string, k int, paren bool) (int, bool) {
	rest := text[k:]
	switch {
	case paren && strings.HasPrefix(rest, ")"):
		return skipSpace(text, k+1), false
	case strings.HasPrefix(rest, " (0)"):
		return skipSpace(text, k+4), paren
	case strings.HasPrefix(rest, "(0)"), strings.HasPrefix(rest, " - "):
		return k + 3, paren
	case rest != "" && strings.ContainsRune(" -./", rune(rest[0])):
		return k + 1, paren
	}
	return k, paren
}

// skipSpace returns the byte after one space at text[k], or k.
func skipSpace(text string, k int) int {
	if k < len(text) && text[k] == ' ' {
		return k + 1
	}
	return k
}

// longestPhone returns the longest run of digit groups from start that ends at a word
// boundary and has the length of a phone number, rated by phoneConfidence (a little
// higher after a word such as "tel" or "bel").
func longestPhone(text string, start int, cuts []phoneCut, intl bool) (hit, int, bool) {
	for n := len(cuts) - 1; n >= 0; n-- {
		ct := cuts[n]
		if n < len(cuts)-1 && !ct.sep {
			continue
		}
		if isWordRune(runeAfter(text, ct.end)) {
			continue
		}
		conf := phoneConfidence(ct.digits, intl, n > 0)
		if conf == 0 {
			continue
		}
		if containsAny(before(text, start, 25), phoneWords) && conf < 0.95 {
			conf += 0.05
		}
		return hit{Finding: Finding{KindPhone, start, ct.end, conf}}, ct.end, true
	}
	return hit{}, start, false
}

// phoneConfidence rates a digit string as a phone number; 0 means it is not one.
// separated tells whether the digits were written in more than one group.
func phoneConfidence(d string, intl, separated bool) float64 {
	if intl {
		return intlPhoneConfidence(strings.TrimPrefix(d, "00"))
	}
	return nationalPhoneConfidence(d, separated)
}

// intlPhoneConfidence rates the digits of an international number after + or 00: Dutch
// (31) and Belgian (32) numbers by their length, others loosely.
func intlPhoneConfidence(d string) float64 {
	switch {
	case strings.HasPrefix(d, "31"):
		if rest := strings.TrimPrefix(d[2:], "0"); len(rest) == 9 {
			return 0.95
		}
	case strings.HasPrefix(d, "32"):
		if rest := strings.TrimPrefix(d[2:], "0"); len(rest) == 8 || len(rest) == 9 && rest[0] == '4' {
			return 0.95
		}
	default:
		if len(d) >= 9 && len(d) <= 14 && d[0] != '0' {
			return 0.75
		}
	}
	return 0
}

// nationalPhoneConfidence rates the digits of a number dialled with a leading 0: ten
// digits (Dutch numbers, Belgian mobiles), nine (Belgian landlines) or eleven (British).
func nationalPhoneConfidence(d string, separated bool) float64 {
	if len(d) < 2 || d[0] != '0' || d[1] == '0' {
		return 0
	}
	switch len(d) {
	case 10:
		if strings.HasPrefix(d, "06") || strings.HasPrefix(d, "04") {
			return 0.95
		}
		if strings.HasPrefix(d, "0800") || strings.HasPrefix(d, "0900") {
			return 0.6
		}
		return 0.9
	case 11:
		// United Kingdom: 07… mobiles, 01…/02…/03… geographic numbers
		if strings.ContainsRune("7123", rune(d[1])) {
			return 0.85
		}
	case 9:
		if separated {
			return 0.8
		}
		return 0.6
	}
	return 0
}

var (
	streetSuffix     = `(?:straat|laan|weg|plein|dreef|gracht|kade|singel|steenweg|lei|dijk|markt|baan|steeg|kaai|vest|plantsoen|boulevard|allee|wal|pad|hof|park)`
	reStreetNL       = regexp.MustCompile(`(?:\p{Lu}[\p{L}'\-]*\s){0,2}\p{Lu}[\p{L}'\-]*` + streetSuffix + `\b(?:\s+([0-9]{1,4}(?:\s?[a-zA-Z]\b)?(?:\s?[-/]\s?[0-9]{1,4})?(?:,?\s?bus\s?[0-9]+)?))?`)
	reStreetEN       = regexp.MustCompile(`\b[0-9]{1,4}[a-zA-Z]?,?\s+(?:\p{Lu}[\p{L}'\-]*\s){1,3}(?:Street|St\.|St|Road|Rd\.|Rd|Avenue|Ave\.|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Square|Grove|Row|Walk|Mews)\b`)
	rePostcodeNL     = regexp.MustCompile(`\b[1-9][0-9]{3} ?[A-Z]{2}\b`)
	rePostcodeBE     = regexp.MustCompile(`\b[1-9][0-9]{3} \p{Lu}[\p{L}\-]+`)
	yearPrepositions = []string{"in ", "sinds ", "since ", "van ", "tot ", "uit ", "vanaf ", "jaar ", "year ", "from ", "until ", "en ", "and "}
)

// weakSuffix streets need a house number: the word alone is too often something else.
var weakSuffix = []string{"pad", "hof", "park", "baan", "wal", "markt", "lei", "weg"}

// findAddresses finds streets (with or without a house number) and postcodes; a
// postcode right after a street makes one address with it.
func findAddresses(text, lang string) []hit {
	streets := findStreetsNL(text)
	if useEN(lang) {
		streets = append(streets, findStreetsEN(text)...)
	}
	codes := append(findPostcodesNL(text), findPostcodesBE(text)...)
	return joinAddresses(text, streets, codes)
}

// findStreetsNL finds Dutch and Flemish streets: 0.9 with a house number, 0.55 without.
func findStreetsNL(text string) []hit {
	var out []hit
	for _, m := range reStreetNL.FindAllStringSubmatchIndex(text, -1) {
		s, e := skipStopWords(text, m[0], m[1]), m[1]
		numbered := m[2] >= 0
		word := text[s:e]
		if numbered {
			word = text[s:m[2]]
		}
		word = strings.TrimSpace(word)
		if stopCaps[strings.ToLower(word)] || isWordRune(runeBefore(text, s)) {
			continue
		}
		conf := 0.9
		if !numbered {
			if !bareStreet(word) {
				continue
			}
			conf = 0.55
		}
		out = append(out, hit{Finding: Finding{KindAddress, s, e, conf}})
	}
	return out
}

// skipStopWords returns the start of text[s:e] after its leading stop words ("In
// Kerkstraat 12").
func skipStopWords(text string, s, e int) int {
	for {
		sp := strings.IndexByte(text[s:e], ' ')
		if sp < 0 || !stopCaps[strings.ToLower(text[s:s+sp])] {
			return s
		}
		s += sp + 1
	}
}

// bareStreet reports whether a street name without a house number is still taken for
// one: its suffix is not a weak one, and it is one word or ends in "straat".
func bareStreet(word string) bool {
	lw := strings.ToLower(word)
	weak := slices.ContainsFunc(weakSuffix, func(w string) bool { return strings.HasSuffix(lw, w) })
	return !weak && (!strings.Contains(word, " ") || strings.HasSuffix(lw, "straat"))
}

// findStreetsEN finds English addresses: a house number and a street.
func findStreetsEN(text string) []hit {
	var out []hit
	for _, m := range reStreetEN.FindAllStringIndex(text, -1) {
		out = append(out, hit{Finding: Finding{KindAddress, m[0], m[1], 0.85}})
	}
	return out
}

// nlPostcodeUnused are the letter pairs Dutch postcodes do not use.
var nlPostcodeUnused = []string{"SA", "SD", "SS"}

// findPostcodesNL finds Dutch postcodes ("1234 AB"), with the place after them if any.
func findPostcodesNL(text string) []hit {
	var out []hit
	for _, m := range rePostcodeNL.FindAllStringIndex(text, -1) {
		if slices.Contains(nlPostcodeUnused, text[m[1]-2:m[1]]) {
			continue
		}
		end := m[1]
		conf := 0.85
		if pm := rePlace.FindStringIndex(text[end:]); pm != nil && pm[0] == 0 {
			end += pm[1]
			conf = 0.9
		}
		out = append(out, hit{Finding: Finding{KindPostcode, m[0], end, conf}})
	}
	return out
}

// findPostcodesBE finds Belgian postcodes with their place ("9000 Gent").
func findPostcodesBE(text string) []hit {
	var out []hit
	for _, m := range rePostcodeBE.FindAllStringIndex(text, -1) {
		if !bePostcodeStart(text, m[0]) {
			continue
		}
		n, _ := strconv.Atoi(text[m[0] : m[0]+4])
		place := strings.ToLower(text[m[0]+5 : m[1]])
		if conf := bePostcodeConfidence(text, m[0], n, place); conf > 0 {
			out = append(out, hit{Finding: Finding{KindPostcode, m[0], m[1], conf}})
		}
	}
	return out
}

// bePostcodeStart reports whether a four-digit number at text[i] starts on its own: not
// inside a word, nor after a digit and a separator ("12.3456").
func bePostcodeStart(text string, i int) bool {
	if isWordRune(runeBefore(text, i)) {
		return false
	}
	return !(i > 1 && strings.ContainsRune(".,-/", rune(text[i-1])) && isDigit(text[i-2]))
}

// bePostcodeConfidence rates the number n at text[i] and the word place after it as a
// Belgian postcode: 0.85 for a known place, 0.6 for another word, 0 before a stop word or
// a month; a year (1900–2099) counts only before a known place, and never after "in",
// "sinds", "since" and the like.
func bePostcodeConfidence(text string, i, n int, place string) float64 {
	year := n >= 1900 && n <= 2099
	switch {
	case year && containsAny(before(text, i, 7), yearPrepositions):
		return 0
	case places[place]:
		return 0.85
	case stopCaps[place] || monthWords[place] > 0 || year:
		return 0
	}
	return 0.6
}

// joinAddresses makes a postcode right after a street (only spaces and commas between)
// part of that street's address, and returns the streets and the other postcodes.
func joinAddresses(text string, streets, codes []hit) []hit {
	var out []hit
	used := map[int]bool{}
	for _, s := range streets {
		for k, c := range codes {
			gap := c.Start - s.End
			if gap >= 0 && gap <= 3 && strings.Trim(text[s.End:c.Start], " ,") == "" {
				s.End = c.End
				s.Confidence = 0.95
				used[k] = true
			}
		}
		out = append(out, s)
	}
	for k, c := range codes {
		if !used[k] {
			out = append(out, c)
		}
	}
	return out
}

var rePlace = regexp.MustCompile(`^,?\s\p{Lu}[\p{L}\-]+(?:\s(?:aan|op|in|den|de)\s\p{Lu}[\p{L}\-]+)?`)

var (
	reDateNum  = regexp.MustCompile(`\b([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]((?:19|20)[0-9]{2}|[0-9]{2})\b`)
	reDateISO  = regexp.MustCompile(`\b((?:19|20)[0-9]{2})-([0-9]{2})-([0-9]{2})\b`)
	reDateText = regexp.MustCompile(`(?i)\b([0-9]{1,2})(?:e|ste|de|st|nd|rd|th)?\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|january|february|march|may|june|july|august|october|jan|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec)\.?,?\s+((?:19|20)[0-9]{2})\b`)
	reDateUS   = regexp.MustCompile(`(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)[0-9]{2})\b`)
)

var birthWords = []string{"geboren", "geb.", "geb ", "geboortedatum", "geboorte", "born", "dob", "d.o.b", "birth", "birthday", "verjaardag", "°"}
var eventWords = []string{"op ", "on ", "sinds ", "since ", "vanaf ", "from ", "tot ", "until ", "d.d.", "dd ", "per ", "dated ", "datum ", "gesprek", "zitting", "meeting", "hearing", "afspraak", "appointment", "week van", "deadline", "uitspraak"}

func findDates(text, lang string) []hit {
	type span struct{ s, e, d, m, y int }
	var ds []span
	add := func(s, e int, d, m, y string) {
		di, _ := strconv.Atoi(d)
		yi, _ := strconv.Atoi(y)
		mi, err := strconv.Atoi(m)
		if err != nil {
			mi = monthWords[strings.ToLower(m)]
		}
		if len(y) == 2 {
			yi = -1
		}
		if di < 1 || di > 31 || mi < 1 || mi > 12 {
			return
		}
		ds = append(ds, span{s, e, di, mi, yi})
	}
	for _, m := range reDateNum.FindAllStringSubmatchIndex(text, -1) {
		if !numberBounded(text, m[0], m[1]) {
			continue
		}
		add(m[0], m[1], text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]])
	}
	for _, m := range reDateISO.FindAllStringSubmatchIndex(text, -1) {
		add(m[0], m[1], text[m[6]:m[7]], text[m[4]:m[5]], text[m[2]:m[3]])
	}
	for _, m := range reDateText.FindAllStringSubmatchIndex(text, -1) {
		add(m[0], m[1], text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]])
	}
	for _, m := range reDateUS.FindAllStringSubmatchIndex(text, -1) {
		add(m[0], m[1], text[m[4]:m[5]], text[m[2]:m[3]], text[m[6]:m[7]])
	}
	var out []hit
	for _, d := range ds {
		b := before(text, d.s, 30)
		conf := 0.0
		switch {
		case containsAny(b, birthWords):
			conf = 0.95
		case d.y < 0:
			continue // a two-digit year only counts after "geboren"/"born"
		case containsAny(before(text, d.s, 12), eventWords):
			conf = 0.2
		case strings.HasSuffix(strings.TrimRight(b, " "), "(") || strings.HasSuffix(strings.TrimRight(b, " "), ","):
			conf = 0.7
		default:
			conf = 0.45
		}
		out = append(out, hit{Finding: Finding{KindBirthdate, d.s, d.e, conf}})
	}
	return out
}

var (
	instTypesNL = `(?:(?:OBS|CBS|PCBS|RKBS|KBS|SBO|SO|VSO|IKC|ROC|GBS|VBS|SBS|BuSO|BuBaO|BuBO|KA|MPI|GO!|CLB|GGZ)|(?i:obs|cbs|pcbs|rkbs|kbs|sbo|vso|ikc|vmbo|havo|vwo|mavo|mbo|roc|gbs|vbs|sbs|integraal kindcentrum|kindcentrum|montessorischool|jenaplanschool|daltonschool|freinetschool|vrije school|islamitische basisschool|praktijkschool|mytylschool|speciaal onderwijs|stichting|gastouderbureau|kribbe|ggz|jeugdzorg|jeugdhulp|jeugdhulpaanbieder|zorgaanbieder|zorgboerderij|woonvoorziening|huisartsenpraktijk|kinderpraktijk|buurthuis|jongerencentrum|basisschool|basisscholen|middelbare school|school|kinderopvang|kinderdagverblijf|crèche|creche|peuterspeelzaal|peuteropvang|bso|kdv|internaat|lyceum|college|atheneum|gymnasium|scholengemeenschap|academie|campus|voorziening|ziekenhuis|kliniek|leefgroep|gezinshuis|woongroep|behandelgroep|opvang|instelling|kinderziekenhuis))`
	instName    = `(?:(?:De|Het|de|het|'t|Sint|St\.|OLV|Onze-Lieve-Vrouw)[\s\-])?\p{Lu}[\p{L}'’\-]+(?:\s(?:(?:van|de|der|het|den|voor|'s)\s)?\p{Lu}[\p{L}'’\-]+)*`
	instPlace   = `(?:\s(?:in|te|at|uit|from)\s(\p{Lu}[\p{L}\-]+))?`
	reInstNL    = regexp.MustCompile(instTypesNL + `\s["'“‘]?(` + instName + `)["'”’]?` + instPlace)
	reInstNL2   = regexp.MustCompile(`\b(?:De|Het|'t)\s\p{Lu}[\p{L}\-]+(?:\s?(?:school|basisschool|kinderopvang|crèche|opvang))\b` + instPlace)
	reInstEN    = regexp.MustCompile(`(?:St\.?\s|Saint\s)?\p{Lu}[\p{L}'’]+(?:\s\p{Lu}[\p{L}'’]+){0,3}\s(?:Primary|Secondary|Junior|Infant|Infants|Nursery|High|Grammar|Academy|College|School|Hospital|Children's Centre|Children’s Centre|Family Centre|Family Hub|Pre-School|Preschool|Playgroup|Day Nursery|Kindergarten|Surgery|Medical Centre|Health Centre|Children's Home|Youth Centre|Sixth Form|Free School|Community School|Prep School|Middle School|Elementary)(?:\s(?:School|Academy|College|Centre))?` + instPlace)
)

var schoolish = []string{"school", "scholen", "opvang", "crèche", "creche", "kinderdagverblijf", "peuter", "bso", "kdv", "lyceum", "college", "atheneum", "gymnasium", "academ", "primary", "secondary", "junior", "infant", "nursery", "high", "grammar", "campus"}

// instPass is one way an institution is named: a pattern, and the check that accepts a
// match and gives its start and confidence. A match ends where the pattern ends.
type instPass struct {
	re     *regexp.Regexp
	enOnly bool // English text only
	place  int  // submatch index of a place after the name ("… in Gent"), 0 if none
	accept func(text string, m []int) (start int, conf float64, ok bool)
}

// instPlaceConf is the confidence of an institution with its place.
const instPlaceConf = 0.9

// instPasses are the institution patterns in the order findInstitutions runs them.
var instPasses = []instPass{
	{re: reInstNL, place: 4, accept: acceptTypedInst},                    // "basisschool De Regenboog"
	{re: reInstNL2, place: 2, accept: acceptFixed(0.85)},                 // "De Regenboogschool"
	{re: reInstCap, place: 2, accept: acceptNamedType(0.8)},              // "Sint-Jozef College"
	{re: reInstCompound, accept: acceptCompoundInst},                     // "Vondelcollege"
	{re: reInstENLower, enOnly: true, accept: acceptENLowerInst},         // "Oakwood primary school"
	{re: reInstEN, enOnly: true, place: 2, accept: acceptNamedType(0.8)}, // "Oakwood Primary School"
}

// findInstitutions finds schools, childcare and care institutions by a type word and a
// proper name.
func findInstitutions(text, lang string) []hit {
	var out []hit
	for _, p := range instPasses {
		if p.enOnly && !useEN(lang) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
			s, conf, ok := p.accept(text, m)
			if !ok {
				continue
			}
			if p.place > 0 && m[p.place] >= 0 {
				conf = instPlaceConf
			}
			out = append(out, institution(text, s, m[1], conf))
		}
	}
	return out
}

// institution is the finding for text[s:e], marked as a school when it reads like one.
func institution(text string, s, e int, conf float64) hit {
	school := containsAny(strings.ToLower(text[s:e]), schoolish)
	return hit{Finding: Finding{KindInstitution, s, e, conf}, school: school}
}

// acceptFixed accepts every match with confidence conf.
func acceptFixed(conf float64) func(string, []int) (int, float64, bool) {
	return func(_ string, m []int) (int, float64, bool) { return m[0], conf, true }
}

// acceptTypedInst accepts a type word and a name (reInstNL): 0.85 when the name starts
// with an article or Sint ("basisschool De Regenboog"), 0.6 otherwise. A name that is a
// stop word, a place or a generic word needs a place after it, unless the school type is
// one often named after its town ("Atheneum Mechelen").
func acceptTypedInst(text string, m []int) (int, float64, bool) {
	if isWordRune(runeBefore(text, m[0])) {
		return 0, 0, false
	}
	name := text[m[2]:m[3]]
	words := strings.Fields(name)
	first := strings.ToLower(words[0])
	article := hasAnyPrefix(name, "De ", "Het ", "de ", "het ", "'t ", "Sint", "St.")
	if article {
		return m[0], 0.85, len(words) > 1
	}
	if (stopCaps[first] || places[first] || genericInst[first]) && m[4] < 0 {
		typ := strings.ToLower(strings.TrimSpace(text[m[0]:m[2]]))
		placeOnly := places[first] && len(words) == 1
		return m[0], 0.6, placeOnly && namedByPlace[typ]
	}
	return m[0], 0.6, true
}

// acceptNamedType accepts a proper name of at least one word before a capitalised type
// word ("Oakwood Academy"), after leading stop words, with confidence conf.
func acceptNamedType(conf float64) func(string, []int) (int, float64, bool) {
	return func(text string, m []int) (int, float64, bool) {
		s, words := trimStopWords(text, m[0], m[1])
		ok := len(words) >= 2 && !genericInst[strings.ToLower(words[0])]
		return s, conf, ok
	}
}

// acceptCompoundInst accepts a compound institution name ("Vondelcollege") that is not
// a type word itself.
func acceptCompoundInst(text string, m []int) (int, float64, bool) {
	w := strings.ToLower(text[m[0]:m[1]])
	ok := !isWordRune(runeBefore(text, m[0])) && !orgTypes[w] && !genericInst[w] && !compoundTypes[w]
	return m[0], 0.75, ok
}

// acceptENLowerInst accepts a proper name before a lower-case English type ("Oakwood
// primary school").
func acceptENLowerInst(text string, m []int) (int, float64, bool) {
	s, words := trimStopWords(text, m[0], m[3])
	ok := len(words) >= 1 && !genericInst[strings.ToLower(words[0])] &&
		!isWordRune(runeBefore(text, m[0])) && properName(words)
	return s, 0.7, ok
}

// properName reports whether words read as a proper name: none is a generic or stop
// word, and not all are written in capitals.
func properName(words []string) bool {
	common := func(w string) bool {
		lw := strings.ToLower(w)
		return genericInst[lw] || stopCaps[lw]
	}
	notCaps := func(w string) bool { return strings.ToUpper(w) != w }
	return !slices.ContainsFunc(words, common) && slices.ContainsFunc(words, notCaps)
}

// hasAnyPrefix reports whether s starts with one of prefixes.
func hasAnyPrefix(s string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

var (
	reInstCap      = regexp.MustCompile(`(?:(?:Sint|St\.?)[\s\-])?\p{Lu}[\p{L}'’\-]+(?:\s(?:(?:van|de|der|voor)\s)?\p{Lu}[\p{L}'’\-]+){0,2}\s(?:College|Lyceum|Gymnasium|Atheneum|Instituut|Scholengemeenschap|Kindcentrum|Campus)\b` + instPlace)
	reInstCompound = regexp.MustCompile(`\b(?:(?:Sint|St)[\-\s.]*\p{Lu}\p{L}*(?:college|instituut|school|atheneum|lyceum|ziekenhuis|scholen|gasthuis)|\p{Lu}\p{Ll}+(?:college|lyceum|gymnasium))\b`)
	reInstENLower  = regexp.MustCompile(`(?:St\.?\s|Saint\s)?(\p{Lu}[\p{L}'’]+(?:\s\p{Lu}[\p{L}'’]+){0,2})\s(?:primary school|primary|nursery|pre-school|preschool|academy|high school|secondary school|children's centre|children’s centre|family centre|playgroup)\b`)
)

// genericInst are words that make an institution's kind, not its name ("a Catholic
// school", "Montessori College"? no: "the Special School").
var genericInst = set(`katholieke katholiek christelijke christelijk openbare openbaar islamitische
islamitisch protestantse montessori jenaplan dalton vrije speciale speciaal reguliere
middelbare nieuwe andere grote kleine eigen lokale zwarte witte internationale
catholic christian islamic muslim jewish special secondary primary grammar comprehensive
independent private state public local village church faith new old other big small
mainstream specialist international boarding steiner montessori residential nearby
hogeschool universiteit university`)

// namedByPlace are school types whose name is often only their town.
var namedByPlace = set(`atheneum ka lyceum college gymnasium go!`)

// compoundTypes are compound words ending like an institution that are a type, not a name.
var compoundTypes = set(`basisschool middelbareschool hogeschool zomerschool avondschool
dagschool kostschool vakschool praktijkschool mytylschool ziekenhuis kinderziekenhuis
tienercollege`)

// trimStopWords drops leading stop words ("The Oakwood Academy" keeps "Oakwood
// Academy") and returns the new start and the words of text[s:e].
func trimStopWords(text string, s, e int) (int, []string) {
	words := strings.Fields(text[s:e])
	for len(words) > 1 && stopCaps[strings.ToLower(words[0])] {
		s += strings.Index(text[s:], words[0]) + len(words[0]) + 1
		words = words[1:]
	}
	if len(words) > 0 && stopCaps[strings.ToLower(words[0])] {
		return s, nil
	}
	return s, words
}
