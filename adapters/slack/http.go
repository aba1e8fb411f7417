package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Paths of the HTTP Events API endpoints (see manifest.yml for the hosted set-up).
const (
	PathEvents       = "/slack/events"
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
)

// maxBody bounds a request body; Slack's payloads are far smaller.
const maxBody = 1 << 20

// runHTTP serves the Events API until ctx ends.
func (a *Adapter) runHTTP(ctx context.Context, r *router) error {
	ln, err := net.Listen("tcp", a.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("slack: listen on %s: %w", a.cfg.ListenAddr, err)
	}
	srv := &http.Server{Handler: a.httpHandler(r), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	a.log.Info("slack: events API listening", "addr", ln.Addr().String())
	a.ops.Up()
	defer a.ops.Down()
	// Slack's retries of what it sent while the process was down may have run out.
	r.catchUp()
	if a.ready != nil {
		a.ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		return nil
	case err := <-errc:
		return fmt.Errorf("slack: events API server: %w", err)
	}
}

// httpHandler verifies every request's signature and timestamp, rejects replays,
// answers at once and leaves the work to the dispatcher.
func (a *Adapter) httpHandler(r *router) http.Handler {
	replays := newSeenSet(replayWindow, a.cfg.Now)
	verify := func(w http.ResponseWriter, req *http.Request) ([]byte, bool) {
		if req.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return nil, false
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, maxBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return nil, false
		}
		sv, err := slack.NewSecretsVerifier(req.Header, a.cfg.SigningSecret)
		if err == nil {
			_, _ = sv.Write(body)
			err = sv.Ensure()
		}
		if err != nil {
			a.log.Warn("slack: rejected a request with a bad signature", "path", req.URL.Path, "err", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return nil, false
		}
		// Keyed on the signature in lower case: hex in upper case verifies as well, and
		// must not let the same request through again.
		if !replays.first(strings.ToLower(strings.TrimSpace(req.Header.Get("X-Slack-Signature")))) {
			a.log.Warn("slack: rejected a replayed request", "path", req.URL.Path)
			http.Error(w, "replayed request", http.StatusUnauthorized)
			return nil, false
		}
		if n := req.Header.Get("X-Slack-Retry-Num"); n != "" {
			a.log.Info("slack: redelivered request", "retry_num", n, "reason", req.Header.Get("X-Slack-Retry-Reason"))
		}
		return body, true
	}

	mux := http.NewServeMux()
	mux.HandleFunc(PathEvents, func(w http.ResponseWriter, req *http.Request) {
		body, ok := verify(w, req)
		if !ok {
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			// Unknown inner event types land here too: accept, so Slack does not retry.
			a.log.Debug("slack: unparsed event", "err", err)
			w.WriteHeader(http.StatusOK)
			return
		}
		if ev.Type == slackevents.URLVerification {
			var ch slackevents.ChallengeResponse
			if err := json.Unmarshal(body, &ch); err != nil {
				http.Error(w, "bad challenge", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, ch.Challenge)
			return
		}
		w.WriteHeader(http.StatusOK)
		r.eventsAPI(ev)
	})
	mux.HandleFunc(PathCommands, func(w http.ResponseWriter, req *http.Request) {
		body, ok := verify(w, req)
		if !ok {
			return
		}
		cmd, err := parseSlash(body)
		if err != nil {
			http.Error(w, "bad command", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		r.slashCommand(cmd, "")
	})
	mux.HandleFunc(PathInteractions, func(w http.ResponseWriter, req *http.Request) {
		body, ok := verify(w, req)
		if !ok {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad interaction", http.StatusBadRequest)
			return
		}
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "bad interaction", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
		r.interaction(cb, "")
	})
	return mux
}

// parseSlash reads a slash command from its form body (the body was consumed for the
// signature check, so slack.SlashCommandParse cannot read it again).
func parseSlash(body []byte) (slack.SlashCommand, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return slack.SlashCommand{}, fmt.Errorf("slack: parse slash command: %w", err)
	}
	cmd := slack.SlashCommand{
		TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"), EnterpriseID: f.Get("enterprise_id"),
		ChannelID: f.Get("channel_id"), ChannelName: f.Get("channel_name"), UserID: f.Get("user_id"),
		UserName: f.Get("user_name"), Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id"),
	}
	if cmd.Command == "" || cmd.ChannelID == "" || cmd.UserID == "" {
		return cmd, errors.New("slack: slash command without command, channel or user")
	}
	return cmd, nil
}

// replayWindow is how long a request signature is remembered: Slack's verifier refuses
// timestamps older than five minutes, so a replay after that fails the signature check.
const replayWindow = 6 * time.Minute

// seenSet remembers strings for a while. The HTTP path keeps the signatures of accepted
// requests in one: a signature covers the timestamp and the body, and Slack signs each
// delivery (retries too) anew, so a second request with the same signature is a replay.
type seenSet struct {
	window time.Duration
	now    func() time.Time
	mu     sync.Mutex
	seen   map[string]time.Time
}

func newSeenSet(window time.Duration, now func() time.Time) *seenSet {
	return &seenSet{window: window, now: now, seen: map[string]time.Time{}}
}

// first records sig and reports whether it was new.
func (g *seenSet) first(sig string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if exp, ok := g.seen[sig]; ok && now.Before(exp) {
		return false
	}
	if len(g.seen) > 50000 {
		for k, exp := range g.seen {
			if !now.Before(exp) {
				delete(g.seen, k)
			}
		}
	}
	g.seen[sig] = now.Add(g.window)
	return true
}
