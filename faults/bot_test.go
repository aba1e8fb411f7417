package faults_test

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/internal/proctest"
	"github.com/intervision-bot/intervision/state/redistest"
)

// terminalBot is the real intervision binary chatting in the terminal on Redis.
type terminalBot struct {
	t     *testing.T
	p     *proctest.Process
	stdin io.WriteCloser
}

func startTerminal(t *testing.T, bin string, env []string) *terminalBot {
	t.Helper()
	p, stdin := proctest.StartWithInput(t, bin, env)
	return &terminalBot{t: t, p: p, stdin: stdin}
}

func (b *terminalBot) send(lines ...string) {
	b.t.Helper()
	if _, err := io.WriteString(b.stdin, strings.Join(lines, "\n")+"\n"); err != nil {
		b.t.Fatal(err)
	}
}

// waitFor waits until ok holds for the output.
func (b *terminalBot) waitFor(what string, ok func(out string) bool) {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok(b.p.Log.String()) {
		if time.Now().After(deadline) {
			b.t.Fatalf("no %s in the output:\n%s", what, b.p.Log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRestartBot: the real binary on Redis (shipped AOF settings) gets a burst of
// turns from bob and is stopped in the middle, with SIGTERM or SIGKILL. A turn counts
// as acknowledged once the terminal showed the next prompt after it. Another process
// then takes over; bob types again every turn that got no prompt (he cannot know whether
// it was saved), and the session ends: each turn is in the summary exactly once.
func TestRestartBot(t *testing.T) {
	srv := redistest.Start(t, shippedAOF...)
	bin := proctest.Build(t, "../cmd/intervision")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			env := append(os.Environ(), "REDIS_URL="+srv.URL(), "INTERVISION_CHANNEL=restart-"+fmt.Sprint(int(sig)),
				"INTERVISION_FILES_DIR="+t.TempDir())
			burst := scale(60, 300)
			tok := func(j int) string { return fmt.Sprintf("r%d-%04d", int(sig), j) }
			first := startTerminal(t, bin, env)
			first.send("/as ann", "/start incident en", "/as bob", "/join", "/as ann", "/bring", "/next",
				"The father said he would not come to the school meeting again.", "/next", "/status", "/as bob")
			first.waitFor("the clarifying phase", func(out string) bool {
				return strings.Contains(out, "now in: Clarifying questions") && strings.HasSuffix(out, "bob> ")
			})
			mark := len(first.p.Log.String())
			var lines []string
			for j := range burst {
				lines = append(lines, "What did the teacher say first, "+tok(j)+"?")
			}
			first.send(lines...)
			first.waitFor("half the burst", func(out string) bool { return strings.Count(out[mark:], "bob> ") >= burst/2 })
			if err := first.p.Cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			first.p.WaitAny(t, 30*time.Second)
			acked := strings.Count(first.p.Log.String()[mark:], "bob> ")

			second := startTerminal(t, bin, env)
			retype := []string{"/as bob"}
			retype = append(retype, lines[acked:]...)
			second.send(retype...)
			second.send("/as ann", "/end")
			second.waitFor("the summary", func(out string) bool { return strings.Contains(out, "[file: ") })
			second.send("/quit")
			doc := fileIn(t, second.p.Log.String())
			lost, doubled := 0, 0
			for j := range burst {
				switch n := strings.Count(doc, tok(j)); {
				case n == 0 && j < acked:
					lost++
				case n == 0:
					t.Errorf("turn %s, typed again after the restart, is not in the summary", tok(j))
				case n > 1:
					doubled++
				}
			}
			report(t, row{name: "bot process " + map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGKILL: "SIGKILL"}[sig] + " mid-burst, restarted", sessions: 1,
				acked: acked, told: burst - acked, lost: lost, doubled: doubled,
				note: fmt.Sprintf("%d of %d turns acknowledged before the signal; the rest typed again", acked, burst)})
		})
	}
}

// fileIn reads the file whose path the terminal printed as "[file: PATH]".
func fileIn(t *testing.T, out string) string {
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
