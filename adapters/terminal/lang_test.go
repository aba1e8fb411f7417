package terminal

import (
	"context"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state/memstore"
)

// TestTerminalLabelsInTheSessionsLanguage: in a Dutch session the terminal's own
// labels (a DM, a reply only one person sees) and the commands of buttons are Dutch,
// as typed: no phase id after `volgende`, `terugblik uit`; the welcome and usage lines
// follow the terminal's language.
func TestTerminalLabelsInTheSessionsLanguage(t *testing.T) {
	e := bot.New(bot.Config{Store: memstore.New(), Library: prompts.MustBuiltin(), Scheduler: memstore.NewScheduler()})
	in := strings.Join([]string{
		"/as", "/start incident nl", "/as bob", "/join", "/as cas", "/join", "/as ann", "/bring", "/volgende",
		"De moeder kwam niet naar het gesprek.", "/volgende", "/volgende", "/volgende",
		"/as cas", "Ik zou haar thuis opzoeken.", // in the thread: only cas hears it was not saved
		"/as ann", "/volgende", "/volgende", "/volgende", "Ik besliste zonder haar te vragen wat ze wilde.",
		"Maandag bel ik haar en vraag ik welk moment haar past.",
	}, "\n") + "\n"
	var out strings.Builder
	if err := (&Adapter{In: strings.NewReader(in), Out: &out, User: "ann", Lang: "nl", FilesDir: t.TempDir()}).Run(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		`Intervisie in de terminal. Je bent "ann";`,
		"gebruik: /as NAAM (één woord)",
		"[Doe mee: /meedoen]",
		"[Volgende fase: /volgende]",
		"[Over 2 weken: /terugblik 2w] [Niet nodig: /terugblik uit] [Volgende fase: /volgende]",
		"bot → bob (privébericht): bob, deze ronde (Wat zou jij doen?) is privé",
		"bot → cas (alleen voor jou): Deze ronde (Wat zou jij doen?) is privé",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the terminal lacks %q:\n%s", want, got)
		}
	}
	for _, english := range []string{"(direct message)", "(only you)", ": /next", ": /join", "You are",
		"/volgende incident", "/volgende questions", "/volgende what-would-you-do", "/volgende next-step", " off]"} {
		if strings.Contains(got, english) {
			t.Errorf("a Dutch session's terminal shows %q:\n%s", english, got)
		}
	}
}
