package followup

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// cueSpec is one cue as written in a cue file: a bare string, or a mapping with a
// weight and, for deficit language, a label used in the reason.
type cueSpec struct {
	Cue   string  `yaml:"cue"`
	W     float64 `yaml:"w"`
	Label string  `yaml:"label"`
	Who   string  `yaml:"who"`
	Poss  string  `yaml:"poss"`
	// Question is the id of the question a deficit cue calls for first (e.g.
	// reframe-unmotivated), when the pool or the library has it.
	Question string `yaml:"question"`
	// Kind is what an advice cue shows: advice (the default), judgement or
	// interpretation.
	Kind string `yaml:"kind"`
	// Assert makes a judgement or interpretation cue count only in a statement (or a tag
	// question), not in a closed question: "She's scared of losing them." guesses, "Is
	// she scared of the dog?" asks.
	Assert bool `yaml:"assert"`
	// Open makes a judgement cue count in an open question too: "Waarom is ze zo'n
	// slechte moeder?" judges, though it asks.
	Open bool `yaml:"open"`
}

// UnmarshalYAML accepts "cue text" or {cue: ..., w: ..., label: ...}.
func (c *cueSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.Cue = n.Value
		return nil
	}
	type plain cueSpec
	return n.Decode((*plain)(c))
}

// adviceSpec lists the advice cues of one language.
type adviceSpec struct {
	Always     []cueSpec `yaml:"always"`     // advice wherever they occur, also in a question
	Statement  []cueSpec `yaml:"statement"`  // advice in a sentence that is not an open question
	Imperative []cueSpec `yaml:"imperative"` // advice when a statement begins with them
	Open       []cueSpec `yaml:"open"`       // words that begin an open question
	// Assert cues count only in a statement or a tag question ("That's neglect, isn't it?"):
	// judgements and inverted modals that are ordinary in a question.
	Assert []cueSpec `yaml:"assert"`
	// Judgement cues (kind judgement) count in a statement or a closed question, never in
	// an open one: "Is ze niet gewoon onverschillig?" judges, "Wat maakt dat je haar
	// onverschillig noemt?" asks.
	Judgement []cueSpec `yaml:"judgement"`
	// Interpretation cues (kind interpretation) are guesses at what lies behind what
	// happened ("Misschien is vader zelf ooit vernederd."). They count like judgement
	// cues, and only in a phase that asks for facts (see FactStage).
	Interpretation []cueSpec `yaml:"interpretation"`
	// Lead words may stand before an imperative ("Honestly, just call her", "Dan bel je").
	Lead []cueSpec `yaml:"lead"`
	// SoftLead words turn a question that continues with an imperative into a suggestion
	// ("Maybe ask the father?").
	SoftLead []cueSpec `yaml:"soft_lead"`
	// NotAfter words right after an imperative make it something else: a question with
	// inversion ("Bel je haar?") or an invitation to the speaker ("Tell us more").
	NotAfter []cueSpec `yaml:"not_after"`
	// Tag cues end a question that is really a statement ("…, isn't it?", "…, toch?").
	Tag []cueSpec `yaml:"tag"`
	// Invite cues make a sentence an invitation to tell more, never advice ("Misschien
	// kun je vertellen hoe het begon?", "Maybe you could describe the room?").
	Invite []cueSpec `yaml:"invite"`
	// Reported words (say, think, zei, vindt) before a cue in a question make it reported
	// speech: "Did the school say you should…?" is not advice.
	Reported []cueSpec `yaml:"reported"`
	// Claim words right before a reported word make it the asker's own claim, not a
	// report: "Is it fair to say she doesn't care?" judges.
	Claim []cueSpec `yaml:"claim"`
	// Reports (said, told me, wrote, zei, vertelde) before a judgement or interpretation cue
	// in a statement make it a report of what someone said: "She asked me whether I thought
	// she was a bad mother."
	Reports []cueSpec `yaml:"reports"`
	// Negation words (not, isn't, niet, geen) right before a judgement or deficit cue, with
	// at most two degree words between (really, helemaal), deny it: "Ze is helemaal niet
	// lui." Denial phrases (I don't think, ik denk niet dat) deny what follows them in the
	// sentence.
	Negation []cueSpec `yaml:"negation"`
	// Mention words right before a deficit word mention it rather than use it: "the word
	// lazy", "het woord lui".
	Mention []cueSpec `yaml:"mention"`
	// OwnView phrases open a question with the hearer's view, at a reported word: "Vind je
	// dat…", "Denk je dat…": what follows is the asker's, not someone else's report.
	OwnView []cueSpec `yaml:"own_view"`
	// Unreport phrases look like a report but are not one: "zegt … af" (cancels).
	Unreport []cueSpec `yaml:"unreport"`
	// Scope words begin a clause: after a report they make its own clause ("says he is
	// busy"), and after a comma a new one the report does not reach.
	Scope  []cueSpec `yaml:"scope"`
	Degree []cueSpec `yaml:"degree"`
	Denial []cueSpec `yaml:"denial"`
	// Infinitive is the Dutch infinitive instruction ("Eerst even met school bellen."):
	// a sentence that begins with a start word, has an infinitive (verb) and no stop word.
	Infinitive struct {
		Start   []cueSpec `yaml:"start"`
		Stop    []cueSpec `yaml:"stop"`
		Verb    []cueSpec `yaml:"verb"`
		NotVerb []cueSpec `yaml:"not_verb"`
	} `yaml:"infinitive"`
}

// themeName is how reasons name a theme.
type themeName struct {
	Name string `yaml:"name"`
}

// cueFile is one file of prompts/data/cues. Several files may add to one language.
type cueFile struct {
	Lang string `yaml:"lang"`
	// Lists are named word lists a regular-expression cue of the same file uses as
	// {{name}}: the words of a lexicon in one place, the patterns that use them in another.
	Lists         map[string][]string `yaml:"lists"`
	FunctionWords []string            `yaml:"function_words"`
	// StopWords are small words the models' evidence never shows (with the function
	// words; detect uses only those).
	StopWords []string                    `yaml:"stop_words"`
	Themes    map[prompts.Theme][]cueSpec `yaml:"themes"`
	Deficit   []cueSpec                   `yaml:"deficit"`
	// Labels are words that put a child or a family in a box ("probleemkind", "problem
	// child"): read only when passed on from someone else, for the question about what
	// lies behind the word; they count for no theme.
	Labels      []cueSpec  `yaml:"labels"`
	Decision    []cueSpec  `yaml:"decision"`
	WithParents []cueSpec  `yaml:"with_parents"`
	Parents     []cueSpec  `yaml:"parents"`
	Advice      adviceSpec `yaml:"advice"`
	Vague       []cueSpec  `yaml:"vague"`
	Concrete    []cueSpec  `yaml:"concrete"`
	// Step reads a next step: it is concrete when it says when, or names with whom and
	// is not made of general words only ("meer", "proberen", "try to be more…").
	Step struct {
		When    []cueSpec `yaml:"when"`
		Who     []cueSpec `yaml:"who"`
		General []cueSpec `yaml:"general"`
		// More opens a message that goes on with what came before ("Also that I…",
		// "En dat ik…"): the case bringer's takeaway, written in two messages.
		More []cueSpec `yaml:"more"`
		// MoreBare is More without a connective ("That I…", "Dat ik…"); such a message
		// that says WillLate ("Dat ik moeder ga bellen") is a step.
		MoreBare []cueSpec `yaml:"more_bare"`
		WillLate []cueSpec `yaml:"will_late"`
		// Will says that the writer will do something ("I'll", "ik ga"): a message
		// that opens as More does and says Will is a step.
		Will []cueSpec `yaml:"will"`
	} `yaml:"step"`
	// Feelings are words for a feeling; a solo answer that names one gets a question
	// about what was behind it (Ask["feeling"]).
	Feelings []cueSpec `yaml:"feelings"`
	// FeelingWhose tells whose a feeling is, by the nearest person named before the
	// feeling word in its sentence: the writer (Self: "I", "ik"; also right after the
	// word: "it scared me") or someone else (Other: "she", "the mother"), so that "She
	// was surprised" gets no question about what the writer felt.
	FeelingWhose struct {
		Self  []cueSpec `yaml:"self"`
		Other []cueSpec `yaml:"other"`
	} `yaml:"feeling_whose"`
	// Ask holds the questions the interpreter composes: feeling ({feeling}).
	Ask        map[string]string           `yaml:"ask"`
	Why        map[string]string           `yaml:"why"`
	ThemeNames map[prompts.Theme]themeName `yaml:"theme_names"`
}

// cue is a compiled cue.
type cue struct {
	p     *pattern
	w     float64
	label string
	who   string
	poss  string
	q     string
	kind  string
	// assert: counts only in a statement (cueSpec.Assert).
	assert bool
	// open: a judgement that counts in an open question too (cueSpec.Open).
	open bool
}

// openOnly returns the cues of cs that count in an open question too.
func openOnly(cs []cue) []cue {
	var out []cue
	for _, c := range cs {
		if c.open {
			out = append(out, c)
		}
	}
	return out
}

// langCues is everything the interpreter knows about one language.
type langCues struct {
	lang        string
	function    map[string]bool
	stop        map[string]bool // function and stop words: never a model's evidence
	themes      map[prompts.Theme][]cue
	deficit     []cue
	labels      []cue
	decision    []cue
	withParents []cue
	parents     []cue
	always      []cue
	statement   []cue
	imperative  []cue
	open        []cue
	assert      []cue
	judgement   []cue
	// openJudgement: the judgement cues that count in an open question too.
	openJudgement []cue
	interpret     []cue
	lead          []cue
	softLead      []cue
	notAfter      []cue
	tag           []cue
	invite        []cue
	reported      []cue
	claim         []cue
	reports       []cue
	negation      []cue
	mention       []cue
	ownView       []cue
	unreport      []cue
	scope         []cue
	degree        []cue
	denial        []cue
	infStart      []cue
	infStop       []cue
	infVerb       []cue
	infNotVerb    []cue
	vague         []cue
	stepWhen      []cue
	stepWho       []cue
	stepGeneral   []cue
	stepMore      []cue
	stepWill      []cue
	stepMoreBare  []cue
	stepWillLate  []cue
	concrete      []cue
	feelings      []cue
	feelingSelf   []cue
	feelingOther  []cue
	ask           map[string]string
	why           map[string]string
	names         map[prompts.Theme]themeName
}

// compileKind is compileAll for advice cues: a cue without a kind gets kind.
func compileKind(specs []cueSpec, kind string) ([]cue, error) {
	cs, err := compileAll(specs, 1)
	for i := range cs {
		if cs[i].kind == "" {
			cs[i].kind = kind
		}
	}
	return cs, err
}

func compileAll(specs []cueSpec, defW float64) ([]cue, error) {
	out := make([]cue, 0, len(specs))
	for _, s := range specs {
		p, err := compile(s.Cue)
		if err != nil {
			return nil, err
		}
		w := s.W
		if w == 0 {
			w = defW
		}
		switch s.Kind {
		case "", bot.AdviceKindAdvice, bot.AdviceKindJudgement, bot.AdviceKindInterpretation:
		default:
			return nil, fmt.Errorf("cue %q: unknown kind %q", s.Cue, s.Kind)
		}
		out = append(out, cue{p: p, w: w, label: s.Label, who: s.Who, poss: s.Poss, q: s.Question, kind: s.Kind, assert: s.Assert, open: s.Open})
	}
	return out, nil
}

// loadCues reads every YAML file of fsys into per-language cue sets.
func loadCues(fsys fs.FS, into map[string]*langCues) error {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		var f cueFile
		if err := yaml.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("followup: %s: %w", name, err)
		}
		if err := f.expandLists(); err != nil {
			return fmt.Errorf("followup: %s: %w", path.Base(name), err)
		}
		if f.Lang == "" {
			return fmt.Errorf("followup: %s: no lang", name)
		}
		if err := add(into, f); err != nil {
			return fmt.Errorf("followup: %s: %w", path.Base(name), err)
		}
	}
	return nil
}

func add(into map[string]*langCues, f cueFile) error {
	lc := into[f.Lang]
	if lc == nil {
		lc = &langCues{lang: f.Lang, function: map[string]bool{}, stop: map[string]bool{}, themes: map[prompts.Theme][]cue{},
			why: map[string]string{}, ask: map[string]string{}, names: map[prompts.Theme]themeName{}}
		into[f.Lang] = lc
	}
	for _, w := range f.FunctionWords {
		lc.function[strings.ToLower(w)] = true
		lc.stop[strings.ToLower(w)] = true
	}
	for _, w := range f.StopWords {
		lc.stop[strings.ToLower(w)] = true
	}
	for id, specs := range f.Themes {
		if !slices.Contains(prompts.Themes, id) {
			return fmt.Errorf("unknown theme %q", id)
		}
		cs, err := compileAll(specs, 1)
		if err != nil {
			return err
		}
		lc.themes[id] = append(lc.themes[id], cs...)
	}
	lists := []struct {
		dst  *[]cue
		src  []cueSpec
		defW float64
	}{
		{&lc.deficit, f.Deficit, 3}, {&lc.labels, f.Labels, 1}, {&lc.decision, f.Decision, 2},
		{&lc.withParents, f.WithParents, 1}, {&lc.parents, f.Parents, 1},
		{&lc.open, f.Advice.Open, 1}, {&lc.lead, f.Advice.Lead, 1}, {&lc.softLead, f.Advice.SoftLead, 1},
		{&lc.notAfter, f.Advice.NotAfter, 1}, {&lc.tag, f.Advice.Tag, 1}, {&lc.invite, f.Advice.Invite, 1}, {&lc.reported, f.Advice.Reported, 1}, {&lc.claim, f.Advice.Claim, 1}, {&lc.reports, f.Advice.Reports, 1},
		{&lc.negation, f.Advice.Negation, 1}, {&lc.mention, f.Advice.Mention, 1}, {&lc.ownView, f.Advice.OwnView, 1},
		{&lc.unreport, f.Advice.Unreport, 1}, {&lc.scope, f.Advice.Scope, 1}, {&lc.degree, f.Advice.Degree, 1}, {&lc.denial, f.Advice.Denial, 1},
		{&lc.infStart, f.Advice.Infinitive.Start, 1}, {&lc.infStop, f.Advice.Infinitive.Stop, 1},
		{&lc.infVerb, f.Advice.Infinitive.Verb, 1}, {&lc.infNotVerb, f.Advice.Infinitive.NotVerb, 1},
		{&lc.vague, f.Vague, 1}, {&lc.concrete, f.Concrete, 1}, {&lc.feelings, f.Feelings, 1},
		{&lc.feelingSelf, f.FeelingWhose.Self, 1}, {&lc.feelingOther, f.FeelingWhose.Other, 1},
		{&lc.stepWhen, f.Step.When, 1}, {&lc.stepWho, f.Step.Who, 1}, {&lc.stepGeneral, f.Step.General, 1},
		{&lc.stepMore, f.Step.More, 1}, {&lc.stepWill, f.Step.Will, 1},
		{&lc.stepMoreBare, f.Step.MoreBare, 1}, {&lc.stepWillLate, f.Step.WillLate, 1},
	}
	for _, l := range lists {
		cs, err := compileAll(l.src, l.defW)
		if err != nil {
			return err
		}
		*l.dst = append(*l.dst, cs...)
	}
	kinds := []struct {
		dst  *[]cue
		src  []cueSpec
		kind string
	}{
		{&lc.always, f.Advice.Always, bot.AdviceKindAdvice}, {&lc.statement, f.Advice.Statement, bot.AdviceKindAdvice},
		{&lc.imperative, f.Advice.Imperative, bot.AdviceKindAdvice}, {&lc.assert, f.Advice.Assert, bot.AdviceKindAdvice},
		{&lc.judgement, f.Advice.Judgement, bot.AdviceKindJudgement}, {&lc.interpret, f.Advice.Interpretation, bot.AdviceKindInterpretation},
	}
	for _, l := range kinds {
		cs, err := compileKind(l.src, l.kind)
		if err != nil {
			return err
		}
		*l.dst = append(*l.dst, cs...)
	}
	lc.openJudgement = openOnly(lc.judgement)
	for k, v := range f.Why {
		lc.why[k] = strings.TrimSpace(v)
	}
	for k, v := range f.Ask {
		lc.ask[k] = strings.TrimSpace(v)
	}
	for k, v := range f.ThemeNames {
		lc.names[k] = v
	}
	return nil
}

// listRef is a reference to a named word list in a regular-expression cue: {{name}}.
var listRef = regexp.MustCompile(`\{\{([a-z_]+)\}\}`)

// expandLists replaces each {{name}} in the file's advice regular expressions by a group
// of the words of list name, longest first, so "such a mess" is tried before "mess". A
// reference to a list the file does not define is an error.
func (f *cueFile) expandLists() error {
	groups := map[string]string{}
	for name, words := range f.Lists {
		ws := slices.Clone(words)
		sort.SliceStable(ws, func(i, j int) bool { return len(ws[i]) > len(ws[j]) })
		groups[name] = "(?:" + strings.Join(ws, "|") + ")"
	}
	a := &f.Advice
	for _, specs := range [][]cueSpec{a.Always, a.Statement, a.Assert, a.Judgement, a.Interpretation} {
		for i := range specs {
			var missing string
			specs[i].Cue = listRef.ReplaceAllStringFunc(specs[i].Cue, func(ref string) string {
				name := ref[2 : len(ref)-2]
				g, ok := groups[name]
				if !ok {
					missing = name
				}
				return g
			})
			if missing != "" {
				return fmt.Errorf("cue %q: no list %q", specs[i].Cue, missing)
			}
		}
	}
	return nil
}
