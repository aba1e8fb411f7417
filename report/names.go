package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/intervision-bot/intervision/prompts"
)

// themeNames are the themes as a team reads them, in English and Dutch.
var themeNames = map[prompts.Theme][2]string{
	prompts.ThemeGoalSetting:      {"goals and plans", "doelen en plannen"},
	prompts.ThemeNonParticipation: {"parents not taking part", "ouders die niet meedoen"},
	prompts.ThemeDecisionMaking:   {"who decides", "wie beslist"},
	prompts.ThemeInforming:        {"informing", "informeren"},
	prompts.ThemeInstructing:      {"instructing", "instrueren"},
	prompts.ThemeMotivating:       {"motivating", "motiveren"},
	prompts.ThemeFrontBackStage:   {"file versus kitchen table", "dossier en keukentafel"},
	prompts.ThemeContext:          {"context", "context"},
	prompts.ThemeStrengthsSafety:  {"strengths and safety", "krachten en veiligheid"},
}

// ThemeName is the human name of theme t in lang ("en" or "nl"; any other is
// English). A theme without a name is its id.
func ThemeName(t prompts.Theme, lang string) string {
	n, ok := themeNames[t]
	if !ok {
		return string(t)
	}
	if isDutch(lang) {
		return n[1]
	}
	return n[0]
}

// Titles returns a titles function for Markdown: a method id's title in lang from
// lib, or the id for a method lib does not have.
func Titles(lib *prompts.Library, lang string) func(method string) string {
	return func(id string) string {
		if lib != nil {
			if m, ok := lib.Method(id); ok {
				if t := m.Title.In(lang); t != "" {
					return t
				}
			}
		}
		return id
	}
}

func isDutch(lang string) bool {
	l, ok := prompts.ParseLanguage(lang)
	return ok && l == prompts.Dutch
}

var monthNames = [2][12]string{
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
}

// words holds the sentences of a report in one language.
type words struct {
	dutch bool
}

func wordsFor(lang string) words { return words{dutch: isDutch(lang)} }

func (w words) pick(en, nl string) string {
	if w.dutch {
		return nl
	}
	return en
}

// sessions is "1 session" or "n sessions".
func (w words) sessions(n int) string {
	return prompts.Count(n, w.pick("1 session", "1 sessie"), w.pick("{n} sessions", "{n} sessies"))
}

// window is "the last 30 days" or "the last year".
func (w words) window(win Window) string {
	unit := w.pick("days", "dagen")
	if win.years {
		unit = w.pick("years", "jaar")
		if win.n == 1 {
			return w.pick("the last year", "het afgelopen jaar")
		}
	} else if win.n == 1 {
		return w.pick("the last day", "de afgelopen dag")
	}
	return fmt.Sprintf("%s %d %s", w.pick("the last", "de afgelopen"), win.n, unit)
}

func (w words) month(m time.Month) string {
	i := 0
	if w.dutch {
		i = 1
	}
	return monthNames[i][m-1]
}

// date is "3 March 2026" or "3 maart 2026".
func (w words) date(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), w.month(t.Month()), t.Year())
}

// shortDate is "3 Mar" or "3 mrt" (the short Dutch month names: jan, feb, mrt, ...).
func (w words) shortDate(t time.Time) string {
	m := w.month(t.Month())
	if w.dutch && t.Month() == time.March {
		return fmt.Sprintf("%d mrt", t.Day())
	}
	return fmt.Sprintf("%d %s", t.Day(), m[:3])
}

// bucket names one bucket of the series: "week of 3 Mar" or "March 2026".
func (w words) bucket(b Bucket, monthly bool) string {
	if monthly {
		return fmt.Sprintf("%s %d", w.month(b.Start.Month()), b.Start.Year())
	}
	return w.pick("week of ", "week van ") + w.shortDate(b.Start)
}

// shortBucket is a bucket's label under a chart bar: "3 Mar" or "Mar 26".
func (w words) shortBucket(b Bucket, monthly bool) string {
	if monthly {
		m := w.month(b.Start.Month())
		if w.dutch && b.Start.Month() == time.March {
			m = "mrt"
		}
		return fmt.Sprintf("%s %02d", m[:3], b.Start.Year()%100)
	}
	return w.shortDate(b.Start)
}

// duration is "9 hours and 30 minutes" or "9 uur en 30 minuten".
func (w words) duration(min int) string {
	h, m := min/60, min%60
	hours := prompts.Count(h, w.pick("1 hour", "1 uur"), w.pick("{n} hours", "{n} uur"))
	switch {
	case h == 0:
		return w.minutes(m)
	case m == 0:
		return hours
	}
	return hours + w.pick(" and ", " en ") + w.minutes(m)
}

func (w words) minutes(m int) string {
	return prompts.Count(m, w.pick("1 minute", "1 minuut"), w.pick("{n} minutes", "{n} minuten"))
}

// themeList joins theme names with commas (the names themselves hold "and").
func (w words) themeList(ts []prompts.Theme) string {
	lang := w.pick("en", "nl")
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = ThemeName(t, lang)
	}
	return strings.Join(names, ", ")
}
