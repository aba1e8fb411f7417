package slack

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// webAPI is the part of the Slack Web API the adapter uses, and nothing more: it keeps
// the adapter honest about its scopes (see manifest.yml) and lets tests swap it.
type webAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	// OpenConversationContext (conversations.open, scope im:write) finds or opens the
	// DM with a user, for replies with Direct.
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	// UploadFileContext (scope files:write) uploads a reply's document and shares it in
	// a channel or thread: files.getUploadURLExternal, a POST of the bytes to the URL it
	// gave, then files.completeUploadExternal with channel_id and thread_ts.
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
	// GetConversationRepliesContext (conversations.replies, scopes channels:history and
	// groups:history) and GetConversationHistoryContext (conversations.history, scope
	// im:history) fetch what was written in a session while the bot was disconnected
	// (backfill.go).
	GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
}

// retryingAPI retries a call that Slack answered with HTTP 429 after the Retry-After
// delay it gave, at most max times.
type retryingAPI struct {
	api   webAPI
	max   int
	log   *slog.Logger
	waits *atomic.Int64 // counts the waits after 429; may be nil
}

// maxRetryAfter caps one wait, so a strange header cannot park a worker for long.
const maxRetryAfter = 2 * time.Minute

func retry[T any](ctx context.Context, r *retryingAPI, method string, call func() (T, error)) (T, error) {
	for attempt := 0; ; attempt++ {
		v, err := call()
		var rl *slack.RateLimitedError
		if err == nil || !errors.As(err, &rl) || attempt >= r.max {
			return v, err
		}
		wait := min(max(rl.RetryAfter, 100*time.Millisecond), maxRetryAfter)
		r.log.Warn("slack: rate limited, retrying", "method", method, "retry_after", wait, "attempt", attempt+1)
		if r.waits != nil {
			r.waits.Add(1)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			var zero T
			return zero, ctx.Err()
		case <-t.C:
		}
	}
}

func (r *retryingAPI) AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error) {
	return retry(ctx, r, "auth.test", func() (*slack.AuthTestResponse, error) { return r.api.AuthTestContext(ctx) })
}

func (r *retryingAPI) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error) {
	type res struct{ ch, ts string }
	v, err := retry(ctx, r, "chat.postMessage", func() (res, error) {
		ch, ts, err := r.api.PostMessageContext(ctx, channelID, options...)
		return res{ch, ts}, err
	})
	return v.ch, v.ts, err
}

func (r *retryingAPI) PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error) {
	return retry(ctx, r, "chat.postEphemeral", func() (string, error) {
		return r.api.PostEphemeralContext(ctx, channelID, userID, options...)
	})
}

func (r *retryingAPI) GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error) {
	return retry(ctx, r, "users.info", func() (*slack.User, error) { return r.api.GetUserInfoContext(ctx, user, options...) })
}

func (r *retryingAPI) OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error) {
	type res struct {
		ch                *slack.Channel
		noOp, alreadyOpen bool
	}
	v, err := retry(ctx, r, "conversations.open", func() (res, error) {
		ch, noOp, open, err := r.api.OpenConversationContext(ctx, params)
		return res{ch, noOp, open}, err
	})
	return v.ch, v.noOp, v.alreadyOpen, err
}

func (r *retryingAPI) UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error) {
	return retry(ctx, r, "files.upload", func() (*slack.FileSummary, error) {
		// A retry starts the three steps again: the bytes are read again from the start.
		if s, ok := params.Reader.(io.Seeker); ok {
			if _, err := s.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
		}
		return r.api.UploadFileContext(ctx, params)
	})
}

func (r *retryingAPI) GetConversationRepliesContext(ctx context.Context, params *slack.GetConversationRepliesParameters) ([]slack.Message, bool, string, error) {
	type res struct {
		msgs   []slack.Message
		more   bool
		cursor string
	}
	v, err := retry(ctx, r, "conversations.replies", func() (res, error) {
		msgs, more, cursor, err := r.api.GetConversationRepliesContext(ctx, params)
		return res{msgs, more, cursor}, err
	})
	return v.msgs, v.more, v.cursor, err
}

func (r *retryingAPI) GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error) {
	return retry(ctx, r, "conversations.history", func() (*slack.GetConversationHistoryResponse, error) {
		return r.api.GetConversationHistoryContext(ctx, params)
	})
}
