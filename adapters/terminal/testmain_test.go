package terminal

import (
	"os"
	"testing"

	"github.com/intervision-bot/intervision/internal/proctest"
)

// TestMain keeps the summary files the tests' sessions write out of the machine's /tmp.
func TestMain(m *testing.M) { os.Exit(proctest.RunInTempDir(m)) }
