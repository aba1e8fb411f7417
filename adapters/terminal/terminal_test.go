package terminal

import (
	"context"
	"io"
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
