package followup_test

import (
	"os"
	"testing"

	"github.com/intervision-bot/intervision/prompts"
)

func TestZZDbg(t *testing.T) {
	r := newInterpreter(t)
	for _, s := range []string{os.Getenv("ZZT")} {
		a, ok := r.ReadAdvice(s, os.Getenv("ZZL"), prompts.StageClarify)
		t.Logf("%v %+v", ok, a)
	}
}
