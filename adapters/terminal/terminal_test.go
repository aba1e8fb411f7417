package terminal

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

type echo struct{}

func (echo) Handle(_ context.Context, ev bot.Event) (bot.Outcome, error) {
	return bot.Outcome{Replies: []bot.Reply{{Text: "got " + ev.Text}}}, nil
}

// TestRunStopsOnCancelWhileWaiting cancels while the terminal waits for input that
// never comes: Run returns at once.
func TestRunStopsOnCancelWhileWaiting(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	var out strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&Adapter{In: r, Out: &out}).Run(ctx, echo{}) }()
	if _, err := io.WriteString(w, "/as bob\nhello\n"); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// ttyInput is input that says it is a terminal, as os.Stdin does in one.
type ttyInput struct{ io.Reader }

func (ttyInput) Stat() (os.FileInfo, error) { return ttyInfo{}, nil }

type ttyInfo struct{ os.FileInfo }

func (ttyInfo) Mode() os.FileMode { return os.ModeDevice | os.ModeCharDevice }

// TestLineCutByTerminal: a line of exactly the terminal's maximum, typed into a
// terminal, gets a note that its end may be missing (a user test: a pasted 9,300
// characters were saved as 4,095 with no word); a shorter line, or the same line from
// a file, gets none.
func TestLineCutByTerminal(t *testing.T) {
	for _, tc := range []struct {
		n    int
		tty  bool
		note bool
	}{
		{ttyLineMax, true, true},
		{ttyLineMax - 1, true, false},
		{ttyLineMax, false, false},
	} {
		var in io.Reader = strings.NewReader(strings.Repeat("x", tc.n) + "\n")
		if tc.tty {
			in = ttyInput{in}
		}
		var out strings.Builder
		if err := (&Adapter{In: in, Out: &out, Lang: "en"}).Run(context.Background(), echo{}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(out.String(), "may have been cut off"); got != tc.note {
			t.Errorf("%d characters, terminal %v: note %v, want %v", tc.n, tc.tty, got, tc.note)
		}
	}
}
