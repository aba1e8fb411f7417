package followup

import (
	"math"
	"sort"

	"github.com/intervision-bot/intervision/prompts"
)

// ThemeScore is how strongly a text is about one theme, and the words that showed it.
type ThemeScore struct {
	ID    string   `json:"id"`
	Score float64  `json:"score"`
	Cues  []string `json:"cues"`
}

// MinScore is the score from which a theme counts as present in a text.
const MinScore = 1.0

// Read scores text against the nine themes in lang ("" detects it). It returns the
// themes with a score above zero, strongest first, each with the words that matched.
func (r *Interpreter) Read(text, lang string) []ThemeScore {
	d := tokenize(text)
	return r.read(d, r.cuesFor(d, lang))
}

func (r *Interpreter) read(d doc, lc *langCues) []ThemeScore {
	scores := map[prompts.Theme]*ThemeScore{}
	hit := func(id prompts.Theme, c cue) {
		m, ok := c.p.find(d)
		if !ok {
			return
		}
		s := scores[id]
		if s == nil {
			s = &ThemeScore{ID: string(id)}
			scores[id] = s
		}
		s.Score += c.w
		for _, x := range s.Cues {
			if x == m {
				return
			}
		}
		s.Cues = append(s.Cues, m)
	}
	for _, id := range prompts.Themes {
		for _, c := range lc.themes[id] {
			hit(id, c)
		}
	}
	for _, c := range lc.deficit {
		hit(prompts.ThemeNonParticipation, c)
	}
	for _, c := range lc.decision {
		hit(prompts.ThemeDecisionMaking, c)
	}
	order := map[string]int{}
	for i, id := range prompts.Themes {
		order[string(id)] = i
	}
	out := make([]ThemeScore, 0, len(scores))
	for _, s := range scores {
		s.Score = math.Round(s.Score*100) / 100
		if s.Cues == nil {
			s.Cues = []string{}
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return order[out[i].ID] < order[out[j].ID]
	})
	return out
}
