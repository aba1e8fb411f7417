package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/report"
	"github.com/intervision-bot/intervision/state"
)

// This file is the team's view of its own practice: when a session ends it leaves a
// small anonymous tag (when, which method, how long, which themes it looked at: no
// names, no text), kept per channel and per workspace; `report` counts them.

// reportRetention is how long a report record lives after its last tag: over a year,
// so that `report 1y` has a year to show.
const reportRetention = 400 * 24 * time.Hour

// maxTags bounds a report record; the oldest tags go first.
const maxTags = 5000

// reportKey is the key of the tags of a channel, or of a whole workspace (channel "").
// Its thread is no platform's thread id, so it cannot collide with a session.
func reportKey(space state.Space, channel string) state.Key {
	return state.Key{Platform: space.Platform, Workspace: space.Workspace, Channel: channel, Thread: "report:"}
}

// reportTag is what a closing session leaves for the team's report.
func (tr *turn) reportTag() report.Tag {
	s := tr.sess
	t := report.Tag{Ended: tr.ev.Time.UTC(), Method: s.Method,
		Minutes: int(tr.ev.Time.Sub(s.Started.Time()) / time.Minute)}
	for _, th := range prompts.Themes {
		if s.Themes[string(th)] > 0 {
			t.Themes = append(t.Themes, th)
		}
	}
	return t
}

// writeTag adds a closed group session's tag to its channel's and its workspace's
// report. A failure costs one session in the counts, so it is logged, not reported.
func (e *Engine) writeTag(ctx context.Context, conv Conversation, t report.Tag) {
	space := Key(conv).Space()
	for _, k := range []state.Key{reportKey(space, conv.Channel), reportKey(space, "")} {
		err := e.store.Update(ctx, k, "", func(cur []byte) (state.Change, error) {
			tags := decodeTags(cur)
			tags = append(tags, t)
			if len(tags) > maxTags {
				tags = tags[len(tags)-maxTags:]
			}
			b, err := json.Marshal(tags)
			return state.Change{Data: b, TTL: reportRetention}, err
		})
		if err != nil {
			e.log.Warn("write report tag", "err", err)
		}
	}
}

// decodeTags reads a report record; a damaged one counts as empty.
func decodeTags(b []byte) []report.Tag {
	var tags []report.Tag
	if len(b) > 0 && json.Unmarshal(b, &tags) != nil {
		return nil
	}
	return tags
}

// Report builds the team report of a channel (or, with channel "", of a workspace)
// over a window such as "30d", "90d" or "1y", for an operator.
func (e *Engine) Report(ctx context.Context, space state.Space, channel, window string) (report.Report, error) {
	w, ok := report.ParseWindow(window)
	if !ok {
		return report.Report{}, fmt.Errorf("window %q: use 30d, 90d or 1y", window)
	}
	b, err := e.store.Get(ctx, reportKey(space, channel))
	if err != nil {
		return report.Report{}, fmt.Errorf("read report: %w", err)
	}
	return report.Build(decodeTags(b), w, e.cfg.Now()), nil
}

// teamReport answers `report [30d|90d|1y]` in a channel: counts only, as text with
// bars and as a chart.
func (e *Engine) teamReport(ctx context.Context, ev Event, c command, lang string) (Outcome, error) {
	window := ""
	if len(c.args) > 0 {
		window = c.args[0]
	}
	if _, ok := report.ParseWindow(window); !ok {
		return Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg("report.how", lang)}}, Lang: lang}, nil
	}
	r, err := e.Report(ctx, Key(ev.Conv).Space(), ev.Conv.Channel, window)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	rep := Reply{Text: r.Markdown(lang, report.Titles(e.lib, lang))}
	if r.Sessions > 0 {
		if png, alt, err := r.PNG(lang); err == nil {
			rep.File = &File{Name: "report-" + r.Window.String() + ".png", Type: "image/png", Data: png, Alt: alt}
		} else {
			e.log.Warn("draw report chart", "err", err)
		}
	}
	return Outcome{Replies: []Reply{rep}}, nil
}
