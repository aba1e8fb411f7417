package followup

import (
	"math"
	"slices"
	"sort"

	"github.com/intervision-bot/intervision/prompts"
)

// ThemeScore is how strongly a text is about one theme, and the words that showed it.
type ThemeScore struct {
	ID    string   `json:"id"`
	Score float64  `json:"score"`
	Cues  []string `json:"cues"`
	// Model is true when no cue showed the theme, only the theme model (model.go); Cues
	// are then the words it weighed most, and no reason quotes them.
	Model bool `json:"model,omitempty"`
	// Present is true when the theme counts as found in the text: its cues score at least
	// MinScore (or the model is sure, see modelTuning.presentMin). Only a present theme
	// picks a question or counts in the summary; the others only order the list.
	Present bool `json:"present"`
	lead    bool // ranked first whatever the scores (ownDeficit)
}

// MinScore is the cue score from which a theme counts as present in a text.
const MinScore = 1.0

// Read scores text against the nine themes in lang ("" detects it). It returns the
// themes with a score above zero, strongest first, each with the words that matched.
func (r *Interpreter) Read(text, lang string) []ThemeScore {
	d := tokenize(text)
	lc := r.cuesFor(d, lang)
	return r.read(d, lc, ownDeficit(deficitHits(d, lc, quotedWords(text))))
}

// read scores d; ownDeficit (see ownDeficit) puts non-participation first.
func (r *Interpreter) read(d doc, lc *langCues, ownDeficit bool) []ThemeScore {
	scores := r.cueScoresIn(d, lc)
	for _, s := range scores {
		s.Present = s.Score >= MinScore
	}
	r.modelThemes(d, lc, scores)
	if np := scores[prompts.ThemeNonParticipation]; np != nil && ownDeficit {
		np.lead = true
	}
	return sorted(scores)
}

// ownDeficit reports whether hits hold deficit words the writer uses as their own (not
// denied, asked about, quoted or passed on): deficit language is non-participation's
// strongest cue (the domain brief), whatever else the words are about ("not motivated"
// is no text about motivating), so that theme leads the list and the reframing question
// answers it.
func ownDeficit(hits []deficitHit) bool {
	for _, h := range hits {
		if h.read && h.use == labelOwn {
			return true
		}
	}
	return false
}

// cueScoresIn scores d against the theme, deficit and decision cues of lc.
func (r *Interpreter) cueScoresIn(d doc, lc *langCues) map[prompts.Theme]*ThemeScore {
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
		if !slices.Contains(s.Cues, m) {
			s.Cues = append(s.Cues, m)
		}
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
	return scores
}

// sorted lists the scores strongest first (a leading theme before all), ties in the
// order of prompts.Themes, with scores rounded to two decimals.
func sorted(scores map[prompts.Theme]*ThemeScore) []ThemeScore {
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
		if out[i].lead != out[j].lead {
			return out[i].lead
		}
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return order[out[i].ID] < order[out[j].ID]
	})
	return out
}
