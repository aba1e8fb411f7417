package discord

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/intervision-bot/intervision/bot"
)

// eventLog is a Handler that records the events it gets and answers each with out.
type eventLog struct {
	mu     sync.Mutex
	events []bot.Event
	out    bot.Outcome
}

func (r *eventLog) Handle(_ context.Context, ev bot.Event) (bot.Outcome, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return r.out, nil
}

func (r *eventLog) got() []bot.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Event(nil), r.events...)
}

// deliverHarness runs one adapter against the fake with a bot-owned session thread
// "700" in the channel, and Ann, Bob and Cas known to the REST API (Bob with a nickname).
func deliverHarness(t *testing.T, rec *eventLog) (*harness, *Adapter, bot.Conversation) {
	t.Helper()
	f := newFakeDiscord(t)
	f.addChannel(channelID, guildID, 0)
	f.addThread("700", guildID, channelID, f.botID)
	f.addUser(userJSON(ann), guildID, "")
	f.addUser(userJSON(bob), guildID, "Bobby")
	f.addUser(userJSON(cas), "", "")
	h := &harness{t: t, f: f, n: 1, observed: map[string]int{}}
	a, err := New(Config{Token: "test-token", GuildID: guildID, HTTPClient: f.client(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, rec) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	h.until("connected", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.router != nil && a.router.selfID() != ""
	})
	return h, a, bot.Conversation{Platform: platformName, Workspace: guildID, Channel: channelID, Thread: "700"}
}

// deliverSecret is private text that must never show outside its addressee's DM.
const deliverSecret = "you have been quiet: a question for you"

// TestDeliver delivers outcomes nobody asked for (a timer's) through the running
// adapter and the real discordgo client: public in the thread, To and Direct by DM
// (no interaction to be ephemeral in), a refused DM as the note in the thread, and a
// Direct reply with Opens handed back as a command from its recipient in the DM. The
// subtests share one adapter and run in order.
func TestDeliver(t *testing.T) {
	rec := &eventLog{out: bot.Outcome{Replies: []bot.Reply{{Text: "Welcome to your reflection."}, {To: ann.id, Text: "Only for you"}}}}
	h, a, conv := deliverHarness(t, rec)
	t.Run("thread and DMs", func(t *testing.T) { deliverUnasked(t, h, a, rec, conv) })
	t.Run("no DMs: a note in the thread", func(t *testing.T) { deliverNoDMs(t, h, a, rec, conv) })
	t.Run("direct with opens", func(t *testing.T) { deliverDirectOpening(t, h, a, rec, conv) })
	t.Run("direct with opens refused", func(t *testing.T) { deliverRefusedOpening(t, h, a, rec, conv) })
	checkSafe(t, h.f.messages())
}

// deliverUnasked delivers a notice, a long notice, a private reply and a Direct reply
// with buttons.
func deliverUnasked(t *testing.T, h *harness, a *Adapter, rec *eventLog, conv bot.Conversation) {
	out := bot.Outcome{Replies: []bot.Reply{
		{Text: "10 minutes left @everyone"},
		{Text: strings.Repeat("word ", 500)}, // 2500 characters: two messages
		{To: bob.id, Text: "Bob, would you like to ask a question?", Actions: []bot.Action{{Label: "Join", Command: "join"}}},
		{To: cas.id, Direct: true, Text: "A check-in: how did it go?", Actions: []bot.Action{{Label: "Reflect", Command: "start gibbs solo"}}},
	}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	thread := h.in("700")
	if len(thread) != 3 || thread[0].Kind != "message" || !strings.HasPrefix(thread[0].Content, "10 minutes left") {
		t.Fatalf("thread: %s", dump(thread))
	}
	if dm := h.in("dm-" + bob.id); len(dm) != 1 || dm[0].Content != "Bob, would you like to ask a question?" || dm[0].Ephemeral ||
		len(dm[0].Buttons) != 1 || !strings.Contains(dm[0].Buttons[0], "700") {
		t.Errorf("Bob's DM: %s, want the private reply with a button acting on thread 700", dump(dm))
	}
	if dm := h.in("dm-" + cas.id); len(dm) != 1 || !strings.Contains(dm[0].Content, "check-in") ||
		len(dm[0].Buttons) != 1 || strings.Contains(dm[0].Buttons[0], "700") {
		t.Errorf("Cas's DM: %s, want the direct reply with a button acting in the DM", dump(dm))
	}
	checkSafe(t, h.f.messages())
	if len(rec.got()) != 0 {
		t.Errorf("the engine got %+v for replies without Opens", rec.got())
	}
}

// deliverNoDMs: Bob accepts no DMs: the thread gets the note, by his nickname, not
// the text. Bob stays so for the subtests after it.
func deliverNoDMs(t *testing.T, h *harness, a *Adapter, rec *eventLog, conv bot.Conversation) {
	h.f.mu.Lock()
	h.f.noDMs[bob.id] = true
	h.f.mu.Unlock()
	before := len(h.in("700"))
	out := bot.Outcome{Replies: []bot.Reply{{To: bob.id, Text: deliverSecret}, {To: bob.id, Direct: true, Text: deliverSecret}}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	notes := h.in("700")[before:]
	if len(notes) != 2 {
		t.Fatalf("notes in the thread: %s, want two", dump(notes))
	}
	for _, n := range notes {
		if !strings.HasPrefix(n.Content, "Bobby, I have a private reply for you but cannot send you a direct message") ||
			strings.Contains(n.Content, "quiet") {
			t.Errorf("note %q", n.Content)
		}
	}
}

// deliverDirectOpening: Direct with Opens. The invitation goes to Ann's DM and the
// command comes back from Ann in that DM; the replies to it are delivered there.
func deliverDirectOpening(t *testing.T, h *harness, a *Adapter, rec *eventLog, conv bot.Conversation) {
	out := bot.Outcome{Replies: []bot.Reply{{To: ann.id, Direct: true, Text: "Time for a solo reflection?",
		Opens: &bot.Opening{Command: "start gibbs solo", Lang: "nl"}}}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	evs := rec.got()
	if len(evs) != 1 {
		t.Fatalf("engine got %d events, want the one handed back", len(evs))
	}
	want := bot.Conversation{Platform: platformName, Workspace: dmWorkspace, Channel: "dm-" + ann.id, Direct: true}
	if ev := evs[0]; ev.Conv != want || !ev.Command || ev.Text != "start gibbs solo" ||
		ev.User != (bot.User{ID: ann.id, Name: "Ann"}) || ev.Lang != "nl" {
		t.Errorf("handed back %+v, want command from Ann in %+v, lang nl", ev, want)
	}
	dm := h.in("dm-" + ann.id)
	if len(dm) != 3 || dm[0].Content != "Time for a solo reflection?" || dm[1].Content != "Welcome to your reflection." ||
		dm[2].Content != "Only for you" {
		t.Errorf("Ann's DM: %s", dump(dm))
	}
}

// deliverRefusedOpening: a Direct opening to someone who accepts no DMs (Bob, since
// deliverNoDMs) hands nothing back, and the private text shows nowhere else.
func deliverRefusedOpening(t *testing.T, h *harness, a *Adapter, rec *eventLog, conv bot.Conversation) {
	n0 := len(rec.got())
	out := bot.Outcome{Replies: []bot.Reply{{To: bob.id, Direct: true, Text: deliverSecret, Opens: &bot.Opening{Command: "start"}}}}
	if err := a.Deliver(context.Background(), rec, conv, out); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.got()); n != n0 {
		t.Errorf("engine got %d events, want no new one after a refused DM (had %d)", n, n0)
	}
	for _, m := range h.f.messages() {
		if strings.Contains(m.Content, "quiet") && m.Channel != "dm-"+bob.id {
			t.Errorf("private text posted in %s: %q", m.Channel, m.Content)
		}
	}
}

// TestDeliverRefused: a conversation of another platform, and Deliver before Run.
func TestDeliverRefused(t *testing.T) {
	a, err := New(Config{Token: "t", Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	conv := bot.Conversation{Platform: platformName, Workspace: guildID, Channel: channelID, Thread: "700"}
	if err := a.Deliver(context.Background(), &eventLog{}, conv, bot.Outcome{}); err == nil {
		t.Error("Deliver before Run: no error")
	}
	conv.Platform = "slack"
	if err := a.Deliver(context.Background(), &eventLog{}, conv, bot.Outcome{}); err == nil {
		t.Error("Deliver to a Slack conversation: no error")
	}
}
