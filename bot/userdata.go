package bot

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// forget deletes everything the user contributed in the event's workspace: their
// turns, their membership, summaries that quote them, and solo sessions entirely.
func (e *Engine) forget(ctx context.Context, ev Event, lang string) (Outcome, error) {
	here := Key(ev.Conv)
	keys, err := e.userKeys(ctx, here, ev.User.ID)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	r, err := e.erase(ctx, here.Space(), ev.User.ID, keys)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	sessions := r.Sessions
	if r.Note && sessions == 0 {
		sessions = 1 // the note is all that was left of an earlier session
	}
	text := e.msg("forget.done", lang, "messages", e.count("count.messages", lang, r.Messages),
		"sessions", e.count("count.sessions", lang, sessions))
	if keepsOriginal(ev.Conv.Platform) {
		text += " " + e.msg("forget.chat", lang)
	}
	if r.Summaries > 0 {
		text += "\n" + e.msg("forget.summaries", lang, "summaries", e.count("count.summaries", lang, r.Summaries))
	}
	replies := []Reply{{To: ev.User.ID, Text: text}}
	for _, s := range r.Ended {
		conv := Conversation{Platform: s.Key.Platform, Workspace: s.Key.Workspace, Channel: s.Key.Channel, Thread: s.Key.Thread}
		replies = append(replies, Reply{In: &conv, Text: e.msg("forget.ended", s.Lang)})
	}
	return Outcome{Replies: replies, Lang: lang}, nil
}

// endsWithout reports whether forgetting user ends the session for others: a group
// session running with user as its case bringer and others in it. (In the lobby the
// case bringer's forget only frees the role: see session.forget.)
func (s *session) endsWithout(user string) bool {
	if s.Mode == prompts.ModeSolo || s.Status != statusRunning || s.Bringer == "" || s.Bringer != user {
		return false
	}
	return slices.ContainsFunc(s.Members, func(m member) bool { return m.ID != user })
}

// erase deletes a user's traces from the conversations under keys (all in space),
// their note and their index in space: the work of forget, for the user's own
// command and for an operator's (ForgetUser).
func (e *Engine) erase(ctx context.Context, space state.Space, user string, keys []state.Key) (Receipt, error) {
	var r Receipt
	now := e.cfg.Now()
	for _, k := range keys {
		var n int
		var touched, quoted, ended bool
		var lang string
		_, err := e.logs.UpdateLog(ctx, k, "", func(cur state.Record) (state.Change, error) {
			n, touched, quoted, ended = 0, false, false, false
			sess, err := decodeRecord(cur)
			if err != nil || sess == nil {
				return state.Change{}, err
			}
			quoted = sess.Kept && slices.Contains(sess.SummaryUsers, user)
			ended, lang = sess.endsWithout(user), sess.Lang
			n, touched = sess.forget(user, stampOf(now))
			switch {
			case !touched:
				return state.Change{TTL: e.ttl(sess, now), Erase: true}, nil
			case len(sess.Members) == 0 && len(sess.Contributions) == 0 || sess.Mode == prompts.ModeSolo && sess.Starter == user:
				return state.Change{Delete: true, Erase: true}, nil
			}
			// An erasure: the store commits it even when it is full (Change.Erase). A
			// removed contribution rewrites the log without it; only the head shrinks
			// when none was removed.
			data, entries, rewrite, err := sess.change()
			return state.Change{Data: data, Append: entries, Rewrite: rewrite, TTL: e.ttl(sess, now), Erase: true}, err
		})
		if err != nil {
			return r, err
		}
		r.Messages += n
		if touched {
			r.Sessions++
		}
		if quoted {
			r.Summaries++
		}
		if ended {
			r.Ended = append(r.Ended, EndedSession{Key: k, Lang: lang})
		}
	}
	if err := e.store.Update(ctx, noteKey(space, user), "", func(cur []byte) (state.Change, error) {
		r.Note = cur != nil
		return state.Change{Delete: true, Erase: true}, nil
	}); err != nil {
		return r, err
	}
	if err := e.store.Update(ctx, privateKey(space.Platform, user), "", func([]byte) (state.Change, error) {
		return state.Change{Delete: true, Erase: true}, nil // where a private round waited for them
	}); err != nil {
		return r, err
	}
	if err := e.store.Unindex(ctx, space, user); err != nil {
		return r, err
	}
	e.log.Info("forget", "space", space.Platform+":"+space.Workspace, "sessions", r.Sessions, "turns", r.Messages)
	return r, nil
}

// forgetAsk says what forget would delete and asks to confirm.
func (e *Engine) forgetAsk(ctx context.Context, ev Event, lang string) (Outcome, error) {
	keys, err := e.userKeys(ctx, Key(ev.Conv), ev.User.ID)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	turns, sessions, summaries := 0, 0, 0
	ends := false
	found, err := e.sessions(ctx, keys)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	for _, sess := range found {
		ends = ends || sess.endsWithout(ev.User.ID)
		n := 0
		for _, t := range sess.Contributions {
			if t.User == ev.User.ID {
				n++
			}
		}
		quoted := sess.Kept && sess.Doc != nil && slices.Contains(sess.Doc.users(), ev.User.ID)
		if quoted {
			summaries++
		}
		if n > 0 || sess.isMember(ev.User.ID) || quoted {
			turns += n
			sessions++
		}
	}
	text := e.msg("forget.ask", lang, "messages", e.count("count.messages", lang, turns), "sessions", e.count("count.sessions", lang, sessions))
	if summaries > 0 {
		text += "\n" + e.msg("forget.ask_summaries", lang, "summaries", e.count("count.summaries", lang, summaries))
	}
	if ends {
		text += "\n" + e.msg("forget.ask_ends", lang)
	}
	return Outcome{Replies: []Reply{{To: ev.User.ID,
		Text:    text,
		Actions: []Action{{Label: e.msg("button.forget", lang), Command: "forget yes"}}}}, Lang: lang}, nil
}

// forget removes a user's traces from the session; it reports the number of turns
// removed and whether anything changed.
func (s *session) forget(user string, now stamp) (int, bool) {
	n := 0
	kept := s.Contributions[:0]
	for _, t := range s.Contributions {
		if t.User == user {
			n++
			continue
		}
		kept = append(kept, t)
	}
	s.Contributions = kept
	if n > 0 {
		s.edit()
	}
	touched := n > 0
	if s.isMember(user) {
		s.removeMember(user)
		touched = true
	}
	if s.Doc != nil && s.Doc.forget(user) {
		touched = true
	}
	for _, u := range s.SummaryUsers {
		if u == user && s.Doc == nil { // a summary kept as text cannot lose one person's lines
			s.Summary = ""
			touched = true
			break
		}
	}
	s.SummaryUsers = slices.DeleteFunc(s.SummaryUsers, func(u string) bool { return u == user })
	s.forgetFull(user)
	if s.Bringer == user {
		// Without its case a running session cannot go on: it closes, and what the
		// others wrote stays for them to export or forget until it expires. In the
		// lobby the role is free again for someone else to bring a case.
		s.Bringer = ""
		if s.Status == statusRunning {
			s.Status, s.Finished = statusDone, now
		}
	}
	if s.Starter == user {
		s.Starter = ""
		if s.Status == statusLobby {
			s.handOnStarter()
		}
	}
	return n, touched
}

// handOnStarter gives the starter's role to someone who stays, as when the starter
// leaves: someone must be able to begin or end. The case bringer, else the first to
// join; nobody when nobody is left.
func (s *session) handOnStarter() {
	s.Starter = ""
	if len(s.Members) > 0 {
		s.Starter = s.Members[0].ID
	}
	if s.Bringer != "" {
		s.Starter = s.Bringer
	}
}

// export sends the user their own contributions in this workspace.
func (e *Engine) export(ctx context.Context, ev Event, lang string) (Outcome, error) {
	keys, err := e.userKeys(ctx, Key(ev.Conv), ev.User.ID)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	var parts []string
	total := 0
	found, err := e.sessions(ctx, keys)
	if err != nil {
		return e.storeFailure(ctx, ev, lang, err)
	}
	var kept []string
	for _, sess := range found {
		if sess.Kept && sess.Doc != nil && slices.Contains(sess.Doc.users(), ev.User.ID) {
			kept = append(kept, e.markdown(sess.Doc))
		}
		var lines []string
		for _, t := range sess.Contributions {
			if t.User == ev.User.ID {
				lines = append(lines, "- "+Quote(strings.Join(strings.Fields(t.Text), " ")))
			}
		}
		if len(lines) == 0 {
			continue
		}
		total += len(lines)
		title := sess.Method
		if m, ok := e.lib.Method(sess.Method); ok {
			title = m.Title.In(lang)
		}
		parts = append(parts, "**"+title+"** · "+sess.Started.Time().Format("2006-01-02")+"\n"+strings.Join(lines, "\n"))
	}
	if n := e.readNote(ctx, Key(ev.Conv).Space(), ev.User.ID); n != nil {
		total++
		parts = append(parts, e.msg("export.note", lang, "date", n.At.Time().Format("2006-01-02"))+"\n- "+Quote(n.NextStep))
	}
	if total == 0 && len(kept) == 0 {
		return Outcome{Replies: []Reply{{To: ev.User.ID, Text: e.msg("export.none", lang)}}, Lang: lang}, nil
	}
	text := e.msg("export.head", lang, "messages", e.count("count.messages", lang, total)) + "\n\n" + strings.Join(parts, "\n\n")
	if len(kept) > 0 {
		text += "\n\n" + e.msg("export.summaries", lang, "summaries", e.count("count.summaries", lang, len(kept))) + "\n\n" + strings.Join(kept, "\n\n")
	}
	return Outcome{Replies: []Reply{{To: ev.User.ID, Text: text}}, Lang: lang}, nil
}

// sessions reads the sessions stored under keys; keys without one are skipped.
func (e *Engine) sessions(ctx context.Context, keys []state.Key) ([]*session, error) {
	var out []*session
	for _, k := range keys {
		b, err := e.store.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		if sess, err := decodeSession(b); err == nil && sess != nil {
			out = append(out, sess)
		}
	}
	return out, nil
}

// userKeys lists the conversations a user is indexed in, plus the current one.
func (e *Engine) userKeys(ctx context.Context, here state.Key, user string) ([]state.Key, error) {
	keys, err := e.store.Conversations(ctx, here.Space(), user)
	if err != nil {
		return nil, err
	}
	seen := map[state.Key]bool{}
	out := []state.Key{}
	for _, k := range append(keys, here) {
		if k.Space() != here.Space() || seen[k] {
			continue // never reach another workspace, whatever the index says
		}
		seen[k] = true
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// count renders n with the message key's singular (key.one) or plural (key.many):
// "1 message", "3 messages", through prompts.Count, the one plural rule.
func (e *Engine) count(key, lang string, n int) string { return e.lib.Count(key, lang, n) }
