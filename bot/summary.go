package bot

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intervision-bot/intervision/prompts"
)

// This file is the session summary: a document worth keeping. It opens with what the
// case bringer takes away and their next step, then gives per phase the bot's questions
// with the answers that followed, and ends with a mirror of the themes the session
// looked at and left alone. It is kept as a structured document (doc), so that forget
// can take one person's lines out of a kept summary, and rendered as Markdown.

// doc is a session summary.
type doc struct {
	Method   string     `json:"method"` // title in the session's language
	Date     string     `json:"date"`
	Lang     string     `json:"lang"`
	People   []docName  `json:"people,omitempty"`
	Takeaway []docLine  `json:"takeaway,omitempty"`
	NextStep []docLine  `json:"next_step,omitempty"`
	CheckIn  string     `json:"check_in,omitempty"` // the check-in date, when one is planned
	Phases   []docPhase `json:"phases,omitempty"`
	Looked   []string   `json:"looked,omitempty"` // theme ids the session looked at
	Solo     bool       `json:"solo,omitempty"`
}

// docName is a member named in the summary, with their role.
type docName struct {
	User    string `json:"u"`
	Name    string `json:"n"`
	Bringer bool   `json:"b,omitempty"`
}

// docPhase is one phase of the summary.
type docPhase struct {
	Title string    `json:"title"`
	Lines []docLine `json:"lines"`
}

// docLine is a bot question (no User) or a member's contribution.
type docLine struct {
	User string `json:"u,omitempty"`
	Name string `json:"n,omitempty"`
	Text string `json:"t"`
}

// askedQuestion is a reflective question the bot asked, where in the conversation.
type askedQuestion struct {
	Phase string `json:"phase"`
	Text  string `json:"text"`
	// After is how many contributions there were when it was asked: it belongs before
	// the contribution at that index.
	After int `json:"after"`
}

// buildDoc makes the summary document of the session as it closes.
func (tr *turn) buildDoc() *doc {
	s := tr.sess
	d := &doc{Method: tr.methodTitle(), Date: s.Started.Time().Format("2006-01-02"), Lang: tr.lang, Solo: tr.solo()}
	for _, m := range s.Members {
		d.People = append(d.People, docName{User: m.ID, Name: m.Name, Bringer: m.ID == s.Bringer})
	}
	for _, ph := range tr.phases() {
		lines := tr.phaseLines(ph.ID)
		if len(lines) == 0 {
			continue
		}
		if ph.Stage != prompts.StageTakeaway && ph.Stage != prompts.StageNextStep {
			d.Phases = append(d.Phases, docPhase{Title: ph.Title.In(tr.lang), Lines: lines})
			continue
		}
		head := tr.headLines(ph)
		if ph.Stage == prompts.StageTakeaway {
			d.Takeaway = head
		} else {
			d.NextStep = head
		}
		if len(head) < len(contributionsOnly(slices.Clone(lines))) {
			// the head left fillers out: the phase's full record keeps every word
			d.Phases = append(d.Phases, docPhase{Title: ph.Title.In(tr.lang), Lines: lines})
		}
	}
	if at, ok := tr.checkInAt(); ok && len(d.NextStep) > 0 {
		d.CheckIn = at.Format("2006-01-02")
	}
	asked := tr.askedThemes()
	for _, t := range prompts.Themes {
		if s.Themes[string(t)] >= lookedMin || asked[t] {
			d.Looked = append(d.Looked, string(t))
		}
	}
	return d
}

// lookedMin is in how many contributions a theme must show before the summary says the
// session looked at it, unless a question about it was asked: one word in one message
// ("jongen", "referral") is no look at a theme.
const lookedMin = 2

// askedThemes are the main themes of the questions the session asked.
func (tr *turn) askedThemes() map[prompts.Theme]bool {
	main := map[string]prompts.Theme{}
	add := func(qs []prompts.Question) {
		for _, q := range qs {
			if len(q.Themes) > 0 {
				main[q.ID] = q.Themes[0]
			}
		}
	}
	add(tr.e.lib.Questions())
	for _, ph := range tr.phases() {
		add(ph.Questions)
	}
	out := map[prompts.Theme]bool{}
	for _, id := range tr.sess.Asked {
		if t, ok := main[id]; ok {
			out[t] = true
		}
	}
	return out
}

// phaseLines are a phase's bot questions, each followed by the contributions that came
// after it.
func (tr *turn) phaseLines(phase string) []docLine {
	s := tr.sess
	var out []docLine
	qs := slices.DeleteFunc(slices.Clone(s.Questions), func(q askedQuestion) bool { return q.Phase != phase })
	for i, c := range s.Contributions {
		for len(qs) > 0 && qs[0].After <= i {
			out = append(out, docLine{Text: qs[0].Text})
			qs = qs[1:]
		}
		if c.Phase == phase {
			out = append(out, docLine{User: c.User, Name: c.Name, Text: c.Text})
		}
	}
	// A question nobody answered is not worth keeping.
	for len(out) > 0 && out[len(out)-1].User == "" {
		out = out[:len(out)-1]
	}
	return out
}

// headLines are what the summary's head shows of a takeaway or next-step phase: each
// person's fuller answers, without the thin ones (a vague next step) beside them: "ok"
// or "morgen" next to the answer to the bot's request for a detail. An answer is fuller
// when it is not thin, or it answers that request; someone with no fuller answer keeps
// all theirs.
func (tr *turn) headLines(ph prompts.Phase) []docLine {
	weak := thin
	if ph.Stage == prompts.StageNextStep {
		weak = tr.vagueStep
	}
	var in []contribution
	full := map[string]bool{}
	for _, c := range tr.sess.Contributions {
		if c.Phase == ph.ID {
			in = append(in, c)
			full[c.User] = full[c.User] || c.Detail || !weak(c.Text)
		}
	}
	var out []docLine
	for _, c := range in {
		if !full[c.User] || c.Detail || !weak(c.Text) {
			out = append(out, docLine{User: c.User, Name: c.Name, Text: c.Text})
		}
	}
	return out
}

// contributionsOnly drops the bot's questions.
func contributionsOnly(lines []docLine) []docLine {
	return slices.DeleteFunc(lines, func(l docLine) bool { return l.User == "" })
}

// checkInAt is when the check-in will come, if one will.
func (tr *turn) checkInAt() (time.Time, bool) {
	d, ok := checkInSpan(tr.sess.CheckIn, tr.e.cfg.CheckIn)
	if !ok || tr.e.cfg.Scheduler == nil {
		return time.Time{}, false
	}
	return tr.ev.Time.Add(d), true
}

// mode is the session's mode, for the sentences that differ between a solo reflection
// and a group.
func (d *doc) mode() string {
	if d.Solo {
		return prompts.ModeSolo
	}
	return prompts.ModeGroup
}

// users are the ids the summary names or quotes (also someone who left before the
// end), for forget and export.
func (d *doc) users() []string {
	var out []string
	add := func(u string) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, p := range d.People {
		add(p.User)
	}
	for _, ls := range append([][]docLine{d.Takeaway, d.NextStep}, d.phaseLines()...) {
		for _, l := range ls {
			add(l.User)
		}
	}
	return out
}

// phaseLines are the lines of every phase.
func (d *doc) phaseLines() [][]docLine {
	out := make([][]docLine, 0, len(d.Phases))
	for _, p := range d.Phases {
		out = append(out, p.Lines)
	}
	return out
}

// forget takes a person out of the summary: their lines and their name. It reports
// whether anything changed.
func (d *doc) forget(user string) bool {
	before := d.size()
	d.People = slices.DeleteFunc(d.People, func(p docName) bool { return p.User == user })
	drop := func(ls []docLine) []docLine {
		return slices.DeleteFunc(ls, func(l docLine) bool { return l.User == user })
	}
	d.Takeaway, d.NextStep = drop(d.Takeaway), drop(d.NextStep)
	for i := range d.Phases {
		d.Phases[i].Lines = drop(d.Phases[i].Lines)
	}
	return d.size() != before
}

// size counts the people and lines in the summary.
func (d *doc) size() int {
	n := len(d.People) + len(d.Takeaway) + len(d.NextStep)
	for _, p := range d.Phases {
		n += len(p.Lines)
	}
	return n
}

// markdown renders the summary as a Markdown document.
func (e *Engine) markdown(d *doc) string {
	msg := func(key string, pairs ...string) string { return e.msg(key, d.Lang, pairs...) }
	var b strings.Builder
	b.WriteString(msg("summary.head", "method", d.Method, "date", d.Date) + "\n")
	if !d.Solo {
		var bringer, peers []string
		for _, p := range d.People {
			if p.Bringer {
				bringer = append(bringer, Quote(p.Name))
			} else {
				peers = append(peers, Quote(p.Name))
			}
		}
		pairs := []string{"bringer", strings.Join(bringer, ", "), "peers", strings.Join(peers, ", ")}
		b.WriteString(prompts.Count(len(peers), msg("summary.people.one", pairs...), msg("summary.people.many", pairs...)) + "\n")
	}
	if len(d.Takeaway) > 0 {
		b.WriteString("\n**" + msg("summary.takeaway."+d.mode()) + "**\n" + docLines(d.Takeaway, d.Solo))
	}
	if len(d.NextStep) > 0 {
		b.WriteString("\n**" + msg("summary.next_step") + "**\n" + docLines(d.NextStep, d.Solo))
		if d.CheckIn != "" {
			b.WriteString("_" + msg("summary.check_in", "date", d.CheckIn) + "_\n")
		}
	}
	for _, p := range d.Phases {
		if len(contributionsOnly(slices.Clone(p.Lines))) == 0 {
			continue
		}
		b.WriteString("\n**" + p.Title + "**\n" + docLines(p.Lines, d.Solo))
	}
	if d.size() == len(d.People) {
		b.WriteString("\n" + msg("summary.empty") + "\n")
	}
	b.WriteString("\n" + e.mirror(d))
	return strings.TrimRight(b.String(), "\n")
}

// docLines renders lines: a question in italics, a contribution with its writer.
func docLines(ls []docLine, solo bool) string {
	var b strings.Builder
	for _, l := range ls {
		text := Quote(strings.Join(strings.Fields(l.Text), " "))
		switch {
		case l.User == "":
			b.WriteString("- _" + text + "_\n")
		case solo:
			b.WriteString("- " + text + "\n")
		default:
			b.WriteString("- **" + Quote(l.Name) + ":** " + text + "\n")
		}
	}
	return b.String()
}

// mirror says which of the nine themes the session looked at and which it left alone,
// from the themes the interpreter found in what people wrote.
func (e *Engine) mirror(d *doc) string {
	var looked, not []string
	for _, t := range prompts.Themes {
		name := e.msg("theme."+string(t), d.Lang)
		if slices.Contains(d.Looked, string(t)) {
			looked = append(looked, name)
		} else {
			not = append(not, name)
		}
	}
	var lines []string
	if len(looked) > 0 {
		lines = append(lines, e.msg("summary.looked", d.Lang, "themes", strings.Join(looked, ", ")))
	}
	if len(not) > 0 {
		lines = append(lines, e.msg("summary.not_looked", d.Lang, "themes", strings.Join(not, ", ")))
	}
	return strings.Join(lines, "\n")
}

// Bounds of the message that goes with the summary document, in characters: a line
// of the takeaway or next step, and the whole message. The document has every word.
const (
	maxBriefLine = 500
	maxBrief     = 3000
)

// brief is the short message that goes with the summary document: the takeaway and
// the next step, which are what people come back for, within maxBrief characters. A
// longer line is cut, the next step has the first claim on the room, and the message
// then says the document has the rest.
func (e *Engine) brief(d *doc) string {
	head := e.msg("summary.brief", d.Lang, "method", d.Method, "date", d.Date)
	cutLine := "_" + e.msg("summary.brief_cut", d.Lang) + "_"
	room, cut := maxBrief-utf8.RuneCountInString(head)-utf8.RuneCountInString(cutLine)-1, false
	render := func(key string, ls []docLine) []string {
		var out []string
		for _, l := range ls {
			text, shortened := cutText(strings.Join(strings.Fields(l.Text), " "), maxBriefLine)
			line := e.msg(key, d.Lang, "text", Quote(text))
			if n := utf8.RuneCountInString(line) + 1; n <= room {
				out, room, cut = append(out, line), room-n, cut || shortened
			} else {
				cut = true
			}
		}
		return out
	}
	next := render("summary.brief_next_step", d.NextStep)
	lines := append(append([]string{head}, render("summary.brief_takeaway."+d.mode(), joined(d.Takeaway))...), next...)
	if cut {
		lines = append(lines, cutLine)
	}
	return strings.Join(lines, "\n")
}

// joined is ls as one line, its texts in order, each once: a takeaway written in
// several messages is one thing taken away, said once ("The case bringer takes
// away: …").
func joined(ls []docLine) []docLine {
	if len(ls) < 2 {
		return ls
	}
	var texts []string
	for _, l := range ls {
		t := strings.TrimSpace(l.Text)
		if slices.Contains(texts, t) || t == "" {
			continue
		}
		if last := len(texts) - 1; last >= 0 && !endsSentence(texts[last]) {
			texts[last] += "." // one message ends where the next begins
		}
		texts = append(texts, t)
	}
	return []docLine{{User: ls[0].User, Name: ls[0].Name, Text: strings.Join(texts, " ")}}
}

// endsSentence reports whether t ends with a full stop, a question or exclamation mark
// or an ellipsis.
func endsSentence(t string) bool {
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!?…", r)
}

// cutText keeps the first max characters of text, with an ellipsis when it cut.
func cutText(text string, max int) (string, bool) {
	if utf8.RuneCountInString(text) <= max {
		return text, false
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:max-1])) + "…", true
}

// summaryReply is the summary as a short message with the Markdown document attached.
func (e *Engine) summaryReply(d *doc, to string) Reply {
	name := "summary-" + d.Date + ".md"
	if d.Lang == string(prompts.Dutch) {
		name = "samenvatting-" + d.Date + ".md"
	}
	return Reply{To: to, Text: e.brief(d), File: &File{Name: name, Type: "text/markdown", Data: []byte(e.markdown(d) + "\n")}}
}

// showSummary shows a closed session's summary again, privately, to a member, for as
// long as it is kept.
func (tr *turn) showSummary() {
	s := tr.sess
	switch {
	case s == nil:
		tr.tell(tr.msg("session.none"))
	case !s.isMember(tr.user()) && !slices.Contains(s.SummaryUsers, tr.user()):
		tr.tell(tr.msg("summary.not_member"))
	case s.Status != statusDone:
		tr.tell(tr.msg("summary.not_yet"))
	case s.Doc != nil:
		tr.replies = append(tr.replies, tr.e.summaryReply(s.Doc, tr.user()))
	case s.Summary != "":
		tr.tellSummaryText(s.Summary)
	default:
		tr.tell(tr.msg("summary.gone"))
	}
}

// tellSummaryText shows a summary kept as text (before the document existed): in full
// up to maxBrief characters, else its beginning with the whole as a document.
func (tr *turn) tellSummaryText(text string) {
	short, cut := cutText(text, maxBrief)
	if !cut {
		tr.tell(text)
		return
	}
	tr.replies = append(tr.replies, Reply{To: tr.user(), Text: short + "\n_" + tr.msg("summary.brief_cut") + "_",
		File: &File{Name: legacySummaryName(tr.lang), Type: "text/markdown", Data: []byte(text + "\n")}})
}

// legacySummaryName is the file name of a summary kept as text.
func legacySummaryName(lang string) string {
	if lang == string(prompts.Dutch) {
		return "samenvatting.md"
	}
	return "summary.md"
}
