package bot_test

import (
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/bot/bottest"
	"github.com/intervision-bot/intervision/prompts"
)

// TestSummaryHeadShowsTheFullerAnswer: a thin takeaway or a vague next step that drew
// the bot's request for a detail, followed by a fuller answer in the same phase, is not
// what the person takes away: the summary's head shows the fuller answer, and the
// document keeps every word in the phase's full record, for export and keep too.
func TestSummaryHeadShowsTheFullerAnswer(t *testing.T) {
	lib := prompts.MustBuiltin()
	h := newHarness(t, bot.Config{Library: lib, Interpreter: interpreter(t, lib)})
	h.Conv = bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D1", Direct: true}
	for _, l := range []string{"/start nl", "Gesprek met ouders over hun zoon, ging niet goed.", "geen idee", "boos",
		"de ouders wilden gewoon niet", "weet niet", "ja", "dat ik het anders had moeten doen",
		"Ik ga mijn collega vragen om mee te gaan.", "prima", "/volgende", "niks", "geen idee", "/volgende"} {
		h.say("eva", l)
	}
	if h.Phase != "takeaway" {
		t.Fatalf("phase %s, want takeaway:\n%s", h.Phase, h.Transcript())
	}
	// a concrete step closes a solo reflection (no further question whose answer would
	// read as a second step; without a scheduler there is no check-in to offer)
	for _, l := range []string{"ze wilden niet", "Mijn collega vragen.", "ok", "/volgende", "morgen",
		"Morgen vraag ik mijn collega of ze meegaat naar het volgende gesprek."} {
		h.say("eva", l)
	}
	if h.Phase != "done" {
		t.Fatalf("phase %s, want done:\n%s", h.Phase, h.Transcript())
	}
	brief := bottest.Public(h.Last)
	for _, want := range []string{"Je neemt mee: Mijn collega vragen.", "Volgende stap: Morgen vraag ik mijn collega"} {
		if !strings.Contains(brief, want) {
			t.Errorf("the summary lacks %q:\n%s", want, brief)
		}
	}
	for _, filler := range []string{"Je neemt mee: ok", "Je neemt mee: ze wilden niet", "Volgende stap: morgen"} {
		if strings.Contains(brief, filler+"\n") || strings.HasSuffix(brief, filler) {
			t.Errorf("the summary shows the filler %q:\n%s", filler, brief)
		}
	}
	doc := bottest.Document(h.Last)
	head, record, _ := strings.Cut(doc, "**Wat gebeurde er?**")
	if strings.Contains(head, "- ok\n") || strings.Contains(head, "- morgen\n") {
		t.Errorf("the document's head shows a filler:\n%s", doc)
	}
	for _, word := range []string{"- ze wilden niet\n", "- Mijn collega vragen.\n", "- ok\n", "- morgen\n", "- Morgen vraag ik"} {
		if !strings.Contains(record, word) {
			t.Errorf("the document's record lost %q:\n%s", word, doc)
		}
	}
	h.say("eva", "/bewaren")
	out := h.say("eva", "/export")
	for _, word := range []string{"ze wilden niet", "- ok\n", "- morgen\n"} {
		if !strings.Contains(privateTo(out, "eva")+bottest.Document(out), word) {
			t.Errorf("the export of a kept summary lost %q: %+v", word, out.Replies)
		}
	}
}
