package main

import (
	"log/slog"

	"github.com/intervision-bot/intervision/bot"
)

// platform builds one chat adapter from the environment. ok is false when the
// platform's tokens are absent, so the adapter is not started.
type platform struct {
	name    string
	fromEnv func(getenv func(string) string, log *slog.Logger) (a bot.Adapter, ok bool, err error)
}

// platforms are registered by the files of each adapter (slack.go, discord.go) in init.
var platforms []platform

func register(p platform) { platforms = append(platforms, p) }
