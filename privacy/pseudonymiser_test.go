package privacy_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/privacy"
)

var _ bot.Pseudonymiser = (*privacy.Pseudonymiser)(nil)

func TestPseudonymise(t *testing.T) {
	for _, c := range []struct {
		lang, in, want string
		kinds          []string
	}{
		{"nl", "Moeder Fatima belt vanaf 06-12345678. Fatima is boos.",
			"Moeder A belt vanaf [telefoon]. Moeder A is boos.", []string{"name", "phone"}},
		{"nl", "Ik sprak mevrouw Jansen en haar zoon Daan (7).",
			"Ik sprak mevrouw A en haar zoon Kind 1 (7).", []string{"name"}},
		{"en", "Her son Liam lives with mother Sarah at 12 Baker Street.",
			"Her son Child 1 lives with mother A at [address].", []string{"name", "address"}},
		{"nl", "BSN 111222333, IBAN NL91 ABNA 0417 1643 00, mail f@x.nl, geboren op 12-03-2015.",
			"BSN [BSN], IBAN [IBAN], mail [e-mail], geboren op [geboortedatum].", []string{"bsn", "email", "iban", "birthdate"}},
		{"nl", "RRN 85.07.30-033.28, zit op basisschool De Regenboog in Gent.",
			"RRN [rijksregisternummer], zit op [school].", []string{"rrn", "institution"}},
		{"en", "Mr. Peters rang from +32 470 12 34 56.",
			"Mr. A rang from [phone].", []string{"name", "phone"}},
		{"nl", "De moeder heeft twee kinderen van 4 en 7 jaar; om 14:30 is het gesprek.",
			"De moeder heeft twee kinderen van 4 en 7 jaar; om 14:30 is het gesprek.", nil},
	} {
		got, kinds := privacy.NewPseudonymiser().Pseudonymise(c.in, c.lang, map[string]string{})
		if got != c.want {
			t.Errorf("Pseudonymise(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if !reflect.DeepEqual(kinds, c.kinds) {
			t.Errorf("Pseudonymise(%q) kinds %v, want %v", c.in, kinds, c.kinds)
		}
	}
}

func TestPseudonymiseConsistentAcrossCalls(t *testing.T) {
	g := privacy.NewPseudonymiser()
	table := map[string]string{}
	msgs := []string{
		"Moeder Fatima en vader Karim hebben ruzie. Hun dochter Noor (6) hoort alles.",
		"Later belde Fatima me nog op. Noor was niet naar school gegaan.",
		"Karim zegt dat Fatima overdrijft.",
	}
	want := []string{
		"Moeder A en vader B hebben ruzie. Hun dochter Kind 1 (6) hoort alles.",
		"Later belde Moeder A me nog op. Kind 1 was niet naar school gegaan.",
		"Vader B zegt dat Moeder A overdrijft.",
	}
	for i, m := range msgs {
		got, _ := g.Pseudonymise(m, "nl", table)
		if got != want[i] {
			t.Errorf("message %d:\n got %q\nwant %q", i, got, want[i])
		}
	}
	// the table holds no original value, in keys or values
	for k, v := range table {
		for _, orig := range []string{"fatima", "karim", "noor"} {
			if strings.Contains(strings.ToLower(k), orig) || strings.Contains(strings.ToLower(v), orig) {
				t.Errorf("table entry %q=%q holds %q", k, v, orig)
			}
		}
	}
	// a second session (another table) has another salt: the same name gets another key
	other := map[string]string{}
	g.Pseudonymise(msgs[0], "nl", other)
	for k := range table {
		if strings.HasPrefix(k, "n:") {
			if _, ok := other[k]; ok {
				t.Errorf("key %q shared between sessions", k)
			}
		}
	}
}

func TestPseudonymiseNilTable(t *testing.T) {
	got, kinds := privacy.NewPseudonymiser().Pseudonymise("bel 06-12345678", "nl", nil)
	if got != "bel [telefoon]" || !reflect.DeepEqual(kinds, []string{"phone"}) {
		t.Errorf("got %q %v", got, kinds)
	}
}

var _ bot.MemberPseudonymiser = (*privacy.Pseudonymiser)(nil)

// TestMembersNamesStay: the names of the conversation's own members are no personal
// data of a family: in the gossip method peers speak of the case bringer by name.
// A member's name introduced as a family member's, or with a surname that is not the
// member's, is still replaced.
func TestMembersNamesStay(t *testing.T) {
	members := []string{"Lotte de Vries", "bob"}
	for _, c := range []struct{ in, want string }{
		{"Ik denk dat Lotte zich erg verantwoordelijk voelt voor dit gezin.", "Ik denk dat Lotte zich erg verantwoordelijk voelt voor dit gezin."},
		{"Lotte de Vries ziet misschien over het hoofd hoe moe ze is.", "Lotte de Vries ziet misschien over het hoofd hoe moe ze is."},
		{"Lotte sprak moeder Fatima over haar zoon Daan.", "Lotte sprak moeder A over haar zoon Kind 1."},
		{"Haar moeder Lotte belde gisteren.", "Haar moeder A belde gisteren."},
		{"Ik sprak Lotte Jansen bij de poort.", "Ik sprak Persoon A bij de poort."},
	} {
		got, _ := privacy.NewPseudonymiser().PseudonymiseAmong(c.in, "nl", map[string]string{}, members)
		if got != c.want {
			t.Errorf("PseudonymiseAmong(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	// a platform handle names its member too
	if got, _ := privacy.NewPseudonymiser().PseudonymiseAmong("Ik denk dat Lotte twijfelt.", "nl", nil, []string{"lotte.devries"}); got != "Ik denk dat Lotte twijfelt." {
		t.Errorf("the handle lotte.devries: %q", got)
	}
	// without members, as before: a first name alone is a name
	if got, _ := privacy.NewPseudonymiser().Pseudonymise("Ik denk dat Lotte zich erg verantwoordelijk voelt.", "nl", nil); strings.Contains(got, "Lotte") {
		t.Errorf("Pseudonymise kept a name: %q", got)
	}
}
