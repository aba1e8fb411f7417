package proctest

import (
	"fmt"
	"os"
	"testing"
)

// RunInTempDir runs m with TMPDIR set to a directory of its own, removed afterwards,
// so that what the code under test writes to the system's temporary directory (the
// terminal's summary files, by default in $TMPDIR/intervision-files) stays out of the
// machine's /tmp. It returns m's exit code.
func RunInTempDir(m *testing.M) int {
	dir, err := os.MkdirTemp("", "intervision-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "proctest: temporary directory:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := os.Setenv("TMPDIR", dir); err != nil {
		fmt.Fprintln(os.Stderr, "proctest: set TMPDIR:", err)
		return 1
	}
	return m.Run()
}
