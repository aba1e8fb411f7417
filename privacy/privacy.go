// Package privacy finds personal data in case text (Dutch and English) and replaces it
// with pseudonyms, so that the bot keeps less than it is given.
//
// Scan is a heuristic detector: checksums and fixed formats (BSN, rijksregisternummer,
// IBAN, phone numbers, e-mail addresses, postcodes, dates) are found reliably; names,
// addresses and institutions are found by their context (a title, a family role, a
// street suffix, repetition). It cannot know a name nobody introduces, a nickname, or a
// description that identifies a family without any name ("the only Eritrean family in
// the village"). It helps people; it does not replace their judgement.
package privacy

import (
	"sort"
)

// Kinds of personal data Scan reports.
const (
	KindEmail       = "email"
	KindPhone       = "phone"
	KindBSN         = "bsn"  // Dutch burgerservicenummer
	KindRRN         = "rrn"  // Belgian rijksregisternummer (national register number)
	KindIBAN        = "iban" // bank account
	KindPostcode    = "postcode"
	KindAddress     = "address"
	KindBirthdate   = "birthdate"
	KindName        = "name"
	KindInstitution = "institution"
)

// Kinds lists every kind in the order reports use.
var Kinds = []string{KindName, KindBSN, KindRRN, KindPhone, KindEmail, KindIBAN,
	KindAddress, KindPostcode, KindBirthdate, KindInstitution}

// Threshold is the confidence from which a finding is reported to the case bringer and
// pseudonymised. Scan also returns weaker hints (e.g. a bare date) below it.
const Threshold = 0.5

// Finding is one piece of personal data in a text: its kind, its byte span
// text[Start:End], and how sure the detector is (0 to 1).
type Finding struct {
	Kind       string
	Start, End int
	Confidence float64
}

// hit is a Finding with what the pseudonymiser needs to know about a name.
type hit struct {
	Finding
	role   string // for a name: the title or role word right before it, lower case
	label  string // for a name: the label word for a pseudonym ("Moeder", "Mevrouw")
	child  bool   // for a name: the person is a child
	intro  bool   // for a name: introduced by a title or role (strong evidence)
	school bool   // for an institution: a school or childcare
}

// Scan returns the personal data found in text, sorted by position and not
// overlapping. lang is "nl", "en", or "" for both.
func Scan(text, lang string) []Finding {
	hs := scan(text, lang)
	out := make([]Finding, len(hs))
	for i, h := range hs {
		out[i] = h.Finding
	}
	return out
}

func scan(text, lang string) []hit {
	var c []hit
	c = append(c, findEmails(text)...)
	c = append(c, findIBANs(text)...)
	c = append(c, findNationalNumbers(text)...)
	c = append(c, findPhones(text)...)
	c = append(c, findAddresses(text, lang)...)
	c = append(c, findDates(text, lang)...)
	c = append(c, findInstitutions(text, lang)...)
	c = append(c, findNames(text, lang, c)...)
	return resolve(c)
}

// resolve keeps the strongest of overlapping candidates and sorts by position.
func resolve(c []hit) []hit {
	sort.SliceStable(c, func(i, j int) bool {
		a, b := c[i], c[j]
		if a.Confidence != b.Confidence {
			return a.Confidence > b.Confidence
		}
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return la > lb
		}
		return a.Start < b.Start
	})
	var out []hit
	for _, h := range c {
		if h.End > h.Start && !overlaps(out, h.Start, h.End) {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func useNL(lang string) bool { return lang != "en" }
func useEN(lang string) bool { return lang != "nl" }
