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
