package bot

// Pseudonymiser finds personal data in case text and replaces it with pseudonyms.
// Package privacy has the implementation; without one, text is kept as it is.
type Pseudonymiser interface {
	// Pseudonymise returns text with personal data replaced by pseudonyms and the kinds
	// of data it found (e.g. "phone", "name"). table holds the session's pseudonyms
	// (opaque keys, never the original values) so that the same person keeps the same
	// pseudonym; Pseudonymise adds to it.
	Pseudonymise(text, lang string, table map[string]string) (clean string, kinds []string)
}

// MemberPseudonymiser is an optional capability of a Pseudonymiser: it leaves alone the
// names of the session's own members (their display names), which are no personal data
// of a family. In the gossip method peers talk about the case bringer by name ("Lotte
// voelt zich verantwoordelijk"); that name must not become a family member's pseudonym.
// A member's name introduced as a family member's ("moeder Lotte") is still replaced.
type MemberPseudonymiser interface {
	PseudonymiseAmong(text, lang string, table map[string]string, members []string) (clean string, kinds []string)
}
