package report

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// barWidth is the number of cells of a text bar.
const barWidth = 10

// Markdown is the report as a short Markdown text in lang ("en" or "nl"; any other is
// English). titles gives a method id's title in lang (see Titles); nil shows the ids.
// Bars are in code blocks, so they line up in any chat.
func (r Report) Markdown(lang string, titles func(method string) string) string {
	w := wordsFor(lang)
	var b strings.Builder
	fmt.Fprintf(&b, "**%s %s** (%s – %s)\n\n", w.pick("Intervision in", "Intervisie in"),
		w.window(r.Window), w.date(r.From), w.date(r.To))
	if r.Sessions == 0 {
		b.WriteString(w.pick("No sessions in this period.", "Geen sessies in deze periode.") + "\n")
		return b.String()
	}
	fmt.Fprintf(&b, w.pick("%s, %s in all, %s a session (median).", "%s, samen %s, %s per sessie (mediaan).")+"\n\n",
		w.sessions(r.Sessions), w.duration(r.TotalMinutes), w.minutes(r.MedianMinutes))

	b.WriteString(w.pick("Methods", "Methoden") + "\n")
	rows := make([]barRow, len(r.Methods))
	for i, m := range r.Methods {
		rows[i] = barRow{name: methodTitle(m.Method, titles, w), n: m.Sessions}
	}
	writeBars(&b, rows, r.Sessions, true)

	r.writeThemes(&b, w)

	if r.Window.Monthly() {
		b.WriteString(w.pick("Per month", "Per maand") + "\n")
	} else {
		b.WriteString("Per week\n") // the same in both languages
	}
	rows = make([]barRow, len(r.Series))
	most := 0
	for i, s := range r.Series {
		rows[i] = barRow{name: w.bucket(s, r.Window.Monthly()), n: s.Sessions}
		most = max(most, s.Sessions)
	}
	writeBars(&b, rows, most, false)
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// writeThemes writes the theme bars and the themes left alone, or, below
// MinForThemes sessions, only why there are none.
func (r Report) writeThemes(b *strings.Builder, w words) {
	if !r.HasThemes() {
		fmt.Fprintf(b, w.pick("Fewer than %s in this period: the themes are left out, so that no single case can be recognised.",
			"Minder dan %s in deze periode: het overzicht laat de thema's weg, zodat geen enkele casus herkenbaar is.")+"\n\n", w.sessions(MinForThemes))
		return
	}
	b.WriteString(w.pick("Themes: sessions that looked at each", "Thema's: in hoeveel sessies ze aan bod kwamen") + "\n")
	rows := make([]barRow, len(r.Themes))
	for i, t := range r.Themes {
		rows[i] = barRow{name: ThemeName(t.Theme, w.pick("en", "nl")), n: t.Sessions}
	}
	writeBars(b, rows, r.Sessions, true)
	if len(r.Untouched) == 0 {
		b.WriteString(w.pick("Every theme was looked at.", "Elk thema is bekeken.") + "\n\n")
		return
	}
	fmt.Fprintf(b, "%s: %s — %s\n\n", w.pick("Not looked at", "Niet bekeken"), w.themeList(r.Untouched),
		w.pick("perhaps next time.", "misschien een volgende keer."))
}

func methodTitle(id string, titles func(string) string, w words) string {
	t := id
	if titles != nil {
		t = titles(id)
	}
	if t == "" {
		t = id
	}
	if t == "" {
		t = w.pick("other", "overig")
	}
	return t
}

type barRow struct {
	name string
	n    int
}

// writeBars writes rows as a code block of text bars scaled to full, each with
// "n/full" (of) or n.
func writeBars(b *strings.Builder, rows []barRow, full int, of bool) {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r.name))
	}
	b.WriteString("```\n")
	for _, r := range rows {
		b.WriteString(r.name)
		b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(r.name)+2))
		b.WriteString(bar(r.n, full))
		if of {
			fmt.Fprintf(b, " %d/%d\n", r.n, full)
		} else {
			fmt.Fprintf(b, " %d\n", r.n)
		}
	}
	b.WriteString("```\n\n")
}

// bar is n of full as barWidth cells, at least one filled when n > 0.
func bar(n, full int) string {
	filled := 0
	if full > 0 {
		filled = (n*barWidth*2 + full) / (full * 2) // rounded
	}
	if n > 0 && filled == 0 {
		filled = 1
	}
	filled = min(filled, barWidth)
	return strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
}
