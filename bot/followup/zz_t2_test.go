package followup_test

import "testing"

func TestZZThemes2(t *testing.T) {
	s := loadEval(t, "testdata/zz_themes4.yaml")
	r := newInterpreter(t)
	_, top2 := evalThemes(t, r, s, false)
	t.Log(top2)
}
