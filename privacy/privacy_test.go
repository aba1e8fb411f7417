package privacy

import (
	"strings"
	"testing"
)

// only returns the findings of one kind as their text.
func only(text, lang, kind string) []string {
	var out []string
	for _, f := range Scan(text, lang) {
		if f.Kind == kind && f.Confidence >= Threshold {
			out = append(out, text[f.Start:f.End])
		}
	}
	return out
}

func TestPhones(t *testing.T) {
	for _, c := range []struct {
		text string
		want string // "" means no phone number
	}{
		{"bel 06-12345678 even", "06-12345678"},
		{"bel 06 1234 5678 even", "06 1234 5678"},
		{"bel 0612345678 even", "0612345678"},
		{"bel 06 12 34 56 78 even", "06 12 34 56 78"},
		{"bel +31 6 12345678 even", "+31 6 12345678"},
		{"bel +31 (0)6 12345678 even", "+31 (0)6 12345678"},
		{"bel 0031 6 12345678 even", "0031 6 12345678"},
		{"bel +31612345678 even", "+31612345678"},
		{"bel 020-1234567 even", "020-1234567"},
		{"bel 010 123 4567 even", "010 123 4567"},
		{"bel (020) 123 4567 even", "(020) 123 4567"},
		{"bel 0418-123456 even", "0418-123456"},
		{"gsm 0470 12 34 56 even", "0470 12 34 56"},
		{"gsm 0470/12.34.56 even", "0470/12.34.56"},
		{"gsm +32 470 12 34 56 even", "+32 470 12 34 56"},
		{"gsm 0032 470 12 34 56 even", "0032 470 12 34 56"},
		{"tel 02 123 45 67 even", "02 123 45 67"},
		{"tel 09/234.56.78 even", "09/234.56.78"},
		{"tel +32 2 123 45 67 even", "+32 2 123 45 67"},
		{"om 14:30 uur", ""},
		{"van 09.30 tot 11.15", ""},
		{"op 06-12-2019 was er een zitting", ""},
		{"dossier 2023-04517", ""},
		{"0 tot 4 jaar", ""},
		{"12.000 euro", ""},
		{"zaak 0123", ""},
	} {
		got := only(c.text, "", KindPhone)
		if c.want == "" {
			if len(got) != 0 {
				t.Errorf("%q: phone %q, want none", c.text, got)
			}
			continue
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: phones %q, want %q", c.text, got, c.want)
		}
	}
}

func TestScanKinds(t *testing.T) {
	for _, c := range []struct {
		text, lang, kind, want string
	}{
		{"BSN 123456782 staat erop", "nl", KindBSN, "123456782"},
		{"bsn: 123.456.782.", "nl", KindBSN, "123.456.782"},
		{"nummer 123456789 klopt niet", "nl", KindBSN, ""},
		{"RRN 85.07.30-033.28 staat erop", "nl", KindRRN, "85.07.30-033.28"},
		{"RRN 85.07.30-033.29 is fout", "nl", KindRRN, ""},
		{"IBAN NL91 ABNA 0417 1643 00 van moeder", "nl", KindIBAN, "NL91 ABNA 0417 1643 00"},
		{"rekening NL91 ABNA 0417 1643 01 is fout", "nl", KindIBAN, ""},
		{"mail naar a.b@example.nl graag", "nl", KindEmail, "a.b@example.nl"},
		{"ze woont in 3511 AB Utrecht", "nl", KindPostcode, "3511 AB Utrecht"},
		{"ze woont in 9000 Gent", "nl", KindPostcode, "9000 Gent"},
		{"sinds 2019 Gent", "nl", KindPostcode, ""},
		{"Kerkstraat 12 is het adres", "nl", KindAddress, "Kerkstraat 12"},
		{"op de Stationslaan 3b woont", "nl", KindAddress, "Stationslaan 3b"},
		{"at 12 Baker Street today", "en", KindAddress, "12 Baker Street"},
		{"geboren op 12-03-2015 in", "nl", KindBirthdate, "12-03-2015"},
		{"born on 12 March 2015 in", "en", KindBirthdate, "12 March 2015"},
		{"DOB: 2015-03-12.", "en", KindBirthdate, "2015-03-12"},
		{"op 12-03-2024 was het gesprek", "nl", KindBirthdate, ""},
		{"ik sprak mevrouw Jansen gisteren", "nl", KindName, "Jansen"},
		{"ik sprak moeder Fatima gisteren", "nl", KindName, "Fatima"},
		{"I spoke to mr. Peters today", "en", KindName, "Peters"},
		{"I spoke to her son Liam today", "en", KindName, "Liam"},
		{"ik sprak de moeder gisteren", "nl", KindName, ""},
		{"I spoke to the father. Then I left", "en", KindName, ""},
		{"zit op basisschool De Regenboog in Gent sinds", "nl", KindInstitution, "basisschool De Regenboog in Gent"},
		{"zit op De Klimop school sinds", "nl", KindInstitution, "De Klimop school"},
		{"goes to St. Mary's Primary in Leeds now", "en", KindInstitution, "St. Mary's Primary in Leeds"},
		{"gaat naar school sinds maandag", "nl", KindInstitution, ""},
	} {
		got := only(c.text, c.lang, c.kind)
		if c.want == "" {
			if len(got) != 0 {
				t.Errorf("%q: %s %q, want none", c.text, c.kind, got)
			}
			continue
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%q: %s %q, want %q", c.text, c.kind, got, c.want)
		}
	}
}

func TestScanSortedNonOverlapping(t *testing.T) {
	text := "Moeder Fatima (BSN 111222333, tel 06-12345678) woont op Kerkstraat 12, 1234 AB Utrecht. Fatima mailt via f@x.nl."
	fs := Scan(text, "")
	if len(fs) < 5 {
		t.Fatalf("findings %v", fs)
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Start < fs[i-1].End {
			t.Errorf("overlap or order: %v then %v", fs[i-1], fs[i])
		}
	}
	for _, f := range fs {
		if f.Start < 0 || f.End > len(text) || f.Confidence <= 0 || f.Confidence > 1 {
			t.Errorf("bad finding %v", f)
		}
	}
}

func TestRepeatedName(t *testing.T) {
	text := "Gisteren kwam Bram te laat. De juf vroeg waarom Bram zo moe was, maar Bram zweeg."
	if got := only(text, "nl", KindName); len(got) != 3 {
		t.Errorf("names %q, want Bram three times", got)
	}
	// a capitalised word that also appears in lower case is a common word
	text = "Zorgen zijn er genoeg. De zorgen van de school zijn niet de Zorgen van moeder."
	if got := only(text, "nl", KindName); len(got) != 0 {
		t.Errorf("names %q, want none", got)
	}
}

func TestScanIdempotentOnPseudonyms(t *testing.T) {
	g := NewPseudonymiser()
	text := "Moeder Fatima en haar zoon Liam (8) wonen op Kerkstraat 12. Bel 06-12345678. Fatima werkt. Mevrouw Jansen helpt."
	clean, _ := g.Pseudonymise(text, "nl", map[string]string{})
	if fs := g.Scan(clean, "nl"); len(fs) != 0 {
		for _, f := range fs {
			t.Errorf("pseudonymised text still has %s %q", f.Kind, clean[f.Start:f.End])
		}
	}
	for _, v := range []string{"Fatima", "Liam", "Kerkstraat", "06-12345678", "Jansen"} {
		if strings.Contains(clean, v) {
			t.Errorf("%q still in %q", v, clean)
		}
	}
}

func TestNoNameFromCapitalisedVerbsOrServices(t *testing.T) {
	for _, text := range []string{
		"Moeder Zegt dat ze moe is. Zoon Kan niet slapen.",
		"We werken met De Drie Huizen. De Drie Huizen helpt ons.",
		"Het Centrum voor Jeugd en Gezin belde. Het Centrum voor Jeugd en Gezin wil praten.",
		"Our Team Around the Family meets Thursday. The Team Around the Family plan is old.",
		"Early Help closed the case. Early Help reopened it later.",
	} {
		if got := only(text, "", KindName); len(got) != 0 {
			t.Errorf("%q: names %q, want none", text, got)
		}
	}
	// a name that is also an English verb still counts after a role
	if got := only("Vader Said belt niet terug.", "nl", KindName); len(got) != 1 {
		t.Errorf("vader Said: names %q", got)
	}
}
