package slack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// goldenInput is one line a person typed in an engine golden transcript.
type goldenInput struct{ who, text string }

var goldenLine = regexp.MustCompile(`^([a-z]+): (.*)$`)

// readGolden returns the inputs of an engine golden transcript ("name: text" lines;
// bot lines and their continuations are skipped).
func readGolden(t *testing.T, path string) []goldenInput {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var in []goldenInput
	for _, l := range strings.Split(string(b), "\n") {
		if m := goldenLine.FindStringSubmatch(l); m != nil && m[1] != "bot" {
			in = append(in, goldenInput{m[1], m[2]})
		}
	}
	return in
}

func goldenUser(name string) bot.User { return bot.User{ID: "U" + strings.ToUpper(name), Name: name} }

// TestGoldenTranscriptsOverSlack replays every engine golden transcript over Slack —
// group sessions through the slash command, button clicks (or mentions where no button
// is offered) and thread replies; solo sessions in a DM — and checks that the session
// passes through the same phases as when the inputs go straight to the engine.
func TestGoldenTranscriptsOverSlack(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "bot", "testdata", "golden", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no engine golden transcripts found in bot/testdata/golden")
	}
	h := start(t, newEngine(), "")
	for _, u := range []string{"ann", "bob", "cas", "dirk", "eva"} {
		h.fake.addUser(goldenUser(u).ID, u, "")
	}
	for i, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(name, func(t *testing.T) {
			inputs := readGolden(t, path)
			solo := strings.HasPrefix(name, "solo-")
			conv := bot.Conversation{Platform: "golden", Workspace: "w", Channel: "c", Thread: "main"}
			if solo {
				conv = bot.Conversation{Platform: "golden", Workspace: "w", Channel: "d", Direct: true}
			}
			eng := newEngine()
			var want []string
			for j, in := range inputs {
				cmd := strings.HasPrefix(in.text, "/")
				out, err := eng.Handle(context.Background(), bot.Event{ID: fmt.Sprint(j), Conv: conv,
					User: goldenUser(in.who), Text: strings.TrimPrefix(in.text, "/"), Command: cmd})
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, out.Phase)
			}

			channel, dm := fmt.Sprintf("CG%d", i), fmt.Sprintf("DG%d", i)
			var thread string
			var got []string
			for _, in := range inputs {
				user := goldenUser(in.who).ID
				word := strings.TrimPrefix(in.text, "/")
				var out bot.Outcome
				switch {
				case solo:
					out = h.say(user, dm, "", in.text)
				case thread == "" && strings.HasPrefix(word, "start"):
					out, thread = h.slash(user, channel, word)
				case in.text != word && h.fake.hasButton(user, thread, word):
					out = h.click(user, thread, word)
				case in.text != word:
					out = h.mention(user, channel, thread, word).out
				default:
					out = h.say(user, channel, thread, in.text)
				}
				got = append(got, out.Phase)
			}
			if !slices.Equal(got, want) {
				t.Errorf("phases over Slack differ from the engine's\nslack:  %v\nengine: %v", got, want)
			}
			if want[len(want)-1] != "done" {
				t.Logf("transcript ends in phase %q", want[len(want)-1])
			}
		})
	}
	assertInert(t, h.fake.allPosts())
}
