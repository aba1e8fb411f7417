package privacy

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type evalSnippet struct {
	ID     string     `yaml:"id"`
	Lang   string     `yaml:"lang"`
	Text   string     `yaml:"text"`
	Expect [][]string `yaml:"expect"`
}

type evalSet struct {
	Planted []evalSnippet `yaml:"planted"`
	Clean   []evalSnippet `yaml:"clean"`
}

func loadEval(t *testing.T) evalSet { return loadSet(t, "testdata/eval.yaml") }

// loadSet reads a set in the format of eval.yaml.
func loadSet(t *testing.T, path string) evalSet {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s evalSet
	if err := yaml.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// compatible tells whether a finding of kind got may stand for an expected kind want.
func compatible(want, got string) bool {
	if want == got {
		return true
	}
	return (want == KindPostcode || want == KindAddress) && (got == KindPostcode || got == KindAddress)
}

// evalBars are the minimum recall per kind: checksum and fixed-format kinds 0.95,
// names 0.80, and the context-found kinds (addresses, institutions) 0.80.
var evalBars = map[string]float64{
	KindEmail: 0.95, KindPhone: 0.95, KindBSN: 0.95, KindRRN: 0.95, KindIBAN: 0.95,
	KindPostcode: 0.95, KindBirthdate: 0.95, KindName: 0.80, KindAddress: 0.80,
	KindInstitution: 0.80,
}

const maxFalseAlarm = 0.10

// TestEvaluation measures recall per kind on snippets with planted identifiers and the
// false-alarm rate on clean snippets, for findings at or above Threshold (what the
// bot acts on) and, for information, for all findings including weak hints.
func TestEvaluation(t *testing.T) {
	set := loadEval(t)
	nl, en := 0, 0
	for _, s := range set.Planted {
		if s.Lang == "nl" {
			nl++
		} else {
			en++
		}
	}
	if len(set.Planted) < 60 || nl < 30 || len(set.Clean) < 60 {
		t.Fatalf("evaluation set too small: %d planted (%d nl, %d en), %d clean", len(set.Planted), nl, en, len(set.Clean))
	}
	judge(t, fmt.Sprintf("evaluation: %d planted snippets (%d nl, %d en)", len(set.Planted), nl, en), set, true, evalBars, maxFalseAlarm)
}

func reported(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Confidence >= Threshold {
			out = append(out, f)
		}
	}
	return out
}

func kindOrder(k string) int {
	for i, x := range Kinds {
		if x == k {
			return i
		}
	}
	return len(Kinds)
}

// count is how many identifiers of one kind were planted and found.
type count struct{ want, found int }

// score runs the detector over a set: recall counts per kind, clean snippets with a
// reported finding (alarms) or any hint (weak), and unexpected findings in planted
// snippets. logCases logs every miss; blind sets keep it off, so that nobody tunes on
// their cases.
func score(t *testing.T, set evalSet, logCases bool) (per map[string]*count, alarms, weak, spurious int) {
	t.Helper()
	per = map[string]*count{}
	for _, s := range set.Planted {
		fs := reported(Scan(s.Text, s.Lang))
		matched := make([]bool, len(fs))
		for _, e := range s.Expect {
			if len(e) != 2 {
				t.Fatalf("%s: expect entries are [kind, value]: %v", s.ID, e)
			}
			kind, val := e[0], e[1]
			at := strings.Index(s.Text, val)
			if at < 0 {
				t.Fatalf("%s: value %q not in text", s.ID, val)
			}
			c := per[kind]
			if c == nil {
				c = &count{}
				per[kind] = c
			}
			c.want++
			ok := false
			for i, f := range fs {
				if compatible(kind, f.Kind) && f.Start < at+len(val) && at < f.End {
					ok = true
					matched[i] = true
				}
			}
			if ok {
				c.found++
			} else {
				if logCases {
					t.Logf("missed %s %s %q", s.ID, kind, val)
				}
			}
		}
		for i, f := range fs {
			if !matched[i] {
				// a later mention of a name found elsewhere is not spurious
				v := s.Text[f.Start:f.End]
				expected := false
				for _, e := range s.Expect {
					if strings.Contains(e[1], v) || strings.Contains(v, e[1]) {
						expected = true
					}
				}
				if !expected {
					spurious++
					if logCases {
						t.Logf("extra %s %s %q %.2f", s.ID, f.Kind, v, f.Confidence)
					}
				}
			}
		}
	}
	for _, s := range set.Clean {
		all := Scan(s.Text, s.Lang)
		if len(all) > 0 {
			weak++
		}
		if fs := reported(all); len(fs) > 0 {
			alarms++
			for _, f := range fs {
				if logCases {
					t.Logf("false alarm %s %s %q %.2f", s.ID, f.Kind, s.Text[f.Start:f.End], f.Confidence)
				}
			}
		}
	}
	return per, alarms, weak, spurious
}

// judge scores a set, logs its recall table and fails the test below the bars.
// logCases logs every miss and false alarm too; blind sets keep it off.
func judge(t *testing.T, title string, set evalSet, logCases bool, bars map[string]float64, maxFA float64) {
	t.Helper()
	per, alarms, weak, spurious := score(t, set, logCases)
	var kinds []string
	for k := range per {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kindOrder(kinds[i]) < kindOrder(kinds[j]) })
	var tb strings.Builder
	fmt.Fprintf(&tb, "\n%s, %d clean snippets\n| kind | planted | found | recall | bar |\n|---|---|---|---|---|\n", title, len(set.Clean))
	failed := false
	for _, k := range kinds {
		c := per[k]
		r := float64(c.found) / float64(c.want)
		fmt.Fprintf(&tb, "| %s | %d | %d | %.2f | %.2f |\n", k, c.want, c.found, r, bars[k])
		failed = failed || r < bars[k]
	}
	far := float64(alarms) / float64(len(set.Clean))
	fmt.Fprintf(&tb, "| false alarms (clean snippets with a finding ≥ %.1f) | %d | | %.2f | ≤ %.2f |\n", Threshold, alarms, far, maxFA)
	fmt.Fprintf(&tb, "| clean snippets with any hint, also below %.1f (information) | %d | | %.2f | |\n", Threshold, weak, float64(weak)/float64(len(set.Clean)))
	fmt.Fprintf(&tb, "| extra findings in planted snippets (information) | %d | | | |\n", spurious)
	t.Log(tb.String())
	if failed || far > maxFA {
		t.Errorf("%s: below the bars", title)
	}
}
