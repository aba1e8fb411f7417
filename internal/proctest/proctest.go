// Package proctest helps tests that run the real intervision binary: it builds it and
// collects a process's output while the test reads it.
package proctest

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// Buffer collects a process's output; it is safe to write and read at once.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Build compiles the main package at dir (a path relative to the test's package, such
// as "../../cmd/intervision") into the test's temporary directory and returns the path.
func Build(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "intervision")
	if out, err := exec.Command("go", "build", "-o", bin, dir).CombinedOutput(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}
