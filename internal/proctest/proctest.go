// Package proctest helps tests that run the real intervision binary: it builds it and
// collects a process's output while the test reads it.
package proctest

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
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

// Process is a started binary: its log and its exit.
type Process struct {
	Cmd    *exec.Cmd
	Log    *Buffer
	exited chan error
}

// Start runs bin with exactly env, collecting stdout and stderr in Log; it is killed
// when the test ends, and its log is shown if the test failed.
func Start(tb testing.TB, bin string, env []string) *Process {
	tb.Helper()
	p := &Process{Cmd: exec.Command(bin), Log: &Buffer{}, exited: make(chan error, 1)}
	p.Cmd.Env = env
	p.Cmd.Stdout, p.Cmd.Stderr = p.Log, p.Log
	if err := p.Cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.exited <- p.Cmd.Wait() }()
	tb.Cleanup(func() {
		_ = p.Cmd.Process.Kill()
		if tb.Failed() {
			tb.Logf("bot log:\n%s", p.Log.String())
		}
	})
	return p
}

// WaitExit fails the test unless the process exits with code 0 within limit.
func (p *Process) WaitExit(tb testing.TB, limit time.Duration) {
	tb.Helper()
	select {
	case err := <-p.exited:
		if err != nil {
			tb.Fatalf("the bot exited with %v, want exit code 0", err)
		}
	case <-time.After(limit):
		tb.Fatalf("the bot did not exit within %v", limit)
	}
}

// StartWithInput is Start with a pipe to the process's standard input.
func StartWithInput(tb testing.TB, bin string, env []string) (*Process, io.WriteCloser) {
	tb.Helper()
	p := &Process{Cmd: exec.Command(bin), Log: &Buffer{}, exited: make(chan error, 1)}
	p.Cmd.Env = env
	p.Cmd.Stdout, p.Cmd.Stderr = p.Log, p.Log
	stdin, err := p.Cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { p.exited <- p.Cmd.Wait() }()
	tb.Cleanup(func() {
		_ = p.Cmd.Process.Kill()
		if tb.Failed() {
			tb.Logf("bot log:\n%s", p.Log.String())
		}
	})
	return p, stdin
}

// WaitAny fails the test unless the process exits, with any status, within limit.
func (p *Process) WaitAny(tb testing.TB, limit time.Duration) {
	tb.Helper()
	select {
	case <-p.exited:
	case <-time.After(limit):
		tb.Fatalf("the bot did not exit within %v", limit)
	}
}
