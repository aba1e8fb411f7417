package discord

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/proctest"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// acceptedRE finds the adapter's debug line for a queued gateway event.
var acceptedRE = regexp.MustCompile(`msg="discord: event accepted" adapter=discord kind=\w+ event=(\d+)`)

// waitMessages waits until the bot has sent more than n messages.
func (f *fakeDiscord) waitMessages(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(f.messages()) <= n {
		if time.Now().After(deadline) {
			t.Fatalf("fake discord: no answer (still %d messages)", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShutdownDrainsAcceptedEvents runs the real binary against the fake Discord (REST
// and gateway reached through DISCORD_API_URL and DISCORD_GATEWAY_URL) and a real
// Redis. Discord has no acknowledgement for a message, so "accepted" here means: the
// adapter's gateway handler queued the event, which the binary logs at debug level
// ("discord: event accepted" with the event id) and nothing else does. The test
// drives a session to the incident phase, dispatches a burst of turns, alternately from
// the case bringer (stored as contributions, no answer) and from a peer (answered in a
// DM, slowed so that accepted turns are still queued at the signal), and sends SIGTERM
// mid-burst. It asserts: exit code 0; every accepted turn is committed in Redis (its
// event id recorded; the bringer's in the session record's turns) and every accepted
// peer turn was answered; no turn that was not accepted was handled; answers were still
// sent after SIGTERM (the drain) and the last turns were not accepted (the intake
// stopped).
func TestShutdownDrainsAcceptedEvents(t *testing.T) {
	bin := proctest.Build(t, "../../cmd/intervision")
	rds := redistest.Start(t)
	f := newFakeDiscord(t)
	f.addChannel(channelID, guildID, 0)
	h := &harness{t: t, f: f} // for its event builders only: the bot runs in its own process
	addr := f.srv.Listener.Addr().String()

	bot := proctest.Start(t, bin, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "REDIS_URL=" + rds.URL(),
		"DISCORD_BOT_TOKEN=test-token", "DISCORD_GUILD_ID=" + guildID,
		"DISCORD_API_URL=http://" + addr, "DISCORD_GATEWAY_URL=ws://" + addr + "/gateway",
		"INTERVISION_SHUTDOWN_TIMEOUT=10s", "INTERVISION_LOG_LEVEL=debug"})
	logs := bot.Log
	h.until("the bot connected and registered its commands", func() bool {
		for _, c := range f.restCalls() {
			if c.Method == "PUT" && c.Status == 200 {
				return true
			}
		}
		return false
	})

	// The session: Ann starts and brings the case, Bob joins, Ann begins and tells the
	// first part of her incident.
	h.interaction(ann, guildID, channelID, 2, map[string]any{"id": "cmd1", "name": "intervision", "type": 1,
		"options": []map[string]any{{"name": "start", "type": 1, "options": []map[string]any{
			{"name": "method", "type": 3, "value": "incident"}, {"name": "language", "type": 3, "value": "en"}}}}})
	h.until("the session thread", func() bool {
		for _, m := range f.messages() {
			if contains(m.Buttons, "join") {
				return true
			}
		}
		return false
	})
	th := h.thread()
	for _, step := range []struct {
		who    person
		button string
	}{{bob, "join"}, {ann, "bring"}, {ann, "next"}} {
		n := len(f.messages())
		h.clickNoWait(step.who, th, step.button)
		f.waitMessages(t, n)
	}
	n := len(f.messages())
	h.post(ann, guildID, th, "i stood at the door and had to decide")
	f.waitMessages(t, n)

	// The burst, with SIGTERM after the 12th turn.
	f.mu.Lock()
	f.dmDelay = 60 * time.Millisecond
	f.mu.Unlock()
	var burst []burstTurn
	var answeredAtSignal int
	for i, w := range strings.Fields("kettle ladder pebble teapot basket pillow anchor thimble lattice saddle window table garden bicycle lantern orchard violin copper marble feather harbor cobble bucket chimney") {
		tu := burstTurn{who: ann.id, text: "i keep thinking about the door " + w}
		p := ann
		if i%2 == 1 {
			tu.who, tu.text, p = bob.id, "did the children see it "+w, bob
		}
		tu.id = h.post(p, guildID, th, tu.text)
		burst = append(burst, tu)
		if i == 11 {
			answeredAtSignal = len(peerAnswers(f))
			if err := bot.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(8 * time.Millisecond)
	}
	bot.WaitExit(t, 15*time.Second) // after SIGTERM

	checkBurst(t, rds.URL(), f, th, burst, logs.String(), answeredAtSignal)
	if !strings.Contains(logs.String(), "shutdown complete") {
		t.Errorf("no \"shutdown complete\" in the log")
	}
}

// burstTurn is one turn of the burst: the message id, its author and text.
type burstTurn struct{ id, who, text string }

// checkBurst checks the burst after the bot exited: see TestShutdownDrainsAcceptedEvents.
func checkBurst(t *testing.T, url string, f *fakeDiscord, th string, burst []burstTurn, log string, answeredAtSignal int) {
	t.Helper()
	accepted := map[string]bool{}
	for _, m := range acceptedRE.FindAllStringSubmatch(log, -1) {
		accepted[m[1]] = true
	}
	client, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	st := redisstore.New(client, redisstore.Options{})
	b, err := st.Get(context.Background(), state.Key{Platform: platformName, Workspace: guildID, Channel: channelID, Thread: th})
	if err != nil || b == nil {
		t.Fatalf("session record: %q, %v", b, err)
	}
	if b, err = bot.RecordJSON(b); err != nil {
		t.Fatal(err)
	}
	var rec struct{ Turns []struct{ User, Text string } }
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	turns, _ := json.Marshal(rec.Turns)
	var nAccepted, peerAccepted, notAccepted int
	for _, tu := range burst {
		committed, err := st.Remembers(context.Background(), state.Key{Platform: platformName, Workspace: guildID, Channel: channelID, Thread: th}, tu.id)
		if err != nil {
			t.Fatal(err)
		}
		inTurns := strings.Contains(string(turns), tu.text)
		switch {
		case accepted[tu.id] && !committed:
			t.Errorf("turn %s (%s) was accepted but not committed", tu.id, tu.who)
		case accepted[tu.id] && tu.who == ann.id && !inTurns:
			t.Errorf("turn %s was accepted but is not in the session's turns", tu.id)
		case !accepted[tu.id] && (committed || inTurns):
			t.Errorf("turn %s was handled without being accepted", tu.id)
		}
		switch {
		case !accepted[tu.id]:
			notAccepted++
		case tu.who == bob.id:
			nAccepted++
			peerAccepted++
		default:
			nAccepted++
		}
	}
	answered := len(peerAnswers(f))
	if answered != peerAccepted {
		t.Errorf("%d peer turns accepted, %d answered", peerAccepted, answered)
	}
	if answered <= answeredAtSignal {
		t.Errorf("no answer was sent after SIGTERM (%d before): the drain was not exercised", answeredAtSignal)
	}
	if notAccepted == 0 {
		t.Errorf("every one of %d turns was accepted: the intake did not stop", len(burst))
	}
	if nAccepted < 6 {
		t.Errorf("only %d turns accepted of the 12 sent before SIGTERM", nAccepted)
	}
	t.Logf("burst: %d sent, %d accepted (%d peer turns answered, %d before SIGTERM), %d not accepted", len(burst), nAccepted, answered, answeredAtSignal, notAccepted)
}

// peerAnswers are the bot's DMs to Bob saying his turn was not added.
func peerAnswers(f *fakeDiscord) []sent {
	var out []sent
	for _, m := range f.messages() {
		if m.Channel == "dm-"+bob.id && strings.Contains(m.Content, "did not add your message") {
			out = append(out, m)
		}
	}
	return out
}

// clickNoWait presses the newest button with customID in channel, without waiting.
func (h *harness) clickNoWait(p person, channel, customID string) {
	h.t.Helper()
	msgID, want := "", customID
	for _, m := range h.f.messages() {
		if m.Channel != channel {
			continue
		}
		for _, b := range m.Buttons {
			if b == want || strings.HasPrefix(b, want+" ") {
				msgID, customID = m.ID, b
			}
		}
	}
	if msgID == "" {
		h.t.Fatalf("no button %q in channel %s", customID, channel)
	}
	h.interaction(p, guildID, channel, 3, map[string]any{"custom_id": customID, "component_type": 2})
}
