package prompts

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// specialPacks are pack directories whose one *.yaml file is not something to read
// whole: a FIFO (reading would wait for a writer forever), a symlink to /dev/zero
// (endless), and a regular file over the size limit.
func specialPacks(t *testing.T) map[string]string {
	t.Helper()
	dirs := map[string]string{}
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "pipe.yaml"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	dirs["fifo"] = fifo
	zero := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(zero, "zero.yaml")); err != nil {
		t.Fatal(err)
	}
	dirs["symlink to /dev/zero"] = zero
	big := t.TempDir()
	if err := os.WriteFile(filepath.Join(big, "big.yaml"), []byte("#"+strings.Repeat("x", maxPackFile)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dirs["over 1 MiB"] = big
	return dirs
}

// within runs f and fails the test when it does not return within five seconds.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("did not return within 5s")
	}
}

// TestLintSpecialFiles: lint returns promptly with a problem for each special file.
func TestLintSpecialFiles(t *testing.T) {
	want := map[string]string{"fifo": "not a regular file", "symlink to /dev/zero": "not a regular file", "over 1 MiB": "larger than 1 MiB"}
	for name, dir := range specialPacks(t) {
		t.Run(name, func(t *testing.T) {
			var problems []Problem
			var err error
			within(t, func() { problems, err = Lint(dir) })
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != 1 || problems[0].Line != 0 || !strings.Contains(problems[0].Msg, want[name]) ||
				!strings.HasPrefix(problems[0].File, dir) {
				t.Fatalf("problems %v, want one at line 0 saying %q", problems, want[name])
			}
		})
	}
}

// TestLoadDirSpecialFiles: LoadDir returns promptly with an error for each special file.
func TestLoadDirSpecialFiles(t *testing.T) {
	for name, dir := range specialPacks(t) {
		t.Run(name, func(t *testing.T) {
			var err error
			within(t, func() { err = MustBuiltin().LoadDir(dir) })
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
}
