package terminal

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

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

// maxLine is the most of one line that is kept (far over the engine's limit, so that
// an over-long message reaches the engine and gets its friendly answer); the rest of a
// longer line is read and dropped.
const maxLine = 1 << 20

// lineReader reads lines of any length, keeping at most maxLine bytes of each.
type lineReader struct{ r *bufio.Reader }

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: bufio.NewReaderSize(r, 64*1024)} }

// next returns the next line without its line ending; ok is false at the end of the
// input. A line longer than maxLine is cut at a character boundary.
func (l *lineReader) next() (line string, ok bool, err error) {
	var buf []byte
	read, cut := false, false
	for {
		chunk, err := l.r.ReadSlice('\n')
		read = read || len(chunk) > 0
		if room := maxLine - len(buf); len(chunk) > room {
			chunk, cut = chunk[:room], true
		}
		buf = append(buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && !read:
			return "", false, nil
		case err != nil && err != io.EOF:
			return "", false, err
		}
		if cut {
			buf = cutRune(buf)
		}
		buf = bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		return string(buf), true, nil
	}
}

// cutRune drops an incomplete character at the end of b, left by cutting a line.
func cutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// ClockName is the From of a clock line.
const ClockName = "clock"

// ParseTranscript reads lines of the form "name: message", and clock lines "@+DURATION"
// (a Go duration, or days and weeks: "@+9m", "@+2h", "@+15d"). Blank lines and lines
// starting with "#" are skipped. A malformed line is an error naming its number. A
// speaker's name is cleaned (bot.CleanName); a line over maxLine is cut, so that the
// engine answers it as too long.
func ParseTranscript(r io.Reader) ([]Line, error) {
	lr := newLineReader(r)
	var out []Line
	n := 0
	for {
		raw, ok, err := lr.next()
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if !ok {
			return out, nil
		}
		n++
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
		name = bot.CleanName(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t/") {
			return nil, fmt.Errorf("line %d: expected \"name: message\"", n)
		}
		out = append(out, Line{N: n, From: name, Text: strings.TrimSpace(text)})
	}
}
