package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/intervision-bot/intervision/bot"
)

// stubAPI is the api without Discord: it records calls and fails the acknowledgement
// as told.
type stubAPI struct {
	mu         sync.Mutex
	calls      []string
	texts      []string // content of every message sent
	respondErr error
	dmErr      error            // UserChannelCreate fails with it
	sendErr    map[string]error // channel → ChannelMessageSendComplex fails with it
}

func (s *stubAPI) add(c string) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

func (s *stubAPI) ApplicationCommandBulkOverwrite(string, string, []*discordgo.ApplicationCommand, ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error) {
	return nil, nil
}

func (s *stubAPI) ChannelMessages(string, int, string, string, string, ...discordgo.RequestOption) ([]*discordgo.Message, error) {
	return nil, nil
}

func (s *stubAPI) Channel(id string, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeGuildText}, nil
}

func (s *stubAPI) ChannelMessageSendComplex(ch string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	s.add("send " + ch)
	if err := s.sendErr[ch]; err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.texts = append(s.texts, m.Content)
	s.mu.Unlock()
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
		return nil, errors.New("stub: message allows mentions")
	}
	return &discordgo.Message{ID: "m1", ChannelID: ch}, nil
}

func (s *stubAPI) MessageThreadStartComplex(ch, _ string, _ *discordgo.ThreadStart, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	s.add("thread " + ch)
	return &discordgo.Channel{ID: "t1", ParentID: ch, Type: discordgo.ChannelTypeGuildPublicThread}, nil
}

func (s *stubAPI) UserChannelCreate(string, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	s.add("open dm")
	if s.dmErr != nil {
		return nil, s.dmErr
	}
	return &discordgo.Channel{ID: "dm1"}, nil
}

func (s *stubAPI) GuildMember(_, userID string, _ ...discordgo.RequestOption) (*discordgo.Member, error) {
	s.add("member " + userID)
	return nil, errors.New("stub: no members")
}

func (s *stubAPI) User(userID string, _ ...discordgo.RequestOption) (*discordgo.User, error) {
	s.add("user " + userID)
	return nil, errors.New("stub: no users")
}

func (s *stubAPI) InteractionRespond(_ *discordgo.Interaction, r *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	s.add("respond")
	return s.respondErr
}

func (s *stubAPI) InteractionResponseEdit(*discordgo.Interaction, *discordgo.WebhookEdit, ...discordgo.RequestOption) (*discordgo.Message, error) {
	s.add("edit")
	return &discordgo.Message{ID: "m2"}, nil
}

func (s *stubAPI) InteractionResponseDelete(*discordgo.Interaction, ...discordgo.RequestOption) error {
	s.add("delete")
	return nil
}

func (s *stubAPI) FollowupMessageCreate(_ *discordgo.Interaction, _ bool, p *discordgo.WebhookParams, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	s.add("followup")
	return &discordgo.Message{ID: "m3"}, nil
}

// TestSiblingAcknowledged covers two replicas on one shard that both see a slash
// command, when the other replica's acknowledgement came first.
func TestSiblingAcknowledged(t *testing.T) {
	acked := &discordgo.RESTError{Message: &discordgo.APIErrorMessage{Code: discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged}}
	tests := []struct {
		name  string
		out   bot.Outcome
		err   error
		calls string
	}{
		{"applied here: answer into the sibling's private deferral",
			bot.Outcome{Replies: []bot.Reply{{Text: "hello"}}}, acked, "respond,send 200,delete"},
		{"applied here, private reply", bot.Outcome{Replies: []bot.Reply{{To: "u1", Text: "psst"}}}, acked, "respond,edit"},
		// The engine recorded the start here (the sibling sees a duplicate): this replica
		// opens the thread with plain messages and removes the sibling's empty deferral.
		{"thread opening, sibling acknowledged: opened here", bot.Outcome{Replies: []bot.Reply{{Text: "open", Opens: &bot.Opening{Command: "start"}}}},
			acked, "respond,send 200,thread 200,send t1,delete"},
		{"thread opening, acknowledgement failed: opened anyway", bot.Outcome{Replies: []bot.Reply{{Text: "open", Opens: &bot.Opening{Command: "start"}}}},
			errors.New("boom"), "respond,send 200,thread 200,send t1"},
		{"thread opening, duplicate: the sibling opens it", bot.Outcome{Duplicate: true, Replies: []bot.Reply{{Text: "open", Opens: &bot.Opening{Command: "start"}}}},
			nil, ""},
		{"duplicate: the sibling answers", bot.Outcome{Duplicate: true}, nil, ""},
		{"other failure", bot.Outcome{Replies: []bot.Reply{{Text: "hello"}}}, errors.New("boom"), "respond"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := &stubAPI{respondErr: tc.err}
			r := &router{api: api, h: canned{out: tc.out}, log: quiet(), ackWait: time.Second, timeout: time.Second,
				self: "9000"}
			r.onInteraction(&discordgo.Interaction{ID: "i1", Type: discordgo.InteractionApplicationCommand, GuildID: "100",
				ChannelID: "200", Member: &discordgo.Member{User: &discordgo.User{ID: "u1", Username: "ann"}},
				Data: discordgo.ApplicationCommandInteractionData{Name: "intervision", Options: []*discordgo.ApplicationCommandInteractionDataOption{
					{Name: "status", Type: discordgo.ApplicationCommandOptionSubCommand}}}})
			if got := strings.Join(api.calls, ","); got != tc.calls {
				t.Fatalf("calls %q, want %q", got, tc.calls)
			}
		})
	}
}

// TestPrivateReplyWhenDMFails covers a private reply to a plain message in a session
// thread, which goes by DM: whatever goes wrong, the private text is never posted in the
// thread; only when the user accepts no DMs (50007) does a fixed note tell them so.
func TestPrivateReplyWhenDMFails(t *testing.T) {
	restErr := func(status, code int) error {
		return &discordgo.RESTError{Response: &http.Response{StatusCode: status, Status: fmt.Sprint(status)},
			Message: &discordgo.APIErrorMessage{Code: code, Message: "refused"}}
	}
	const secret = "export: every turn you wrote on this server"
	tests := []struct {
		name    string
		dmErr   error
		sendErr error
		to      string   // the reply's recipient; "": the author
		lang    string   // the user's Discord language
		noted   string   // the thread's session language, noted when the thread was opened
		want    []string // texts posted in the thread
		wantDM  bool
	}{
		{name: "DM works", wantDM: true},
		{name: "user accepts no DMs", sendErr: restErr(403, discordgo.ErrCodeCannotSendMessagesToThisUser),
			want: []string{"Ann, I have a private reply for you but cannot send you a direct message"}},
		{name: "user accepts no DMs, Dutch user", lang: "nl", sendErr: restErr(403, discordgo.ErrCodeCannotSendMessagesToThisUser),
			want: []string{"Ann, ik heb een persoonlijk antwoord voor je"}},
		{name: "user accepts no DMs, Dutch session", noted: "nl", sendErr: restErr(403, discordgo.ErrCodeCannotSendMessagesToThisUser),
			want: []string{"Ann, ik heb een persoonlijk antwoord voor je"}},
		{name: "user accepts no DMs, English session, Dutch user", noted: "en", lang: "nl",
			sendErr: restErr(403, discordgo.ErrCodeCannotSendMessagesToThisUser),
			want:    []string{"Ann, I have a private reply for you but cannot send you a direct message"}},
		{name: "missing access", sendErr: restErr(403, discordgo.ErrCodeMissingAccess)},
		{name: "server error", sendErr: restErr(500, 0)},
		{name: "network error", sendErr: errors.New("connection reset")},
		{name: "DM channel cannot be opened", dmErr: restErr(400, 50033)},
		{name: "someone else accepts no DMs", to: "u2", sendErr: restErr(403, discordgo.ErrCodeCannotSendMessagesToThisUser)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := &stubAPI{dmErr: tc.dmErr, sendErr: map[string]error{"dm1": tc.sendErr}}
			r := &router{api: api, log: quiet(), self: "9000"}
			r.noteLang("300", tc.noted, true)
			to := tc.to
			if to == "" {
				to = "u1"
			}
			ev := bot.Event{ID: "m1", User: bot.User{ID: "u1", Name: "Ann"}, Lang: tc.lang,
				Conv: bot.Conversation{Platform: platformName, Workspace: "100", Channel: "200", Thread: "300"}}
			r.deliver(context.Background(), r.h, ev, bot.Outcome{Replies: []bot.Reply{{To: to, Text: secret}}}, nil)

			var inThread []string
			dm := false
			for _, c := range api.calls {
				switch {
				case c == "send 300":
					inThread = append(inThread, c)
				case c == "send dm1" && tc.sendErr == nil:
					dm = true
				}
			}
			if dm != tc.wantDM {
				t.Errorf("sent by DM = %v, want %v (calls %v)", dm, tc.wantDM, api.calls)
			}
			if len(inThread) != len(tc.want) {
				t.Fatalf("%d messages in the thread, want %d: %q", len(inThread), len(tc.want), api.texts)
			}
			for _, text := range api.texts {
				if dm && text == secret {
					continue
				}
				if strings.Contains(text, secret) || strings.Contains(text, "export") {
					t.Errorf("private text posted publicly: %q", text)
				}
				if !strings.HasPrefix(text, tc.want[0]) {
					t.Errorf("thread note = %q, want it to start with %q", text, tc.want[0])
				}
			}
		})
	}
}
