package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/privacy"
)

func init() {
	subcommands["scan"] = runScan
	// the engine pseudonymises every contribution with the same detector
	newGuard = func() bot.Guard { return privacy.NewPseudonymiser() }
}

// scanFinding is one finding in `scan --json` output: byte offsets into the input.
type scanFinding struct {
	Kind       string  `json:"kind"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Confidence float64 `json:"confidence"`
}

// runScan is `intervision scan [--lang nl|en] [--json] [--min C]`: it reads a text on
// stdin and lists the personal data found in it. Plain output gives line:column, kind,
// confidence and the value masked but for its first and last character; weak hints
// below privacy.Threshold are marked "hint". --json prints
// {"findings":[{"kind":…,"start":…,"end":…,"confidence":…}]} with byte offsets and no
// values. Exit code: 0 nothing at or above the threshold, 1 findings, 2 usage or read
// error.
func runScan(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "", "language of the text: nl, en, or empty for both")
	asJSON := fs.Bool("json", false, "print JSON with byte offsets")
	min := fs.Float64("min", 0, "list only findings with at least this confidence")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: intervision scan [--lang nl|en] [--json] [--min C] < text")
		fmt.Fprintln(stderr, "Lists personal data (names, BSN, rijksregisternummer, IBAN, phone, e-mail, address, date of birth, school) in the text on stdin.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (*lang != "" && *lang != "nl" && *lang != "en") {
		fs.Usage()
		return 2
	}
	text, ok := readInput("scan", stdin, stderr)
	if !ok {
		return 2
	}
	var found []privacy.Finding
	reported := 0
	for _, f := range privacy.Scan(text, *lang) {
		if f.Confidence < *min {
			continue
		}
		found = append(found, f)
		if f.Confidence >= privacy.Threshold {
			reported++
		}
	}
	if *asJSON {
		out := struct {
			Findings []scanFinding `json:"findings"`
		}{Findings: []scanFinding{}}
		for _, f := range found {
			out.Findings = append(out.Findings, scanFinding{f.Kind, f.Start, f.End, f.Confidence})
		}
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(out); err != nil {
			fmt.Fprintln(stderr, "scan:", err)
			return 2
		}
	} else {
		for _, f := range found {
			line, col := lineCol(text, f.Start)
			note := ""
			if f.Confidence < privacy.Threshold {
				note = "  (hint)"
			}
			fmt.Fprintf(stdout, "%d:%d\t%-11s\t%.2f\t%s%s\n", line, col, f.Kind, f.Confidence, mask(text[f.Start:f.End]), note)
		}
		fmt.Fprintf(stdout, "%d finding(s), %d hint(s) below %.1f\n", reported, len(found)-reported, privacy.Threshold)
	}
	if reported > 0 {
		return 1
	}
	return 0
}

// lineCol returns the 1-based line and character column of byte offset off.
func lineCol(text string, off int) (int, int) {
	before := text[:off]
	line := strings.Count(before, "\n") + 1
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// mask keeps the first and last character of v and stars the rest ("B*******2"); values
// of up to two characters are starred completely.
func mask(v string) string {
	r := []rune(v)
	if len(r) <= 2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
