package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state"
)

// runReport is `intervision report --platform P --workspace W [--channel C]
// [--window 30d|90d|1y] [--lang en|nl] [--png FILE]`: an operator's view of a workspace's
// (or one channel's) sessions, from the store at REDIS_URL: counts only, never text.
func runReport(ctx context.Context, c cli, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	common := addCommonFlags(fs, c.getenv)
	platform := fs.String("platform", "slack", "platform: slack, discord or terminal")
	workspace := fs.String("workspace", "", "Slack team id or Discord guild id (required)")
	channel := fs.String("channel", "", "one channel's sessions; empty: the whole workspace")
	window := fs.String("window", "30d", "30d, 90d or 1y")
	pngPath := fs.String("png", "", "also write the chart as a PNG file")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *workspace == "" {
		fmt.Fprintln(c.stderr, "usage: intervision report --workspace W [--platform slack|discord] [--channel C] [--window 30d|90d|1y] [--png FILE]")
		return 2
	}
	if _, ok := report.ParseWindow(*window); !ok {
		fmt.Fprintf(c.stderr, "report: window %q: use 30d, 90d or 1y\n", *window)
		return 2
	}
	lang, err := common.language()
	if err != nil || lang == "" {
		lang = "en"
	}
	logger := newLogger(c.stderr, c.getenv, slog.LevelError)
	eng, be, err := newEngine(ctx, common, c.getenv, logger, nil, nil, localSenders)
	if err != nil {
		fmt.Fprintf(c.stderr, "report: %v\n", err)
		return 1
	}
	defer be.close()
	r, err := eng.Report(ctx, state.Space{Platform: *platform, Workspace: *workspace}, *channel, *window)
	if err != nil {
		fmt.Fprintf(c.stderr, "report: %v\n", err)
		return 1
	}
	fmt.Fprintln(c.stdout, r.Markdown(lang, report.Titles(eng.Library(), lang)))
	if *pngPath != "" {
		png, alt, err := r.PNG(lang)
		if err == nil {
			err = os.WriteFile(*pngPath, png, 0o600)
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "report: chart: %v\n", err)
			return 1
		}
		fmt.Fprintf(c.stdout, "chart: %s (%s)\n", *pngPath, alt)
	}
	return 0
}
