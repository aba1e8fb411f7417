package bot

import (
	"strings"

	"github.com/intervision-bot/intervision/prompts"
)

// summary renders the session's phases as Markdown: what was asked and said, the
// takeaway and the next step.
func (tr *turn) summary() string {
	s := tr.sess
	var b strings.Builder
	b.WriteString(tr.msg("summary.head", "method", tr.methodTitle(), "date", s.Started.Time().Format("2006-01-02")))
	b.WriteString("\n")
	if s.Mode == prompts.ModeGroup {
		var peers []string
		for _, m := range s.peers() {
			peers = append(peers, Quote(m.Name))
		}
		b.WriteString(tr.msg("summary.people", "bringer", tr.bringerName(), "peers", strings.Join(peers, ", ")))
		b.WriteString("\n")
	}
	// Everyone the summary names or quotes, so that forget can drop it.
	users := map[string]bool{}
	s.SummaryUsers = nil
	for _, m := range s.Members {
		users[m.ID] = true
		s.SummaryUsers = append(s.SummaryUsers, m.ID)
	}
	for _, ph := range tr.phases() {
		var lines []string
		for _, t := range s.Contributions {
			if t.Phase != ph.ID {
				continue
			}
			text := clip(strings.Join(strings.Fields(t.Text), " "), 600)
			if s.Mode == prompts.ModeSolo {
				if t.Question != "" {
					lines = append(lines, "- _"+t.Question+"_")
				}
				lines = append(lines, "- "+Quote(text))
			} else {
				lines = append(lines, "- **"+Quote(t.Name)+":** "+Quote(text))
			}
			if !users[t.User] {
				users[t.User] = true
				s.SummaryUsers = append(s.SummaryUsers, t.User)
			}
		}
		if len(lines) == 0 {
			continue
		}
		b.WriteString("\n**" + ph.Title.In(tr.lang) + "**\n")
		b.WriteString(strings.Join(lines, "\n"))
		b.WriteString("\n")
	}
	if len(s.Contributions) == 0 {
		b.WriteString("\n" + tr.msg("summary.empty") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
