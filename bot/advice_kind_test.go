package bot_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
)

// kindReader is an Interpreter with the AdviceReader capability: a text that begins with
// a kind ("judgement: …") is advice of that kind. It records the stages it was asked in.
type kindReader struct {
	bot.BasicInterpreter
	stages []prompts.Stage
}

func (k *kindReader) ReadAdvice(text, _ string, stage prompts.Stage) (bot.Advice, bool) {
	k.stages = append(k.stages, stage)
	kind, _, ok := strings.Cut(text, ":")
	if !ok {
		return bot.Advice{}, false
	}
	return bot.Advice{Kind: kind, Cues: []string{kind}}, true
}

// TestQuestionsOnlyNamesTheKind: in the questions-only phase a peer's text that an
// AdviceReader reads as advice, a judgement or an interpretation gets a private reminder
// that names what it noticed, in the session's language, without repeating the text; the
// reader learns the phase's stage; nothing is added to the session.
func TestQuestionsOnlyNamesTheKind(t *testing.T) {
	cases := []struct{ lang, kind, want string }{
		{"en", bot.AdviceKindAdvice, "sounds like advice"},
		{"en", bot.AdviceKindJudgement, "sounds like a judgement"},
		{"en", bot.AdviceKindInterpretation, "sounds like an interpretation"},
		{"nl", bot.AdviceKindAdvice, "klinkt als een advies"},
		{"nl", bot.AdviceKindJudgement, "klinkt als een oordeel"},
		{"nl", bot.AdviceKindInterpretation, "klinkt als een interpretatie"},
		{"en", "something-new", "sounds like advice or a judgement"},
	}
	for _, c := range cases {
		t.Run(c.lang+"/"+c.kind, func(t *testing.T) {
			r := &kindReader{}
			h := newHarness(t, bot.Config{Interpreter: r})
			for _, l := range [][2]string{{"ann", "/start incident " + c.lang}, {"bob", "/join"}, {"cas", "/join"}, {"ann", "/bring"}, {"ann", "/next"}, {"ann", "/next"}} {
				h.say(l[0], l[1])
			}
			if h.Phase != "questions" {
				t.Fatalf("phase %q, want questions", h.Phase)
			}
			before := h.record()
			text := c.kind + ": *@here* <b>isn't she just lazy</b>?"
			out := h.say("cas", text)
			if len(out.Replies) != 1 || out.Replies[0].To != "cas" {
				t.Fatalf("want one private reply to cas, got %+v", out.Replies)
			}
			reply := out.Replies[0].Text
			if !strings.Contains(reply, c.want) {
				t.Errorf("reply %q lacks %q", reply, c.want)
			}
			for _, bad := range []string{"@here", "lazy", "<b>", "*"} {
				if strings.Contains(reply, bad) {
					t.Errorf("reply %q repeats the text (%q)", reply, bad)
				}
			}
			if after := h.record(); !bytes.Equal(before, after) {
				t.Errorf("session changed:\nbefore %s\nafter  %s", before, after)
			}
			if len(r.stages) == 0 || r.stages[len(r.stages)-1] != prompts.StageClarify {
				t.Errorf("stages asked = %v, want the questions phase's stage %q last", r.stages, prompts.StageClarify)
			}
			if out := h.say("cas", "What did the mother say?"); len(out.Replies) == 1 && out.Replies[0].To == "cas" {
				t.Errorf("an ordinary question got a private reply: %+v", out.Replies)
			}
		})
	}
}
