package terminal

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/proctest"
)

// logHandler records the events it gets and answers each with out.
type logHandler struct {
	mu     sync.Mutex
	events []bot.Event
	out    bot.Outcome
}

func (l *logHandler) Handle(_ context.Context, ev bot.Event) (bot.Outcome, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
	return l.out, nil
}

func TestDeliver(t *testing.T) {
	h := &logHandler{out: bot.Outcome{Phase: "case", Replies: []bot.Reply{{Text: "Welcome, **Bob**."}}}}
	var out strings.Builder
	a := &Adapter{Out: &out, Channel: "team"}
	conv := Conversation("team")
	err := a.Deliver(context.Background(), h, conv, bot.Outcome{Replies: []bot.Reply{
		{Text: "**10 minutes** left"},
		{To: "ann", Text: "Would you like to ask a question?", Actions: []bot.Action{{Label: "Join", Command: "join"}}},
		{To: "bob", Direct: true, Text: "A check-in: how did it go?"},
		{To: "bob", Direct: true, Text: "A solo reflection?", Opens: &bot.Opening{Command: "start gibbs solo"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := "bot: 10 minutes left\n" +
		"bot → ann (only you): Would you like to ask a question?\n  [Join: /join]\n" +
		"bot → bob (direct message): A check-in: how did it go?\n" +
		"bot → bob (direct message): A solo reflection?\n" +
		"bot: Welcome, Bob.\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	if len(h.events) != 1 {
		t.Fatalf("events %+v, want the opening replayed", h.events)
	}
	// A Direct opening moves the terminal into the direct conversation with bob.
	dm := bot.Conversation{Platform: "terminal", Workspace: conv.Workspace, Channel: "dm-bob", Direct: true}
	if ev := h.events[0]; ev.Conv != dm || ev.User.ID != "bob" || !ev.Command || ev.Text != "start gibbs solo" {
		t.Errorf("replayed %+v, want command %q from bob in %+v", ev, "start gibbs solo", dm)
	}
	if a.current() != dm {
		t.Errorf("typed lines go to %+v, want the direct conversation", a.current())
	}
	if err := a.Deliver(context.Background(), h, bot.Conversation{Platform: "slack"}, bot.Outcome{}); err == nil {
		t.Error("Deliver to a Slack conversation: no error")
	}
}

// A line may start with a prompt whose line was entered: a pipe does not echo what was
// typed, as a terminal does. Nothing else may share a line.
var (
	answerLine = regexp.MustCompile(`^(ann> )?bot: got hello \d+$`)
	tickLine   = regexp.MustCompile(`^(ann> )?bot: tick \d+ of the timer$`)
)

// TestDeliverWhileRunning delivers from other goroutines while Run reads and answers
// typed lines: every delivered line is whole and starts a line of its own.
func TestDeliverWhileRunning(t *testing.T) {
	r, w := io.Pipe()
	out := &proctest.Buffer{}
	a := &Adapter{In: r, Out: out, User: "ann"}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background(), echo{}) }()

	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			notice := bot.Outcome{Replies: []bot.Reply{{Text: fmt.Sprintf("tick %d of the timer", i)}}}
			if err := a.Deliver(context.Background(), echo{}, Conversation(""), notice); err != nil {
				t.Error(err)
			}
		}()
	}
	for i := range n {
		if _, err := fmt.Fprintf(w, "hello %d\n", i); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	w.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not end with its input")
	}
	ticks, answers := 0, 0
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "bot: tick") {
			ticks++
			if !tickLine.MatchString(line) {
				t.Errorf("delivered line not whole or not on its own: %q", line)
			}
		}
		if strings.Contains(line, "bot: got hello") {
			answers++
			if !answerLine.MatchString(line) {
				t.Errorf("answer line mixed: %q", line)
			}
		}
	}
	if ticks != n || answers != n {
		t.Errorf("%d delivered and %d answered lines, want %d each:\n%s", ticks, answers, n, out.String())
	}
}

// TestDeliverAtPrompt: output delivered while the prompt waits goes on a line of its
// own, and the prompt is shown again.
func TestDeliverAtPrompt(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	out := &proctest.Buffer{}
	a := &Adapter{In: r, Out: out, User: "ann"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, echo{}) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.HasSuffix(out.String(), "ann> ") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt: %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	notice := bot.Outcome{Replies: []bot.Reply{{Text: "5 minutes left"}, {To: "ann", Direct: true, Text: "psst"}}}
	if err := a.Deliver(ctx, echo{}, Conversation(""), notice); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "ann> \nbot: 5 minutes left\nbot → ann (direct message): psst\nann> "; !strings.HasSuffix(got, want) {
		t.Errorf("output %q, want it to end with %q", got, want)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
