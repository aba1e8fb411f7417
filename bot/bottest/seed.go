package bottest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// OpenSession is a session Seed left open, as the engine last described it.
type OpenSession struct {
	Key     state.Key
	Method  string
	Phase   string
	Members int
}

// Seeder drives an engine through several conversations in several workspaces.
type Seeder struct {
	T      testing.TB
	Engine *bot.Engine
	seq    int
}

// Say sends text from user in conv; a leading "/" makes it a command. It returns the
// outcome's phase.
func (s *Seeder) Say(conv bot.Conversation, user, text string) string {
	s.T.Helper()
	s.seq++
	ev := bot.Event{ID: fmt.Sprintf("seed-%d", s.seq), Conv: conv, User: bot.User{ID: user, Name: "Name " + user}, Text: text}
	if strings.HasPrefix(text, "/") {
		ev.Command, ev.Text = true, text[1:]
	}
	out, err := s.Engine.Handle(context.Background(), ev)
	if err != nil {
		s.T.Fatalf("%s in %v: %q: %v", user, bot.Key(conv), text, err)
	}
	return out.Phase
}

// SeedCase is the case text Seed writes; tests look for it where it must not be.
const SeedCase = "The father stood in the doorway and said he had no time for another meeting."

// SeedStep is the next step Seed's solo session names.
const SeedStep = "On Monday I will call the father and ask which time suits him."

// Seed drives eng through sessions in three workspaces: slack T1 (a running group
// session, a finished one with a kept summary, a finished solo reflection with a note
// and a kept summary, a group session in its lobby), slack T2 (a running and a
// finished one) and discord G1 (a running one). ann and bob take part in both slack
// workspaces. It returns the sessions it left open.
func Seed(t testing.TB, eng *bot.Engine) []OpenSession {
	t.Helper()
	s := &Seeder{T: t, Engine: eng}
	conv := func(p, w, c, th string) bot.Conversation {
		return bot.Conversation{Platform: p, Workspace: w, Channel: c, Thread: th}
	}
	var open []OpenSession
	group := func(c bot.Conversation, bringer string, peers []string, finish bool) {
		s.Say(c, bringer, "/start incident en")
		for _, p := range peers {
			s.Say(c, p, "/join")
		}
		s.Say(c, bringer, "/bring")
		s.Say(c, bringer, "/next")
		phase := s.Say(c, bringer, SeedCase)
		for _, p := range peers {
			phase = s.Say(c, p, "What did the mother say when you arrived at the house?")
		}
		if !finish {
			open = append(open, OpenSession{Key: bot.Key(c), Method: "incident", Phase: phase, Members: 1 + len(peers)})
			return
		}
		if phase = s.Say(c, bringer, "/end"); phase != "done" {
			t.Fatalf("seed: /end in %v left phase %q", bot.Key(c), phase)
		}
		s.Say(c, bringer, "/keep")
	}
	group(conv("slack", "T1", "C1", "1.0"), "ann", []string{"bob", "cas"}, false)
	group(conv("slack", "T1", "C1", "2.0"), "ann", []string{"bob"}, true)
	s.solo(conv("slack", "T1", "D1", ""), "ann")
	lobby := conv("slack", "T1", "C2", "3.0")
	s.Say(lobby, "bob", "/start incident en")
	if phase := s.Say(lobby, "cas", "/join"); phase != "lobby" {
		t.Fatalf("seed: lobby is in phase %q", phase)
	}
	open = append(open, OpenSession{Key: bot.Key(lobby), Method: "incident", Phase: "lobby", Members: 2})
	group(conv("slack", "T2", "C1", "1.0"), "ann", []string{"dan"}, false)
	group(conv("slack", "T2", "C9", "5.0"), "dan", []string{"ann", "bob"}, true)
	group(conv("discord", "G1", "100", "200"), "eve", []string{"fay"}, false)
	return open
}

// solo walks a solo reflection to its end, keeps its summary and so leaves a note.
func (s *Seeder) solo(c bot.Conversation, user string) {
	s.T.Helper()
	c.Direct = true
	phase := s.Say(c, user, "/start wsn en")
	for guard := 0; phase != "done"; guard++ {
		if guard > 60 {
			s.T.Fatalf("seed: solo stuck in phase %q", phase)
		}
		text := SeedCase
		if strings.Contains(phase, "step") {
			text = SeedStep
		}
		phase = s.Say(c, user, text)
	}
	s.Say(c, user, "/keep")
}
