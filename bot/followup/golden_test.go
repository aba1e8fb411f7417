package followup_test

import (
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/bot/followup"
	"github.com/intervision-bot/intervision/prompts"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/golden")

// session is a chat with the engine using the followup interpreter.
type session struct {
	*bottest.Chat
	t *testing.T
}

func newSession(t *testing.T) *session {
	t.Helper()
	lib := prompts.MustBuiltin()
	r, err := followup.New(lib)
	if err != nil {
		t.Fatal(err)
	}
	return &session{Chat: bottest.New(t, bot.Config{Library: lib, Interpreter: r}), t: t}
}

// say sends text from user ("/" makes it a command) and returns the public replies.
func (s *session) say(user, text string) string {
	s.t.Helper()
	return bottest.Public(s.Say(user, text))
}

// question returns the library question text in lang for id.
func (s *session) question(id, lang string) string {
	for _, q := range s.Library.Questions() {
		if q.ID == id {
			return q.Text.In(lang)
		}
	}
	for _, m := range s.Library.Methods() {
		for _, p := range m.Phases {
			for _, q := range p.Questions {
				if q.ID == id {
					return q.Text.In(lang)
				}
			}
		}
	}
	s.t.Fatalf("no question %s", id)
	return ""
}

// questionsWith returns the texts in lang of the library questions whose id has prefix.
func (s *session) questionsWith(prefix, lang string) []string {
	var out []string
	for _, q := range s.Library.Questions() {
		if strings.HasPrefix(q.ID, prefix) {
			out = append(out, q.Text.In(lang))
		}
	}
	if len(out) == 0 {
		s.t.Fatalf("no %s questions in the library", prefix)
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// golden compares the transcript with testdata/golden/name.txt (-update rewrites it).
func (s *session) golden(name string) { s.t.Helper(); s.Golden(name, *update) }

// TestGoldenIncident: a three-person incident session. The case bringer's account of a
// team decision is not interrupted while it is told, and the questions phase opens
// with a question about the parents' part in it; a peer's advice in the
// questions-only phase gets the advice reminder, a judgement dressed as a question the
// judgement reminder and an interpretation the interpretation reminder (issue 12), while an
// ordinary question does not; in the analysis a peer's "the mother is just not motivated"
// gets a reframing question and an interpretation is kept.
func TestGoldenIncident(t *testing.T) {
	s := newSession(t)
	s.say("ann", "/start incident en")
	s.say("bob", "/join")
	s.say("cas", "/join")
	s.say("ann", "/bring")
	s.say("ann", "/next")

	got := s.say("ann", "We decided in the team that Sam goes to a foster family for the weekends. "+
		"On Thursday I had to tell his mother, and she stood up and walked out of the room.")
	if containsAny(got, s.questionsWith("", "en")) {
		t.Errorf("a question broke into the case as it was told:\n%s", got)
	}
	got = s.say("ann", "/next")
	if !containsAny(got, s.questionsWith("decide-", "en")) || !strings.Contains(got, "without the parents") {
		t.Errorf("a team decision should get a decision-making question about the parents' part when the questions open:\n%s", got)
	}

	got = s.say("bob", "How old is Sam?")
	if strings.Contains(s.Transcript(), "bob: How old is Sam?\nbot →") {
		t.Errorf("an ordinary question drew a private rule reminder:\n%s", s.Transcript())
	}
	_ = got
	before := len(s.Transcript())
	s.say("cas", "You should have told her together with a colleague.")
	if !strings.Contains(s.Transcript()[before:], "bot → cas: That sounds like advice.") {
		t.Errorf("advice in the questions-only phase should get the advice reminder:\n%s", s.Transcript()[before:])
	}
	before = len(s.Transcript())
	s.say("bob", "Isn't she just a lazy mother who can't be bothered?")
	if got := s.Transcript()[before:]; !strings.Contains(got, "bot → bob: That sounds like a judgement") || strings.Count(got, "lazy") != 1 {
		t.Errorf("a judgement-question in the clarifying phase should get the judgement reminder, without the text:\n%s", got)
	}
	before = len(s.Transcript())
	s.say("cas", "Maybe the father was humiliated at school himself.")
	if got := s.Transcript()[before:]; !strings.Contains(got, "bot → cas: That sounds like an interpretation") {
		t.Errorf("an interpretation in the clarifying phase should get the interpretation reminder:\n%s", got)
	}
	s.say("ann", "He is seven.")
	s.say("ann", "/next")

	got = s.say("bob", "I think the mother is just not motivated.")
	if !containsAny(got, s.questionsWith("reframe-", "en")) {
		t.Errorf("deficit language should get a reframing question:\n%s", got)
	}
	if !strings.Contains(got, s.question("reframe-unmotivated", "en")) || !strings.Contains(got, "unmotivated") {
		t.Errorf("\"not motivated\" should get reframe-unmotivated with its reason:\n%s", got)
	}
	if strings.Contains(strings.ToLower(got), "agree") {
		t.Errorf("the bot must not agree with deficit language:\n%s", got)
	}
	before = len(s.Transcript())
	s.say("cas", "Maybe the placement felt like a verdict on her as a mother.")
	if got := s.Transcript()[before:]; strings.Contains(got, "bot → cas") {
		t.Errorf("an interpretation in the analysis (a free phase) should be kept:\n%s", got)
	}
	s.say("ann", "/status")
	s.golden("incident-en")
}

// TestGoldenIncidentNL is the same in Dutch: "ongemotiveerd", "in het teamoverleg
// besloten", and the judgement-question and interpretation of issue 12 in the clarifying
// phase.
func TestGoldenIncidentNL(t *testing.T) {
	s := newSession(t)
	s.say("ann", "/start incident nl")
	s.say("bob", "/join")
	s.say("cas", "/join")
	s.say("ann", "/bring")
	s.say("ann", "/next")
	got := s.say("ann", "In het teamoverleg hebben we besloten dat Sam in de weekends naar een pleeggezin gaat. "+
		"Donderdag moest ik het zijn moeder vertellen en ze liep boos de kamer uit.")
	if containsAny(got, s.questionsWith("", "nl")) {
		t.Errorf("een vraag onderbrak de casus terwijl die verteld werd:\n%s", got)
	}
	got = s.say("ann", "/next")
	if !containsAny(got, s.questionsWith("decide-", "nl")) || !strings.Contains(got, "zonder de ouders") {
		t.Errorf("een teambesluit hoort een vraag over het aandeel van de ouders te krijgen als de vragen beginnen:\n%s", got)
	}
	s.say("bob", "Hoe oud is Sam?")
	before := len(s.Transcript())
	s.say("cas", "Is ze niet gewoon een zwakke, ongeïnteresseerde moeder die het niet kan opbrengen?")
	if got := s.Transcript()[before:]; !strings.Contains(got, "bot → cas: Dat klinkt als een oordeel") || strings.Count(got, "zwakke") != 1 {
		t.Errorf("een oordeel als vraag hoort in de verhelderende fase de herinnering te krijgen, zonder de tekst:\n%s", got)
	}
	before = len(s.Transcript())
	s.say("bob", "Misschien is vader zelf ooit op school vernederd.")
	if got := s.Transcript()[before:]; !strings.Contains(got, "bot → bob: Dat klinkt als een interpretatie") {
		t.Errorf("een interpretatie hoort in de verhelderende fase de herinnering te krijgen:\n%s", got)
	}
	s.say("ann", "Zeven.")
	s.say("ann", "/next")
	got = s.say("bob", "Ik vind moeder eerlijk gezegd gewoon ongemotiveerd.")
	if !strings.Contains(got, s.question("reframe-unmotivated", "nl")) || !strings.Contains(got, "de moeder als ongemotiveerd") {
		t.Errorf("tekortentaal hoort een herkaderende vraag te krijgen:\n%s", got)
	}
	s.golden("incident-nl")
}

// TestGoldenThinTakeaway: in a group, a one-word takeaway ("Veel.") gets one kind
// follow-up by name and the phase waits; a second thin answer is taken as it is and
// the phase moves on. A one-word perspective from a peer gets one follow-up too, and
// the openers before anything was told ask no theme question.
func TestGoldenThinTakeaway(t *testing.T) {
	s := newSession(t)
	s.say("ann", "/start incident nl")
	s.say("bob", "/join")
	s.say("cas", "/join")
	s.say("ann", "/bring")
	got := s.say("ann", "/next")
	if strings.Contains(got, "Waarom ik dit vraag") || strings.Contains(got, "om bij stil te staan") {
		t.Errorf("the first phase opens with a theme question before anything was told:\n%s", got)
	}
	s.say("ann", "Moeder belde af voor het gesprek over de oudertraining. Ik heb haar maandag teruggebeld.")
	s.say("ann", "/next")
	s.say("ann", "/next")
	s.say("bob", "Ik denk dat de moeder zich overvallen voelde door de planning.")
	got = s.say("cas", "Goed.")
	if !strings.Contains(got, "cas, vertel er gerust iets meer over") {
		t.Errorf("a one-word analysis should get one follow-up by name:\n%s", got)
	}
	if got = s.say("cas", "Gewoon goed."); got != "" {
		t.Errorf("a second thin answer in a row got another follow-up:\n%s", got)
	}
	for s.Phase != "takeaway" {
		s.say("ann", "/next")
	}
	got = s.say("ann", "Veel.")
	if s.Phase != "takeaway" || !strings.Contains(got, "ann, kun je één ding noemen dat je meeneemt") {
		t.Errorf("a one-word takeaway should get one follow-up and keep the phase (phase %s):\n%s", s.Phase, got)
	}
	s.say("ann", "Veel, echt.")
	if s.Phase != "next-step" {
		t.Errorf("the second answer should close the takeaway; phase %s", s.Phase)
	}
	s.say("ann", "/end")
	s.golden("thin-takeaway-nl")
}

// TestGoldenSoloReads: a solo reflection reads each answer before its script goes on:
// "De ouders wilden denk ik gewoon niet" gets a question about that label, "boos" a
// question about the feeling, "Geen idee eigenlijk." one kind request for a detail (not
// two in a row), and the thin answer after it no thanks; a question about what was said
// follows no praise; no acknowledgement comes back within four.
func TestGoldenSoloReads(t *testing.T) {
	s := newSession(t)
	s.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	s.say("ann", "/start gibbs nl")
	s.say("ann", "Moeder kwam niet naar het gesprek over de oudertraining; ik had haar twee keer gebeld.")
	s.say("ann", "Ik heb een brief gestuurd.")
	got := s.say("ann", "De ouders wilden denk ik gewoon niet.")
	if !strings.Contains(got, s.question("reframe-resistant", "nl")) || !strings.Contains(got, "de ouders als onwillig") {
		t.Errorf("\"wilden gewoon niet\" should get a question about that label:\n%s", got)
	}
	if strings.Contains(got, "dat helpt") || strings.Contains(got, "Fijn dat je") {
		t.Errorf("a question about a label should not follow praise:\n%s", got)
	}
	got = s.say("ann", "boos")
	if !strings.Contains(got, "Je gebruikt het woord \"boos\"") {
		t.Errorf("\"boos\" should get a question about the feeling:\n%s", got)
	}
	got = s.say("ann", "Geen idee eigenlijk.")
	if !strings.Contains(got, "Vertel er gerust iets meer over") || !strings.Contains(got, "met `volgende` gaan we verder") {
		t.Errorf("a thin answer should get one kind follow-up:\n%s", got)
	}
	got = s.say("ann", "Geen idee.")
	if strings.Contains(got, "Vertel er gerust iets meer over") {
		t.Errorf("a second thin answer in a row got another follow-up:\n%s", got)
	}
	notThanked(t, "Geen idee.", got)
	for i := 0; s.Phase != "done" && i < 30; i++ {
		s.say("ann", "Ik zag dat de moeder schrok toen ik over de rechter begon.")
	}
	var seen []string // the acknowledgements so far
	for _, l := range strings.Split(s.Transcript(), "\n") {
		said, ok := strings.CutPrefix(l, "bot: ")
		if !ok || strings.HasPrefix(said, "**") || !strings.Contains(said, " **") {
			continue // not an acknowledgement before a question
		}
		ack := strings.SplitN(said, " **", 2)[0]
		if i := slices.Index(seen[max(0, len(seen)-3):], ack); i >= 0 {
			t.Errorf("acknowledgement %q again within four: %q", ack, append(seen[max(0, len(seen)-3):], ack))
		}
		seen = append(seen, ack)
	}
	if len(seen) < 6 {
		t.Errorf("only %d acknowledgements: %q", len(seen), seen)
	}
	s.golden("solo-reads-nl")
}

// TestSoloThinAnswerIsNotThanked: "geen idee" after a request for a detail gets the
// script's next question after an acknowledgement that thanks for nothing.
func TestSoloThinAnswerIsNotThanked(t *testing.T) {
	s := newSession(t)
	s.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	s.say("ann", "/start nl")
	s.say("ann", "Gesprek met ouders over hun zoon, ging niet goed.")
	got := s.say("ann", "geen idee")
	if !strings.Contains(got, "**") {
		t.Fatalf("no next question after \"geen idee\":\n%s", got)
	}
	notThanked(t, "geen idee", got)
}

// notThanked fails when the reply to a thin answer thanks for it or praises it: every
// Dutch solo acknowledgement but those for a thin answer.
func notThanked(t *testing.T, answer, reply string) {
	t.Helper()
	for _, thanks := range []string{"Dank je", "dat helpt", "Fijn dat je", "Dat is helder", "Ik begrijp het"} {
		if strings.Contains(reply, thanks) {
			t.Errorf("%q was thanked as if it helped (%q):\n%s", answer, thanks, reply)
		}
	}
}

// TestThinFeelingInGroup: in a group, the case bringer's one-word feeling gets the
// question about that feeling, by name, once; the next thin answer is taken as it is.
func TestThinFeelingInGroup(t *testing.T) {
	s := newSession(t)
	s.say("ann", "/start gibbs nl")
	s.say("bob", "/join")
	s.say("ann", "/bring")
	s.say("ann", "/next")
	s.say("ann", "Moeder liep weg toen ik over de uithuisplaatsing begon.")
	s.say("ann", "/next")
	if got := s.say("bob", "Ok."); got != "" {
		t.Errorf("a peer's thin remark where peers only ask questions got a follow-up:\n%s", got)
	}
	s.say("bob", "Hoe voelde je je toen?")
	got := s.say("ann", "Boos.")
	if !strings.Contains(got, "ann, **je gebruikt het woord \"boos\"") || !strings.Contains(got, "ann schreef \"boos\"") {
		t.Errorf("the case bringer's one-word feeling should get a question about it, by name:\n%s", got)
	}
	if got = s.say("ann", "Heel boos."); got != "" {
		t.Errorf("a second thin answer in a row got another follow-up:\n%s", got)
	}
}

// balintCase is an English Balint session of ann (case bringer), bob and cas, in the
// phase where ann tells the case.
func balintCase(t *testing.T) *session {
	s := newSession(t)
	s.say("ann", "/start balint en")
	s.say("bob", "/join")
	s.say("cas", "/join")
	s.say("ann", "/next")
	s.say("ann", "/bring")
	s.say("ann", "/next")
	return s
}

// TestBalintAsksOnlyItsOwnQuestions: Balint (pool: own) answers a case about a team
// decision taken without the parents with none of the library's questions ("Who decided
// this, where, and where were the parents…?" is decisions.yaml's), also not as the
// strong decision follow-up.
func TestBalintAsksOnlyItsOwnQuestions(t *testing.T) {
	s := balintCase(t)
	lib := map[string]bool{}
	for _, q := range s.Library.Questions() {
		lib[q.Text.In("en")] = true
	}
	got := s.say("ann", "Our team decided to end the home visits. The parents were not asked. I felt ashamed and a bit angry.")
	got += s.say("bob", "It makes me think of a door closing.")
	for q := range lib {
		if strings.Contains(got, q) {
			t.Errorf("Balint asked the library's %q:\n%s", q, got)
		}
	}
}

// TestBalintAssociationsKeepAdviceOut: in Balint's first associations (rule no-advice) a
// peer's advice is not added and the peer hears why; an association is added.
func TestBalintAssociationsKeepAdviceOut(t *testing.T) {
	s := balintCase(t)
	s.say("ann", "Our team decided to end the home visits. The parents were not asked.")
	s.say("ann", "/next")
	if s.Phase != "associations" {
		t.Fatalf("phase %s, want associations", s.Phase)
	}
	to := func(out bot.Outcome, user string) string {
		var b strings.Builder
		for _, r := range out.Replies {
			if r.To == user {
				b.WriteString(r.Text)
			}
		}
		return b.String()
	}
	out := s.Say("bob", "You should go back to the team and reverse the decision.")
	if !strings.Contains(to(out, "bob"), "we first share associations") {
		t.Errorf("advice in the associations got no reminder: %+v", out.Replies)
	}
	out = s.Say("cas", "It makes me think of a door closing.")
	if strings.Contains(to(out, "cas"), "I did not add your message") {
		t.Errorf("an association was refused: %+v", out.Replies)
	}
}
