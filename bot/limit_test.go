package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/state/memstore"
)

// limitChat is a running incident session in its questions phase (ann brings, bob
// and cas ask) on a clock the test moves, with cfg's limits.
func limitChat(t *testing.T, cfg bot.Config, lang string) (*bottest.Chat, *bottest.ManualClock) {
	t.Helper()
	clk := bottest.NewManualClock(bottest.Clock)
	cfg.Now = clk.Now
	cfg.Store = memstore.New(memstore.WithClock(clk.Now))
	c := bottest.New(t, cfg)
	for _, l := range [][2]string{{"ann", "/start incident " + lang}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"},
		{"ann", "/next"}, {"ann", "The father stood in the doorway and said he had no time."}, {"ann", "/next"}} {
		clk.Advance(time.Minute) // the set-up itself stays far below any limit
		c.Say(l[0], l[1])
	}
	if c.Phase != "questions" {
		t.Fatalf("set-up ended in phase %q", c.Phase)
	}
	return c, clk
}

// replyTo joins the replies of out that user sees.
func replyTo(out bot.Outcome, user string) string {
	var texts []string
	for _, r := range out.Replies {
		if r.To == "" || r.To == user {
			texts = append(texts, r.Text)
		}
	}
	return strings.Join(texts, "\n")
}

// TestRateLimit: with 3 messages a minute, each step is one event after a pause; the
// step says whether it is saved, refused with the one notice, or refused in silence.
// A refused message never reaches the record, which does not change at all.
func TestRateLimit(t *testing.T) {
	const (
		saved  = "saved"
		notice = "notice" // refused, with the notice
		silent = "silent" // refused, no answer
		answer = "answer" // a command that works anyway
	)
	type step struct {
		wait       time.Duration
		user, text string
		want       string
		contains   string // for notice and answer: the reply contains this
	}
	burst := func(user string, n int) []step {
		var out []step
		for i := range n {
			out = append(out, step{user: user, text: fmt.Sprintf("%s asks question %d: what did the mother say?", user, i), want: saved})
		}
		return out
	}
	cases := []struct {
		name  string
		lang  string
		steps []step
	}{
		{"burst, then one notice, then silence", "en", append(burst("bob", 3),
			step{user: "bob", text: "bob's fourth question?", want: notice, contains: "I did not save this one"},
			step{user: "bob", text: "bob's fifth question?", want: silent},
			step{wait: 10 * time.Second, user: "bob", text: "bob's sixth question?", want: silent},
		)},
		{"the bucket refills evenly", "en", append(burst("bob", 3),
			step{user: "bob", text: "bob's fourth question?", want: notice, contains: "more than 3 in 1 minute"},
			step{wait: 20 * time.Second, user: "bob", text: "bob's question after 20 s?", want: saved},
			step{user: "bob", text: "bob's question right after?", want: silent},
			step{wait: 40 * time.Second, user: "bob", text: "bob's question a window after the notice?", want: saved},
			step{user: "bob", text: "bob's next one?", want: saved},
			step{user: "bob", text: "and one too many?", want: notice, contains: "did not save"},
		)},
		{"one person's limit is not another's", "en", append(burst("bob", 3),
			step{user: "bob", text: "bob's fourth question?", want: notice, contains: "did not save"},
			step{user: "cas", text: "cas asks: who else was there?", want: saved},
		)},
		{"status, help, end and forget still work", "en", append(burst("bob", 3),
			step{user: "bob", text: "bob's fourth question?", want: notice, contains: "`status`, `help`, `end` and `forget` still work"},
			step{user: "bob", text: "/status", want: answer, contains: "Clarifying questions"},
			step{user: "bob", text: "/help", want: answer, contains: "next"},
			step{user: "bob", text: "/forget", want: answer, contains: "delete"},
			step{user: "bob", text: "/end", want: answer, contains: "up to ann"},
			step{user: "bob", text: "/join", want: silent}, // no way around the limit
		)},
		{"in Dutch, with Dutch command words", "nl", append(burst("bob", 3),
			step{user: "bob", text: "bob zijn vierde vraag?", want: notice, contains: "`status`, `hulp`, `einde` en `vergeet` werken wel"},
		)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, clk := limitChat(t, bot.Config{RateMessages: 3, RateWindow: time.Minute}, tc.lang)
			clk.Advance(time.Hour) // every bucket full
			for i, s := range tc.steps {
				clk.Advance(s.wait)
				before := c.Record()
				out := c.Say(s.user, s.text)
				after := c.Record()
				got := replyTo(out, s.user)
				stored := bytes.Contains(after, []byte(s.text))
				switch s.want {
				case saved:
					if !stored {
						t.Fatalf("step %d (%s: %q): not saved; answer %q", i, s.user, s.text, got)
					}
				case notice, silent:
					if stored || !bytes.Equal(before, after) {
						t.Fatalf("step %d (%s: %q): refused, but the record changed", i, s.user, s.text)
					}
					if s.want == silent && len(out.Replies) > 0 {
						t.Fatalf("step %d (%s: %q): a second answer while limited: %q", i, s.user, s.text, got)
					}
					if s.want == notice && (len(out.Replies) != 1 || out.Replies[0].To != s.user || !strings.Contains(got, s.contains)) {
						t.Fatalf("step %d (%s: %q): want one private notice with %q, got %+v", i, s.user, s.text, s.contains, out.Replies)
					}
				case answer:
					if !strings.Contains(got, s.contains) {
						t.Fatalf("step %d (%s: %q): want an answer with %q, got %q", i, s.user, s.text, s.contains, got)
					}
				}
			}
		})
	}
}

// TestRateLimitedEventStaysRefused: a platform that delivers a refused event again,
// once the bucket has refilled, gets it refused again: the person was told it was not
// saved.
func TestRateLimitedEventStaysRefused(t *testing.T) {
	c, clk := limitChat(t, bot.Config{RateMessages: 1, RateWindow: time.Minute}, "en")
	clk.Advance(time.Hour)
	send := func(id, text string) bot.Outcome {
		out, err := c.Engine.Handle(context.Background(), bot.Event{ID: id, Conv: c.Conv, User: bot.User{ID: "bob", Name: "bob"}, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	send("a", "What did the mother say?")
	if out := send("b", "Who else was there?"); !strings.Contains(replyTo(out, "bob"), "did not save") {
		t.Fatalf("second message: %+v", out.Replies)
	}
	clk.Advance(time.Hour)
	send("b", "Who else was there?") // the same event, delivered again
	if bytes.Contains(c.Record(), []byte("Who else was there?")) {
		t.Fatal("a message the writer was told was not saved was saved on redelivery")
	}
	if send("c", "When did the visit end?"); !bytes.Contains(c.Record(), []byte("When did the visit end?")) {
		t.Fatal("a new message after the window was not saved")
	}
}

// TestRateLimitIgnoresChatterOutsideSessions: ambient chatter where no session runs
// is not answered, also over the limit, and does not use up the notice.
func TestRateLimitIgnoresChatterOutsideSessions(t *testing.T) {
	c, clk := limitChat(t, bot.Config{RateMessages: 1, RateWindow: time.Minute}, "en")
	clk.Advance(time.Hour)
	other := bot.Conversation{Platform: c.Conv.Platform, Workspace: c.Conv.Workspace, Channel: "c2", Thread: "t9"}
	for i := range 3 {
		out, err := c.Engine.Handle(context.Background(), bot.Event{ID: fmt.Sprint("amb", i), Conv: other, Ambient: true,
			User: bot.User{ID: "bob", Name: "bob"}, Text: "lunch anyone?"})
		if err != nil || len(out.Replies) > 0 {
			t.Fatalf("chatter %d: %v %+v", i, err, out.Replies)
		}
	}
	if out := c.Say("bob", "What did the mother say?"); !strings.Contains(replyTo(out, "bob"), "did not save") {
		t.Fatalf("the first refusal in the session got no notice: %+v", out.Replies)
	}
}

// TestSessionBudget: bob writes until the session is full, by turns or by bytes. The
// session hears once that it is nearly full and once that it is full, with a button
// to close it; a message that does not fit is never saved, a second one from the same
// person gets no answer (an hour later, a short one again), another person hears it
// once privately; status and end still work, and the summary has what was saved.
func TestSessionBudget(t *testing.T) {
	long := strings.Repeat("What did the mother say <then>? ", 30) // about 1 KB, escapes included
	cases := []struct {
		name       string
		cfg        bot.Config
		lang       string
		text       func(i int) string
		fullWord   string // the command word the full notice names
		maxRecord  int    // the record stays below this
		wantSaved  int    // bob's messages that fit
		checkTurns int    // the session keeps at most this many contributions; 0: no check
	}{
		{"turns", bot.Config{SessionMaxTurns: 10, SessionMaxBytes: -1}, "en",
			func(i int) string { return fmt.Sprintf("Question %d: who else was there?", i) }, "`end`", 8 << 10, 9, 10},
		{"bytes", bot.Config{SessionMaxTurns: -1, SessionMaxBytes: 20 << 10}, "en",
			func(i int) string { return fmt.Sprintf("%d %s", i, long) }, "`end`", 24 << 10, 15, 0},
		{"bytes, Dutch", bot.Config{SessionMaxBytes: 20 << 10}, "nl",
			func(i int) string { return fmt.Sprintf("%d %s", i, long) }, "`einde`", 24 << 10, 15, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, clk := limitChat(t, tc.cfg, tc.lang)
			if saved := fillUp(t, c, clk, tc.text, tc.fullWord); saved != tc.wantSaved {
				t.Errorf("bob's messages saved: %d, want %d", saved, tc.wantSaved)
			}
			rec := c.Record()
			if len(rec) > tc.maxRecord {
				t.Errorf("record %d bytes, want at most %d", len(rec), tc.maxRecord)
			}
			if n := bytes.Count(rec, []byte(`"user":"bob"`)); tc.checkTurns > 0 && n+1 > tc.checkTurns {
				t.Errorf("%d contributions kept, budget %d", n+1, tc.checkTurns)
			}
			refusedInFull(t, c, "bob", "bob tries once more?", tc.fullWord, false)
			refusedInFull(t, c, "cas", "cas asks: and the father?", tc.fullWord, true)
			refusedInFull(t, c, "cas", "cas asks again?", tc.fullWord, false)
			clk.Advance(2 * time.Hour)
			refusedInFull(t, c, "bob", "bob, two hours later?", tc.fullWord, true)

			if got := replyTo(c.Say("ann", "/status"), "ann"); got == "" {
				t.Error("status gave no answer in a full session")
			}
			out := c.Say("ann", "/end")
			if c.Phase != "done" {
				t.Fatalf("end left phase %q", c.Phase)
			}
			doc := bottest.Document(out)
			if !strings.Contains(doc, strings.TrimSpace(tc.text(tc.wantSaved - 1))[:20]) || strings.Contains(doc, "bob tries once more") {
				t.Errorf("the summary does not hold exactly what was saved:\n%.500s", doc)
			}
		})
	}
}

// fillUp has bob write text(0), text(1), … a minute apart until the session says it
// is full, checking the heads-up before it and that the message that did not fit was
// not saved; it returns how many of bob's messages were saved.
func fillUp(t *testing.T, c *bottest.Chat, clk *bottest.ManualClock, text func(int) string, fullWord string) int {
	t.Helper()
	warned := 0
	for i := 0; i <= 1000; i++ {
		clk.Advance(time.Minute)
		before := c.Record()
		out := c.Say("bob", text(i))
		public := bottest.Public(out)
		if strings.Contains(public, "nearly full") || strings.Contains(public, "bijna vol") {
			warned++
		}
		if !strings.Contains(public, fullWord) || !(strings.Contains(public, "This session is full:") || strings.Contains(public, "Deze sessie is vol:")) {
			continue
		}
		if warned != 1 {
			t.Errorf("heads-ups before the session was full: %d, want 1", warned)
		}
		if bytes.Contains(c.Record(), []byte(text(i))) || len(c.Record()) > len(before)+256 {
			t.Fatalf("the message that did not fit was saved (record %d → %d bytes)", len(before), len(c.Record()))
		}
		if !hasAction(out, "end") {
			t.Errorf("the full notice offers no end button: %+v", out.Replies)
		}
		return i
	}
	t.Fatal("the session never filled up")
	return 0
}

// refusedInFull has user write text in a full session: it is never saved; the
// writer gets one private answer naming fullWord with an end button (wantAnswer), or
// no answer and no change to the record at all.
func refusedInFull(t *testing.T, c *bottest.Chat, user, text, fullWord string, wantAnswer bool) {
	t.Helper()
	before := c.Record()
	out := c.Say(user, text)
	if bytes.Contains(c.Record(), []byte(text)) {
		t.Fatalf("%s: %q was saved in a full session", user, text)
	}
	got := replyTo(out, user)
	switch {
	case wantAnswer && (len(out.Replies) != 1 || out.Replies[0].To != user || !strings.Contains(got, fullWord) || !hasAction(out, "end")):
		t.Fatalf("%s: want one private answer naming %s with an end button, got %+v", user, fullWord, out.Replies)
	case !wantAnswer && len(out.Replies) > 0:
		t.Fatalf("%s: want no answer, got %q", user, got)
	case !wantAnswer && !bytes.Equal(before, c.Record()):
		t.Fatalf("%s: a silent refusal changed the record", user)
	}
}

// hasAction reports whether a reply of out offers a button with command.
func hasAction(out bot.Outcome, command string) bool {
	for _, r := range out.Replies {
		for _, a := range r.Actions {
			if a.Command == command {
				return true
			}
		}
	}
	return false
}

// TestRewriteWithinBudget: replacing one's last message with a longer one that does
// not fit is refused and leaves the old text; a shorter one always fits.
func TestRewriteWithinBudget(t *testing.T) {
	c, clk := limitChat(t, bot.Config{SessionMaxTurns: -1, SessionMaxBytes: 2 << 10}, "en")
	clk.Advance(time.Minute)
	c.Say("bob", "Question one: "+strings.Repeat("who else was there? ", 40)) // about 800 bytes
	clk.Advance(time.Minute)
	longer := "Question two: " + strings.Repeat("and then what happened? ", 80)
	out := c.Say("bob", "/rewrite "+longer)
	if bytes.Contains(c.Record(), []byte("and then what happened?")) || !strings.Contains(bottest.Public(out), "is full") {
		t.Fatalf("a rewrite beyond the budget: %+v", out.Replies)
	}
	clk.Advance(time.Minute)
	c.Say("bob", "/rewrite Who else was there?")
	if rec := c.Record(); !bytes.Contains(rec, []byte(`"text":"Who else was there?"`)) {
		t.Fatalf("a shorter rewrite in a full session was refused: %s", rec)
	}
}

// TestRateNoticeHoldsAcrossReplicas: two replicas on one store see the same events
// (as on one Discord shard) but their buckets differ (one restarted, or their clocks
// differ at the edge). A message one replica answered "not saved" is never saved by the
// other; a message the other saved first gets no "not saved" at all.
func TestRateNoticeHoldsAcrossReplicas(t *testing.T) {
	c, clk := limitChat(t, bot.Config{}, "en")
	mk := func(n int) *bot.Engine {
		return bot.New(bot.Config{Store: c.Store, Library: c.Library, Now: clk.Now, RateMessages: n, RateWindow: time.Hour})
	}
	strict, loose := mk(1), mk(100)
	send := func(eng *bot.Engine, id, text string) bot.Outcome {
		out, err := eng.Handle(context.Background(), bot.Event{ID: id, Conv: c.Conv, User: bot.User{ID: "bob", Name: "bob"}, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Both replicas see the first message; the strict one has used its one token.
	send(strict, "m1", "What did the mother say?")
	send(loose, "m1", "What did the mother say?")

	// The strict replica is first with m2 and says "not saved"; the loose one must not
	// save it after all.
	if out := send(strict, "m2", "Who else was there?"); !strings.Contains(replyTo(out, "bob"), "did not save") {
		t.Fatalf("the strict replica did not refuse m2: %+v", out.Replies)
	}
	if out := send(loose, "m2", "Who else was there?"); !out.Duplicate || bytes.Contains(c.Record(), []byte("Who else was there?")) {
		t.Fatalf("m2 was answered \"not saved\" by one replica and saved by the other: %+v", out)
	}

	// The loose replica is first with m3 and saves it; the strict one must not say it
	// was not saved.
	clk.Advance(2 * time.Hour) // the strict replica's notice may come again
	send(strict, "m0", "When did you arrive?")
	send(loose, "m3", "When did the visit end?")
	if out := send(strict, "m3", "When did the visit end?"); len(out.Replies) > 0 || !bytes.Contains(c.Record(), []byte("When did the visit end?")) {
		t.Fatalf("a message saved by one replica was answered by the other: %+v", out.Replies)
	}
	// The notice was not used up by the duplicate: the next refusal gets it.
	if out := send(strict, "m4", "And the father?"); !strings.Contains(replyTo(out, "bob"), "did not save") {
		t.Fatalf("the next refusal got no notice: %+v", out.Replies)
	}
}

// TestBudgetFilledExactly: when a contribution fills the budget to the last turn, the
// session hears that it is full now, not "nearly full (100%)".
func TestBudgetFilledExactly(t *testing.T) {
	c, clk := limitChat(t, bot.Config{SessionMaxTurns: 5, SessionMaxBytes: -1}, "en")
	for i := 0; i < 10; i++ {
		clk.Advance(time.Minute)
		public := bottest.Public(c.Say("bob", fmt.Sprintf("Question %d: who else was there?", i)))
		if strings.Contains(public, "(100%") {
			t.Fatalf("message %d: %q", i, public)
		}
		if strings.Contains(public, "with it this session is full") {
			return
		}
	}
	t.Fatal("the session never said it was full now")
}
