package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/internal/proctest"
	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// burstEnvelope is one turn of the burst, as the fake sent it.
type burstEnvelope struct {
	envelope, eventID, user, text, ts string
}

// sendNoWait writes one events_api envelope without waiting for its ack.
func (f *fakeSlack) sendNoWait(envelopeID string, payload any) error {
	msg := map[string]any{"type": "events_api", "envelope_id": envelopeID, "payload": payload,
		"accepts_response_payload": false, "retry_attempt": 0}
	f.wsMu.Lock()
	defer f.wsMu.Unlock()
	if f.ws == nil {
		return errors.New("not connected")
	}
	return f.ws.WriteJSON(msg)
}

// waitPosts waits until the bot has posted more than n messages.
func (f *fakeSlack) waitPosts(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(f.allPosts()) <= n {
		if time.Now().After(deadline) {
			t.Fatalf("fake slack: no answer (still %d posts)", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitThread waits for a top-level post offering a button with command, and returns
// its ts: the session thread.
func (f *fakeSlack) waitThread(t *testing.T, command string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range f.allPosts() {
			if p.Thread == "" && f.hasButton("UBOB", p.TS, command) {
				return p.TS
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("fake slack: no session opened with a %q button", command)
	return ""
}

// TestShutdownDrainsAcknowledgedEnvelopes runs the real binary against the fake Slack
// (Socket Mode) and a real Redis. It drives a session to the incident phase, sends a
// burst of turns, alternately from the case bringer (stored as contributions, no answer)
// and from a peer (not stored as a contribution, answered privately: "it is Alice who
// speaks"), and sends SIGTERM mid-burst. The private answers are slowed, so accepted
// turns are still queued when the signal arrives. It asserts: exit code 0; every
// envelope the fake saw acknowledged was committed in Redis (its event id recorded)
// and, for the bringer, is in the session record's turns, and every acknowledged peer
// turn was answered; no envelope that was not acknowledged was handled (Slack
// redelivers those to another connection); answers were still posted after SIGTERM
// (the drain), and the intake stopped (the last envelopes were not acknowledged).
func TestShutdownDrainsAcknowledgedEnvelopes(t *testing.T) {
	bin := proctest.Build(t, "../../cmd/intervision")
	rds := redistest.Start(t)
	f := newFakeSlack(t)
	f.addUser("UALICE", "Alice", "en-US")
	f.addUser("UBOB", "Bob", "en-US")

	bot := proctest.Start(t, bin, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "REDIS_URL=" + rds.URL(),
		"SLACK_BOT_TOKEN=xoxb-test", "SLACK_APP_TOKEN=xapp-test",
		"SLACK_API_URL=" + f.srv.URL, // without the trailing slash: the adapter adds it
		"INTERVISION_SHUTDOWN_TIMEOUT=10s"})
	logs := bot.Log
	f.waitConnected()

	// The session: Alice starts and brings the case, Bob joins, Alice begins and says
	// the first part of her incident.
	const channel = "C1"
	f.send("slash_commands", slashPayload("UALICE", channel, "start incident en", "trig-1"), 0, "")
	thread := f.waitThread(t, "join")
	var n int
	for i, step := range []struct{ user, command string }{{"UBOB", "join"}, {"UALICE", "bring"}, {"UALICE", "next"}} {
		n = len(f.allPosts())
		p, action := f.buttonIn(step.user, thread, step.command)
		f.send("interactive", clickPayload(step.user, p, action, step.command, fmt.Sprintf("trig-%d", i+2)), 0, "")
		f.waitPosts(t, n)
	}
	n = len(f.allPosts())
	f.send("events_api", eventPayload("Ev0001", messageEvent("UALICE", channel, thread, "1700002000.000001", "i stood at the door and had to decide")), 0, "")
	f.waitPosts(t, n)

	// The burst, with SIGTERM after the 12th envelope.
	f.slow("chat.postEphemeral", 60*time.Millisecond)
	var acked sync.Map
	go func() {
		for id := range f.acks {
			acked.Store(id, true)
		}
	}()
	words := strings.Fields("kettle ladder pebble teapot basket pillow anchor thimble lattice saddle window table garden bicycle lantern orchard violin copper marble feather harbor cobble bucket chimney")
	var burst []burstEnvelope
	var answeredAtSignal int
	for i, w := range words {
		e := burstEnvelope{envelope: fmt.Sprintf("burst-%d", i), eventID: fmt.Sprintf("EvB%03d", i), user: "UALICE",
			text: "i keep thinking about the door " + w}
		if i%2 == 1 {
			e.user, e.text = "UBOB", "did the children see it "+w
		}
		ts := fmt.Sprintf("1700002001.%06d", i)
		e.ts = ts
		if err := f.sendNoWait(e.envelope, eventPayload(e.eventID, messageEvent(e.user, channel, thread, ts, e.text))); err != nil {
			break // the bot closed the connection
		}
		burst = append(burst, e)
		if i == 11 {
			answeredAtSignal = len(refusals(f.allPosts(), thread))
			if err := bot.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(8 * time.Millisecond)
	}

	bot.WaitExit(t, 15*time.Second)   // after SIGTERM
	time.Sleep(50 * time.Millisecond) // the ack collector reads the last acks

	checkBurst(t, rds.URL(), f, thread, burst, &acked, answeredAtSignal)
	if !strings.Contains(logs.String(), "shutdown complete") {
		t.Errorf("no \"shutdown complete\" in the log")
	}
}

// checkBurst checks the burst after the bot exited: see TestShutdownDrainsAcknowledgedEnvelopes.
func checkBurst(t *testing.T, url string, f *fakeSlack, thread string, burst []burstEnvelope, acked *sync.Map, answeredAtSignal int) {
	t.Helper()
	const channel = "C1"
	rec := sessionRecord(t, url, state.Key{Platform: Platform, Workspace: fakeTeam, Channel: channel, Thread: thread})
	client, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(client, redisstore.Options{})
	defer st.Close()
	conv := state.Key{Platform: Platform, Workspace: fakeTeam, Channel: channel, Thread: thread}
	var nAcked, peerAcked, notAcked int
	for _, e := range burst {
		_, isAcked := acked.Load(e.envelope)
		// Committed: the store refuses the message's event id as applied before. (The
		// probe keeps the record as it is; it only remembers an id the bot never saw.)
		err := st.Update(context.Background(), conv, msgID(channel, e.ts), func([]byte) (state.Change, error) {
			return state.Change{}, nil
		})
		committed := errors.Is(err, state.ErrDuplicate)
		inTurns := strings.Contains(rec, e.text)
		switch {
		case isAcked && !committed:
			t.Errorf("%s (%s) was acknowledged but not committed", e.envelope, e.user)
		case isAcked && e.user == "UALICE" && !inTurns:
			t.Errorf("%s was acknowledged but is not in the session's turns", e.envelope)
		case !isAcked && (committed || inTurns):
			t.Errorf("%s was handled without being acknowledged", e.envelope)
		}
		switch {
		case !isAcked:
			notAcked++
		case e.user == "UBOB":
			nAcked++
			peerAcked++
		default:
			nAcked++
		}
	}
	answered := len(refusals(f.allPosts(), thread))
	if answered != peerAcked {
		t.Errorf("%d peer turns acknowledged, %d answered", peerAcked, answered)
	}
	if answered <= answeredAtSignal {
		t.Errorf("no answer was posted after SIGTERM (%d before): the drain was not exercised", answeredAtSignal)
	}
	if notAcked == 0 {
		t.Errorf("every one of %d envelopes was acknowledged: the intake did not stop", len(burst))
	}
	if nAcked < 6 {
		t.Errorf("only %d envelopes acknowledged of the 12 sent before SIGTERM", nAcked)
	}
	t.Logf("burst: %d sent, %d acknowledged (%d peer turns answered, %d before SIGTERM), %d not acknowledged", len(burst), nAcked, answered, answeredAtSignal, notAcked)
}

// refusals are the private answers to Bob's turns in thread.
func refusals(posts []fakePost, thread string) []fakePost {
	var out []fakePost
	for _, p := range posts {
		if p.Method == "chat.postEphemeral" && p.To == "UBOB" && p.Thread == thread && strings.Contains(p.Text, "did not add your message") {
			out = append(out, p)
		}
	}
	return out
}

// sessionRecord reads the session record of k from Redis, as JSON text.
func sessionRecord(t *testing.T, url string, k state.Key) string {
	t.Helper()
	client, err := redisstore.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	st := redisstore.New(client, redisstore.Options{})
	defer st.Close()
	b, err := st.Get(context.Background(), k)
	if err != nil || b == nil {
		t.Fatalf("session record %v: %q, %v", k, b, err)
	}
	var rec struct {
		Turns []struct{ User, Text string }
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(rec.Turns)
	return string(js)
}
