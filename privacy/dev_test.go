package privacy

import (
	"fmt"
	"testing"
)

// devBars are the minimum recall on privacy/testdata/names_dev.yaml, the set the
// gazetteer and institution patterns were tuned on; they are set just under what the
// detector reached there.
var devBars = map[string]float64{KindName: 0.95, KindInstitution: 0.95}

// TestDevNames measures names and institutions on the development set and the false
// alarms on its look-alike clean snippets.
func TestDevNames(t *testing.T) {
	set := loadSet(t, "testdata/names_dev.yaml")
	nl := 0
	for _, s := range set.Planted {
		if s.Lang == "nl" {
			nl++
		}
	}
	if len(set.Planted) < 40 || nl < 20 || len(set.Clean) < 40 {
		t.Fatalf("development set too small: %d planted (%d nl), %d clean", len(set.Planted), nl, len(set.Clean))
	}
	judge(t, fmt.Sprintf("dev: %d planted snippets (%d nl)", len(set.Planted), nl), set, true, devBars, maxFalseAlarm)
}
