package bot_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// TestRewriteAfterRefusal: the reminder that keeps advice out asks for the question as
// a new message (a rewrite would replace the peer's earlier one), and a rewrite by a peer
// who has no message yet adds its text as their first, read like any other (it said
// "rewrite followed by new text replaces your last message") and says so. Found by a
// user test.
func TestRewriteAfterRefusal(t *testing.T) {
	for _, tc := range []struct {
		lang, advice, rewrite, question, ask, added string
	}{
		{"nl", "Je moet haar gewoon bellen.", "/herschrijf", "Wat zei je toen ze belde?", "stuur je vraag als nieuw bericht", "toegevoegd als je eerste"},
		{"en", "You should just call her before every meeting.", "/rewrite", "What happens when she cancels?", "send your question as a new one", "added as your first"},
	} {
		c, _ := limitChat(t, bot.Config{SessionMaxTurns: -1, SessionMaxBytes: -1}, tc.lang)
		if out := c.Say("cas", tc.advice); !strings.Contains(replyTo(out, "cas"), tc.ask) {
			t.Errorf("%s: the reminder %q does not ask for a new message", tc.lang, replyTo(out, "cas"))
		}
		out := c.Say("cas", tc.rewrite+" "+tc.question)
		rec := c.Record()
		if !bytes.Contains(rec, []byte(tc.question)) || bytes.Contains(rec, []byte(tc.advice)) {
			t.Errorf("%s: a first message as a rewrite: record %s, replies %q", tc.lang, rec, replyTo(out, "cas"))
		}
		if !strings.Contains(replyTo(out, "cas"), tc.added) {
			t.Errorf("%s: a rewrite that adds a first message says %q", tc.lang, replyTo(out, "cas"))
		}
		// Still advice: kept out as any message.
		c.Say("dan", "/join")
		out = c.Say("dan", tc.rewrite+" "+tc.advice)
		if rec := c.Record(); bytes.Contains(rec, []byte(tc.advice)) {
			t.Errorf("%s: advice as a first rewrite was saved: %s", tc.lang, rec)
		}
		if strings.Contains(replyTo(out, "dan"), tc.added) {
			t.Errorf("%s: a refused rewrite says it was added: %q", tc.lang, replyTo(out, "dan"))
		}
	}
}
