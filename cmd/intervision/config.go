package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// commonFlags are the settings the bot and replay share.
type commonFlags struct {
	prompts string
	channel string
	lang    string
}

func addCommonFlags(fs *flag.FlagSet, getenv func(string) string) *commonFlags {
	c := &commonFlags{}
	fs.StringVar(&c.prompts, "prompts", getenv("INTERVISION_PROMPTS"), "directory with extra method packs")
	fs.StringVar(&c.channel, "channel", envOr(getenv, "INTERVISION_CHANNEL", "main"), "terminal: conversation name")
	fs.StringVar(&c.lang, "lang", getenv("INTERVISION_LANG"), "default language: nl or en")
	return c
}

// openStore opens the state store (store.go).
var openStore func(ctx context.Context, getenv func(string) string, log *slog.Logger) (state.Store, error)

// engine builds the engine with its library and store.
func (c *commonFlags) engine(ctx context.Context, getenv func(string) string, log *slog.Logger) (*bot.Engine, func(), error) {
	lib, err := prompts.Builtin()
	if err != nil {
		return nil, nil, err
	}
	if c.prompts != "" {
		problems, err := prompts.Lint(c.prompts)
		if err != nil {
			return nil, nil, fmt.Errorf("check --prompts %s: %w", c.prompts, err)
		}
		if len(problems) > 0 {
			lines := make([]string, 0, len(problems))
			for _, p := range problems {
				lines = append(lines, p.String())
			}
			return nil, nil, fmt.Errorf("--prompts %s has %d problems (intervision prompts lint %s):\n%s",
				c.prompts, len(problems), c.prompts, strings.Join(lines, "\n"))
		}
		if err := lib.LoadDir(c.prompts); err != nil {
			return nil, nil, fmt.Errorf("load --prompts %s: %w", c.prompts, err)
		}
	}
	st, err := openStore(ctx, getenv, log)
	if err != nil {
		return nil, nil, err
	}
	lang := strings.ToLower(c.lang)
	if lang != "" && lang != "nl" && lang != "en" {
		return nil, nil, fmt.Errorf("language %q: use nl or en", c.lang)
	}
	logText := getenv("INTERVISION_LOG_TEXT") == "1"
	if logText {
		log.Warn("INTERVISION_LOG_TEXT=1: message text is logged at debug level; it may hold personal data about families. Turn it off outside debugging.")
	}
	eng := bot.New(bot.Config{Store: st, Library: lib, Lang: lang, Logger: log, LogText: logText,
		Reader: newReader(lib), Guard: newGuard()})
	return eng, func() { st.Close() }, nil
}

// newReader and newGuard are replaced by the files that wire bot/followup and privacy.
var (
	newReader = func(*prompts.Library) bot.Reader { return nil }
	newGuard  = func() bot.Guard { return nil }
)

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// newLogger writes text logs to w; INTERVISION_LOG_LEVEL=debug|info|warn|error overrides.
func newLogger(w io.Writer, getenv func(string) string, level slog.Level) *slog.Logger {
	switch strings.ToLower(getenv("INTERVISION_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// readSecret returns the variable name, or the contents of the file named by
// name_FILE (Docker and Kubernetes secrets), trimmed.
func readSecret(getenv func(string) string, name string) (string, error) {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v, nil
	}
	path := getenv(name + "_FILE")
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// maxInput bounds what explain and scan read from stdin.
const maxInput = 1 << 20

// readInput reads stdin for a text subcommand, at most maxInput bytes; it reports
// problems on stderr under the subcommand's name.
func readInput(name string, stdin io.Reader, stderr io.Writer) (string, bool) {
	b, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
	if err != nil {
		fmt.Fprintf(stderr, "%s: read input: %v\n", name, err)
		return "", false
	}
	if len(b) > maxInput {
		fmt.Fprintf(stderr, "%s: input larger than %d bytes\n", name, maxInput)
		return "", false
	}
	return string(b), true
}
