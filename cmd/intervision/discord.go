package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/intervision-bot/intervision/adapters/discord"
	"github.com/intervision-bot/intervision/bot"
)

// discordFromEnv starts the Discord adapter when DISCORD_BOT_TOKEN (or
// DISCORD_BOT_TOKEN_FILE) is set. DISCORD_GUILD_ID registers the slash commands in one
// server (instantly, for testing); DISCORD_APP_ID overrides the application id;
// DISCORD_SHARD_ID and DISCORD_SHARD_COUNT split servers over replicas; DISCORD_API_URL
// and DISCORD_GATEWAY_URL point the REST calls and the gateway elsewhere (a proxy);
// INTERVISION_SHUTDOWN_TIMEOUT bounds the drain at shutdown.
func discordFromEnv(getenv func(string) string, log *slog.Logger) (bot.Adapter, bool, error) {
	token, err := readSecret(getenv, "DISCORD_BOT_TOKEN")
	if err != nil {
		return nil, false, fmt.Errorf("discord: %w", err)
	}
	if token == "" {
		return nil, false, nil
	}
	cfg := discord.Config{
		Token:      token,
		GuildID:    strings.TrimSpace(getenv("DISCORD_GUILD_ID")),
		AppID:      strings.TrimSpace(getenv("DISCORD_APP_ID")),
		APIURL:     strings.TrimSpace(getenv("DISCORD_API_URL")),
		GatewayURL: strings.TrimSpace(getenv("DISCORD_GATEWAY_URL")),
		Logger:     log,
	}
	if cfg.DrainTimeout, err = shutdownTimeout(getenv); err != nil {
		return nil, false, err
	}
	if cfg.ShardID, err = envInt(getenv, "DISCORD_SHARD_ID"); err != nil {
		return nil, false, err
	}
	if cfg.ShardCount, err = envInt(getenv, "DISCORD_SHARD_COUNT"); err != nil {
		return nil, false, err
	}
	a, err := discord.New(cfg)
	if err != nil {
		return nil, false, err
	}
	return a, true, nil
}

// envInt reads a non-negative integer; empty is 0.
func envInt(getenv func(string) string, name string) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("discord: %s=%q is not a non-negative number", name, v)
	}
	return n, nil
}
