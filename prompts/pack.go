// Package prompts holds the intervision methods, the reflective question library and the
// bot's own sentences as data files in Dutch and English. The built-in files are
// embedded; a trainer adds a method by adding one YAML file to a pack directory.
package prompts

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Language is a language the bot speaks, by its code.
type Language string

// The languages.
const (
	English Language = "en"
	Dutch   Language = "nl"
)

// Languages the bot speaks. Every text in a pack has both.
var Languages = []Language{English, Dutch}

// ParseLanguage returns the language with code s, in any case ("NL" is Dutch), and
// whether there is one.
func ParseLanguage(s string) (Language, bool) {
	l := Language(strings.ToLower(strings.TrimSpace(s)))
	return l, slices.Contains(Languages, l)
}

// Theme is a stable theme id of the domain brief.
type Theme string

// The themes.
const (
	ThemeGoalSetting      Theme = "goal-setting"
	ThemeNonParticipation Theme = "non-participation"
	ThemeDecisionMaking   Theme = "decision-making"
	ThemeInforming        Theme = "informing"
	ThemeInstructing      Theme = "instructing"
	ThemeMotivating       Theme = "motivating"
	ThemeFrontBackStage   Theme = "front-back-stage"
	ThemeContext          Theme = "context"
	ThemeStrengthsSafety  Theme = "strengths-safety"
)

// Themes are the stable theme ids of the domain brief, in their order.
var Themes = []Theme{
	ThemeGoalSetting, ThemeNonParticipation, ThemeDecisionMaking, ThemeInforming, ThemeInstructing,
	ThemeMotivating, ThemeFrontBackStage, ThemeContext, ThemeStrengthsSafety,
}

// Stage is the kind of a phase; a question fits one or more stages.
type Stage string

// The stages.
const (
	StageChoose             Stage = "choose"
	StageDescribe           Stage = "describe"
	StageClarify            Stage = "clarify"
	StageFeelings           Stage = "feelings"
	StageAssociate          Stage = "associate"
	StageAnalyse            Stage = "analyse"
	StagePerspectives       Stage = "perspectives"
	StageListen             Stage = "listen"
	StageRespond            Stage = "respond"
	StageEvaluateExperience Stage = "evaluate-experience"
	StageAlternatives       Stage = "alternatives"
	StagePlan               Stage = "plan"
	StageDiscuss            Stage = "discuss"
	StageTakeaway           Stage = "takeaway"
	StageNextStep           Stage = "next-step"
	StageEvaluation         Stage = "evaluation"
)

// Stages are the kinds of phase a question can belong to.
var Stages = []Stage{
	StageChoose, StageDescribe, StageClarify, StageFeelings, StageAssociate, StageAnalyse, StagePerspectives,
	StageListen, StageRespond, StageEvaluateExperience, StageAlternatives, StagePlan, StageDiscuss,
	StageTakeaway, StageNextStep, StageEvaluation,
}

// IsClosing reports whether a stage belongs to the closing phases: takeaway, next step
// and evaluation.
func IsClosing(s Stage) bool {
	return s == StageTakeaway || s == StageNextStep || s == StageEvaluation
}

// Role names who is expected to write, or to listen, in a phase.
type Role string

// The roles.
const (
	RoleBringer Role = "bringer"
	RolePeers   Role = "peers"
)

// Roles lists every role.
var Roles = []Role{RoleBringer, RolePeers}

// Completion rules: when a phase is complete without `next`.
const (
	DoneNext       = "next"        // nothing in particular: `next` or the time box ends it
	DoneBringer    = "bringer"     // waits for the case bringer's contribution
	DoneEachPeer   = "each-peer"   // waits for every peer's contribution
	DoneEachMember = "each-member" // waits for everyone's contribution
	// DoneLine closes the phase on the case bringer's first message: one line is the
	// whole answer (a takeaway). The only rule that moves on by content alone.
	DoneLine = "line"
)

// Rules a phase can keep.
const (
	RuleFree      = "free"      // anything goes
	RuleQuestions = "questions" // peers ask questions only: no advice, no judgement
	RuleNoAdvice  = "no-advice" // peers share associations: no advice, no judgement yet
)

// Modes a method or closing phase runs in.
const (
	ModeGroup = "group"
	ModeSolo  = "solo"
)

// Text is one sentence in several languages, keyed by language code.
type Text map[string]string

// In returns the text in lang (a language code), falling back to English.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	return t[string(English)]
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
	Stages []Stage      `yaml:"stages"` // for library questions: the phase stages it fits
	Themes []Theme      `yaml:"themes"` // the first is the main theme
	Source string       `yaml:"source"` // seed file that grounds it, e.g. 001_a326ac46bbf901bc.txt
	Text   Text         `yaml:"text"`
}

// Phase is one step of a method.
type Phase struct {
	ID          string     `yaml:"id"`
	Stage       Stage      `yaml:"stage"`
	Title       Text       `yaml:"title"`
	Instruction Text       `yaml:"instruction"`
	Solo        Text       `yaml:"solo"`     // instruction for a solo session; empty: Instruction
	Speakers    []Role     `yaml:"speakers"` // bringer, peers
	Listener    Role       `yaml:"listener"` // who only listens: bringer, peers or empty
	Rule        string     `yaml:"rule"`     // free or questions
	Done        string     `yaml:"done"`     // next, bringer, each-peer, each-member
	Timebox     Duration   `yaml:"timebox"`
	Asks        int        `yaml:"asks"`  // solo: reflective questions asked after the instruction (default 1)
	Modes       []string   `yaml:"modes"` // closing phases: the modes they run in (default all)
	Questions   []Question `yaml:"questions"`
	// Private marks a round in which each expected member answers the bot privately (a
	// direct message); the answers are shown together, by name, once all are in.
	Private bool `yaml:"private"`
	// Recap is the id of an earlier phase whose contributions the phase opens with,
	// numbered (the questions a case bringer is to sort).
	Recap string `yaml:"recap"`
}

// Method is an intervision or reflection method: a named sequence of phases.
type Method struct {
	ID       string   `yaml:"id"`
	Modes    []string `yaml:"modes"` // group, solo
	Duration Duration `yaml:"duration"`
	Title    Text     `yaml:"title"`
	Summary  Text     `yaml:"summary"`
	Phases   []Phase  `yaml:"phases"`
	// Aliases are other ids of the method (an earlier id, its name in another
	// language: "roddelmethode"): `start` and stored sessions find it by them.
	Aliases []string `yaml:"aliases"`
	// Skip lists the closing phases (by id) the method leaves out.
	Skip []string `yaml:"skip"`
	// Pool is where the phases' reflective questions come from: all (default: the
	// phase's own, then the library's for its stage) or own (the phase's own only).
	Pool string `yaml:"pool"`
	File string `yaml:"-"` // where it was loaded from
}

// Question pools of a method.
const (
	PoolAll = "all"
	PoolOwn = "own"
)

// Supports reports whether the method runs in mode.
func (m *Method) Supports(mode string) bool { return slices.Contains(m.Modes, mode) }

// Speaks reports whether role is expected to write in the phase.
func (p *Phase) Speaks(role Role) bool { return slices.Contains(p.Speakers, role) }

// RunsIn reports whether a closing phase runs in mode.
func (p *Phase) RunsIn(mode string) bool { return len(p.Modes) == 0 || slices.Contains(p.Modes, mode) }

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
