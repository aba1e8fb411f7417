package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
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

// language is the --lang flag checked: "", "nl" or "en".
func (c *commonFlags) language() (string, error) {
	if c.lang == "" {
		return "", nil
	}
	l, ok := prompts.ParseLanguage(c.lang)
	if !ok {
		return "", fmt.Errorf("language %q: use nl or en", c.lang)
	}
	return string(l), nil
}

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
