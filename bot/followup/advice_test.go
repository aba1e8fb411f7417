package followup_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/prompts"
)

// TestReadAdviceKinds: the examples of issue 12 and their look-alikes. Judgements dressed
// as questions count in every questions-only phase; interpretations only in a phase that
// asks for facts (the clarifying questions).
func TestReadAdviceKinds(t *testing.T) {
	r := newInterpreter(t)
	cases := []struct {
		lang, text string
		stage      prompts.Stage
		want       string // kind, "" for none
	}{
		{"nl", "Is ze niet gewoon een zwakke, ongeïnteresseerde moeder die het niet kan opbrengen?", prompts.StageClarify, bot.AdviceKindJudgement},
		// From a user test: a claim dressed as a question ("fair to say", "zou je zeggen")
		// judges; the same words after someone else's report ask what was said; a
		// why-question can carry a verdict about a person; not caring is one.
		{"en", "Is it fair to say she doesn't care?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Would you say she is lazy?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Did mum say she doesn't care?", prompts.StageClarify, ""},
		{"en", "Did the teacher say he is lazy?", prompts.StageClarify, ""},
		{"en", "He doesn't care at all, does he?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Waarom is ze zo'n slechte moeder?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Waarom is ze zo afwezig?", prompts.StageClarify, ""},
		{"nl", "Is het eerlijk om te zeggen dat het haar niks kan schelen?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Kan het haar echt niets schelen?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Zou je zeggen dat ze lui is?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Zei de juf dat hij lui is?", prompts.StageClarify, ""},
		// From a second user test: a denied label is no judgement, a negation in a closed
		// question asserts, a why-question can presume not caring.
		{"nl", "Ik vind moeder helemaal niet ongemotiveerd, dat zei mijn collega.", prompts.StageClarify, ""},
		{"nl", "Ze is niet lui.", prompts.StageClarify, ""},
		{"nl", "Ik denk niet dat ze lui is.", prompts.StageClarify, ""},
		{"en", "She is not lazy, she is exhausted.", prompts.StageClarify, ""},
		{"en", "I don't think she is lazy.", prompts.StageClarify, ""},
		{"en", "Isn't she lazy?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Is ze niet gewoon lui?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Why doesn't she care?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Waarom kan het haar niks schelen?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Why do you think she doesn't care?", prompts.StageClarify, ""},
		// From a third user test: asking the case bringer's view is a question; the
		// asker's verdict or suggestion in it is not; "you need to" advises
		{"en", "Do you think he knows when the meetings are?", prompts.StageClarify, ""},
		{"en", "Do you think he understood what he signed?", prompts.StageClarify, ""},
		{"en", "Do you think she is lazy?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Do you think you should call him?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"en", "What do you think you should do?", prompts.StageClarify, ""},
		{"en", "You need to tell him the meetings are mandatory.", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Denk je dat hij weet wanneer de gesprekken zijn?", prompts.StageClarify, ""},
		{"nl", "Wat denk je dat je had moeten doen?", prompts.StageClarify, ""},
		{"nl", "Vind je dat ze lui is?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Je wilt haar vooral helpen, toch?", prompts.StageClarify, ""},
		// a question that doubts the parent judges; the same words asking facts do not
		{"nl", "Snapt moeder eigenlijk wel wat goed is voor haar kind?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Heeft ze er eigenlijk wel zin in?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Weet moeder eigenlijk wanneer het gesprek is?", prompts.StageClarify, ""},
		{"en", "Does she even care about school?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Did he even get the letter?", prompts.StageClarify, ""},
		// an opinion about the plan dressed as a question judges; a suggestion advises
		{"en", "Don't you think the plan is too ambitious?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Isn't the goal a bit too high?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "Don't you think you should call her?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"en", "Is the house too small for them?", prompts.StageClarify, ""},
		{"nl", "Vind je het plan niet te ambitieus?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Is het doel niet wat te hoog?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Vind je niet dat je haar moet bellen?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Is het huis te klein voor ze?", prompts.StageClarify, ""},
		{"nl", "Is ze niet gewoon een zwakke, ongeïnteresseerde moeder die het niet kan opbrengen?", prompts.StageFeelings, bot.AdviceKindJudgement},
		{"en", "Isn't she just a weak, uninterested mother who can't be bothered?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Het is toch gewoon onwil?", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Moeder is onverschillig.", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Die ouders zijn pedagogisch onmachtig.", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Vader is niet leerbaar.", prompts.StageClarify, bot.AdviceKindJudgement},
		{"en", "The father is pedagogically incapable.", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Heb je al eens geprobeerd haar gewoon te appen?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Zou je niet beter de zaak sluiten?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"en", "Have you ever tried texting her instead?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Misschien is vader zelf ooit op school vernederd.", prompts.StageClarify, bot.AdviceKindInterpretation},
		{"nl", "Misschien is vader zelf ooit op school vernederd.", prompts.StageFeelings, ""},
		{"nl", "Misschien is vader zelf ooit op school vernederd.", prompts.StageAnalyse, ""},
		{"en", "Maybe the father was humiliated at school himself.", prompts.StageClarify, bot.AdviceKindInterpretation},
		{"en", "Maybe the father was humiliated at school himself.", "", ""},
		{"en", "I think she feels ashamed of the house.", prompts.StageClarify, bot.AdviceKindInterpretation},
		// open questions about what was tried ask; remarks and mixed languages (user tests)
		{"nl", "Wat heb je al geprobeerd?", prompts.StageClarify, ""},
		{"en", "What have you tried so far?", prompts.StageClarify, ""},
		{"en", "Have you tried a home visit?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Dat klinkt heftig.", prompts.StageClarify, ""},
		{"en", "That sounds really hard.", prompts.StageClarify, ""},
		{"en", "Thanks for sharing, that sounds really hard.", prompts.StageClarify, ""},
		{"nl", "Dank je voor het delen, dat klinkt zwaar.", prompts.StageClarify, ""},
		{"en", "I keep calling the dad but he never picks up, and the report is due on Friday.", prompts.StageClarify, ""},
		{"en", "Sounds like a dad who doesn't care.", prompts.StageClarify, bot.AdviceKindJudgement},
		{"nl", "Have you tried a home visit?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"nl", "Wat als je de vader belt?", prompts.StageClarify, bot.AdviceKindAdvice},
		{"en", "What if you called the father?", prompts.StageClarify, bot.AdviceKindAdvice},
		// \w in a regexp cue matches letters with diacritics ("naïef")
		{"nl", "Was dat niet een beetje naïef van je?", prompts.StageClarify, bot.AdviceKindJudgement},
		// look-alikes that must pass
		{"nl", "Wat maakt dat je haar onverschillig noemt?", prompts.StageClarify, ""},
		{"en", "What makes you call her indifferent?", prompts.StageClarify, ""},
		{"nl", "Is het overleg niet gewoon op dinsdag?", prompts.StageClarify, ""},
		{"en", "Is it just the mother and the two kids at home?", prompts.StageClarify, ""},
		{"nl", "Zei ze dat ze bang was?", prompts.StageClarify, ""},
		{"en", "Did the report say she was uncooperative?", prompts.StageClarify, ""},
		{"nl", "Misschien kun je vertellen wat ze toen zei?", prompts.StageClarify, ""},
		{"nl", "Voelde je je machteloos op dat moment?", prompts.StageClarify, ""},
	}
	for _, c := range cases {
		a, ok := r.ReadAdvice(c.text, c.lang, c.stage)
		if ok != (c.want != "") || a.Kind != c.want {
			t.Errorf("ReadAdvice(%q, %s, %q) = %+v, %v; want kind %q", c.text, c.lang, c.stage, a, ok, c.want)
		}
		if ok && len(a.Cues) == 0 {
			t.Errorf("ReadAdvice(%q) found %s without cues", c.text, a.Kind)
		}
	}
}

// TestDeficitWordsReadAsTheme: the deficit words of issue 12 count for non-participation,
// so a reframing question answers them.
func TestDeficitWordsReadAsTheme(t *testing.T) {
	r := newInterpreter(t)
	for _, c := range []struct{ lang, text string }{
		{"nl", "Is ze niet gewoon een zwakke, ongeïnteresseerde moeder die het niet kan opbrengen?"},
		{"nl", "Moeder is onverschillig."},
		{"nl", "Die ouders zijn pedagogisch onmachtig."},
		{"nl", "Vader is niet leerbaar."},
		{"en", "The mother is indifferent."},
		{"en", "They are pedagogically incapable."},
		{"en", "He is simply not teachable."},
	} {
		scores := r.Read(c.text, c.lang)
		if len(scores) == 0 || scores[0].ID != string(prompts.ThemeNonParticipation) || scores[0].Score < 3 {
			t.Errorf("Read(%q) = %+v, want non-participation first from deficit language", c.text, scores)
		}
	}
}

// TestDeniedDeficitDoesNotLead: deficit words the writer denies or asks about do not put
// non-participation first; what the text is about does (found by a review: "Ze is
// helemaal niet lui. Ze heeft schulden…" got the question about staying away).
func TestDeniedDeficitDoesNotLead(t *testing.T) {
	r := newInterpreter(t)
	for _, c := range []struct{ lang, text string }{
		{"nl", "Ze is helemaal niet lui. Ze heeft schulden, woont met vier kinderen in een krappe huurwoning en werkt in ploegendienst."},
		{"en", "She is not lazy. She has debts, lives with four children in a cramped rented flat and works shifts."},
	} {
		scores := r.Read(c.text, c.lang)
		if len(scores) == 0 || scores[0].ID != string(prompts.ThemeContext) {
			t.Errorf("Read(%q) = %+v, want context first", c.text, scores)
		}
		f, ok := r.FollowUp(bot.FollowUpRequest{Text: c.text, Lang: c.lang, Pool: pool})
		if !ok || len(f.Question.Themes) == 0 || f.Question.Themes[0] != prompts.ThemeContext {
			t.Errorf("FollowUp(%q) = %+v, want a context question", c.text, f.Question)
		}
	}
}

// TestReadAdviceStructure: judgements and interpretations read by their structure (a
// person, a copula and an evaluative word; a person and an inner state or motive; a cause
// in the past), not by a phrase of a tuning set, and the look-alikes that must pass: open
// questions that name a label, closed questions about a feeling, reports of what someone
// said.
func TestReadAdviceStructure(t *testing.T) {
	r := newInterpreter(t)
	const j, i = bot.AdviceKindJudgement, bot.AdviceKindInterpretation
	for _, c := range []struct{ lang, text, want string }{
		{"en", "The grandmother is toxic.", j},
		{"en", "Isn't the mother rather cold?", j},
		{"en", "He never listens to anyone.", j},
		{"en", "Typical father who leaves everything to the mum.", j},
		{"en", "I read the file and, frankly, the father comes across as a thug.", j},
		{"nl", "Die oma is giftig.", j},
		{"nl", "Zo'n moeder die altijd de slachtofferrol speelt.", j},
		{"nl", "Is hij echt zo dom?", j},
		{"nl", "Ze snapt het gewoon niet.", j},
		{"en", "She's scared of losing them.", i},
		{"en", "That'll be because of his own father.", i},
		{"en", "Is it because she was in care herself?", i},
		{"en", "His anger is really fear.", i},
		{"nl", "Ze schaamt zich.", i},
		{"nl", "Dat zal wel door zijn eigen vader komen.", i},
		{"nl", "Komt het doordat ze zelf in de jeugdzorg heeft gezeten?", i},
		{"nl", "Het is een loyaliteitsconflict voor de jongen.", i},
		// look-alikes
		{"en", "What makes you say she's a terrible mother?", ""},
		{"nl", "Wat maakt dat je haar een slechte moeder noemt?", ""},
		{"en", "Was he aggressive when you arrived?", ""},
		{"nl", "Was vader dronken toen je op bezoek kwam?", ""},
		{"en", "She told me she was scared of losing them.", ""},
		{"en", "The teacher wrote that he is aggressive in class.", ""},
		{"nl", "Ze vroeg me of ik vond dat ze een slechte moeder was.", ""},
		{"nl", "De juf schreef dat hij agressief is in de klas.", ""},
		{"en", "Is she scared of the dog?", ""},
		{"nl", "Komt de vader uit Polen?", ""},
	} {
		a, ok := r.ReadAdvice(c.text, c.lang, prompts.StageClarify)
		if ok != (c.want != "") || a.Kind != c.want {
			t.Errorf("ReadAdvice(%q, %s) = %+v, %v; want kind %q", c.text, c.lang, a, ok, c.want)
		}
	}
}

// TestCueLists: a regular-expression cue uses a named word list of its file as {{name}};
// a list the file does not define is an error, not a cue that silently matches nothing.
func TestCueLists(t *testing.T) {
	file := func(cue string) fstest.MapFS {
		return fstest.MapFS{"x.yaml": {Data: []byte("lang: en\nlists:\n  odd: ['wobbly|squiffy']\nadvice:\n  judgement:\n    - '" + cue + "'\n")}}
	}
	r, err := followup.New(prompts.MustBuiltin(), file(`re:^(?:she|he) is {{odd}}\b`))
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := r.ReadAdvice("He is squiffy.", "en", prompts.StageClarify); !ok || a.Kind != bot.AdviceKindJudgement {
		t.Errorf("ReadAdvice with a list cue = %+v, %v; want a judgement", a, ok)
	}
	if _, err := followup.New(prompts.MustBuiltin(), file(`re:^she is {{nope}}\b`)); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("New with an unknown list = %v; want an error naming it", err)
	}
}
