package followup_test

import "testing"

func TestZZAdv3(t *testing.T) {
	adviceRates(t, "adv5", loadAdvice(t, "testdata/zz_adv5.yaml"), false)
}
