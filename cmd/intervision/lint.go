package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/intervision-bot/intervision/prompts"
)

// runPrompts is `intervision prompts lint [DIR]`.
func runPrompts(_ context.Context, c cli, args []string) int {
	if len(args) == 0 || args[0] != "lint" {
		fmt.Fprintln(c.stderr, "usage: intervision prompts lint [DIR]")
		return 2
	}
	return runPromptsLint(args[1:], c.stdout, c.stderr)
}

// runPromptsLint is `intervision prompts lint [DIR]`: it checks the built-in packs and,
// with DIR, the packs in DIR together with them. It prints one problem a line as
// file:line: msg and then a count. Exit code: 0 clean, 1 problems, 2 usage error.
func runPromptsLint(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("prompts lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: intervision prompts lint [DIR]")
		fmt.Fprintln(stderr, "Checks the built-in method packs and, with DIR, the packs in DIR (every .yaml file below it).")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	problems, err := prompts.Lint(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	fmt.Fprintln(stdout, prompts.Count(len(problems), "1 problem", "{n} problems"))
	if len(problems) == 0 {
		return 0
	}
	return 1
}
