package slack

import (
	"github.com/slack-go/slack/slackevents"

	"github.com/intervision-bot/intervision/adapters/queue"
	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state"
)

// This file tells the handler, when it is a bot.SpaceWatcher (the Engine is), that the
// app was removed from a workspace: Slack's app_uninstalled, or tokens_revoked when
// the bot token was among the revoked ones. The engine then purges the workspace's data
// after a grace period.

// onAppUninstalled handles app_uninstalled: the app was removed from the workspace.
func (r *router) onAppUninstalled(meta eventMeta, data any) {
	if _, ok := data.(*slackevents.AppUninstalledEvent); ok {
		r.spaceRemoved(meta, "app_uninstalled")
	}
}

// onTokensRevoked handles tokens_revoked. Slack sends it also when only a user's token
// was revoked (a person who authorised the app signed out of it): that removes nothing,
// so only a revoked bot token counts.
func (r *router) onTokensRevoked(meta eventMeta, data any) {
	if e, ok := data.(*slackevents.TokensRevokedEvent); ok && len(e.Tokens.Bot) > 0 {
		r.spaceRemoved(meta, "tokens_revoked")
	}
}

// spaceRemoved queues SpaceRemoved for the envelope's team, under a queue key of its
// own (it is ordered with other removals of that team, not with its conversations);
// the engine counts a second removal (app_uninstalled and tokens_revoked usually come
// together) as the first.
func (r *router) spaceRemoved(meta eventMeta, why string) {
	w, ok := r.h.(bot.SpaceWatcher)
	if !ok {
		return
	}
	if meta.team == "" {
		r.a.log.Warn("slack: app removed from a workspace, but the event names no team", "event", why)
		return
	}
	space := state.Space{Platform: Platform, Workspace: meta.team}
	queued := r.d.Submit("space:"+meta.team, func() {
		ctx, cancel := queue.JobContext()
		defer cancel()
		if err := w.SpaceRemoved(ctx, space); err != nil {
			r.a.log.Error("slack: app removed from a workspace: note removal", "team", meta.team, "event", why, "err", err)
			return
		}
		r.a.log.Info("slack: app removed from a workspace", "team", meta.team, "event", why)
	})
	if !queued {
		r.a.log.Warn("slack: app removal dropped: too many queued events", "team", meta.team, "event", why)
	}
}
