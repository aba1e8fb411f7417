package report

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The chart is 600×375 points at 96 dots per inch: 800×500 pixels.
const (
	chartDPI    = 96
	chartWidth  = vg.Length(600) // points
	chartHeight = vg.Length(375)
	chartMargin = vg.Length(12) // points around the plot
	maxXLabels  = 14            // a longer series labels every second (third, ...) bar
)

var barColor = color.RGBA{R: 0x3b, G: 0x6e, B: 0xa8, A: 0xff}

// PNG draws the report as an 800×500 PNG chart in lang ("en" or "nl"): a horizontal
// bar chart of the sessions per theme, or, with fewer than MinForThemes sessions, of
// the sessions per week or month. alt says in words what the chart shows, counts
// included. The same report gives the same bytes.
func (r Report) PNG(lang string) (png []byte, alt string, err error) {
	w := wordsFor(lang)
	var p *plot.Plot
	if r.HasThemes() {
		p, err = r.themeChart(w)
		alt = r.themeAlt(w)
	} else {
		p, err = r.seriesChart(w)
		alt = r.seriesAlt(w)
	}
	if err != nil {
		return nil, "", fmt.Errorf("report: chart: %w", err)
	}
	c := vgimg.NewWith(vgimg.UseWH(chartWidth, chartHeight), vgimg.UseDPI(chartDPI))
	p.Draw(draw.Crop(draw.New(c), chartMargin, -chartMargin, chartMargin, -chartMargin))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, "", fmt.Errorf("report: chart: %w", err)
	}
	return buf.Bytes(), alt, nil
}

func (r Report) themeChart(w words) (*plot.Plot, error) {
	n := len(r.Themes)
	values := make(plotter.Values, n)
	names := make([]string, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	most := 0
	for i, t := range r.Themes {
		j := n - 1 - i // the first theme on top
		values[j] = float64(t.Sessions)
		names[j] = ThemeName(t.Theme, w.pick("en", "nl"))
		labels.XYs[j] = plotter.XY{X: float64(t.Sessions), Y: float64(j)}
		labels.Labels[j] = strconv.Itoa(t.Sessions)
		most = max(most, t.Sessions)
	}
	p := newPlot(fmt.Sprintf("%s, %s (%s)", w.pick("Sessions per theme", "Sessies per thema"),
		w.window(r.Window), w.sessions(r.Sessions)))
	p.X.Label.Text = w.pick("sessions that looked at the theme", "sessies waarin het thema aan bod kwam")
	bars, err := plotter.NewBarChart(values, vg.Points(22))
	if err != nil {
		return nil, err
	}
	bars.Horizontal = true
	bars.Color = barColor
	bars.LineStyle.Width = 0
	vl, err := valueLabels(labels, vg.Point{X: vg.Points(4)}, draw.XLeft, draw.YCenter)
	if err != nil {
		return nil, err
	}
	p.Add(bars, vl)
	p.NominalY(names...)
	p.X.Min, p.X.Max = 0, float64(max(most, 1))*1.08
	p.X.Tick.Marker = plot.TickerFunc(integerTicks)
	return p, nil
}

func (r Report) seriesChart(w words) (*plot.Plot, error) {
	n := len(r.Series)
	monthly := r.Window.Monthly()
	values := make(plotter.Values, n)
	names := make([]string, n)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, n), Labels: make([]string, n)}
	every := (n + maxXLabels - 1) / maxXLabels
	most := 0
	for i, b := range r.Series {
		values[i] = float64(b.Sessions)
		if (n-1-i)%every == 0 { // keep the latest bucket labelled
			names[i] = w.shortBucket(b, monthly)
		}
		labels.XYs[i] = plotter.XY{X: float64(i), Y: float64(b.Sessions)}
		labels.Labels[i] = strconv.Itoa(b.Sessions)
		most = max(most, b.Sessions)
	}
	per := w.pick("Sessions per week", "Sessies per week")
	if monthly {
		per = w.pick("Sessions per month", "Sessies per maand")
	}
	p := newPlot(fmt.Sprintf("%s, %s (%s)", per, w.window(r.Window), w.sessions(r.Sessions)))
	p.Y.Label.Text = w.pick("sessions", "sessies")
	width := min(vg.Points(30), chartWidth*0.6/vg.Length(max(n, 1)))
	bars, err := plotter.NewBarChart(values, width)
	if err != nil {
		return nil, err
	}
	bars.Color = barColor
	bars.LineStyle.Width = 0
	vl, err := valueLabels(labels, vg.Point{Y: vg.Points(3)}, draw.XCenter, draw.YBottom)
	if err != nil {
		return nil, err
	}
	p.Add(bars, vl)
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, float64(max(most, 1))*1.12
	p.Y.Tick.Marker = plot.TickerFunc(integerTicks)
	return p, nil
}

func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Title.Padding = vg.Points(10)
	return p
}

// valueLabels writes each bar's count next to it.
func valueLabels(d plotter.XYLabels, off vg.Point, x draw.XAlignment, y draw.YAlignment) (*plotter.Labels, error) {
	l, err := plotter.NewLabels(d)
	if err != nil {
		return nil, err
	}
	l.Offset = off
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = x
		l.TextStyle[i].YAlign = y
	}
	return l, nil
}

// integerTicks marks whole numbers of sessions from 0, at most about 8 of them.
func integerTicks(lo, hi float64) []plot.Tick {
	step := 1
	for float64(step)*8 < hi-lo {
		switch s := strconv.Itoa(step); s[0] {
		case '1', '5':
			step *= 2
		default: // 2 → 5, 20 → 50
			step = step * 5 / 2
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/float64(step)) * float64(step); v <= hi; v += float64(step) {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}

func (r Report) themeAlt(w words) string {
	parts := make([]string, len(r.Themes))
	for i, t := range r.Themes {
		parts[i] = fmt.Sprintf("%s %d", ThemeName(t.Theme, w.pick("en", "nl")), t.Sessions)
	}
	return fmt.Sprintf(w.pick("Bar chart of how many of the %s in %s looked at each theme: %s.",
		"Staafdiagram van het aantal sessies per thema in %[2]s (%[1]s in totaal): %[3]s."),
		w.sessions(r.Sessions), w.window(r.Window), strings.Join(parts, ", "))
}

func (r Report) seriesAlt(w words) string {
	monthly := r.Window.Monthly()
	parts := make([]string, len(r.Series))
	for i, b := range r.Series {
		parts[i] = fmt.Sprintf("%s %d", w.bucket(b, monthly), b.Sessions)
	}
	per := "week"
	if monthly {
		per = w.pick("month", "maand")
	}
	return fmt.Sprintf(w.pick("Bar chart of sessions per %s in %s, %d in all: %s.",
		"Staafdiagram van sessies per %s in %s, %d in totaal: %s."),
		per, w.window(r.Window), r.Sessions, strings.Join(parts, ", "))
}
