package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// floodText is flood message i: a marker and filler up to exactly bot.MaxText
// characters.
func floodText(i int) string {
	head := fmt.Sprintf("flood-%03d: what did the mother say? ", i)
	return head + strings.Repeat("x", bot.MaxText-len(head))
}

// TestFloodOnRedis: one peer sends 400 messages of 8,000 characters, in bursts of 40
// a minute apart, into a session on a real redis-server, with the binary's rate limit
// (20 a minute) and a session budget of 1 MiB (half the default, so that the flood
// reaches it). The peer hears one rate-limit notice per window, the session hears once
// that it is nearly full and once that it is full; no refused message is stored, the
// record stays within the budget, and the summary's chat message stays short while
// its document holds every saved message.
func TestFloodOnRedis(t *testing.T) {
	const (
		messages = 400
		burst    = 40
		budget   = 1 << 20
	)
	srv := redistest.Start(t)
	client, err := redisstore.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(client, redisstore.Options{Prefix: "flood"})
	t.Cleanup(func() { _ = st.Close() })
	clk := bottest.NewManualClock(bottest.Clock)
	c := bottest.New(t, bot.Config{Store: st, Library: prompts.MustBuiltin(), Now: clk.Now, Logger: slog.New(slog.DiscardHandler),
		RateMessages: bot.DefaultRateMessages, RateWindow: bot.DefaultRateWindow, SessionMaxBytes: budget})
	for _, l := range [][2]string{{"ann", "/start incident en"}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"},
		{"ann", "/next"}, {"ann", "The father stood in the doorway and said he had no time."}, {"ann", "/next"}} {
		clk.Advance(time.Minute)
		c.Say(l[0], l[1])
	}
	if c.Phase != "questions" {
		t.Fatalf("set-up ended in phase %q", c.Phase)
	}

	began := time.Now()
	var f floodTally
	for i := range messages {
		if i%burst == 0 {
			clk.Advance(time.Minute)
			f.maxRecord = max(f.maxRecord, len(c.Record()))
		}
		out := c.Say("bob", floodText(i))
		if f.add(i, out) && i%burst != bot.DefaultRateMessages {
			t.Errorf("message %d: a rate notice, want it only for the first refusal of a window", i)
		}
	}
	elapsed := time.Since(began)
	rec := c.Record()
	f.maxRecord = max(f.maxRecord, len(rec))
	if windows := messages / burst; f.rateNotices != windows {
		t.Errorf("rate notices: %d, want one per window: %d", f.rateNotices, windows)
	}
	if f.headsUps != 1 || f.fullNotices != 1 {
		t.Errorf("heads-ups %d, full notices %d; want 1 each", f.headsUps, f.fullNotices)
	}
	if f.fullAt == 0 {
		t.Fatal("the flood never filled the session")
	}
	for _, i := range f.refused {
		if strings.Contains(string(rec), fmt.Sprintf("flood-%03d:", i)) {
			t.Errorf("message %d was refused but is stored", i)
		}
	}
	stored := strings.Count(string(rec), "flood-")
	for i := f.fullAt; i < messages; i++ {
		if strings.Contains(string(rec), fmt.Sprintf("flood-%03d:", i)) {
			t.Errorf("message %d came after the session was full but is stored", i)
		}
	}
	if f.maxRecord > budget+16<<10 {
		t.Errorf("the record reached %d bytes; budget %d", f.maxRecord, budget)
	}

	out := c.Say("ann", "/end")
	if c.Phase != "done" {
		t.Fatalf("end left phase %q", c.Phase)
	}
	var brief string
	for _, r := range out.Replies {
		if r.File != nil {
			brief = r.Text
		}
	}
	doc := bottest.Document(out)
	if n := utf8.RuneCountInString(brief); brief == "" || n > 3000 {
		t.Errorf("the summary's chat message is %d characters, want 1 to 3000", n)
	}
	if got := strings.Count(doc, "flood-"); got != stored {
		t.Errorf("the summary document holds %d flood messages, the record %d", got, stored)
	}
	closed := c.Record()
	t.Logf("flood: %d messages of %d characters in %v; %d reached the store, %d stored, %d refused (%d rate notices); "+
		"record at most %d bytes (budget %d), %d bytes after end; summary message %d characters, document %d bytes",
		messages, bot.MaxText, elapsed.Round(time.Millisecond), f.applied, stored, len(f.refused), f.rateNotices,
		f.maxRecord, budget, len(closed), utf8.RuneCountInString(brief), len(doc))
	if len(closed) > 2*budget+64<<10 {
		t.Errorf("after end the record is %d bytes; budget %d", len(closed), budget)
	}
	if _, err := st.Get(context.Background(), bot.Key(c.Conv)); err != nil {
		t.Fatal(err)
	}
}

// floodTally counts what the flood's messages got.
type floodTally struct {
	rateNotices, headsUps, fullNotices, applied, maxRecord int
	refused                                                []int // told "not saved", or turned away before the store
	fullAt                                                 int   // the message that was told the session is full
}

// add counts message i's outcome; notice reports a rate-limit notice.
func (f *floodTally) add(i int, out bot.Outcome) (notice bool) {
	text := replyTo(out, "bob")
	switch {
	case strings.Contains(text, "I did not save this one"):
		f.rateNotices++
		f.refused = append(f.refused, i)
		notice = true
	case out.Phase == "":
		f.refused = append(f.refused, i) // refused in silence, before the store
	default:
		f.applied++
	}
	if strings.Contains(text, "nearly full") {
		f.headsUps++
	}
	if strings.Contains(text, "This session is full:") {
		f.fullNotices++
		f.fullAt = i
	}
	return notice
}
