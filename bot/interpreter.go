package bot

import (
	"strings"

	"github.com/intervision-bot/intervision/prompts"
)

// Interpreter reads what people write: it recognises advice and picks follow-up questions.
// The engine works with BasicInterpreter; bot/followup has one that reads themes.
type Interpreter interface {
	// Advice reports whether text gives advice or a judgement, which peers must not
	// do while they may only ask questions.
	Advice(text, lang string) bool
	// FollowUp picks the next reflective question after a contribution, or when a
	// phase begins (Text empty). ok is false when nothing fits.
	FollowUp(in FollowUpRequest) (f FollowUp, ok bool)
}

// FollowUpRequest is what an Interpreter gets to choose a follow-up.
type FollowUpRequest struct {
	Lang  string
	Text  string             // the contribution just made; empty when a phase begins
	Role  prompts.Role       // who wrote Text
	Solo  bool               // a solo reflection
	Stage prompts.Stage      // the phase's stage
	Pool  []prompts.Question // the phase's questions, in order
	// OwnPool is true when the phase asks only its method's own questions (pool: own):
	// a follow-up comes from Pool or is composed, never from the whole library.
	OwnPool bool
	Asked   map[string]bool // question ids asked before in this session: never repeat (read only; nil when none)
	Themes  map[string]int  // how often each theme came up in this session so far
	// LastConcrete is true when the previous follow-up to this person asked for a
	// concrete detail.
	LastConcrete bool
	// Parts are who wrote what in Text, in order: one part for a contribution, several
	// when a phase begins and the question reads the phase before. Name is the writer
	// as a reason may show it (already quoted); "" is the person addressed ("you").
	// Empty: Text is the addressee's own.
	Parts []Part
}

// Part is one person's words in a FollowUpRequest.
type Part struct {
	Name string
	Text string
}

// FollowUp is a reflective question chosen for a contribution.
type FollowUp struct {
	Question prompts.Question
	Why      string   // one short sentence in the reading's language: why this question
	Themes   []string // theme ids recognised in the text, strongest first
	Concrete bool     // it asks for a concrete detail because the text was vague
	// Strong means the text calls for a follow-up even in a group: deficit language
	// about parents, or a decision taken without them.
	Strong bool
	// Reads means the question answers what the text said (deficit language, a
	// decision, a feeling, a vague answer) rather than going on with the phase's script.
	Reads bool
}

// BasicInterpreter is the engine's default Interpreter: a short advice phrase list and the
// phase's first unasked question.
type BasicInterpreter struct{}

var basicAdvice = []string{
	"you should", "you could", "you must", "you need to", "why don't you", "why not just",
	"i would", "if i were you", "try to", "je moet", "je zou", "waarom niet gewoon",
	"waarom doe je niet", "ik zou", "als ik jou was", "probeer eens",
}

// Advice reports whether text contains a common advice phrase.
func (BasicInterpreter) Advice(text, _ string) bool {
	t := strings.ToLower(text)
	for _, p := range basicAdvice {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// FollowUp returns the first question of the pool not asked before.
func (BasicInterpreter) FollowUp(in FollowUpRequest) (FollowUp, bool) {
	for _, q := range in.Pool {
		if !in.Asked[q.ID] {
			return FollowUp{Question: q}, true
		}
	}
	return FollowUp{}, false
}

// The kinds of text peers must not write while only questions may be asked.
const (
	AdviceKindAdvice         = "advice"         // what someone should do
	AdviceKindJudgement      = "judgement"      // a verdict on a parent or a professional
	AdviceKindInterpretation = "interpretation" // a guess at what lies behind the facts
)

// Advice is what an AdviceReader noticed in a text: its kind and the words that showed it.
type Advice struct {
	Kind string
	Cues []string
}

// StepReader is an optional Interpreter capability: it tells whether a next step leaves
// open what will be done, with whom or when, so that the engine asks once for a concrete
// one. Without it a step of fewer than five words is vague.
type StepReader interface {
	VagueStep(text, lang string) bool
}

// TakeawayReader is an optional Interpreter capability: it tells whether the case
// bringer's first message after the takeaway goes on with it ("Also that I…") rather
// than naming the next step, so that the engine adds it to the takeaway. Without it
// every such message is taken as the step.
type TakeawayReader interface {
	ContinuesTakeaway(text, lang string) bool
}

// AdviceReader is an optional Interpreter capability: it tells what kind of advice a text
// holds in a phase of the given stage. Interpretations count only where a phase asks for
// facts. The engine falls back to Interpreter.Advice (kind advice) without it.
type AdviceReader interface {
	ReadAdvice(text, lang string, stage prompts.Stage) (Advice, bool)
}
