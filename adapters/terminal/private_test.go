package terminal

import (
	"context"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/memstore"
)

// TestPrivateRoundInTheTerminal: typed "/dm TEXT" reaches the bot in the speaker's
// direct conversation and answers the session's private round; the terminal stays in
// the session's thread, which hears the count and then both answers together.
func TestPrivateRoundInTheTerminal(t *testing.T) {
	e := bot.New(bot.Config{Store: memstore.New(), Library: prompts.MustBuiltin()})
	in := strings.Join([]string{
		"/start incident en", "/as bob", "/join", "/as cas", "/join", "/as ann", "/bring", "/next",
		"The mother did not come to the meeting.", "/next", "/next", "/as bob", "Maybe the time did not suit her.",
		"/as cas", "Perhaps the plan felt like ours.", "/as ann", "/next",
		"/as bob", "/dm I would ask her which time suits her.",
		"/as cas", "I would visit her at home.", // in the thread: not saved
		"/dm I would visit her at home.",
		"/as ann", "/status",
	}, "\n") + "\n"
	var out strings.Builder
	if err := (&Adapter{In: strings.NewReader(in), Out: &out, User: "ann", FilesDir: t.TempDir()}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"bot → bob (direct message): bob, this round (What would you do?) is private",
		"bot → bob (only you): Thank you, your answer is in.",
		"bot: 1 of 2 have answered (What would you do?).",
		"bot → cas (only you): This round (What would you do?) is private: send me your answer in a direct message",
		"bot: Everyone's answer in this round (What would you do?), shown together:\n- bob: I would ask her which time suits her.\n- cas: I would visit her at home.",
		"Incident method · now in: What would you do?", // the terminal stayed in the session's thread
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, got)
		}
	}
	if i, j := strings.Index(got, "1 of 2 have answered"), strings.Index(got, "- bob: I would ask"); i < 0 || j < i {
		t.Errorf("an answer was shown before the round closed:\n%s", got)
	}
}
