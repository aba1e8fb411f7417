package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/redisstore"
)

// This file is `intervision admin`: operators' commands against the store at REDIS_URL
// (docs/admin.md). They print ids and counts, never message text or names.

const adminUsage = `usage:
  intervision admin sessions [--platform P] [--workspace W] [--json]   open sessions: ids, method, phase, age, members
  intervision admin timers                                             pending timers by state, oldest due, lag
  intervision admin forget-user --platform P WORKSPACE USER            erase one person's data in a workspace
  intervision admin purge-workspace --platform P WORKSPACE [--yes]     delete everything of a workspace
They act on the store at REDIS_URL (REDIS_PREFIX); see docs/admin.md.
`

// adminCommands are the subcommands of admin.
var adminCommands = map[string]func(ctx context.Context, c cli, args []string) int{
	"sessions":        adminSessions,
	"timers":          adminTimers,
	"forget-user":     adminForgetUser,
	"purge-workspace": adminPurge,
}

// runAdmin is `intervision admin COMMAND ...`.
func runAdmin(ctx context.Context, c cli, args []string) int {
	if len(args) > 0 {
		if cmd, ok := adminCommands[args[0]]; ok {
			return cmd(ctx, c, args[1:])
		}
		if h := args[0]; h == "help" || h == "-h" || h == "--help" {
			fmt.Fprint(c.stdout, adminUsage)
			return 0
		}
		fmt.Fprintf(c.stderr, "admin: unknown command %q\n", args[0])
	}
	fmt.Fprint(c.stderr, adminUsage)
	return 2
}

// parseInterspersed parses flags wherever they stand among the positional arguments
// ("forget-user T1 U1 --platform slack" as well as "--platform slack T1 U1").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// adminEngine opens the engine and its backend for an admin command, saying so when
// REDIS_URL is not set.
func adminEngine(ctx context.Context, c cli, name string, common *commonFlags) (*bot.Engine, backend, bool) {
	if url, err := readSecret(c.getenv, "REDIS_URL"); err == nil && url == "" {
		fmt.Fprintf(c.stderr, "admin %s: REDIS_URL is not set: this uses the embedded store of this process, "+
			"which is empty (the bot's own embedded store lives and dies with the bot). Set REDIS_URL to the bot's Redis.\n", name)
	}
	logger := newLogger(c.stderr, c.getenv, slog.LevelError)
	eng, be, err := newEngine(ctx, common, c.getenv, logger, nil, nil, localSenders)
	if err != nil {
		fmt.Fprintf(c.stderr, "admin %s: %v\n", name, err)
		return nil, backend{}, false
	}
	return eng, be, true
}

func adminFlags(name string, c cli) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet("admin "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs, addCommonFlags(fs, c.getenv)
}

// adminSessions is `admin sessions [--platform P] [--workspace W] [--json]`.
func adminSessions(ctx context.Context, c cli, args []string) int {
	fs, common := adminFlags("sessions", c)
	platform := fs.String("platform", "", "only this platform (slack, discord, terminal)")
	workspace := fs.String("workspace", "", "only this workspace (Slack team id, Discord guild id)")
	asJSON := fs.Bool("json", false, "one JSON object per session")
	if pos, err := parseInterspersed(fs, args); err != nil || len(pos) > 0 {
		fmt.Fprintln(c.stderr, "usage: intervision admin sessions [--platform P] [--workspace W] [--json]")
		return 2
	}
	eng, be, ok := adminEngine(ctx, c, "sessions", common)
	if !ok {
		return 1
	}
	defer be.close()
	list, err := eng.OpenSessions(ctx, state.Filter{Platform: *platform, Workspace: *workspace})
	if err != nil {
		fmt.Fprintf(c.stderr, "admin sessions: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		for _, s := range list {
			_ = enc.Encode(map[string]any{"platform": s.Key.Platform, "workspace": s.Key.Workspace,
				"channel": s.Key.Channel, "thread": s.Key.Thread, "method": s.Method, "mode": s.Mode,
				"phase": s.Phase, "started": s.Started.Format(time.RFC3339), "age_seconds": int64(s.Age.Seconds()),
				"members": s.Members})
		}
		return 0
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLATFORM\tWORKSPACE\tCHANNEL\tTHREAD\tMETHOD\tPHASE\tAGE\tMEMBERS")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", s.Key.Platform, s.Key.Workspace, orDash(s.Key.Channel),
			orDash(s.Key.Thread), s.Method, s.Phase, age(s.Age), s.Members)
	}
	_ = tw.Flush()
	fmt.Fprintln(c.stdout, prompts.Count(len(list), "1 open session", "{n} open sessions"))
	return 0
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// age renders a duration in days, hours and minutes: "2d3h", "5h10m", "7m".
func age(d time.Duration) string {
	if d < 0 {
		return "-" + age(-d)
	}
	d = d.Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh%dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

// adminTimers is `admin timers`: what the scheduler holds and how late it is.
func adminTimers(ctx context.Context, c cli, args []string) int {
	fs, common := adminFlags("timers", c)
	if pos, err := parseInterspersed(fs, args); err != nil || len(pos) > 0 {
		fmt.Fprintln(c.stderr, "usage: intervision admin timers")
		return 2
	}
	_, be, ok := adminEngine(ctx, c, "timers", common)
	if !ok {
		return 1
	}
	defer be.close()
	var st redisstore.TimerStats
	switch s := be.sched.(type) {
	case *redisstore.Scheduler:
		var err error
		if st, err = s.Pending(ctx); err != nil {
			fmt.Fprintf(c.stderr, "admin timers: %v\n", err)
			return 1
		}
	case *memstore.Scheduler:
		for _, t := range s.Pending() {
			st.Scheduled++
			if st.OldestDue.IsZero() || t.Due.Before(st.OldestDue) {
				st.OldestDue = t.Due
			}
		}
	}
	printTimers(c, st, time.Now())
	return 0
}

func printTimers(c cli, st redisstore.TimerStats, now time.Time) {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "scheduled (not due yet)\t%d\n", st.Scheduled)
	fmt.Fprintf(tw, "pending (due, waiting for a replica)\t%d\n", st.Pending)
	fmt.Fprintf(tw, "active (firing)\t%d\n", st.Active)
	fmt.Fprintf(tw, "retry (failed, will fire again)\t%d\n", st.Retry)
	fmt.Fprintf(tw, "archived (gave up)\t%d\n", st.Archived)
	fmt.Fprintf(tw, "fired (remembered)\t%d\n", st.Fired)
	oldest, lag := "-", "0s"
	if !st.OldestDue.IsZero() {
		oldest = st.OldestDue.UTC().Format(time.RFC3339)
		if d := now.Sub(st.OldestDue); d > 0 {
			lag = d.Round(time.Second).String()
		}
	}
	fmt.Fprintf(tw, "oldest due\t%s\n", oldest)
	fmt.Fprintf(tw, "lag\t%s\n", lag)
	_ = tw.Flush()
}

// spaceArgs parses --platform P WORKSPACE [more positionals].
func spaceArgs(c cli, name, usage string, args []string, want int, extra func(fs *flag.FlagSet)) (state.Space, []string, *commonFlags, bool) {
	fs, common := adminFlags(name, c)
	platform := fs.String("platform", "", "platform: slack, discord or terminal (required)")
	if extra != nil {
		extra(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != want || *platform == "" || pos[0] == "" {
		fmt.Fprintln(c.stderr, "usage: "+usage)
		return state.Space{}, nil, nil, false
	}
	return state.Space{Platform: *platform, Workspace: pos[0]}, pos[1:], common, true
}

// adminForgetUser is `admin forget-user --platform P WORKSPACE USER`.
func adminForgetUser(ctx context.Context, c cli, args []string) int {
	space, rest, common, ok := spaceArgs(c, "forget-user", "intervision admin forget-user --platform P WORKSPACE USER", args, 2, nil)
	if !ok {
		return 2
	}
	user := rest[0]
	eng, be, ok := adminEngine(ctx, c, "forget-user", common)
	if !ok {
		return 1
	}
	defer be.close()
	r, err := eng.ForgetUser(ctx, space, user)
	if err != nil {
		fmt.Fprintf(c.stderr, "admin forget-user: %v (run it again: it is safe to repeat)\n", err)
		return 1
	}
	note := "no"
	if r.Note {
		note = "yes"
	}
	fmt.Fprintf(c.stdout, "forgot user %s in %s:%s\n", user, space.Platform, space.Workspace)
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  messages deleted\t%d\n", r.Messages)
	fmt.Fprintf(tw, "  sessions changed or deleted\t%d\n", r.Sessions)
	fmt.Fprintf(tw, "  kept summaries edited\t%d\n", r.Summaries)
	fmt.Fprintf(tw, "  next-step note deleted\t%s\n", note)
	_ = tw.Flush()
	return 0
}

// adminPurge is `admin purge-workspace --platform P WORKSPACE [--yes]`.
func adminPurge(ctx context.Context, c cli, args []string) int {
	var yes *bool
	space, _, common, ok := spaceArgs(c, "purge-workspace", "intervision admin purge-workspace --platform P WORKSPACE [--yes]", args, 1,
		func(fs *flag.FlagSet) { yes = fs.Bool("yes", false, "do not ask for confirmation") })
	if !ok {
		return 2
	}
	eng, be, ok := adminEngine(ctx, c, "purge-workspace", common)
	if !ok {
		return 1
	}
	defer be.close()
	inv, err := eng.SpaceInventory(ctx, space)
	if err != nil {
		fmt.Fprintf(c.stderr, "admin purge-workspace: %v\n", err)
		return 1
	}
	name := space.Platform + ":" + space.Workspace
	fmt.Fprintf(c.stdout, "%s holds:\n", name)
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  sessions\t%d\n  next-step notes\t%d\n  report records\t%d\n  user indexes\t%d\n  event ids (dedupe)\t%d\n",
		inv.Sessions, inv.Notes, inv.Reports, inv.Users, inv.Events)
	_ = tw.Flush()
	if inv.Total() == 0 {
		fmt.Fprintln(c.stdout, "nothing to delete")
		return 0
	}
	if !*yes && !confirm(c, space.Workspace) {
		fmt.Fprintln(c.stderr, "admin purge-workspace: not confirmed; nothing was deleted")
		return 1
	}
	n, err := eng.PurgeSpace(ctx, space)
	if err != nil {
		fmt.Fprintf(c.stderr, "admin purge-workspace: %v (%d entries deleted; run it again to finish)\n", err, n)
		return 1
	}
	fmt.Fprintf(c.stdout, "deleted %d entries of %s\n", n, name)
	return 0
}

// confirm asks the operator to type the workspace id.
func confirm(c cli, workspace string) bool {
	fmt.Fprintf(c.stdout, "Delete all of it? Type the workspace id (%s) to confirm: ", workspace)
	if c.stdin == nil {
		return false
	}
	line, _ := bufio.NewReader(c.stdin).ReadString('\n')
	return strings.TrimSpace(line) == workspace
}
