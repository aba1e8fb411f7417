package terminal

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/bot"
)

// Line is one line of a transcript: who says what, or a clock line ("@+9m") that moves
// replay's clock forward by Advance.
type Line struct {
	N       int // line number in the file, from 1
	From    string
	Text    string
	Advance time.Duration // a clock line: how far the clock moves
}

// maxLine is the longest transcript line accepted (a little over the engine's limit,
// so that an over-long message reaches the engine and gets its friendly answer).
const maxLine = 1 << 20

// ClockName is the From of a clock line.
const ClockName = "clock"

// ParseTranscript reads lines of the form "name: message", and clock lines "@+DURATION"
// (a Go duration, or days and weeks: "@+9m", "@+2h", "@+15d"). Blank lines and lines
// starting with "#" are skipped. A malformed line is an error naming its number.
func ParseTranscript(r io.Reader) ([]Line, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	var out []Line
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(raw)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasPrefix(t, "@+") {
			d, ok := bot.ParseSpan(t[2:])
			if !ok {
				return nil, fmt.Errorf("line %d: expected a clock line such as @+9m, @+2h or @+15d", n)
			}
			out = append(out, Line{N: n, From: ClockName, Text: t[1:], Advance: d})
			continue
		}
		name, text, ok := strings.Cut(t, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t/") {
			return nil, fmt.Errorf("line %d: expected \"name: message\"", n)
		}
		out = append(out, Line{N: n, From: name, Text: strings.TrimSpace(text)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return out, nil
}
