package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/internal/proctest"
	"github.com/intervision-bot/intervision/state/redistest"
)

// botProcess is the intervision binary chatting in the terminal.
type botProcess struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *proctest.Buffer
}

func startBot(t *testing.T, bin string, env []string) *botProcess {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env = env
	out := &proctest.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return &botProcess{t: t, cmd: cmd, stdin: stdin, out: out}
}

func (p *botProcess) send(lines ...string) {
	p.t.Helper()
	for _, l := range lines {
		if _, err := io.WriteString(p.stdin, l+"\n"); err != nil {
			p.t.Fatal(err)
		}
	}
}

// waitFor waits until the output holds want.
func (p *botProcess) waitFor(want string) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(p.out.String(), want) {
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q in output:\n%s", want, p.out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func buildBinary(t *testing.T) string { return proctest.Build(t, ".") }

// TestRestartContinuesSession kills the bot mid-session and starts it again on the
// same Redis: the session continues in the same phase with every contribution.
func TestRestartContinuesSession(t *testing.T) {
	srv := redistest.Start(t)
	bin := buildBinary(t)
	env := append(os.Environ(), "REDIS_URL="+srv.URL(), "INTERVISION_CHANNEL=restart-test", "INTERVISION_FILES_DIR="+t.TempDir())

	first := startBot(t, bin, env)
	first.send("/as ann", "/start incident en", "/as bob", "/join", "/as cas", "/join",
		"/as ann", "/bring", "/next",
		"The father said he would not come to the school meeting again.", "/next",
		"/as bob", "What did the teacher say to him before?",
		"/as ann", "She told him his son was falling behind.",
		"/status")
	first.waitFor("now in: Clarifying questions")
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.cmd.Wait()

	second := startBot(t, bin, env)
	second.send("/as ann", "/status")
	second.waitFor("now in: Clarifying questions")
	second.waitFor("ann (case bringer), bob, cas")
	second.send("/end")
	second.waitFor("[file: ")
	second.send("/quit")
	out := document(t, second.out.String())
	for _, want := range []string{
		"The father said he would not come to the school meeting again.",
		"What did the teacher say to him before?",
		"She told him his son was falling behind.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary after restart lacks %q:\n%s", want, out)
		}
	}
}

// TestReplayHalvesOnRedis replays the first half of a session, then the second half
// in a fresh run on the same Redis and channel: it continues where it stopped.
func TestReplayHalvesOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	files := t.TempDir()
	env := func(k string) string {
		switch k {
		case "REDIS_URL":
			return srv.URL()
		case "INTERVISION_FILES_DIR":
			return files
		}
		return ""
	}
	b, err := os.ReadFile("../../testdata/incident-en.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	half := len(lines) / 2
	dir := t.TempDir()
	for i, part := range [][]string{lines[:half], lines[half:]} {
		path := filepath.Join(dir, "part.txt")
		if err := os.WriteFile(path, []byte(strings.Join(part, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := run(t.Context(), []string{"replay", "--channel", "halves", path}, nil, &out, &errb, env); code != 0 {
			t.Fatalf("part %d: exit %d: %s", i+1, code, errb.String())
		}
		if i == 1 && (!strings.Contains(out.String(), "Summary ·") || !strings.Contains(document(t, out.String()), "Last week a mother did not come")) {
			t.Fatalf("second half did not continue the session:\n%s", out.String())
		}
	}
	// Another channel is another conversation.
	var out, errb bytes.Buffer
	run(t.Context(), []string{"replay", "--channel", "other", "-"}, strings.NewReader("ann: /status\n"), &out, &errb, env)
	if !strings.Contains(out.String(), "no session here") {
		t.Fatalf("channel other sees a session:\n%s", out.String())
	}
}

// document reads the file whose path the terminal printed as "[file: PATH]" in out.
func document(t *testing.T, out string) string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "[file: ")
	path, _, ok2 := strings.Cut(rest, "]")
	if !ok || !ok2 {
		t.Fatalf("no file in the output:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
