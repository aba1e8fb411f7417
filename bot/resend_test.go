package bot_test

import (
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/state/memstore"
)

// TestResendKeptOnce: a person who sends the same text again (no answer came, or
// "could not save" came although the store had saved it) has it kept once; the same
// text from someone else, or from them in a later phase, is kept.
func TestResendKeptOnce(t *testing.T) {
	c := newForgetChat(t, memstore.New())
	c.contribute() // bob asks bobsQuestion in the clarifying phase
	c.say("bob", bobsQuestion)
	c.say("cas", "/join")
	c.say("cas", bobsQuestion)
	c.say("ann", "/next")
	c.say("bob", bobsQuestion)
	out := c.say("ann", "/end")
	var doc string
	for _, r := range out.Replies {
		if r.File != nil {
			doc = string(r.File.Data)
		}
	}
	if n := strings.Count(doc, bobsQuestion); n != 3 {
		t.Fatalf("the question is in the summary %d times, want 3 (bob once per phase, cas once):\n%s", n, doc)
	}
}

// TestSameAnswerToTwoQuestionsKept: the same short answer to two questions asked in
// between ("Nee." twice) is two contributions; a resend right after one's own
// message is kept once and the sender hears so.
func TestSameAnswerToTwoQuestionsKept(t *testing.T) {
	c := newForgetChat(t, memstore.New())
	c.contribute() // bob asks bobsQuestion in the clarifying phase
	c.say("ann", "Nee.")
	c.say("bob", "Was het kind thuis?")
	if out := c.say("ann", "Nee."); len(out.Replies) != 0 {
		t.Fatalf("a second answer to a new question got %+v", out.Replies)
	}
	out := c.say("ann", "Nee.")
	if len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, "already had this message") || out.Replies[0].To != "ann" {
		t.Fatalf("a resend right after: %+v, want one private note that it was kept once", out.Replies)
	}
	out = c.say("ann", "/end")
	var doc string
	for _, r := range out.Replies {
		if r.File != nil {
			doc = string(r.File.Data)
		}
	}
	if n := strings.Count(doc, "**ann:** Nee."); n != 2 {
		t.Fatalf("ann's answer is in the summary %d times, want 2:\n%s", n, doc)
	}
}
