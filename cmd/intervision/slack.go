package main

import (
	"log/slog"
	"strings"

	"github.com/intervision-bot/intervision/adapters/slack"
	"github.com/intervision-bot/intervision/bot"
)

// slackFromEnv starts the Slack adapter when SLACK_BOT_TOKEN (or SLACK_BOT_TOKEN_FILE)
// is set: in Socket Mode with SLACK_APP_TOKEN, else over the HTTP Events API with
// SLACK_SIGNING_SECRET on SLACK_LISTEN_ADDR (":3000" by default). SLACK_API_URL points
// the Web API client at another base (GovSlack, a proxy); INTERVISION_SHUTDOWN_TIMEOUT
// bounds the drain at shutdown.
func slackFromEnv(getenv func(string) string, log *slog.Logger) (bot.Adapter, bool, error) {
	var cfg slack.Config
	var err error
	for _, v := range []struct {
		name string
		dst  *string
	}{
		{"SLACK_BOT_TOKEN", &cfg.BotToken},
		{"SLACK_APP_TOKEN", &cfg.AppToken},
		{"SLACK_SIGNING_SECRET", &cfg.SigningSecret},
	} {
		if *v.dst, err = readSecret(getenv, v.name); err != nil {
			return nil, false, err
		}
	}
	if cfg.BotToken == "" {
		return nil, false, nil
	}
	cfg.ListenAddr = getenv("SLACK_LISTEN_ADDR")
	cfg.APIURL = strings.TrimSpace(getenv("SLACK_API_URL"))
	if cfg.DrainTimeout, err = shutdownTimeout(getenv); err != nil {
		return nil, false, err
	}
	cfg.Logger = log
	a, err := slack.New(cfg)
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}
