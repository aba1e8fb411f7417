package faults_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
)

// rig is a few engines ("bot replicas"), each on its own store and client, on one
// Redis URL, as replicas behind a load balancer would be.
type rig struct {
	t       *testing.T
	engines []*bot.Engine
	stores  []state.Store
	seq     atomic.Int64
}

func newRig(t *testing.T, url string, replicas int) *rig {
	t.Helper()
	r := &rig{t: t}
	lib := prompts.MustBuiltin()
	prefix := fmt.Sprintf("f%d", time.Now().UnixNano())
	for range replicas {
		c, err := redisstore.NewClient(url)
		if err != nil {
			t.Fatal(err)
		}
		st := redisstore.New(c, redisstore.Options{Prefix: prefix})
		t.Cleanup(func() { _ = st.Close() })
		r.stores = append(r.stores, st)
		r.engines = append(r.engines, bot.New(bot.Config{Store: st, Library: lib, Lang: "en",
			Logger: slog.New(slog.DiscardHandler), Now: time.Now}))
	}
	return r
}

func conv(thread string) bot.Conversation {
	return bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: thread}
}

// handle sends one event with a fresh id (a person typing) to the next replica.
func (r *rig) handle(ctx context.Context, c bot.Conversation, user, text string) (bot.Outcome, error) {
	n := r.seq.Add(1)
	ev := bot.Event{ID: fmt.Sprintf("fe-%d", n), Conv: c, User: bot.User{ID: user, Name: user},
		Text: strings.TrimPrefix(text, "/"), Command: strings.HasPrefix(text, "/"), Time: time.Now()}
	return r.engines[int(n)%len(r.engines)].Handle(ctx, ev)
}

// acked reports whether the person was told the event was taken: the engine answered
// and its answer is not a failure ("could not save", "something went wrong", "full").
func acked(out bot.Outcome, err error) bool { return err == nil && !out.Failed() }

// must sends a command until it is acknowledged (setup and checks, not the load).
func (r *rig) must(c bot.Conversation, user, text string) bot.Outcome {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		out, err := r.handle(ctx, c, user, text)
		cancel()
		if acked(out, err) {
			return out
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s %s: %q not acknowledged within 60 s: %v %+v", c.Thread, user, text, err, out.Replies)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// openSessions starts n sessions of the incident method in which bob can ask
// questions (the clarifying phase).
func (r *rig) openSessions(n int) []bot.Conversation {
	var convs []bot.Conversation
	for i := range n {
		c := conv(fmt.Sprintf("t%03d", i))
		r.must(c, "ann", "/start incident en")
		r.must(c, "bob", "/join")
		r.must(c, "ann", "/bring")
		r.must(c, "ann", "/next")
		r.must(c, "ann", "The father said he would not come to the school meeting again.")
		r.must(c, "ann", "/next")
		convs = append(convs, c)
	}
	return convs
}

// token is the unique text of turn j in c: it is counted in the summary.
func token(c bot.Conversation, j int) string { return fmt.Sprintf("q%s-%04d", c.Thread, j) }

// tally is what a load run saw: each turn's outcome and, per session, the longest
// time between two acknowledged turns.
type tally struct {
	mu       sync.Mutex
	acked    map[string]bool // token → acknowledged
	tries    map[string]int
	history  map[string][]string // per token: how each try ended, for the log
	told     int                 // answers "not saved" (or no answer in time) that led to a resend
	maxGap   map[string]time.Duration
	gapStart map[string]time.Time // when the longest gap began
	open     map[string]bool      // the longest gap lasted until the load ended
	sent     map[string]int       // turns begun per session
}

// lastToken is the token of the last turn c began.
func lastToken(c bot.Conversation, tl *tally) string { return token(c, tl.sent[c.Thread]-1) }

func newTally() *tally {
	return &tally{acked: map[string]bool{}, tries: map[string]int{}, history: map[string][]string{}, maxGap: map[string]time.Duration{}, gapStart: map[string]time.Time{},
		open: map[string]bool{}, sent: map[string]int{}}
}

// load has bob send turns in every session, one after another per session, every
// pace, each with the given deadline, until until() is true or the session sent
// perSession turns. A turn that was not acknowledged is typed again (a new event id)
// after 100 ms, as a person told "please send it again" would, until it is
// acknowledged or stop passes.
func (r *rig) load(convs []bot.Conversation, perSession int, pace, timeout time.Duration, stop time.Time, tl *tally) {
	var wg sync.WaitGroup
	for _, c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := time.Now()
			for j := 0; j < perSession && time.Now().Before(stop); j++ {
				tok := token(c, j)
				tl.mu.Lock()
				tl.sent[c.Thread] = j + 1
				tl.mu.Unlock()
				for time.Now().Before(stop) {
					ctx, cancel := context.WithTimeout(context.Background(), timeout)
					out, err := r.handle(ctx, c, "bob", "What did the teacher say first, "+tok+"?")
					cancel()
					ok := acked(out, err)
					now := time.Now()
					tl.mu.Lock()
					tl.tries[tok]++
					tl.history[tok] = append(tl.history[tok], fmt.Sprintf("%s %v %v", now.Format("05.000"), err, out.Replies))
					if ok {
						tl.acked[tok] = true
						if g := now.Sub(last); g > tl.maxGap[c.Thread] {
							tl.maxGap[c.Thread], tl.gapStart[c.Thread] = g, last
						}
						last = now
					} else {
						tl.told++
					}
					tl.mu.Unlock()
					if ok {
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				time.Sleep(pace)
			}
			// A session still waiting at the end: its pause has not ended.
			tl.mu.Lock()
			if g := time.Since(last); g > tl.maxGap[c.Thread] && tl.told > 0 && !tl.acked[lastToken(c, tl)] {
				tl.maxGap[c.Thread], tl.gapStart[c.Thread] = g, last
				tl.open[c.Thread] = true
			}
			tl.mu.Unlock()
		}()
	}
	wg.Wait()
}

// summary ends the session in c and returns the summary document.
func (r *rig) summary(c bot.Conversation) string {
	r.t.Helper()
	out := r.must(c, "ann", "/end")
	for _, rep := range out.Replies {
		if rep.File != nil {
			return string(rep.File.Data)
		}
	}
	r.t.Fatalf("%s: end gave no summary: %+v", c.Thread, out.Replies)
	return ""
}

// count ends every session and counts, against the tally, the acknowledged turns
// missing from the summaries and the turns that appear more than once.
func (r *rig) count(convs []bot.Conversation, perSession int, tl *tally) (acks, lost, doubled int) {
	for _, c := range convs {
		doc := r.summary(c)
		for j := range perSession {
			tok := token(c, j)
			n := strings.Count(doc, tok)
			if tl.acked[tok] {
				acks++
				if n == 0 {
					lost++
					r.t.Logf("%s: acknowledged turn %s is not in the summary", c.Thread, tok)
				}
			}
			if n > 1 {
				doubled++
				r.t.Logf("%s: turn %s is in the summary %d times (typed %d times: %q)", c.Thread, tok, n, tl.tries[tok], tl.history[tok])
			}
		}
	}
	return acks, lost, doubled
}
