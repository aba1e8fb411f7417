// Package report shows a team its own intervision practice over time: how many
// sessions, which methods, how long, and which of the nine themes the sessions looked
// at or left alone. It works on counts only: a session leaves a small anonymous Tag
// when it ends, never any text, and with fewer than MinForThemes sessions in a window
// the report leaves the themes out, so no single case can be recognised.
package report

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
)

// MinForThemes is the fewest sessions in a window for a theme breakdown. Below it the
// report has no themes at all.
const MinForThemes = 3

// Tag is what a session leaves when it ends: when, which method, how long and which
// themes it looked at. It holds no names, no case and no text.
type Tag struct {
	Ended   time.Time       `json:"e"`
	Method  string          `json:"m"`
	Minutes int             `json:"min"`
	Themes  []prompts.Theme `json:"t,omitempty"`
}

// Window is the period a report covers, counted back from now: a number of days or
// of years.
type Window struct {
	n     int
	years bool
}

// The usual windows.
var (
	Days30  = Window{n: 30}
	Days90  = Window{n: 90}
	OneYear = Window{n: 1, years: true}
)

// DefaultWindow is the window of a report when none is asked for.
var DefaultWindow = Days30

// ParseWindow reads a window such as "30d", "90d" or "1y" (any number of days from 1
// to 731, of years from 1 to 2; case and spaces do not matter). An empty s is the
// default, 30 days. It reports whether s is a window.
func ParseWindow(s string) (Window, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return DefaultWindow, true
	}
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 1 || strings.HasPrefix(s, "+") {
		return Window{}, false
	}
	switch {
	case unit == 'd' && n <= 731:
		return Window{n: n}, true
	case (unit == 'y' || unit == 'j') && n <= 2: // year, jaar
		return Window{n: n, years: true}, true
	}
	return Window{}, false
}

// String is the window as ParseWindow reads it, e.g. "90d".
func (w Window) String() string {
	if w.n == 0 {
		return DefaultWindow.String()
	}
	if w.years {
		return strconv.Itoa(w.n) + "y"
	}
	return strconv.Itoa(w.n) + "d"
}

// Monthly reports whether the window's time series is per month (windows of a year
// or more) rather than per week.
func (w Window) Monthly() bool { return w.years || w.n > 366 }

// Start is the moment the window begins when it ends at now.
func (w Window) Start(now time.Time) time.Time {
	if w.n == 0 {
		w = DefaultWindow
	}
	if w.years {
		return now.AddDate(-w.n, 0, 0)
	}
	return now.AddDate(0, 0, -w.n)
}

// MethodCount is how many sessions used a method.
type MethodCount struct {
	Method   string // method id
	Sessions int
}

// ThemeCount is how many sessions looked at a theme.
type ThemeCount struct {
	Theme    prompts.Theme
	Sessions int
}

// Bucket is one week or month of the time series: the sessions that ended in it.
type Bucket struct {
	Start    time.Time // Monday 00:00 of the week, or the first of the month, in now's location
	Sessions int
}

// Report is what a team's sessions in one window add up to.
type Report struct {
	Window   Window
	From, To time.Time // the window: sessions that ended after From and at or before To

	Sessions      int
	Methods       []MethodCount // most used first, then by id
	TotalMinutes  int
	MedianMinutes int // rounded to whole minutes; 0 without sessions

	// Themes has every theme of prompts.Themes in that order with the sessions that
	// looked at it, and Untouched the themes none looked at. Both are nil when the
	// window has fewer than MinForThemes sessions.
	Themes    []ThemeCount
	Untouched []prompts.Theme

	Series []Bucket // oldest first, per week or per month (Window.Monthly)
}

// HasThemes reports whether the report has a theme breakdown: the window has at
// least MinForThemes sessions.
func (r Report) HasThemes() bool { return r.Themes != nil }

// Build adds up the tags that ended in window w before now. Tags outside it are left
// out; a theme a tag names twice counts once, one not in prompts.Themes not at all.
func Build(tags []Tag, w Window, now time.Time) Report {
	if w.n == 0 {
		w = DefaultWindow
	}
	r := Report{Window: w, From: w.Start(now), To: now}
	var in []Tag
	for _, t := range tags {
		if t.Ended.After(r.From) && !t.Ended.After(now) {
			in = append(in, t)
		}
	}
	r.Sessions = len(in)
	r.Methods = countMethods(in)
	r.TotalMinutes, r.MedianMinutes = minutes(in)
	if r.Sessions >= MinForThemes {
		r.Themes, r.Untouched = countThemes(in)
	}
	r.Series = series(in, r.From, now, w.Monthly())
	return r
}

func countMethods(tags []Tag) []MethodCount {
	byID := map[string]int{}
	for _, t := range tags {
		byID[t.Method]++
	}
	out := make([]MethodCount, 0, len(byID))
	for id, n := range byID {
		out = append(out, MethodCount{Method: id, Sessions: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Sessions != out[j].Sessions {
			return out[i].Sessions > out[j].Sessions
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// minutes returns the total and the median of the sessions' minutes; a negative
// duration counts as 0.
func minutes(tags []Tag) (total, median int) {
	if len(tags) == 0 {
		return 0, 0
	}
	ms := make([]int, len(tags))
	for i, t := range tags {
		ms[i] = max(t.Minutes, 0)
		total += ms[i]
	}
	slices.Sort(ms)
	mid := len(ms) / 2
	if len(ms)%2 == 1 {
		return total, ms[mid]
	}
	return total, (ms[mid-1] + ms[mid] + 1) / 2
}

func countThemes(tags []Tag) ([]ThemeCount, []prompts.Theme) {
	counts := make([]ThemeCount, len(prompts.Themes))
	for i, th := range prompts.Themes {
		counts[i].Theme = th
	}
	for _, t := range tags {
		for i, th := range prompts.Themes {
			if slices.Contains(t.Themes, th) {
				counts[i].Sessions++
			}
		}
	}
	untouched := []prompts.Theme{}
	for _, c := range counts {
		if c.Sessions == 0 {
			untouched = append(untouched, c.Theme)
		}
	}
	return counts, untouched
}

// series counts the tags per calendar week (from Monday) or month, from the one that
// holds from to the one that holds now, in now's location.
func series(tags []Tag, from, now time.Time, monthly bool) []Bucket {
	loc := now.Location()
	start := func(t time.Time) time.Time {
		t = t.In(loc)
		if monthly {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		}
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, loc)
	}
	next := func(t time.Time) time.Time {
		if monthly {
			return t.AddDate(0, 1, 0)
		}
		return t.AddDate(0, 0, 7)
	}
	var out []Bucket
	for b := start(from); !b.After(now); b = next(b) {
		out = append(out, Bucket{Start: b})
	}
	for _, t := range tags {
		s := start(t.Ended)
		i := sort.Search(len(out), func(i int) bool { return !out[i].Start.Before(s) })
		if i < len(out) && out[i].Start.Equal(s) {
			out[i].Sessions++
		}
	}
	return out
}
