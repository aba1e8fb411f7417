package slack

import (
	"strings"
	"testing"
)

// TestPrivateRoundOverSlack: in the incident method's private round each peer is
// written to by DM (conversations.open); an answer sent there is acknowledged in the
// DM, the session's thread hears only how many have answered, and the last answer shows
// all of them together, by name, in the thread.
func TestPrivateRoundOverSlack(t *testing.T) {
	h := start(t, newEngine(), "")
	const channel = "C1"
	thread := toPrivateRound(t, h, channel)
	checkRound(t, h, channel, thread)
}

// toPrivateRound plays the incident script up to its private round and returns the
// session's thread.
func toPrivateRound(t *testing.T, h *harness, channel string) string {
	t.Helper()
	var thread string
	for _, s := range incidentScript {
		if s.kind == "dm" {
			return thread // the private round has begun
		}
		switch s.kind {
		case "slash":
			_, thread = h.slash(s.who, channel, s.text)
		case "click":
			h.click(s.who, thread, s.text)
		case "say":
			h.say(s.who, channel, thread, s.text)
		}
	}
	t.Fatal("no private round in the script")
	return ""
}

// checkRound checks the DMs that opened the round and the answers after it.
func checkRound(t *testing.T, h *harness, channel, thread string) {
	t.Helper()
	asked := func(user string) bool {
		for _, p := range h.fake.allPosts() {
			if p.Channel == "D"+user && p.Method == "chat.postMessage" && strings.Contains(p.Text, "is private") {
				return true
			}
		}
		return false
	}
	if !asked("UALICE") || !asked("UBOB") || asked("UCAROL") {
		t.Fatal("the peers (and only they) were not written to by DM")
	}
	inThread := func() string {
		var b strings.Builder
		for _, p := range h.fake.allPosts() {
			if p.Channel == channel && p.Thread == thread && p.Method == "chat.postMessage" {
				b.WriteString(p.Text + "\n")
			}
		}
		return b.String()
	}
	alice := "I would sit down on the doorstep and wait until she is ready to talk."
	h.say("UALICE", "DUALICE", "", alice)
	if got := inThread(); !strings.Contains(got, "1 of 2 have answered") || strings.Contains(got, "doorstep") {
		t.Fatalf("the thread after the first answer:\n%s", got)
	}
	var acked bool
	for _, p := range h.fake.allPosts() {
		if p.Channel == "DUALICE" && strings.Contains(p.Text, "your answer is in") {
			acked = p.Method == "chat.postMessage"
		}
		if p.Method == "chat.postEphemeral" && strings.Contains(p.Text, "your answer is in") {
			t.Errorf("the acknowledgement went out as an ephemeral message in %s", p.Channel)
		}
	}
	if !acked {
		t.Error("the answer was not acknowledged in the DM")
	}
	h.say("UBOB", "DUBOB", "", "I would call a colleague she trusts.")
	got := inThread()
	for _, want := range []string{"shown together", "Alice:* " + alice, "Bob:* I would call a colleague she trusts."} {
		if !strings.Contains(got, want) {
			t.Errorf("the reveal in the thread lacks %q:\n%s", want, got)
		}
	}
	assertInert(t, h.fake.allPosts())
}
