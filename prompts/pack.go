// Package prompts holds the intervision methods, the reflective question library and the
// bot's own sentences as data files in Dutch and English. The built-in files are
// embedded; a trainer adds a method by adding one YAML file to a pack directory.
package prompts

import (
	"fmt"
	"strings"
	"time"
)

// Languages the bot speaks. Every text in a pack has both.
var Languages = []string{"en", "nl"}

// Themes are the stable theme ids of the domain brief.
var Themes = []string{
	"goal-setting", "non-participation", "decision-making", "informing", "instructing",
	"motivating", "front-back-stage", "context", "strengths-safety",
}

// Stages are the kinds of phase a question can belong to.
var Stages = []string{
	"choose", "describe", "clarify", "feelings", "associate", "analyse", "perspectives",
	"listen", "respond", "evaluate-experience", "alternatives", "plan", "discuss",
	"takeaway", "next-step", "evaluation",
}

// Roles name who is expected to write, or to listen, in a phase.
const (
	RoleBringer = "bringer"
	RolePeers   = "peers"
)

// Completion rules: when a phase is complete without `next`.
const (
	DoneNext       = "next"        // only by the next command
	DoneBringer    = "bringer"     // when the case bringer has contributed
	DoneEachPeer   = "each-peer"   // when every peer has contributed
	DoneEachMember = "each-member" // when everyone has contributed
)

// Rules a phase can keep.
const (
	RuleFree      = "free"      // anything goes
	RuleQuestions = "questions" // peers ask questions only: no advice, no judgement
)

// Modes a method or closing phase runs in.
const (
	ModeGroup = "group"
	ModeSolo  = "solo"
)

// Text is one sentence in several languages, keyed by language code.
type Text map[string]string

// In returns the text in lang, falling back to English.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t["en"]
}

// Duration is a time box such as "10m" in YAML.
type Duration time.Duration

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	*d = Duration(v)
	return nil
}

// Minutes returns the duration in whole minutes.
func (d Duration) Minutes() int { return int(time.Duration(d) / time.Minute) }

// QuestionKind marks a question the follow-up reader keeps for one of its rules.
// Most questions have no kind.
type QuestionKind string

// Question kinds.
const (
	KindReframe  QuestionKind = "reframe"  // answers deficit language about parents with a question about meaning
	KindConcrete QuestionKind = "concrete" // asks for one concrete detail after a vague answer
	KindDecision QuestionKind = "decision" // asks who decided, or where the parents were when it was decided
)

// QuestionKinds lists every question kind.
var QuestionKinds = []QuestionKind{KindReframe, KindConcrete, KindDecision}

// Question is one reflective question.
type Question struct {
	ID     string       `yaml:"id"`
	Kind   QuestionKind `yaml:"kind"`   // empty, or what rule of the follow-up reader the question serves
	Stages []string     `yaml:"stages"` // for library questions: the phase stages it fits
	Themes []string     `yaml:"themes"`
	Source string       `yaml:"source"` // seed file that grounds it, e.g. 001_a326ac46bbf901bc.txt
	Text   Text         `yaml:"text"`
}

// Phase is one step of a method.
type Phase struct {
	ID          string     `yaml:"id"`
	Stage       string     `yaml:"stage"`
	Title       Text       `yaml:"title"`
	Instruction Text       `yaml:"instruction"`
	Solo        Text       `yaml:"solo"`     // instruction for a solo session; empty: Instruction
	Speakers    []string   `yaml:"speakers"` // bringer, peers
	Listener    string     `yaml:"listener"` // who only listens: bringer, peers or empty
	Rule        string     `yaml:"rule"`     // free or questions
	Done        string     `yaml:"done"`     // next, bringer, each-peer, each-member
	Timebox     Duration   `yaml:"timebox"`
	Asks        int        `yaml:"asks"`  // solo: reflective questions asked after the instruction (default 1)
	Modes       []string   `yaml:"modes"` // closing phases: the modes they run in (default all)
	Questions   []Question `yaml:"questions"`
}

// Method is an intervision or reflection method: a named sequence of phases.
type Method struct {
	ID       string   `yaml:"id"`
	Modes    []string `yaml:"modes"` // group, solo
	Duration Duration `yaml:"duration"`
	Title    Text     `yaml:"title"`
	Summary  Text     `yaml:"summary"`
	Phases   []Phase  `yaml:"phases"`
	File     string   `yaml:"-"` // where it was loaded from
}

// Supports reports whether the method runs in mode.
func (m *Method) Supports(mode string) bool { return contains(m.Modes, mode) }

// Speaks reports whether role is expected to write in the phase.
func (p *Phase) Speaks(role string) bool { return contains(p.Speakers, role) }

// RunsIn reports whether a closing phase runs in mode.
func (p *Phase) RunsIn(mode string) bool { return len(p.Modes) == 0 || contains(p.Modes, mode) }

// InstructionFor returns the instruction for mode in lang.
func (p *Phase) InstructionFor(mode, lang string) string {
	if mode == ModeSolo && len(p.Solo) > 0 {
		return p.Solo.In(lang)
	}
	return p.Instruction.In(lang)
}

// SoloAsks is how many reflective questions a solo session gets in this phase.
func (p *Phase) SoloAsks() int {
	if p.Asks > 0 {
		return p.Asks
	}
	return 1
}

func contains[S ~string](list []S, s S) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
