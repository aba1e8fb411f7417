package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/prompts"
)

// explainOutput is `explain --json`.
type explainOutput struct {
	Lang     string                `json:"lang"`
	Themes   []followup.ThemeScore `json:"themes"`
	Question *explainQuestion      `json:"question"`
	Why      string                `json:"why"`
	Advice   explainAdvice         `json:"advice"`
}

// explainAdvice is what the advice detector finds in the text, read in a phase of the
// given stage: the kind (advice, judgement or interpretation) and the words that showed it.
type explainAdvice struct {
	Detected bool     `json:"detected"`
	Kind     string   `json:"kind"`
	Cues     []string `json:"cues"`
}

// explainQuestion is the follow-up question explain would ask.
type explainQuestion struct {
	ID    string `json:"id"`
	Theme string `json:"theme"`
	Text  string `json:"text"`
}

// runExplain is `intervision explain [--lang nl|en] [--stage S] [--json]`: it reads a text
// on stdin and prints the themes the follow-up interpreter finds (scores and the words that
// matched), the follow-up question it would ask with the reason, and whether a peer would
// get the questions-only reminder (advice, a judgement or an interpretation) in a phase of
// stage S (default clarify, where interpretations count too). The pool is the whole
// question library, as in a fresh session (nothing asked, no themes yet). Without --lang
// the language is detected. Exit code: 0 done, 2 usage or read error.
func runExplain(_ context.Context, c cli, args []string) int {
	stdin, stdout, stderr := c.stdin, c.stdout, c.stderr
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", "language of the text: nl or en (default: detect)")
	stage := fs.String("stage", string(prompts.StageClarify), "stage of the phase the advice detector reads the text in")
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: intervision explain [--lang nl|en] [--stage clarify|...] [--json] < text")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if l, ok := prompts.ParseLanguage(*lang); ok {
		*lang = string(l)
	} else if *lang != "" {
		fmt.Fprintf(stderr, "explain: language %q: use nl or en\n", *lang)
		return 2
	}
	if !slices.Contains(prompts.Stages, prompts.Stage(*stage)) {
		fmt.Fprintf(stderr, "explain: stage %q: use one of %s\n", *stage, stageList())
		return 2
	}
	raw, ok := readInput("explain", stdin, stderr)
	if !ok {
		return 2
	}
	text := strings.TrimSpace(raw)
	if text == "" {
		fmt.Fprintln(stderr, "explain: no text on stdin")
		return 2
	}
	lib, err := prompts.Builtin()
	if err != nil {
		fmt.Fprintf(stderr, "explain: %v\n", err)
		return 2
	}
	r, err := followup.New(lib)
	if err != nil {
		fmt.Fprintf(stderr, "explain: %v\n", err)
		return 2
	}
	if *lang == "" {
		*lang = r.Lang(text)
	}
	out := explainOutput{Lang: *lang, Themes: r.Read(text, *lang), Advice: explainAdvice{Cues: []string{}}}
	if a, found := r.ReadAdvice(text, *lang, prompts.Stage(*stage)); found {
		out.Advice = explainAdvice{Detected: true, Kind: a.Kind, Cues: a.Cues}
	}
	f, ok := r.FollowUp(bot.FollowUpRequest{Lang: *lang, Text: text, Pool: lib.Questions(),
		Asked: map[string]bool{}, Themes: map[string]int{}})
	if ok {
		q := &explainQuestion{ID: f.Question.ID, Text: f.Question.Text.In(*lang)}
		if len(f.Question.Themes) > 0 {
			q.Theme = string(f.Question.Themes[0])
		}
		out.Question, out.Why = q, f.Why
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "explain: %v\n", err)
			return 2
		}
		return 0
	}
	fmt.Fprintf(stdout, "language: %s\n", out.Lang)
	if len(out.Themes) == 0 {
		fmt.Fprintln(stdout, "themes: none found")
	} else {
		fmt.Fprintln(stdout, "themes:")
		for _, t := range out.Themes {
			mark := "" // a theme found in the text can pick a question; the others only rank
			if !t.Present {
				mark = "  (ranked only)"
			}
			fmt.Fprintf(stdout, "  %-18s %5.2f  %s%s\n", t.ID, t.Score, strings.Join(quoteAll(t.Cues), ", "), mark)
		}
	}
	if out.Question == nil {
		fmt.Fprintln(stdout, "question: none fits")
	} else {
		why := out.Why
		if why == "" {
			why = "none (the bot gives a reason only where one is true of the question)"
		}
		fmt.Fprintf(stdout, "question: %s (%s)\n  %s\nwhy: %s\n", out.Question.ID, out.Question.Theme, out.Question.Text, why)
		var notes []string
		if f.Strong {
			notes = append(notes, "strong: asked in a group session too")
		}
		if f.Concrete {
			notes = append(notes, "asks for a concrete detail")
		}
		if len(notes) > 0 {
			fmt.Fprintf(stdout, "note: %s\n", strings.Join(notes, "; "))
		}
	}
	if out.Advice.Detected {
		fmt.Fprintf(stdout, "advice: yes, %s (%s): in a questions-only %s phase a peer would get the reminder\n",
			out.Advice.Kind, strings.Join(quoteAll(out.Advice.Cues), ", "), *stage)
	} else {
		fmt.Fprintln(stdout, "advice: no")
	}
	return 0
}

// stageList is the stages, comma-separated, for a usage message.
func stageList() string {
	ss := make([]string, len(prompts.Stages))
	for i, s := range prompts.Stages {
		ss[i] = string(s)
	}
	return strings.Join(ss, ", ")
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
