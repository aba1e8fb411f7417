package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/redisstore"
)

// floodBench has one peer send n messages of bot.MaxText characters into one group
// session as fast as it can, through the engine and the Redis store, once per set of
// limits: none (the engine before limits), the session budget alone, and the binary's
// defaults (rate limit and budget). For each it prints one line:
//
//	flood=NAME messages=.. stored=.. refused=.. notices=.. record_bytes=.. p50_us=..
//	p99_us=.. max_us=.. total_ms=.. end_ms=.. brief_chars=.. doc_bytes=..
//
// stored are the messages in the record at the end, notices the private answers the
// peer got (rate limit, session full); end_ms is how long `end` took, brief_chars the
// summary's chat message and doc_bytes its document.
type floodBench struct{ n int }

// floodLimits are the limits one flood runs with.
var floodLimits = []struct {
	name string
	cfg  bot.Config
}{
	{"none", bot.Config{SessionMaxTurns: -1, SessionMaxBytes: -1}},
	{"budget", bot.Config{}},
	{"defaults", bot.Config{RateMessages: bot.DefaultRateMessages}},
}

func (b floodBench) run(url string) error {
	ctx := context.Background()
	if url == "" {
		u, stopRedis, err := launchRedis()
		if err != nil {
			return err
		}
		defer stopRedis()
		url = u
	}
	st, err := redisstore.Open(ctx, url, redisstore.Options{Prefix: fmt.Sprintf("flood%d", time.Now().UnixNano())})
	if err != nil {
		return err
	}
	defer st.Close()
	for i, l := range floodLimits {
		cfg := l.cfg
		cfg.Store, cfg.Library, cfg.Logger = st, prompts.MustBuiltin(), slog.New(slog.NewTextHandler(io.Discard, nil))
		conv := bot.Conversation{Platform: "slack", Workspace: "TFLOOD", Channel: "C1", Thread: fmt.Sprintf("flood.%d", i)}
		line, err := b.flood(ctx, bot.New(cfg), conv, st)
		if err != nil {
			return fmt.Errorf("flood %s: %w", l.name, err)
		}
		fmt.Printf("flood=%s %s\n", l.name, line)
	}
	return nil
}

// flood sets up a session in conv, floods it and ends it; it returns the result line.
func (b floodBench) flood(ctx context.Context, eng *bot.Engine, conv bot.Conversation, st *redisstore.Store) (string, error) {
	seq := 0
	say := func(user, text string, command bool) (bot.Outcome, error) {
		seq++
		return eng.Handle(ctx, bot.Event{ID: fmt.Sprintf("%s:%d", conv.Thread, seq), Conv: conv,
			User: bot.User{ID: "U" + strings.ToUpper(user), Name: user}, Text: text, Command: command})
	}
	for _, l := range []struct {
		user, text string
		command    bool
	}{{"ann", "start incident en", true}, {"bob", "join", true}, {"cas", "join", true}, {"ann", "bring", true},
		{"ann", "next", true}, {"ann", "The father stood in the doorway and said he had no time.", false}, {"ann", "next", true}} {
		if _, err := say(l.user, l.text, l.command); err != nil {
			return "", err
		}
	}
	var lat []time.Duration
	notices := 0
	began := time.Now()
	for i := range b.n {
		head := fmt.Sprintf("flood-%04d: what did the mother say? ", i)
		t0 := time.Now()
		out, err := say("bob", head+strings.Repeat("x", bot.MaxText-len(head)), false)
		if err != nil {
			return "", err
		}
		lat = append(lat, time.Since(t0))
		for _, r := range out.Replies {
			if r.To == "UBOB" {
				notices++
			}
		}
	}
	total := time.Since(began)
	rec, err := st.Get(ctx, bot.Key(conv))
	if err != nil {
		return "", err
	}
	stored := strings.Count(string(rec), "flood-")
	t0 := time.Now()
	out, err := say("ann", "end", true)
	if err != nil {
		return "", err
	}
	endTook := time.Since(t0)
	var brief, doc string
	for _, r := range out.Replies {
		if r.File != nil {
			brief, doc = r.Text, string(r.File.Data)
		}
	}
	slices.Sort(lat)
	return fmt.Sprintf("messages=%d stored=%d refused=%d notices=%d record_bytes=%d p50_us=%d p99_us=%d max_us=%d total_ms=%d end_ms=%d brief_chars=%d doc_bytes=%d",
		b.n, stored, b.n-stored, notices, len(rec), lat[len(lat)/2].Microseconds(), lat[min(len(lat)-1, len(lat)*99/100)].Microseconds(),
		lat[len(lat)-1].Microseconds(), total.Milliseconds(), endTook.Milliseconds(), utf8.RuneCountInString(brief), len(doc)), nil
}
