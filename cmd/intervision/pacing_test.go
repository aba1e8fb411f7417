package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// entry is one line of `replay --json`.
type entry struct {
	Line                  int
	From, To, Text, Phase string
	Direct                bool
	Actions               []string
}

// replayJSON plays a transcript from testdata/pacing with the clock at a fixed start.
func replayJSON(t *testing.T, name string) []entry {
	t.Helper()
	var out, errb bytes.Buffer
	args := []string{"replay", "--json", "--start", "2026-11-24T10:00:00Z", "testdata/pacing/" + name + ".txt"}
	if code := run(context.Background(), args, nil, &out, &errb, noEnv); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var es []entry
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("bad JSON %q: %v", l, err)
		}
		es = append(es, e)
	}
	return es
}

// after returns the entries that follow the n-th entry from who with text (n from 1)
// up to the next entry that is not the bot's.
func after(t *testing.T, es []entry, who, text string, n int) []entry {
	t.Helper()
	for i, e := range es {
		if e.From == who && e.Text == text {
			if n--; n > 0 {
				continue
			}
			j := i + 1
			for j < len(es) && es[j].From == "bot" {
				j++
			}
			return es[i:j]
		}
	}
	t.Fatalf("no %s: %q", who, text)
	return nil
}

// said reports whether one of es is a bot message to to (""=public) containing part.
func said(es []entry, to, part string) bool {
	for _, e := range es {
		if e.From == "bot" && e.To == to && strings.Contains(e.Text, part) {
			return true
		}
	}
	return false
}

// TestLiveTimeBox: a minute before Analysis's box ends the group hears the time left
// and the one quiet peer is invited privately, by name; when the box ends with
// everyone heard, the phase moves on; a typed next at once is taken as done; back
// reopens the phase; a stale Next is refused.
func TestLiveTimeBox(t *testing.T) {
	es := replayJSON(t, "live")
	warn := after(t, es, "clock", "+9m", 1)
	if !said(warn, "", "About 2 minutes left for this phase (Analysis)") {
		t.Errorf("no time-left notice at +9m: %+v", warn)
	}
	if !said(warn, "cas", "cas, the group would like to hear from you") || said(warn, "bob", "") || said(warn, "ann", "") {
		t.Errorf("want one private invitation, to cas (bob spoke, ann listens): %+v", warn)
	}
	end := after(t, es, "clock", "+2m", 1)
	if !said(end, "", "is up; on to the next") || end[0].Phase != "what-would-you-do" {
		t.Errorf("the box's end did not move on: %+v", end)
	}
	next := after(t, es, "ann", "/next", 4)
	if next[0].Phase != "what-would-you-do" || !said(next, "ann", "was meant for the phase before") {
		t.Errorf("a next right after the phase moved by itself skipped a phase: %+v", next)
	}
	back := after(t, es, "ann", "/back", 1)
	if back[0].Phase != "analysis" || !said(back, "", "reopens the previous phase") {
		t.Errorf("back: %+v", back)
	}
	stale := after(t, es, "ann", "/next what-would-you-do", 1)
	if stale[0].Phase != "analysis" || !said(stale, "ann", "belongs to another phase") {
		t.Errorf("a stale Next button: %+v", stale)
	}
	if fresh := after(t, es, "ann", "/next analysis", 1); fresh[0].Phase != "what-would-you-do" {
		t.Errorf("the current phase's Next did not move on: %+v", fresh)
	}
	if again := after(t, es, "ann", "/next analysis", 2); again[0].Phase != "what-would-you-do" || !said(again, "ann", "another phase") {
		t.Errorf("the same Next pressed twice moved on twice: %+v", again)
	}
}

// TestSpreadSession: a session spread over three days gives each phase its share and
// moves on day by day; the quiet starter is reminded privately, in a direct message.
func TestSpreadSession(t *testing.T) {
	es := replayJSON(t, "spread")
	if !said(es, "", "Spread over 3 days") {
		t.Error("the start does not say the pace")
	}
	var phases []string
	for _, e := range es {
		if e.From == "clock" {
			phases = append(phases, e.Phase)
		}
	}
	if strings.Join(phases, " ") != "analysis what-i-did what-i-did" { // 10 of 87 minutes: about 8 hours a phase; then it waits for the case bringer
		t.Errorf("phases after each day: %v", phases)
	}
	if !said(es, "", "(until 2026-11-25") {
		t.Error("a spread phase does not show its deadline")
	}
	var reminded bool
	for _, e := range es {
		reminded = reminded || (e.To == "ann" && e.Direct && strings.Contains(e.Text, "has been quiet"))
	}
	if !reminded {
		t.Error("the starter of a quiet session got no direct reminder")
	}
}

// TestCheckIn: two weeks after the session the case bringer gets a direct message that
// quotes their next step and asks a look-back question; their answer opens a solo
// reflection.
func TestCheckIn(t *testing.T) {
	es := replayJSON(t, "checkin")
	if !said(after(t, es, "ann", "On Monday I will call her and ask which time suits her.", 1), "", "When shall I check back") {
		t.Error("no check-in offer after the next step")
	}
	ci := after(t, es, "clock", "+15d", 1)
	var dm *entry
	for i := range ci {
		if ci[i].To == "ann" && ci[i].Direct {
			dm = &ci[i]
		}
	}
	if dm == nil || !strings.Contains(dm.Text, "> On Monday I will call her") || !strings.Contains(dm.Text, "Looking back") {
		t.Fatalf("no private check-in with the next step: %+v", ci)
	}
	// One question: the check-in's own; the reflection it opens does not announce its
	// first phase with another (a user test: "Describe one concrete moment…" came
	// right after it).
	for _, e := range ci {
		if strings.Contains(e.Text, "Phase 1/") || strings.Contains(e.Text, "Describe one concrete moment") {
			t.Errorf("a second question after the check-in: %q", e.Text)
		}
	}
	answer := after(t, es, "ann", "I called and she picked up; we found a time together.", 1)
	if answer[0].Phase != "action" || len(answer) < 2 {
		t.Errorf("the answer did not open a solo reflection: %+v", answer)
	}
}

// TestPauseAndMore: paused, no timer fires; resumed, the box goes on where it stood;
// more is for the case bringer or starter, and moves the box's end.
func TestPauseAndMore(t *testing.T) {
	es := replayJSON(t, "pause")
	if held := after(t, es, "clock", "+30m", 1); len(held) != 1 || held[0].Phase != "" {
		t.Errorf("a timer fired while paused: %+v", held)
	}
	if r := after(t, es, "ann", "/resume", 1); !said(r, "", "has about 10 minutes left") {
		t.Errorf("resume: %+v", r)
	}
	if m := after(t, es, "bob", "/more 5", 1); !said(m, "bob", "is up to ann") {
		t.Errorf("a peer's more: %+v", m)
	}
	if m := after(t, es, "ann", "/more 5", 1); !said(m, "", "5 minutes more; about 15 minutes left") {
		t.Errorf("more: %+v", m)
	}
	if quiet := after(t, es, "clock", "+12m", 1); len(quiet) != 1 {
		t.Errorf("a timer fired before the extended box: %+v", quiet)
	}
	if end := after(t, es, "clock", "+4m", 1); end[0].Phase != "questions" {
		t.Errorf("the extended box did not end: %+v", end)
	}
}
