package privacy

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reserved keys of a pseudonym table. All other keys are "n:" plus a keyed hash of a
// name, so a table never holds an original value.
const (
	tableSalt     = "_salt"     // random key for the hashes, per table (per session)
	tableLetters  = "_letters"  // adults and unknown people pseudonymised so far
	tableChildren = "_children" // children pseudonymised so far
)

// Pseudonymiser finds personal data and replaces it with pseudonyms. It implements
// bot.Pseudonymiser. The zero value is not ready; use NewPseudonymiser.
type Pseudonymiser struct {
	// MinConfidence is the confidence from which a finding is replaced (Threshold by
	// default).
	MinConfidence float64
}

// NewPseudonymiser returns a Pseudonymiser that replaces findings from Threshold on.
func NewPseudonymiser() *Pseudonymiser { return &Pseudonymiser{MinConfidence: Threshold} }

// Scan returns the findings a Pseudonymiser acts on: those at or above its MinConfidence.
func (ps *Pseudonymiser) Scan(text, lang string) []Finding {
	var out []Finding
	for _, f := range Scan(text, lang) {
		if f.Confidence >= ps.MinConfidence {
			out = append(out, f)
		}
	}
	return out
}

// Pseudonymise returns text with personal data replaced, and the kinds it replaced
// (deduplicated, in the order of Kinds). Names become role-aware pseudonyms that stay
// the same within a session through table: "moeder Fatima" → "moeder A" and a later
// "Fatima" → "Moeder A"; "mevrouw Jansen" → "mevrouw B"; "zoon Daan" → "zoon Kind 1".
// Numbers and addresses become placeholders such as "[BSN]" or "[telefoon]". A name
// pseudonymised in an earlier message of the session is also replaced when it comes
// back alone. table may be nil (no memory between calls); its keys are keyed hashes.
func (ps *Pseudonymiser) Pseudonymise(text, lang string, table map[string]string) (string, []string) {
	return ps.PseudonymiseAmong(text, lang, table, nil)
}

// PseudonymiseAmong is Pseudonymise for a conversation among members: a name made only
// of the words of a member's display name ("Lotte" for the member "Lotte de Vries") is
// the name of someone in the conversation, not of a family, and stays as written,
// unless a title or family role introduces it ("moeder Lotte", "mevrouw Lotte"), or it
// was pseudonymised as such earlier in the session. It implements
// bot.MemberPseudonymiser.
func (ps *Pseudonymiser) PseudonymiseAmong(text, lang string, table map[string]string, members []string) (string, []string) {
	if table == nil {
		table = map[string]string{}
	}
	min := ps.MinConfidence
	if min == 0 {
		min = Threshold
	}
	hs := scan(text, "") // people mix languages: look for both
	var keep []hit
	own := memberWords(members)
	for _, h := range hs {
		if h.Confidence >= min && !(len(own) > 0 && ownName(text, h, own)) {
			keep = append(keep, h)
		}
	}
	keep = append(keep, ps.remembered(text, table, keep)...)
	resolveOrder(keep)

	// assign labels: introduced names first, so that their role names the person
	for pass := 0; pass < 2; pass++ {
		for i := range keep {
			h := &keep[i]
			if h.Kind != KindName || h.intro != (pass == 0) {
				continue
			}
			ps.assign(text[h.Start:h.End], h, lang, table)
		}
	}
	var b strings.Builder
	seen := map[string]bool{}
	last := 0
	for _, h := range keep {
		b.WriteString(text[last:h.Start])
		b.WriteString(ps.replacement(text, h, lang, table))
		last = h.End
		seen[h.Kind] = true
	}
	b.WriteString(text[last:])
	var kinds []string
	for _, k := range Kinds {
		if seen[k] {
			kinds = append(kinds, k)
		}
	}
	return b.String(), kinds
}

// memberWords are the name words of the members' display names, lower case; a
// handle such as "lotte.devries" or "Lotte_V" gives its parts too.
func memberWords(members []string) map[string]bool {
	out := map[string]bool{}
	for _, m := range members {
		parts := strings.FieldsFunc(m, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' })
		for _, k := range nameKeys(strings.Join(parts, " ")) {
			out[k] = true
		}
	}
	return out
}

// ownName reports a name finding that is a member's own name: not introduced by a title
// or role, not a child, and made only of member name words.
func ownName(text string, h hit, own map[string]bool) bool {
	if h.Kind != KindName || h.intro || h.child || h.role != "" {
		return false
	}
	ks := nameKeys(text[h.Start:h.End])
	for _, k := range ks {
		if !own[k] {
			return false
		}
	}
	return len(ks) > 0
}

func resolveOrder(hs []hit) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Start < hs[j-1].Start; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

// remembered finds capitalised words that were pseudonymised as names earlier in the
// session and are not yet covered by a finding.
func (ps *Pseudonymiser) remembered(text string, table map[string]string, have []hit) []hit {
	if table[tableSalt] == "" {
		return nil
	}
	var out []hit
	for _, t := range reCapTok.FindAllStringIndex(text, -1) {
		if !wholeWord(text, t[0], t[1]) || overlaps(have, t[0], t[1]) {
			continue
		}
		if _, ok := table[hashKey(table, strings.ToLower(text[t[0]:t[1]]))]; ok {
			out = append(out, hit{Finding: Finding{KindName, t[0], t[1], 0.85}})
		}
	}
	return out
}

func hashKey(table map[string]string, word string) string {
	salt := table[tableSalt]
	if salt == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("privacy: no randomness: " + err.Error())
		}
		salt = hex.EncodeToString(b[:])
		table[tableSalt] = salt
	}
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(word))
	return "n:" + hex.EncodeToString(m.Sum(nil))[:24]
}

// nameKeys returns the lower-case name words of a name span (no initials, particles).
func nameKeys(s string) []string {
	var out []string
	for _, w := range strings.Fields(s) {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		if particles[lw] || utf8.RuneCountInString(lw) < 2 {
			continue
		}
		out = append(out, lw)
	}
	return out
}

// assign gives the name its pseudonym, recorded under every one of its words: the
// stored value is the full label ("Moeder A", "Kind 1", "Persoon C").
func (ps *Pseudonymiser) assign(name string, h *hit, lang string, table map[string]string) {
	ks := nameKeys(name)
	for _, k := range ks {
		if v, ok := table[hashKey(table, k)]; ok {
			for _, k2 := range ks {
				hk := hashKey(table, k2)
				if _, ok := table[hk]; !ok {
					table[hk] = v
				}
			}
			return
		}
	}
	var label string
	if h.child {
		n, _ := strconv.Atoi(table[tableChildren])
		n++
		table[tableChildren] = strconv.Itoa(n)
		word := "Kind"
		if lang == "en" {
			word = "Child"
		}
		label = word + " " + strconv.Itoa(n)
	} else {
		n, _ := strconv.Atoi(table[tableLetters])
		table[tableLetters] = strconv.Itoa(n + 1)
		word := h.label
		if word == "" {
			word = "Persoon"
			if lang == "en" {
				word = "Person"
			}
		}
		label = word + " " + letters(n)
	}
	for _, k := range ks {
		table[hashKey(table, k)] = label
	}
}

// letters returns A, B, …, Z, AA, AB, … for 0, 1, ….
func letters(n int) string {
	s := ""
	for {
		s = string(rune('A'+n%26)) + s
		n = n/26 - 1
		if n < 0 {
			return s
		}
	}
}

var placeholders = map[string][2]string{ // nl, en
	KindEmail:     {"[e-mail]", "[e-mail]"},
	KindPhone:     {"[telefoon]", "[phone]"},
	KindBSN:       {"[BSN]", "[BSN]"},
	KindRRN:       {"[rijksregisternummer]", "[national register number]"},
	KindIBAN:      {"[IBAN]", "[IBAN]"},
	KindPostcode:  {"[postcode]", "[postcode]"},
	KindAddress:   {"[adres]", "[address]"},
	KindBirthdate: {"[geboortedatum]", "[date of birth]"},
}

func (ps *Pseudonymiser) replacement(text string, h hit, lang string, table map[string]string) string {
	li := 0
	if lang == "en" {
		li = 1
	}
	switch h.Kind {
	case KindName:
		label := ""
		for _, k := range nameKeys(text[h.Start:h.End]) {
			if v, ok := table[hashKey(table, k)]; ok {
				label = v
				break
			}
		}
		if label == "" {
			label = [2]string{"[naam]", "[name]"}[li]
		}
		if h.role != "" && !h.child {
			// "moeder Fatima" → "moeder A": the role is already there
			if sp := strings.LastIndexByte(label, ' '); sp >= 0 {
				return label[sp+1:]
			}
		}
		return label
	case KindInstitution:
		if h.school {
			return "[school]"
		}
		return [2]string{"[instelling]", "[institution]"}[li]
	}
	if p, ok := placeholders[h.Kind]; ok {
		return p[li]
	}
	return "[…]"
}
