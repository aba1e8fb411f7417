package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/privacy"
	"github.com/intervision-bot/intervision/prompts"
)

// This file builds the bot from its parts, in order: the method library, the store,
// the follow-up interpreter, the pseudonymiser, the engine, and the platform adapters.

// platform builds one chat adapter from the environment. ok is false when the
// platform's tokens are absent, so the adapter is not started.
type platform struct {
	name    string
	fromEnv func(getenv func(string) string, log *slog.Logger) (a bot.Adapter, ok bool, err error)
}

// platforms are the chat platforms the binary can connect to, in start order.
var platforms = []platform{
	{name: "slack", fromEnv: slackFromEnv},
	{name: "discord", fromEnv: discordFromEnv},
}

// platformAdapters builds the adapter of every platform whose tokens are set.
func platformAdapters(getenv func(string) string, log *slog.Logger) ([]bot.Adapter, error) {
	var adapters []bot.Adapter
	for _, p := range platforms {
		a, ok, err := p.fromEnv(getenv, log)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		if ok {
			adapters = append(adapters, a)
		}
	}
	return adapters, nil
}

// senders says where an engine's messages come from, for the rate limit.
type senders int

const (
	// localSenders: one local person or a program (the terminal, replay, admin,
	// report); a transcript's lines come at no person's pace, so no rate limit.
	localSenders senders = iota
	// platformSenders: people on Slack or Discord; the rate limit applies.
	platformSenders
)

// newEngine builds the engine: library, interpreter, store and scheduler,
// pseudonymiser, limits. now, when set (replay), is the clock of the engine, the
// embedded store and the timers; obs, when set, hears what the engine does (metrics);
// who says whether the rate limit applies. The backend's close closes the store.
func newEngine(ctx context.Context, c *commonFlags, getenv func(string) string, log *slog.Logger, now func() time.Time, obs bot.Observer, who senders) (*bot.Engine, backend, error) {
	lang, err := c.language()
	if err != nil {
		return nil, backend{}, err
	}
	checkIn, err := checkInFromEnv(getenv)
	if err != nil {
		return nil, backend{}, err
	}
	purgeAfter, err := purgeAfterFromEnv(getenv)
	if err != nil {
		return nil, backend{}, err
	}
	lib, err := loadLibrary(c.prompts)
	if err != nil {
		return nil, backend{}, err
	}
	interp, err := followup.New(lib)
	if err != nil {
		return nil, backend{}, fmt.Errorf("follow-up interpreter: %w", err)
	}
	be, err := backendFromEnv(ctx, getenv, log, now)
	if err != nil {
		return nil, backend{}, err
	}
	lim, err := limitsFromEnv(getenv)
	if err != nil {
		return nil, backend{}, err
	}
	if who == localSenders {
		lim.rateMessages = -1
	}
	logText := getenv("INTERVISION_LOG_TEXT") == "1"
	if logText {
		log.Warn("INTERVISION_LOG_TEXT=1: message text is logged at debug level; it may hold personal data about families. Turn it off outside debugging.")
	}
	eng := bot.New(bot.Config{Store: be.store, Scheduler: be.sched, Library: lib, Lang: lang, Logger: log,
		LogText: logText, Now: now, CheckIn: checkIn, PurgeAfter: purgeAfter, Observer: obs,
		Interpreter: interp, Pseudonymiser: privacy.NewPseudonymiser(),
		RateMessages: lim.rateMessages, RateWindow: lim.rateWindow,
		SessionMaxTurns: lim.maxTurns, SessionMaxBytes: lim.maxBytes})
	return eng, be, nil
}

// checkInFromEnv reads INTERVISION_CHECKIN: when the bot checks back with a case
// bringer who chose nothing ("2w" by default, "1w", any span such as "10d", or "off").
func checkInFromEnv(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(strings.ToLower(getenv("INTERVISION_CHECKIN")))
	switch v {
	case "":
		return 0, nil // the engine's default
	case "off", "no", "none":
		return -1, nil
	}
	d, ok := bot.ParseSpan(v)
	if !ok || d < 24*time.Hour {
		return 0, fmt.Errorf("INTERVISION_CHECKIN=%q: use 1w, 2w, a number of days such as 10d, or off", v)
	}
	return d, nil
}

// loadLibrary is the built-in method packs plus, with dir, the packs in dir, which
// must pass `prompts lint` first.
func loadLibrary(dir string) (*prompts.Library, error) {
	lib, err := prompts.Builtin()
	if err != nil {
		return nil, err
	}
	if dir == "" {
		return lib, nil
	}
	problems, err := prompts.Lint(dir)
	if err != nil {
		return nil, fmt.Errorf("check --prompts %s: %w", dir, err)
	}
	if len(problems) > 0 {
		lines := make([]string, 0, len(problems))
		for _, p := range problems {
			lines = append(lines, p.String())
		}
		return nil, fmt.Errorf("--prompts %s has %d problems (intervision prompts lint %s):\n%s",
			dir, len(problems), dir, strings.Join(lines, "\n"))
	}
	if err := lib.LoadDir(dir); err != nil {
		return nil, fmt.Errorf("load --prompts %s: %w", dir, err)
	}
	return lib, nil
}

// purgeAfterFromEnv reads INTERVISION_PURGE_AFTER: how long after the app was removed
// from a workspace its data is purged ("7d" by default, any span such as "72h", or
// "off").
func purgeAfterFromEnv(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(strings.ToLower(getenv("INTERVISION_PURGE_AFTER")))
	switch v {
	case "":
		return 0, nil
	case "off", "no", "never":
		return -1, nil
	}
	d, ok := bot.ParseSpan(v)
	if !ok {
		return 0, fmt.Errorf("INTERVISION_PURGE_AFTER=%q: use a span such as 72h or 7d, or off", v)
	}
	return d, nil
}

// limits are the rate limit per person and the budget per session; -1 turns one off.
type limits struct {
	rateMessages       int
	rateWindow         time.Duration
	maxTurns, maxBytes int
}

// limitsFromEnv reads INTERVISION_RATE_MESSAGES (default 20) per
// INTERVISION_RATE_WINDOW (default 1m), INTERVISION_SESSION_MAX_TURNS (default 500)
// and INTERVISION_SESSION_MAX_BYTES (default 2MiB); each number may be "off".
func limitsFromEnv(getenv func(string) string) (limits, error) {
	l := limits{rateMessages: bot.DefaultRateMessages, rateWindow: bot.DefaultRateWindow,
		maxTurns: bot.DefaultSessionMaxTurns, maxBytes: bot.DefaultSessionMaxBytes}
	for _, v := range []struct {
		name  string
		into  *int
		parse func(string) (int, bool)
		want  string
	}{
		{"INTERVISION_RATE_MESSAGES", &l.rateMessages, parseCount, "a number of messages such as 20, or off"},
		{"INTERVISION_SESSION_MAX_TURNS", &l.maxTurns, parseCount, "a number of messages such as 500, or off"},
		{"INTERVISION_SESSION_MAX_BYTES", &l.maxBytes, parseSize, "a size such as 2MiB, 512KiB, 3MB or 2000000, or off"},
	} {
		raw := strings.TrimSpace(strings.ToLower(getenv(v.name)))
		switch raw {
		case "":
			continue
		case "off", "no", "none":
			*v.into = -1
			continue
		}
		n, ok := v.parse(raw)
		if !ok {
			return limits{}, fmt.Errorf("%s=%q: use %s", v.name, raw, v.want)
		}
		*v.into = n
	}
	if raw := strings.TrimSpace(getenv("INTERVISION_RATE_WINDOW")); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d < time.Second || d > 24*time.Hour {
			return limits{}, fmt.Errorf("INTERVISION_RATE_WINDOW=%q: use a duration from 1s to 24h, such as 1m", raw)
		}
		l.rateWindow = d
	}
	return l, nil
}

// parseCount reads a positive whole number.
func parseCount(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// sizeUnits are the suffixes parseSize reads, longest first.
var sizeUnits = []struct {
	suffix string
	factor int
}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"kb", 1000}, {"mb", 1000 * 1000}, {"b", 1}}

// parseSize reads a positive size in bytes, with an optional unit (b, kb, mb, kib, mib).
func parseSize(s string) (int, bool) {
	factor := 1
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, factor = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > (1<<40)/factor {
		return 0, false
	}
	return n * factor, true
}
