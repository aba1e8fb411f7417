// Package slack connects the intervision engine to Slack. It receives events over
// Socket Mode (the default: no public URL needed) or over the HTTP Events API (with
// every request's signature verified), turns them into bot.Events, passes them to the
// engine and posts the replies: in the session's thread, in a direct message, or as
// ephemeral messages for replies meant for one person.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/intervision-bot/intervision/adapters/connstate"
	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
)

// Platform is the Conversation.Platform of every event this adapter produces.
const Platform = "slack"

// Command is the slash command the adapter answers (see manifest.yml).
const Command = "/intervision"

// Config says how to reach Slack. BotToken is always needed; AppToken selects Socket
// Mode, otherwise SigningSecret and ListenAddr select the HTTP Events API.
type Config struct {
	BotToken      string // xoxb-…: posts messages, reads user names
	AppToken      string // xapp-… with connections:write: Socket Mode
	SigningSecret string // verifies HTTP requests from Slack
	ListenAddr    string // HTTP Events API listen address, e.g. ":3000"

	// Logger receives connection and error logs; never message text or tokens.
	Logger *slog.Logger
	// Workers bounds how many conversations are handled at once (default 8).
	Workers int

	// APIURL points the Web API client somewhere else than https://slack.com/api/
	// (GovSlack, a proxy, tests: SLACK_API_URL). A missing trailing slash is added:
	// slack-go appends the method name to it.
	APIURL string
	// DrainTimeout bounds the shutdown: once Run's context ends and the intake stopped,
	// how long the events already accepted may take to be handled and answered
	// (default queue.DrainTimeout, 20 s).
	DrainTimeout time.Duration
	// PingInterval is how long the Socket Mode client waits for Slack's ping before it
	// reconnects (default 30 s).
	PingInterval time.Duration
	// MaxRateLimitRetries bounds how often one call is retried after HTTP 429
	// (default 5).
	MaxRateLimitRetries int
	// Now is the clock for signature timestamps and caches (tests); default time.Now.
	Now func() time.Time

	// catchUpGap: a Socket Mode reconnect after a shorter gap than this does not catch
	// up (Slack retries what it could not deliver meanwhile); default retryWindow,
	// negative: always (tests).
	catchUpGap time.Duration
}

// Adapter is the Slack bot.Adapter.
type Adapter struct {
	cfg   Config
	log   *slog.Logger
	api   webAPI
	raw   *slack.Client
	users *userCache
	langs langCache // the sessions' languages, for the adapter's own texts

	// Identity of the bot, from auth.test.
	botUserID string
	botName   string // the bot's user name, for mentions of it inside a turn
	botID     string
	teamID    string

	// runMu guards queue: Run's conversation queue while it runs, which Deliver uses.
	runMu sync.Mutex
	queue *queue.Queue
	ops   connstate.State // connection and rate-limit counts for the ops endpoints

	// observe, when set, is called after each event was handled and its replies
	// delivered (tests wait on it).
	// eventID is the Slack event_id of the envelope that brought it, if any.
	observe func(eventID string, ev bot.Event, out bot.Outcome, err error)
	// ready, when set, is called once the adapter is ready to receive (tests).
	ready func(addr string)
}

// New checks cfg and builds an Adapter. It does not connect yet: Run does.
func New(cfg Config) (*Adapter, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("slack: bot token (SLACK_BOT_TOKEN) is required")
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("slack: set an app token (SLACK_APP_TOKEN, Socket Mode) or a signing secret (SLACK_SIGNING_SECRET, HTTP Events API)")
	}
	if cfg.AppToken == "" && cfg.ListenAddr == "" {
		cfg.ListenAddr = ":3000"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.MaxRateLimitRetries <= 0 {
		cfg.MaxRateLimitRetries = 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = queue.DrainTimeout
	}
	if cfg.catchUpGap == 0 {
		cfg.catchUpGap = retryWindow
	}
	if cfg.APIURL != "" && !strings.HasSuffix(cfg.APIURL, "/") {
		cfg.APIURL += "/"
	}
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: 30 * time.Second})}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	raw := slack.New(cfg.BotToken, opts...)
	log := cfg.Logger.With("adapter", Platform)
	a := &Adapter{cfg: cfg, log: log, raw: raw}
	a.api = &retryingAPI{api: raw, max: cfg.MaxRateLimitRetries, log: log, waits: &a.ops.RateWaits}
	a.users = newUserCache(raw, time.Hour, 10000, cfg.Now) // no 429 retries: see userCache
	return a, nil
}

// Name returns "slack".
func (a *Adapter) Name() string { return Platform }

// Mode is "socket" or "http": how the adapter receives events.
func (a *Adapter) Mode() string {
	if a.cfg.AppToken != "" {
		return "socket"
	}
	return "http"
}

// Run identifies the bot (auth.test), then receives events until ctx ends or the
// credentials are refused. Events are handled by a bounded set of workers; the events
// of one conversation are handled one after another, in the order they arrived.
//
// When ctx ends Run shuts down in order: it stops taking events (Socket Mode: no
// envelope is read or acknowledged any more, so Slack redelivers the rest to another
// connection; HTTP: the listener closes and the requests being read finish), closes the
// connection, then waits up to DrainTimeout for the events it accepted to be handled
// and answered. Deliver keeps working meanwhile, and afterwards delivers at once.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	if h == nil {
		return errors.New("slack: nil handler")
	}
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack: auth.test with the bot token: %w", err)
	}
	a.botUserID, a.botName, a.botID, a.teamID = auth.UserID, auth.User, auth.BotID, auth.TeamID
	a.log.Info("slack: connected as bot", "bot_user", a.botUserID, "team", a.teamID, "mode", a.Mode())

	d := queue.New(a.cfg.Workers, 10000, a.log)
	r := a.newRouter(h, d)
	a.runMu.Lock()
	a.queue = d
	a.runMu.Unlock()
	defer func() {
		a.drain(d)
		a.runMu.Lock()
		a.queue = nil
		a.runMu.Unlock()
	}()

	if a.cfg.AppToken != "" {
		return a.runSocket(ctx, r)
	}
	return a.runHTTP(ctx, r)
}

// drain waits, at most DrainTimeout, for the events Run accepted.
func (a *Adapter) drain(d *queue.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.DrainTimeout)
	defer cancel()
	start := time.Now()
	if err := d.Drain(ctx); err != nil {
		a.log.Error("slack: shutdown: accepted events were not all handled in time", "timeout", a.cfg.DrainTimeout, "err", err)
		return
	}
	a.log.Info("slack: accepted events handled", "took", time.Since(start).Round(time.Millisecond))
}
