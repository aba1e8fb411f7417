// Package followup reads what professionals write in an intervision session: it
// recognises the themes of the domain brief from cue lists (prompts/data/cues), notices
// deficit language about parents, decisions taken without them, vague answers and
// advice, and picks the next reflective question with a reason. Small linear models
// (model.go) rank the themes and find advice no cue names. It is deterministic and
// explainable: every score comes from cues or weighed words that can be shown, and a
// reason quotes only cues.
package followup

import (
	"fmt"
	"io/fs"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// Interpreter is the theme-aware bot.Interpreter.
type Interpreter struct {
	lib    *prompts.Library
	langs  map[string]*langCues
	models map[string]*linearModel // "theme/nl", "advice/en": see model.go
	tune   modelTuning
}

var _ bot.Interpreter = (*Interpreter)(nil)

// New returns an Interpreter with the built-in cue files (prompts.Cues) and any extra cue
// directories. lib supplies reframing, decision and concrete questions when a phase's
// pool has none; it may be nil.
func New(lib *prompts.Library, extra ...fs.FS) (*Interpreter, error) {
	ms, err := builtinModels()
	if err != nil {
		return nil, err
	}
	r := &Interpreter{lib: lib, langs: map[string]*langCues{}, models: ms, tune: defaultTuning}
	for _, fsys := range append([]fs.FS{prompts.Cues()}, extra...) {
		if err := loadCues(fsys, r.langs); err != nil {
			return nil, err
		}
	}
	for _, l := range prompts.Languages {
		if r.langs[string(l)] == nil {
			return nil, fmt.Errorf("followup: no cues for language %q", l)
		}
	}
	return r, nil
}
