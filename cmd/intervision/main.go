// Command intervision runs the intervision bot. With Slack or Discord tokens in the
// environment it connects to those platforms; without, it chats in the terminal.
// Subcommands: replay, prompts lint, explain, scan.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/intervision-bot/intervision/adapters/terminal"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/gctune"
	"github.com/intervision-bot/intervision/state/memstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run dispatches the subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	c := cli{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) > 0 {
		if sub, ok := subcommands[args[0]]; ok {
			return sub(ctx, c, args[1:])
		}
	}
	return runBot(ctx, c, args)
}

// cli is what a subcommand reads and writes.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// subcommand runs one command line and returns the exit code.
type subcommand func(ctx context.Context, c cli, args []string) int

// subcommands are every subcommand of the binary; any other first argument runs the bot.
var subcommands = map[string]subcommand{
	"replay":  runReplay,
	"prompts": runPrompts,
	"explain": runExplain,
	"scan":    runScan,
	"report":  runReport,
	"admin":   runAdmin,
	"help":    runHelp,
	"-h":      runHelp,
	"--help":  runHelp,

	"healthcheck": runHealthcheck,
}

func runHelp(_ context.Context, c cli, _ []string) int {
	fmt.Fprint(c.stdout, usage)
	return 0
}

const usage = `usage:
  intervision [--prompts DIR] [--channel NAME] [--user NAME]   run the bot (terminal when no tokens are set)
  intervision replay [--json] [--channel NAME] [--start TIME] FILE|-
                                                                play a transcript ("name: message" lines,
                                                                "@+9m" moves the clock and fires timers)
  intervision prompts lint [DIR]                                check a method pack
  intervision explain [--lang nl|en] [--json] < text            show themes and the follow-up question
  intervision scan [--lang nl|en] [--json] < text               find personal data in a text
  intervision report --workspace W [--platform P] [--channel C] [--window 30d|90d|1y] [--png FILE]
                                                                a team's sessions and themes: counts only
  intervision admin sessions|timers|forget-user|purge-workspace ...
                                                                operators: open sessions, timers, erasure, purge (docs/admin.md)
  intervision healthcheck [--url http://127.0.0.1:9090/readyz]  exit 0 when the bot is ready (container healthcheck)
Configuration comes from the environment: see docs/config.md.
`

// runBot starts every configured platform adapter, or the terminal when none is.
func runBot(ctx context.Context, c cli, args []string) int {
	stdin, stdout, stderr, getenv := c.stdin, c.stdout, c.stderr, c.getenv
	fs := flag.NewFlagSet("intervision", flag.ContinueOnError)
	fs.SetOutput(stderr)
	common := addCommonFlags(fs, getenv)
	user := fs.String("user", "you", "terminal: who speaks first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logger := newLogger(stderr, getenv, slog.LevelInfo)
	adapters, err := platformAdapters(getenv, logger)
	if err != nil {
		logger.Error("configure adapter", "err", err)
		return 1
	}
	who := platformSenders
	if len(adapters) == 0 {
		who = localSenders // one person at this terminal
		// The terminal is a chat: keep the log quiet unless something goes wrong.
		logger = newLogger(stderr, getenv, slog.LevelWarn)
		adapters = append(adapters, &terminal.Adapter{In: stdin, Out: stdout, Channel: common.channel, User: *user, Lang: common.lang,
			FilesDir: getenv(terminal.FilesDirEnv)})
	}
	if set := gctune.Apply(getenv); set != "" {
		logger.Info("garbage collector", "set", set)
	}
	opsSrv, err := startOps(getenv, logger)
	if err != nil {
		logger.Error("start", "err", err)
		return 1
	}
	defer opsSrv.stop()
	timeout, err := shutdownTimeout(getenv)
	if err != nil {
		logger.Error("configure", "err", err)
		return 1
	}
	eng, be, err := newEngine(ctx, common, getenv, logger, nil, opsSrv.observer(), who)
	if err != nil {
		logger.Error("start", "err", err)
		return 1
	}
	defer be.close() // after serve: the adapters drained and the timers stopped
	opsSrv.watch(be.store, adapters)
	opsSrv.drainOn(ctx) // not ready as soon as shutdown begins
	return serve(ctx, logger, adapters, eng, timeout)
}

func runAdapter(ctx context.Context, a bot.Adapter, h bot.Handler) error {
	if err := a.Run(ctx, h); err != nil {
		return fmt.Errorf("%s: %w", a.Name(), err)
	}
	return nil
}

// runReplay plays a transcript file.
func runReplay(ctx context.Context, c cli, args []string) int {
	stdin, stdout, stderr, getenv := c.stdin, c.stdout, c.stderr, c.getenv
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	common := addCommonFlags(fs, getenv)
	asJSON := fs.Bool("json", false, "print one JSON object per message")
	start := fs.String("start", "", "the replay clock's start, RFC 3339 (default: now)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: intervision replay [--json] [--channel NAME] [--start TIME] FILE|-")
		return 2
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	lines, err := terminal.ParseTranscript(in)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	logger := newLogger(stderr, getenv, slog.LevelWarn)
	clock := &replayClock{now: time.Now().UTC()}
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			fmt.Fprintf(stderr, "replay: --start %q: want a time such as 2026-11-24T10:00:00Z\n", *start)
			return 2
		}
		clock.now = t.UTC()
	}
	eng, be, err := newEngine(ctx, common, getenv, logger, clock.Now, nil, localSenders)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return 1
	}
	defer be.close()
	clock.eng = eng
	clock.sched = be.sched.(*memstore.Scheduler) // replay's timers run in process
	opts := terminal.ReplayOptions{Channel: common.channel, Lang: common.lang, JSON: *asJSON, Clock: clock,
		FilesDir: getenv(terminal.FilesDirEnv)}
	if err := terminal.Replay(ctx, eng, lines, stdout, opts); err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return 1
	}
	return 0
}
