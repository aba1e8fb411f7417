// Package discord connects the intervision engine to Discord with discordgo.
//
// The bot registers one slash command, /intervision, with subcommands (start, join,
// bring, next, status, leave, rewrite, end, keep, methods, help, forget, export) in
// English and Dutch. A group
// session runs in a public thread the bot opens in the channel where /intervision
// start was used; every message in that thread is a turn. A solo reflection runs in a
// direct message with the bot, where every message is a turn. Buttons under the bot's
// messages send the engine's actions (join, bring, next) as commands.
//
// Interactions are acknowledged within Discord's three seconds; private replies are
// ephemeral. The bot never pings: every message it sends allows no mentions.
//
// Several replicas may connect with the same token. Every gateway session on a shard
// receives every event of that shard, so replicas either run different shards
// (DISCORD_SHARD_ID / DISCORD_SHARD_COUNT) or share a store (Redis): the store applies a
// message or interaction id once, and Discord accepts only one acknowledgement of an
// interaction. See docs/discord.md.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"github.com/intervision-bot/intervision/adapters/connstate"
	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
)

// Intents are the gateway intents the bot asks for: guilds (channels and threads),
// guild messages and direct messages (the turns), and the privileged message content,
// without which Discord delivers messages without text.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages |
	discordgo.IntentsDirectMessages | discordgo.IntentMessageContent

// Config configures the Discord adapter.
type Config struct {
	// Token is the bot token from the Developer Portal (with or without "Bot ").
	Token string
	// GuildID, when set, registers the commands in that server only, where they are
	// usable at once (handy while testing); otherwise they are registered globally.
	GuildID string
	// AppID is the application id; empty: taken from the gateway's READY event.
	AppID string
	// ShardID and ShardCount split the bot's servers over replicas; ShardCount 0 or 1
	// means one shard. Only shard 0 registers the commands.
	ShardID, ShardCount int
	// Logger receives the adapter's logs; nil: slog.Default().
	Logger *slog.Logger
	// HTTPClient makes the REST calls; nil: discordgo's client. Tests point it at a fake.
	HTTPClient *http.Client
	// AckWait is how long a slash command may take before it is deferred privately
	// (default 1.5 s; Discord allows 3 s from the event).
	AckWait time.Duration
	// Timeout bounds the handling of one event (default 30 s).
	Timeout time.Duration
	// Workers bounds how many conversations are handled at once (default 16).
	Workers int
	// APIURL sends the REST calls to another base than https://discord.com (a proxy, an
	// API-compatible service: DISCORD_API_URL): scheme and host are replaced, a path
	// given is put before discordgo's /api/v9/…. Empty: Discord.
	APIURL string
	// GatewayURL is the gateway's websocket URL (ws:// or wss://, DISCORD_GATEWAY_URL);
	// empty: the one GET /gateway answers (at APIURL when that is set).
	GatewayURL string
	// DrainTimeout bounds the shutdown: once Run's context ended and the intake
	// stopped, how long the events already accepted may take to be handled and
	// answered (default queue.DrainTimeout, 20 s).
	DrainTimeout time.Duration

	api *url.URL // APIURL parsed
}

// defaultHTTPTimeout is discordgo's own client timeout.
const defaultHTTPTimeout = 20 * time.Second

// Adapter is the Discord bot.Adapter.
type Adapter struct {
	cfg Config
	log *slog.Logger

	observe func(eventID string) // tests: called when an event was handled and answered

	mu     sync.Mutex
	router *router // while Run runs: where Deliver sends replies

	ops connstate.State // gateway and rate-limit counts for the ops endpoints
}

var _ bot.Deliverer = (*Adapter)(nil)

// Deliver delivers the replies of an event nobody sent on Discord (a timer's) to conv,
// as the replies to a message are delivered: public replies as bot messages in conv's
// thread (or in the DM, for a direct conversation); replies with To, which have no
// interaction to be ephemeral in, and replies with Direct as a DM to that user. When
// the user accepts no DMs (50007), the note that says so is posted in the thread, never
// the private text. A Direct reply with Opens is handed back to h as a command from To
// in that DM. It runs in the conversation's queue, after the events waiting there, and
// returns once everything was sent; the error names the replies that failed. It needs
// a running adapter (Run): the REST session is Run's.
func (a *Adapter) Deliver(ctx context.Context, h bot.Handler, conv bot.Conversation, out bot.Outcome) error {
	if conv.Platform != platformName || conv.Channel == "" {
		return fmt.Errorf("discord: cannot deliver to %s conversation %q", conv.Platform, conv.Channel)
	}
	if h == nil {
		return errors.New("discord: nil handler")
	}
	a.mu.Lock()
	r := a.router
	a.mu.Unlock()
	if r == nil {
		return errors.New("discord: not running: Deliver needs Run's session")
	}
	done := make(chan error, 1)
	if !r.submit(where(conv), func() { done <- r.deliverUnasked(ctx, h, conv, out) }) {
		return errors.New("discord: too many queued events: delivery dropped")
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// New checks cfg and returns an Adapter. It does not connect yet.
func New(cfg Config) (*Adapter, error) {
	cfg.Token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(cfg.Token), "Bot "))
	if cfg.Token == "" {
		return nil, errors.New("discord: no bot token")
	}
	if cfg.ShardCount < 0 || cfg.ShardID < 0 || (cfg.ShardCount > 0 && cfg.ShardID >= cfg.ShardCount) ||
		(cfg.ShardCount <= 1 && cfg.ShardID > 0) {
		return nil, fmt.Errorf("discord: shard %d of %d: the shard id must be below the shard count", cfg.ShardID, cfg.ShardCount)
	}
	if cfg.AckWait <= 0 {
		cfg.AckWait = 1500 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = queue.DrainTimeout
	}
	if cfg.APIURL != "" {
		u, err := parseBase("API URL (DISCORD_API_URL)", cfg.APIURL, "https", "http")
		if err != nil {
			return nil, err
		}
		cfg.api = u
	}
	if cfg.GatewayURL != "" {
		if _, err := parseBase("gateway URL (DISCORD_GATEWAY_URL)", cfg.GatewayURL, "wss", "ws"); err != nil {
			return nil, err
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Adapter{cfg: cfg, log: log.With("adapter", platformName)}, nil
}

// Name returns "discord".
func (a *Adapter) Name() string { return platformName }

// Run connects to the gateway, registers the commands and serves events until ctx ends
// (then it returns nil) or Discord refuses the connection for good (a *FatalCloseError:
// bad token, Message Content intent not enabled, bad shard settings). Run reconnects
// dropped connections itself (reconnect.go; discordgo then resumes the session). When
// ctx ends Run stops handling new gateway events, closes the gateway, and waits
// (DrainTimeout) for the events it accepted: an event is accepted when its handler
// queued it.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	s, err := discordgo.New("Bot " + a.cfg.Token)
	if err != nil {
		return fmt.Errorf("discord: new session: %w", err)
	}
	s.Identify.Intents = Intents
	if a.cfg.ShardCount > 1 {
		s.ShardID, s.ShardCount = a.cfg.ShardID, a.cfg.ShardCount
	}
	if c := a.cfg.httpClient(); c != nil {
		s.Client = c
	}
	// Handlers run one after another on the gateway's goroutine, in the order Discord
	// sent the events; they only queue work (see router), so they return at once.
	s.SyncEvents = true
	// The adapter reconnects itself (see reconnect.go).
	s.ShouldReconnectOnError = false
	watch := gatewayWatcher()
	s.Dialer = watch.dialer()
	// The state caches channels and threads, so that the router rarely asks the REST
	// API where a message was posted; nothing else is needed.
	s.State.TrackEmojis, s.State.TrackStickers, s.State.TrackMembers = false, false, false
	s.State.TrackRoles, s.State.TrackVoice, s.State.TrackPresences = false, false, false
	s.State.TrackThreadMembers = false
	s.State.MaxMessageCount = 0

	q := queue.New(a.cfg.Workers, 10000, a.log)
	r := &router{api: s, state: s.State, h: h, log: a.log, ackWait: a.cfg.AckWait, timeout: a.cfg.Timeout, q: q, observe: a.observe}
	// The router stays after Run returned: Deliver then still sends over REST (a timer
	// that fired during the shutdown delivers its replies).
	a.mu.Lock()
	a.router = r
	a.mu.Unlock()
	defer a.ops.Down()
	s.AddHandler(func(_ *discordgo.Session, e *discordgo.Ready) {
		a.ops.Up()
		if e.User != nil {
			r.setSelf(e.User.ID)
		}
		a.log.Info("discord: connected", "user", userName(e.User), "guilds", len(e.Guilds), "session", e.SessionID)
		// A fresh session: Discord replays nothing of what was posted meanwhile.
		r.intake(func() { r.catchUp(func(g string) bool { return onShard(g, a.cfg.ShardID, a.cfg.ShardCount) }) })
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		a.ops.Up()
		a.log.Info("discord: gateway session resumed")
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.RateLimit) { a.ops.RateWaits.Add(1) })
	dropped := make(chan struct{}, 1)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		a.ops.Down()
		a.log.Warn("discord: gateway disconnected")
		select {
		case dropped <- struct{}{}:
		default:
		}
	})
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Message != nil {
			r.intake(func() { r.onMessage(m.Message) })
		}
	})
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
		if i.Interaction != nil {
			r.intake(func() { r.onInteraction(i.Interaction) })
		}
	})
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		if g.Guild != nil {
			r.intake(func() { r.onGuildCreate(g.Guild) })
		}
	})
	s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildDelete) {
		if g.Guild != nil {
			r.intake(func() { r.onGuildDelete(g.Guild) })
		}
	})

	if err := s.Open(); err != nil {
		q.Wait(10 * time.Second)
		select {
		case f := <-watch.fatal:
			return f
		default:
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if _, fatal := fatalCloseCodes[ce.Code]; fatal {
				return &FatalCloseError{Code: ce.Code}
			}
		}
		return fmt.Errorf("discord: connect to the gateway: %w", err)
	}
	if u := s.State.User; u != nil {
		r.setSelf(u.ID)
	}
	if err := a.register(s); err != nil {
		a.log.Error("discord: register slash commands (was the bot invited with the applications.commands scope?)", "err", err)
	}

	return a.serve(ctx, s, r, watch, q, dropped)
}

// serve keeps the gateway connected until ctx ends (it then shuts down and returns nil)
// or a fatal close code arrives (returned). A drop (a token in dropped) is redialled.
func (a *Adapter) serve(ctx context.Context, s *discordgo.Session, r *router, watch *closeWatcher, q *queue.Queue, dropped <-chan struct{}) error {
	redial := newRedialer(s, watch, a.log)
	for {
		select {
		case <-ctx.Done():
			a.shutdown(s, r, watch, q)
			return nil
		case f := <-watch.fatal:
			_ = s.Close()
			q.Wait(10 * time.Second)
			a.log.Error(f.Error())
			return f
		case <-dropped:
			redial.run(ctx)
		}
	}
}

// shutdown stops the intake (gateway events arriving from now on are not handled:
// every session on the shard receives them, so another replica does), closes the
// gateway connection (a close frame, then discordgo's Close), then waits up to
// DrainTimeout for the events accepted to be handled and answered.
func (a *Adapter) shutdown(s *discordgo.Session, r *router, watch *closeWatcher, q *queue.Queue) {
	r.stopIntake()
	watch.stop()
	if err := s.Close(); err != nil {
		a.log.Warn("discord: close", "err", err)
	}
	a.log.Info("discord: gateway closed")
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.DrainTimeout)
	defer cancel()
	start := time.Now()
	if err := q.Drain(ctx); err != nil {
		a.log.Error("discord: shutdown: accepted events were not all handled in time", "timeout", a.cfg.DrainTimeout, "err", err)
		return
	}
	a.log.Info("discord: accepted events handled", "took", time.Since(start).Round(time.Millisecond))
}

// gatewayWatcher is the close watcher Run dials the gateway with: through the proxy the
// environment names (HTTPS_PROXY, NO_PROXY), as discordgo's default dialer would.
func gatewayWatcher() *closeWatcher {
	w := newCloseWatcher()
	w.proxy = http.ProxyFromEnvironment
	return w
}

// register installs the /intervision command (shard 0 only: one replica is enough).
func (a *Adapter) register(s *discordgo.Session) error {
	if a.cfg.ShardID != 0 {
		return nil
	}
	appID := a.cfg.AppID
	if appID == "" && s.State.Application != nil {
		appID = s.State.Application.ID
	}
	if appID == "" && s.State.User != nil {
		appID = s.State.User.ID
	}
	if appID == "" {
		return errors.New("discord: no application id: set DISCORD_APP_ID")
	}
	cmds := applicationCommands()
	if _, err := s.ApplicationCommandBulkOverwrite(appID, a.cfg.GuildID, cmds); err != nil {
		return fmt.Errorf("discord: register commands for application %s: %w", appID, err)
	}
	where := "globally (may take a while to appear)"
	if a.cfg.GuildID != "" {
		where = "in guild " + a.cfg.GuildID
	}
	a.log.Info("discord: slash commands registered " + where)
	return nil
}

func userName(u *discordgo.User) string {
	if u == nil {
		return ""
	}
	return u.Username
}
