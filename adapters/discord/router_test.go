package discord

import (
	"context"
	"errors"
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
	respondErr error
}

func (s *stubAPI) add(c string) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
}

func (s *stubAPI) ApplicationCommandBulkOverwrite(string, string, []*discordgo.ApplicationCommand, ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error) {
	return nil, nil
}

func (s *stubAPI) Channel(id string, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return &discordgo.Channel{ID: id, Type: discordgo.ChannelTypeGuildText}, nil
}

func (s *stubAPI) ChannelMessageSendComplex(ch string, _ *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	s.add("send " + ch)
	return &discordgo.Message{ID: "m1", ChannelID: ch}, nil
}

func (s *stubAPI) MessageThreadStartComplex(ch, _ string, _ *discordgo.ThreadStart, _ ...discordgo.RequestOption) (*discordgo.Channel, error) {
	s.add("thread " + ch)
	return &discordgo.Channel{ID: "t1", ParentID: ch, Type: discordgo.ChannelTypeGuildPublicThread}, nil
}

func (s *stubAPI) UserChannelCreate(string, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return &discordgo.Channel{ID: "dm1"}, nil
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
		{"thread opening: the sibling opens it", bot.Outcome{Replies: []bot.Reply{{Text: "open", Opens: &bot.Opening{Command: "start"}}}},
			acked, "respond"},
		{"duplicate: the sibling answers", bot.Outcome{Duplicate: true}, nil, ""},
		{"other failure", bot.Outcome{Replies: []bot.Reply{{Text: "hello"}}}, errors.New("boom"), "respond"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := &stubAPI{respondErr: tc.err}
			r := &router{api: api, h: canned{out: tc.out}, log: quiet(), ackWait: time.Second, timeout: time.Second,
				ctx: context.Background(), self: "9000"}
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
