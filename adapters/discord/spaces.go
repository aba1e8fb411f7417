package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// This file tells the handler, when it is a bot.SpaceWatcher (the Engine is), that the
// bot was removed from a server (GUILD_DELETE without unavailable: kicked, banned, or
// the server deleted) or is in one (GUILD_CREATE: at every connect for each of the
// shard's servers, and when it is added). The engine purges a removed server's data
// after a grace period, unless it came back.

// onGuildCreate handles GUILD_CREATE: the bot is in the guild. An unavailable guild
// (an outage) still has the bot as a member.
func (r *router) onGuildCreate(g *discordgo.Guild) {
	r.space(g.ID, false)
}

// onGuildDelete handles GUILD_DELETE. With unavailable set the guild is in an outage and
// the bot is still in it: nothing to tell.
func (r *router) onGuildDelete(g *discordgo.Guild) {
	if g.Unavailable {
		r.log.Info("discord: guild unavailable (outage)", "guild", g.ID)
		return
	}
	r.space(g.ID, true)
}

// space queues SpaceRemoved (removed) or SpaceReturned for guild under one key per
// guild, so a removal and a return that follows keep their order.
func (r *router) space(guild string, removed bool) {
	w, ok := r.h.(bot.SpaceWatcher)
	if !ok || guild == "" {
		return
	}
	sp := state.Space{Platform: platformName, Workspace: guild}
	queued := r.submit("guild:"+guild, func() {
		ctx, cancel := r.jobContext()
		defer cancel()
		if !removed {
			if err := w.SpaceReturned(ctx, sp); err != nil {
				r.log.Error("discord: bot in guild: cancel a planned purge", "guild", guild, "err", err)
			}
			return
		}
		if err := w.SpaceRemoved(ctx, sp); err != nil {
			r.log.Error("discord: bot removed from guild: note removal", "guild", guild, "err", err)
			return
		}
		r.log.Info("discord: bot removed from guild", "guild", guild)
	})
	if !queued {
		r.log.Warn("discord: guild event dropped: too many queued events", "guild", guild, "removed", removed)
	}
}
