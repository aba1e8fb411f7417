package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

// TestReplayIncidentJSON plays the README's three-person session and checks that it
// walks every phase in order and ends with a summary holding the takeaway.
func TestReplayIncidentJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"replay", "--json", "../../testdata/incident-en.txt"}, nil, &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var phases []string
	var summary string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e struct{ From, To, Text, Phase string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		if e.From == "" {
			t.Fatalf("line without from: %s", line)
		}
		if len(phases) == 0 || phases[len(phases)-1] != e.Phase {
			phases = append(phases, e.Phase)
		}
		if e.From == "bot" && strings.HasPrefix(e.Text, "**Summary") {
			summary = e.Text
		}
	}
	want := "lobby incident questions analysis what-would-you-do what-i-did discussion takeaway next-step evaluation done"
	if got := strings.Join(phases, " "); got != want {
		t.Fatalf("phases\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(summary, "the plan was mine, not hers") {
		t.Fatalf("summary lacks the takeaway:\n%s", summary)
	}
	// Nobody in the demo labels the mother, so no question may answer a label.
	if strings.Contains(out.String(), "You call the parent") {
		t.Errorf("a reframing question answers a label nobody used:\n%s", out.String())
	}
	// The private round: the thread hears a count, then both answers together.
	for _, want := range []string{`"text":"1 of 2 have answered (What would you do?)."`,
		`- **bob:** I would ask her what she wants to get out of our meetings.\n- **cas:** I would visit her`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the replay lacks %s", want)
		}
	}
	if strings.Contains(summary, "You should just call her") {
		t.Fatalf("advice during the questions phase reached the summary:\n%s", summary)
	}
}

// TestPrivateAnswerGuardedAsThreadText: an answer sent by DM in a private round passes
// the binary's privacy guard as a message in the thread would: the phone number is
// replaced before anything is stored or shown, and the writer is told so in the DM.
func TestPrivateAnswerGuardedAsThreadText(t *testing.T) {
	script := strings.Join([]string{"ann: /start incident en", "bob: /join", "cas: /join", "ann: /bring", "ann: /next",
		"ann: A mother did not come to our meeting.", "ann: /next", "ann: /next", "bob: Maybe the time did not suit her.",
		"cas: Perhaps the plan was ours.", "ann: /next",
		"bob: /dm I would call her at 06-12345678 and ask what she needs.", "cas: /dm I would visit her."}, "\n")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"replay", "-"}, strings.NewReader(script), &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, l := range strings.Split(got, "\n") {
		if !strings.HasPrefix(l, "bob: ") && strings.Contains(l, "12345678") { // bob's own line shows what he typed
			t.Errorf("the bot repeated the phone number: %s", l)
		}
	}
	if !strings.Contains(got, "bot → bob (only you): Your message seems to contain personal data") ||
		!strings.Contains(got, "- bob: I would call her at ") {
		t.Errorf("no privacy notice to bob, or no reveal:\n%s", got)
	}
}

func TestReplayErrors(t *testing.T) {
	cases := []struct {
		name, input, want string
		code              int
	}{
		{"malformed line", "ann: /start\nthis line has no speaker\n", "line 2", 1},
		{"name with spaces", "# c\n\nann smith: hi\n", "line 3", 1},
		{"comments and blanks only", "# nothing\n\n", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"replay", "-"}, strings.NewReader(c.input), &out, &errb, noEnv)
			if code != c.code || !strings.Contains(errb.String(), c.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errb.String(), c.code, c.want)
			}
		})
	}
}

// TestHelpLeadsToSoloReflection is a person who only reads the help: it says
// `start solo`, and answering every question reaches the summary.
func TestHelpLeadsToSoloReflection(t *testing.T) {
	var in strings.Builder
	in.WriteString("/help\n/start solo\n")
	for i := 0; i < 20; i++ {
		in.WriteString("I visited the family and the father did not want to talk about the plan at all.\n")
	}
	in.WriteString("/checkin off\n") // the next step is written: the check-in is offered
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(in.String()), &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "start solo") {
		t.Fatalf("help does not mention start solo:\n%s", s)
	}
	if !strings.Contains(s, "**Summary") && !strings.Contains(s, "Summary ·") {
		t.Fatalf("the solo reflection did not reach its summary:\n%s", s)
	}
}

// TestTerminalBadInput types bad lines; each gets a reply and the session goes on.
func TestTerminalBadInput(t *testing.T) {
	input := strings.Join([]string{
		"/start incident", "/as bob", "/join", "/next", "", strings.Repeat("x", 100*1024),
		"bad \xff utf8", "/as ann", "/bring", "/next", "/status",
	}, "\n") + "\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), nil, strings.NewReader(input), &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{"is up to you (who started)", "empty", "longer than I can take", "broken", "Phase 1/", "now in: The incident"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// runSub runs one subcommand through the binary's subcommand table.
func runSub(name string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(context.Background(), append([]string{name}, args...), stdin, stdout, stderr, noEnv)
}

// TestReplayLongLineGoesOn replays a transcript with a line over 1 MiB: the line gets
// the engine's "too long" answer and the lines after it are played.
func TestReplayLongLineGoesOn(t *testing.T) {
	in := "ann: /start solo\nann: " + strings.Repeat("x", 2<<20) + "\nann: /status\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"replay", "-"}, strings.NewReader(in), &out, &errb, noEnv)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "longer than I can take") {
		t.Fatalf("no too-long answer:\n%.2000s", s)
	}
	if !strings.Contains(s, "ann: /status") {
		t.Fatalf("replay stopped at the long line:\n%.2000s", s)
	}
}

// TestTerminalLongLineGoesOn types a line over 1 MiB into the terminal bot: it gets the
// "too long" answer and the terminal goes on.
func TestTerminalLongLineGoesOn(t *testing.T) {
	in := "/start solo\n" + strings.Repeat("y", 2<<20) + "\n/status\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), nil, strings.NewReader(in), &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := out.String()
	if !strings.Contains(s, "longer than I can take") || !strings.Contains(s, "Phase 1/") {
		t.Fatalf("terminal did not answer the long line and go on:\n%.3000s", s)
	}
}

// TestReplayStoreDownFails replays with a Redis that does not answer: every line is
// answered "could not save", and replay exits 1 with a summary on stderr.
func TestReplayStoreDownFails(t *testing.T) {
	env := func(k string) string {
		if k == "REDIS_URL" {
			return "redis://127.0.0.1:1/0"
		}
		return ""
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"replay", "-"}, strings.NewReader("ann: /start solo\nann: hello\n"), &out, &errb, env)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "2 of 2 lines could not be saved") {
		t.Fatalf("stderr lacks the summary: %s", errb.String())
	}
}
