package main

import (
	"os"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/adapters/terminal"
	"github.com/intervision-bot/intervision/internal/proctest"
)

// TestMain keeps the summary files the tests' sessions write out of the machine's /tmp.
func TestMain(m *testing.M) { os.Exit(proctest.RunInTempDir(m)) }

// TestFilesStayOutOfTmp: the terminal's default files directory, which replay and the
// terminal tests write summaries to, is inside this test run's own directory.
func TestFilesStayOutOfTmp(t *testing.T) {
	dir := terminal.DefaultFilesDir()
	if !strings.Contains(dir, "intervision-test-") {
		t.Fatalf("summary files go to %s, outside the test run's own directory", dir)
	}
}
