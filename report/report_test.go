package report

import (
	"bytes"
	"encoding/json"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone the test needs, whatever the machine has

	"github.com/intervision-bot/intervision/prompts"
)

var now = time.Date(2026, 4, 2, 15, 0, 0, 0, time.UTC) // a Thursday

// fixture is 40 tags in the last 90 days, one every two days back from now, and four
// outside it: one at the window's very start, two older, one in the future.
//
//	methods: balint 10, alact 10, gibbs 20
//	minutes: 30..69, total 1980, median (49+50)/2 → 50
//	themes:  goal-setting 27, informing 14, non-participation 13, motivating 13, the rest 0
func fixture() []Tag {
	var tags []Tag
	for i := range 40 {
		t := Tag{Ended: now.AddDate(0, 0, -2*i), Minutes: 30 + i}
		switch i % 4 {
		case 0:
			t.Method = "balint"
		case 1:
			t.Method = "alact"
		default:
			t.Method = "gibbs"
		}
		switch i % 3 {
		case 0:
			t.Themes = []prompts.Theme{prompts.ThemeGoalSetting, prompts.ThemeInforming}
		case 1: // a theme twice counts once
			t.Themes = []prompts.Theme{prompts.ThemeNonParticipation, prompts.ThemeGoalSetting, prompts.ThemeGoalSetting}
		default: // a theme that is not one of the nine counts not at all
			t.Themes = []prompts.Theme{prompts.ThemeMotivating, "no-such-theme"}
		}
		tags = append(tags, t)
	}
	all := prompts.Themes
	return append(tags,
		Tag{Ended: Days90.Start(now), Method: "balint", Minutes: 1000, Themes: all},
		Tag{Ended: now.AddDate(0, 0, -91), Method: "balint", Minutes: 1000, Themes: all},
		Tag{Ended: now.AddDate(-2, 0, 0), Method: "outside", Minutes: 1000, Themes: all},
		Tag{Ended: now.Add(time.Hour), Method: "future", Minutes: 1000, Themes: all},
	)
}

var titles = map[string][2]string{
	"balint": {"Balint group", "Balintgroep"},
	"alact":  {"ALACT cycle", "ALACT-cyclus"},
	"gibbs":  {"Gibbs cycle", "Gibbscyclus"},
}

func titlesIn(lang string) func(string) string {
	return func(id string) string {
		if lang == "nl" {
			return titles[id][1]
		}
		return titles[id][0]
	}
}

func TestBuild(t *testing.T) {
	r := Build(fixture(), Days90, now)
	if r.Sessions != 40 {
		t.Fatalf("sessions = %d, want 40", r.Sessions)
	}
	wantMethods := []MethodCount{{"gibbs", 20}, {"alact", 10}, {"balint", 10}}
	if !slices.Equal(r.Methods, wantMethods) {
		t.Errorf("methods = %v, want %v", r.Methods, wantMethods)
	}
	if r.TotalMinutes != 1980 || r.MedianMinutes != 50 {
		t.Errorf("minutes = %d total, %d median; want 1980, 50", r.TotalMinutes, r.MedianMinutes)
	}
	want := map[prompts.Theme]int{
		prompts.ThemeGoalSetting: 27, prompts.ThemeInforming: 14, prompts.ThemeNonParticipation: 13, prompts.ThemeMotivating: 13,
	}
	if len(r.Themes) != len(prompts.Themes) {
		t.Fatalf("themes = %v, want all nine", r.Themes)
	}
	for i, c := range r.Themes {
		if c.Theme != prompts.Themes[i] || c.Sessions != want[c.Theme] {
			t.Errorf("themes[%d] = %v, want %s %d", i, c, prompts.Themes[i], want[prompts.Themes[i]])
		}
	}
	wantUntouched := []prompts.Theme{prompts.ThemeDecisionMaking, prompts.ThemeInstructing, prompts.ThemeFrontBackStage,
		prompts.ThemeContext, prompts.ThemeStrengthsSafety}
	if !slices.Equal(r.Untouched, wantUntouched) {
		t.Errorf("untouched = %v, want %v", r.Untouched, wantUntouched)
	}
	if !r.HasThemes() {
		t.Error("HasThemes = false with 40 sessions")
	}
	if !r.From.Equal(now.AddDate(0, 0, -90)) || !r.To.Equal(now) {
		t.Errorf("window = %v – %v", r.From, r.To)
	}
}

func TestBuildSeries(t *testing.T) {
	for _, tc := range []struct {
		w       Window
		buckets int
		first   time.Time
	}{
		{Days30, 5, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},    // 3 March is a Tuesday
		{Days90, 14, time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC)}, // 2 January is a Friday
		{OneYear, 13, time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
	} {
		r := Build(fixture(), tc.w, now)
		if len(r.Series) != tc.buckets || !r.Series[0].Start.Equal(tc.first) {
			t.Errorf("%s: %d buckets from %v, want %d from %v", tc.w, len(r.Series), r.Series[0].Start, tc.buckets, tc.first)
		}
		sum := 0
		for i, b := range r.Series {
			sum += b.Sessions
			if i > 0 && !b.Start.After(r.Series[i-1].Start) {
				t.Errorf("%s: bucket %d not after the one before", tc.w, i)
			}
		}
		if sum != r.Sessions {
			t.Errorf("%s: series adds up to %d, sessions %d", tc.w, sum, r.Sessions)
		}
	}
	if r := Build(fixture(), Days30, now); r.Sessions != 15 { // 0, 2, ..., 28 days back
		t.Errorf("30d sessions = %d, want 15", r.Sessions)
	}
	if r := Build(fixture(), OneYear, now); r.Sessions != 42 { // and the two at 90 and 91 days
		t.Errorf("1y sessions = %d, want 42", r.Sessions)
	}
}

func TestBuildSeriesInNowsLocation(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal("time zone data:", err)
	}
	local := now.In(ams)
	// Sunday 29 March 23:30 in Amsterdam is still the week of 23 March there.
	sunday := time.Date(2026, 3, 29, 23, 30, 0, 0, ams)
	r := Build([]Tag{{Ended: sunday, Method: "balint", Minutes: 10}}, Days30, local)
	last := r.Series[len(r.Series)-1]
	prev := r.Series[len(r.Series)-2]
	if last.Sessions != 0 || prev.Sessions != 1 || prev.Start.Day() != 23 || prev.Start.Location() != ams {
		t.Errorf("series = %v", r.Series)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		minutes      []int
		total, media int
	}{
		{nil, 0, 0},
		{[]int{40}, 40, 40},
		{[]int{50, 10, 30}, 90, 30},
		{[]int{10, 20}, 30, 15},
		{[]int{10, 21}, 31, 16}, // 15.5 rounds up
		{[]int{-5, 20, 0}, 20, 0},
	} {
		var tags []Tag
		for _, m := range tc.minutes {
			tags = append(tags, Tag{Ended: now, Minutes: m})
		}
		r := Build(tags, Days30, now)
		if r.TotalMinutes != tc.total || r.MedianMinutes != tc.media {
			t.Errorf("%v: total %d median %d, want %d %d", tc.minutes, r.TotalMinutes, r.MedianMinutes, tc.total, tc.media)
		}
	}
}

// allThemeWords are the theme ids and their names in both languages.
func allThemeWords() []string {
	var out []string
	for _, th := range prompts.Themes {
		out = append(out, string(th), ThemeName(th, "en"), ThemeName(th, "nl"))
	}
	return out
}

func TestFewerThanMinForThemes(t *testing.T) {
	tags := []Tag{
		{Ended: now.Add(-time.Hour), Method: "balint", Minutes: 45, Themes: prompts.Themes},
		{Ended: now.AddDate(0, 0, -3), Method: "gibbs", Minutes: 60, Themes: []prompts.Theme{prompts.ThemeContext}},
	}
	r := Build(tags, Days30, now)
	if r.Sessions != 2 || r.HasThemes() || r.Themes != nil || r.Untouched != nil {
		t.Fatalf("report with 2 sessions = %+v, want no themes", r)
	}
	for _, lang := range []string{"en", "nl"} {
		md := r.Markdown(lang, titlesIn(lang))
		_, alt, err := r.PNG(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, word := range allThemeWords() {
			if strings.Contains(md, word) || strings.Contains(alt, word) {
				t.Errorf("%s: %q in a report of 2 sessions:\n%s\n%s", lang, word, md, alt)
			}
		}
	}
	if md := r.Markdown("en", nil); !strings.Contains(md, "Fewer than 3 sessions in this period: the themes are left out, so that no single case can be recognised.") {
		t.Errorf("en says nothing of the left-out themes:\n%s", md)
	}
	if md := r.Markdown("nl", nil); !strings.Contains(md, "Minder dan 3 sessies in deze periode: het overzicht laat de thema's weg, zodat geen enkele casus herkenbaar is.") {
		t.Errorf("nl says nothing of the left-out themes:\n%s", md)
	}
	if r := Build(append(tags, Tag{Ended: now, Method: "alact", Minutes: 30}), Days30, now); !r.HasThemes() {
		t.Error("3 sessions: no themes")
	}
}

func TestMarkdownEnglish(t *testing.T) {
	md := Build(fixture(), Days90, now).Markdown("en", titlesIn("en"))
	for _, want := range []string{
		"**Intervision in the last 90 days** (2 January 2026 – 2 April 2026)\n",
		"40 sessions, 33 hours in all, 50 minutes a session (median).\n",
		"Methods\n```\nGibbs cycle   █████░░░░░ 20/40\nALACT cycle   ███░░░░░░░ 10/40\nBalint group  ███░░░░░░░ 10/40\n```\n",
		"Themes: sessions that looked at each\n```\n",
		"goals and plans            ███████░░░ 27/40\n",
		"parents not taking part    ███░░░░░░░ 13/40\n",
		"who decides                ░░░░░░░░░░ 0/40\n",
		"Not looked at: who decides, instructing, file versus kitchen table, context, strengths and safety — perhaps next time.\n",
		"Per week\n```\nweek of 29 Dec  ",
		"week of 30 Mar  ",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
}

func TestMarkdownDutch(t *testing.T) {
	md := Build(fixture(), Days90, now).Markdown("nl", titlesIn("nl"))
	for _, want := range []string{
		"**Intervisie in de afgelopen 90 dagen** (2 januari 2026 – 2 april 2026)\n",
		"40 sessies, samen 33 uur, 50 minuten per sessie (mediaan).\n",
		"Methoden\n```\nGibbscyclus   █████░░░░░ 20/40\nALACT-cyclus  ███░░░░░░░ 10/40\nBalintgroep   ███░░░░░░░ 10/40\n```\n",
		"Thema's: in hoeveel sessies ze aan bod kwamen\n```\n",
		"doelen en plannen        ███████░░░ 27/40\n",
		"ouders die niet meedoen  ███░░░░░░░ 13/40\n",
		"Niet bekeken: wie beslist, instrueren, dossier en keukentafel, context, krachten en veiligheid — misschien een volgende keer.\n",
		"Per week\n```\nweek van 29 dec  ",
		"week van 30 mrt  ",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	for _, english := range []string{"session", "theme", "Theme", "median", "Not looked", "perhaps", "in all", "the last", "week of", "goals", "parents", "who decides", "March", "Dec"} {
		if strings.Contains(md, english) {
			t.Errorf("English %q in the Dutch report:\n%s", english, md)
		}
	}
}

// TestMarkdownSmall pins a whole short report in both languages.
func TestMarkdownSmall(t *testing.T) {
	tags := []Tag{
		{Ended: now.Add(-time.Hour), Method: "balint", Minutes: 50, Themes: []prompts.Theme{prompts.ThemeGoalSetting}},
		{Ended: now.AddDate(0, 0, -8), Method: "balint", Minutes: 40, Themes: prompts.Themes[:8]},
		{Ended: now.AddDate(0, 0, -20), Method: "gibbs", Minutes: 61, Themes: []prompts.Theme{prompts.ThemeContext}},
	}
	r := Build(tags, Days30, now)
	en := "**Intervision in the last 30 days** (3 March 2026 – 2 April 2026)\n\n" +
		"3 sessions, 2 hours and 31 minutes in all, 50 minutes a session (median).\n\n" +
		"Methods\n```\nBalint group  ███████░░░ 2/3\nGibbs cycle   ███░░░░░░░ 1/3\n```\n\n" +
		"Themes: sessions that looked at each\n```\n" +
		"goals and plans            ███████░░░ 2/3\n" +
		"parents not taking part    ███░░░░░░░ 1/3\n" +
		"who decides                ███░░░░░░░ 1/3\n" +
		"informing                  ███░░░░░░░ 1/3\n" +
		"instructing                ███░░░░░░░ 1/3\n" +
		"motivating                 ███░░░░░░░ 1/3\n" +
		"file versus kitchen table  ███░░░░░░░ 1/3\n" +
		"context                    ███████░░░ 2/3\n" +
		"strengths and safety       ░░░░░░░░░░ 0/3\n```\n\n" +
		"Not looked at: strengths and safety — perhaps next time.\n\n" +
		"Per week\n```\n" +
		"week of 2 Mar   ░░░░░░░░░░ 0\n" +
		"week of 9 Mar   ██████████ 1\n" +
		"week of 16 Mar  ░░░░░░░░░░ 0\n" +
		"week of 23 Mar  ██████████ 1\n" +
		"week of 30 Mar  ██████████ 1\n```\n"
	if got := r.Markdown("en", titlesIn("en")); got != en {
		t.Errorf("en =\n%s\nwant\n%s", got, en)
	}
	nl := "**Intervisie in de afgelopen 30 dagen** (3 maart 2026 – 2 april 2026)\n\n" +
		"3 sessies, samen 2 uur en 31 minuten, 50 minuten per sessie (mediaan).\n\n" +
		"Methoden\n```\nBalintgroep  ███████░░░ 2/3\nGibbscyclus  ███░░░░░░░ 1/3\n```\n\n" +
		"Thema's: in hoeveel sessies ze aan bod kwamen\n```\n" +
		"doelen en plannen        ███████░░░ 2/3\n" +
		"ouders die niet meedoen  ███░░░░░░░ 1/3\n" +
		"wie beslist              ███░░░░░░░ 1/3\n" +
		"informeren               ███░░░░░░░ 1/3\n" +
		"instrueren               ███░░░░░░░ 1/3\n" +
		"motiveren                ███░░░░░░░ 1/3\n" +
		"dossier en keukentafel   ███░░░░░░░ 1/3\n" +
		"context                  ███████░░░ 2/3\n" +
		"krachten en veiligheid   ░░░░░░░░░░ 0/3\n```\n\n" +
		"Niet bekeken: krachten en veiligheid — misschien een volgende keer.\n\n" +
		"Per week\n```\n" +
		"week van 2 mrt   ░░░░░░░░░░ 0\n" +
		"week van 9 mrt   ██████████ 1\n" +
		"week van 16 mrt  ░░░░░░░░░░ 0\n" +
		"week van 23 mrt  ██████████ 1\n" +
		"week van 30 mrt  ██████████ 1\n```\n"
	if got := r.Markdown("nl", titlesIn("nl")); got != nl {
		t.Errorf("nl =\n%s\nwant\n%s", got, nl)
	}
}

func TestMarkdownEdges(t *testing.T) {
	empty := Build(nil, OneYear, now)
	if got, want := empty.Markdown("en", nil), "**Intervision in the last year** (2 April 2025 – 2 April 2026)\n\nNo sessions in this period.\n"; got != want {
		t.Errorf("empty en = %q, want %q", got, want)
	}
	if got := empty.Markdown("nl", nil); !strings.Contains(got, "het afgelopen jaar") || !strings.Contains(got, "Geen sessies in deze periode.") {
		t.Errorf("empty nl = %q", got)
	}
	all := []Tag{{Ended: now, Method: "x", Minutes: 1, Themes: prompts.Themes}, {Ended: now, Minutes: 1}, {Ended: now, Method: "x", Minutes: 1}}
	r := Build(all, OneYear, now)
	md := r.Markdown("en", nil)
	for _, want := range []string{"Every theme was looked at.", "x      ███████░░░ 2/3", "other  ███░░░░░░░ 1/3", "Per month\n```\nApril 2025  ", "1 minute a session"} {
		if !strings.Contains(md, want) {
			t.Errorf("no %q in\n%s", want, md)
		}
	}
	if md := r.Markdown("NL", nil); !strings.Contains(md, "Elk thema is bekeken.") || !strings.Contains(md, "overig") || !strings.Contains(md, "Per maand\n```\napril 2025  ") {
		t.Errorf("nl:\n%s", md)
	}
	if md := r.Markdown("de", nil); !strings.Contains(md, "Intervision in") {
		t.Errorf("an unknown language is not English:\n%s", md)
	}
}

func TestTitles(t *testing.T) {
	lib := prompts.MustBuiltin()
	m := lib.Methods()[0]
	if got := Titles(lib, "nl")(m.ID); got != m.Title.In("nl") {
		t.Errorf("title = %q, want %q", got, m.Title.In("nl"))
	}
	if got := Titles(lib, "en")("no-such-method"); got != "no-such-method" {
		t.Errorf("unknown method title = %q", got)
	}
	if got := Titles(nil, "en")("x"); got != "x" {
		t.Errorf("nil library title = %q", got)
	}
}

func TestThemeNames(t *testing.T) {
	for _, th := range prompts.Themes {
		en, nl := ThemeName(th, "en"), ThemeName(th, "nl")
		if en == string(th) && th != prompts.ThemeContext && th != prompts.ThemeInforming &&
			th != prompts.ThemeInstructing && th != prompts.ThemeMotivating {
			t.Errorf("%s has no English name", th)
		}
		if nl == "" || (nl == en && th != prompts.ThemeContext) {
			t.Errorf("%s has no Dutch name", th)
		}
	}
	if got := ThemeName("no-such-theme", "nl"); got != "no-such-theme" {
		t.Errorf("unknown theme name = %q", got)
	}
}

func TestPNG(t *testing.T) {
	themes := Build(fixture(), Days90, now)
	few := Build(fixture()[:2], Days90, now)
	for _, tc := range []struct {
		name string
		r    Report
		lang string
		alt  []string
	}{
		{"themes en", themes, "en", []string{
			"Bar chart of how many of the 40 sessions in the last 90 days looked at each theme: ",
			"goals and plans 27, parents not taking part 13, who decides 0, informing 14, ", "strengths and safety 0.",
		}},
		{"themes nl", themes, "nl", []string{
			"Staafdiagram van het aantal sessies per thema in de afgelopen 90 dagen (40 sessies in totaal): ",
			"doelen en plannen 27, ouders die niet meedoen 13, wie beslist 0, informeren 14, ", "krachten en veiligheid 0.",
		}},
		{"series en", few, "en", []string{
			"Bar chart of sessions per week in the last 90 days, 2 in all: week of 29 Dec 0, ", "week of 23 Mar 0, week of 30 Mar 2.",
		}},
		{"series nl", few, "nl", []string{
			"Staafdiagram van sessies per week in de afgelopen 90 dagen, 2 in totaal: week van 29 dec 0, ", "week van 30 mrt 2.",
		}},
		{"months", Build(fixture()[:1], OneYear, now), "en", []string{"per month in the last year, 1 in all: April 2025 0, ", "April 2026 1."}},
		{"empty", Build(nil, Days30, now), "nl", []string{"0 in totaal"}},
		{"two years", Build(fixture()[:2], Window{n: 2, years: true}, now), "en", []string{"the last 2 years"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, alt, err := tc.r.PNG(tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if s := img.Bounds().Size(); s.X != 800 || s.Y != 500 {
				t.Errorf("size = %v, want 800×500", s)
			}
			for _, want := range tc.alt {
				if !strings.Contains(alt, want) {
					t.Errorf("alt %q lacks %q", alt, want)
				}
			}
			again, alt2, _ := tc.r.PNG(tc.lang)
			if !bytes.Equal(b, again) || alt != alt2 {
				t.Error("the same report drew a different chart")
			}
		})
	}
}

func TestParseWindow(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "30d", true},
		{"30d", "30d", true},
		{"90d", "90d", true},
		{"1y", "1y", true},
		{" 1Y ", "1y", true},
		{"7D", "7d", true},
		{"731d", "731d", true},
		{"2y", "2y", true},
		{"1j", "1y", true}, // jaar: the Dutch report.how says `overzicht 1j`
		{"2J", "2y", true},
		{"3j", "", false},
		{"0d", "", false},
		{"-30d", "", false},
		{"+30d", "", false},
		{"732d", "", false},
		{"3y", "", false},
		{"30", "", false},
		{"d", "", false},
		{"1w", "", false},
		{"30 days", "", false},
		{"1.5y", "", false},
	} {
		w, ok := ParseWindow(tc.in)
		if ok != tc.ok || (ok && w.String() != tc.want) {
			t.Errorf("ParseWindow(%q) = %v, %v; want %q, %v", tc.in, w, ok, tc.want, tc.ok)
		}
	}
	if w, _ := ParseWindow("1y"); !w.Monthly() || w != OneYear {
		t.Error("1y is not monthly")
	}
	if w, _ := ParseWindow("90d"); w.Monthly() || w != Days90 {
		t.Error("90d is monthly")
	}
	if (Window{}).String() != "30d" || !(Window{}).Start(now).Equal(Days30.Start(now)) {
		t.Error("the zero window is not the default")
	}
	if r := Build(nil, Window{}, now); r.Window != Days30 {
		t.Errorf("zero window built %v", r.Window)
	}
}

func TestTagJSON(t *testing.T) {
	b, err := json.Marshal(Tag{Ended: now, Method: "balint", Minutes: 45, Themes: []prompts.Theme{prompts.ThemeContext}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"e":"2026-04-02T15:00:00Z","m":"balint","min":45,"t":["context"]}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back Tag
	if err := json.Unmarshal(b, &back); err != nil || !back.Ended.Equal(now) || back.Themes[0] != prompts.ThemeContext {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestBar(t *testing.T) {
	for _, tc := range []struct {
		n, full int
		want    string
	}{
		{0, 9, "░░░░░░░░░░"},
		{4, 9, "████░░░░░░"},
		{9, 9, "██████████"},
		{1, 100, "█░░░░░░░░░"},
		{3, 0, "█░░░░░░░░░"},
		{12, 10, "██████████"},
	} {
		if got := bar(tc.n, tc.full); got != tc.want {
			t.Errorf("bar(%d, %d) = %s, want %s", tc.n, tc.full, got, tc.want)
		}
	}
}

func TestIntegerTicks(t *testing.T) {
	for _, tc := range []struct {
		hi   float64
		want []float64
	}{
		{1.08, []float64{0, 1}},
		{6.48, []float64{0, 1, 2, 3, 4, 5, 6}},
		{43.2, []float64{0, 10, 20, 30, 40}},
		{110, []float64{0, 20, 40, 60, 80, 100}},
	} {
		var got []float64
		for _, tk := range integerTicks(0, tc.hi) {
			got = append(got, tk.Value)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ticks to %v = %v, want %v", tc.hi, got, tc.want)
		}
	}
}
