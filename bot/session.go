package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/intervision-bot/intervision/prompts"
	"github.com/intervision-bot/intervision/state"
)

// Session statuses.
const (
	statusLobby   = "lobby"   // people join; someone becomes case bringer
	statusRunning = "running" // walking the phases
	statusDone    = "done"    // closed; the summary was posted
)

// schemaVersion is stored with every session so that later versions can migrate.
const schemaVersion = 1

// session is the state of one intervision or solo reflection, stored as JSON.
type session struct {
	V       int      `json:"v"`
	Method  string   `json:"method"`
	Lang    string   `json:"lang"`
	Mode    string   `json:"mode"` // prompts.ModeGroup or prompts.ModeSolo
	Status  string   `json:"status"`
	Starter string   `json:"starter"`
	Bringer string   `json:"bringer,omitempty"`
	Members []member `json:"members,omitempty"`
	// PhaseIndex is the index into the method's phases followed by the closing phases
	// (its JSON name "step" is kept, so records of earlier versions load).
	PhaseIndex int `json:"step"`
	// Contributions are what members wrote, pseudonymised when a Pseudonymiser is set (stored
	// as "turns").
	Contributions []contribution `json:"turns,omitempty"`
	// Asked are the ids of the reflective questions asked, so none repeats.
	Asked []string `json:"asked,omitempty"`
	// Themes counts the themes recognised so far.
	Themes map[string]int `json:"themes,omitempty"`
	// AsksLeft is how many reflective questions a solo phase still asks.
	AsksLeft int `json:"asks_left,omitempty"`
	// Pending is the reflective question a solo session waits an answer to.
	Pending string `json:"pending,omitempty"`
	// Pressed are the members whose last contribution drew a request for a concrete
	// detail (a thin or vague answer): their next one does not.
	Pressed []string `json:"pressed,omitempty"`
	// Acks counts the solo acknowledgements, so that consecutive ones differ.
	Acks int `json:"acks,omitempty"`
	// Invited are the members invited privately in this phase: one invitation each.
	Invited []string `json:"invited,omitempty"`
	// Pacing and time keeping (bot/pace.go).
	// Span is the time, in seconds, the method is spread over; 0: live.
	Span int64 `json:"span,omitempty"`
	// PhaseSeq counts phase entries (also going back); TimerSeq counts the plans of
	// the current phase's timers. A timer carries both and is void once either moved.
	PhaseSeq int `json:"phase_seq,omitempty"`
	TimerSeq int `json:"timer_seq,omitempty"`
	// Extra is the time, in seconds, added to the current phase's box (more,
	// extension, pauses).
	Extra int64 `json:"extra,omitempty"`
	// Extended marks that the box ran out once and was extended.
	Extended bool `json:"extended,omitempty"`
	// Warned marks that the time-left notice was given.
	Warned bool `json:"warned,omitempty"`
	// AllIn marks that the bot said every expected contribution is in.
	AllIn bool `json:"all_in,omitempty"`
	// Revealed marks that a private round's answers were shown in the thread.
	Revealed bool `json:"revealed,omitempty"`
	// Auto marks a phase that began by itself (content or time box) in which nobody
	// has written yet: a typed next then is taken as done.
	Auto bool `json:"auto,omitempty"`
	// Paused is when the timers were held; zero while they run.
	Paused stamp `json:"paused,omitempty"`
	// Active is the last time a member did something.
	Active stamp `json:"active,omitempty"`
	// IdleDue is when the pending inactivity timer fires; zero: none pending.
	IdleDue stamp `json:"idle_due,omitempty"`
	// IdleWarned marks that the starter was reminded of a quiet session.
	IdleWarned bool `json:"idle_warned,omitempty"`
	// CheckIn is the case bringer's choice of check-in ("1w", "2w", "off"); empty:
	// the default.
	CheckIn string `json:"check_in,omitempty"`
	// CheckInOffered marks that the case bringer was asked when to check in.
	CheckInOffered bool `json:"check_in_offered,omitempty"`
	// BringerReminded marks that the case bringer was reminded, when the box ended,
	// that the phase waits for their part.
	BringerReminded bool `json:"bringer_reminded,omitempty"`
	// NudgedNextStep marks that the next step was already asked to be made concrete.
	NudgedNextStep bool `json:"nudged_step,omitempty"`
	// StepAsked marks that a next that would have left the next-step phase without a
	// step was held once with a question for one.
	StepAsked bool `json:"step_asked,omitempty"`
	// EvalAsked marks that a next that would have closed a group's evaluation before
	// the case bringer wrote theirs was held once.
	EvalAsked bool `json:"eval_asked,omitempty"`
	// StepThanked marks that a solo step written after the request for a more concrete
	// one was thanked for with the check-in offer again.
	StepThanked bool `json:"step_thanked,omitempty"`
	// ListenerTold marks that a peer was reminded in this phase not to speak to the
	// listening case bringer.
	ListenerTold bool `json:"listener_told,omitempty"`
	// Pseudonyms is the Pseudonymiser's table: opaque keys, never original values.
	Pseudonyms map[string]string `json:"pseudonyms,omitempty"`
	// Questions are the reflective questions the bot asked, where, for the summary.
	Questions []askedQuestion `json:"questions,omitempty"`
	// Doc is the closing summary, kept after the case text is dropped.
	Doc *doc `json:"doc,omitempty"`
	// Summary is the closing summary as text, as versions before Doc kept it.
	Summary string `json:"summary,omitempty"`
	Kept    bool   `json:"kept,omitempty"`
	// SummaryUsers are the ids whose words the summary quotes, for forget.
	SummaryUsers []string `json:"summary_users,omitempty"`
	Started      stamp    `json:"started"`
	Updated      stamp    `json:"updated"`
	// PhaseStarted is when the current phase began.
	PhaseStarted stamp `json:"phase_started"`
	// Finished is when the session closed.
	Finished stamp `json:"finished,omitempty"`
	// Seq is the latest Event.Seq applied: where an adapter catches up from (resume.go).
	Seq string `json:"seq,omitempty"`
	// BudgetWarned marks that the session was told it is nearly full, BudgetFull that
	// it was told it is full; FullTold is when each writer last heard it (bot/limit.go).
	BudgetWarned bool             `json:"budget_warned,omitempty"`
	BudgetFull   bool             `json:"budget_full,omitempty"`
	FullTold     map[string]stamp `json:"full_told,omitempty"`

	// How the record holds the contributions (never stored): fromLog when they were
	// read from its log (or committed there), stored of them; edited when one of
	// those changed since.
	fromLog bool
	stored  int
	edited  bool

	// The budget's count of the contributions (never stored; see usage): the bytes of
	// the first sized of them, counted while edits was sizedAt.
	sized, sizedBytes, edits, sizedAt int
}

// member is a participant.
type member struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Joined stamp  `json:"joined"`
}

// contribution is one contribution.
type contribution struct {
	Phase    string `json:"phase"`
	User     string `json:"user"`
	Name     string `json:"name"`
	Text     string `json:"text"`
	At       stamp  `json:"at"`
	Question string `json:"question,omitempty"` // the bot's question this answers (solo)
	// Detail marks an answer to the bot's request for a concrete detail, which the
	// writer's thin answer before it drew.
	Detail bool `json:"detail,omitempty"`
}

// logEntry is a contribution as a log entry: the same fields under one-letter names,
// since an idle session's memory is mostly its entries. (Records before the log keep
// contributions in the head, with the long names.) An entry leaves out what the
// entries before it in the log already say (see encodeEntry): the phase when it is the
// one of the entry before, the name when it is the one of the user's entry before, and
// the time, given instead as seconds after the entry before ("d", left out when 0).
// Entries written before that carry every field and still load.
type logEntry struct {
	Phase    *string `json:"p,omitempty"` // nil: left out (an empty phase is "")
	User     string  `json:"u"`
	Name     *string `json:"n,omitempty"`
	Text     string  `json:"t"`
	At       stamp   `json:"a,omitempty"`
	Delta    stamp   `json:"d,omitempty"`
	Question string  `json:"q,omitempty"`
	Detail   bool    `json:"x,omitempty"`
}

// nameLookBack is how many entries before a new one encodeEntry searches for the
// user's previous entry (whose name it may then leave out), so that appending an
// entry costs the same however long the session is.
const nameLookBack = 32

// encodeEntry encodes c as the log entry that follows the entries prev (the log's
// contributions before it, oldest first).
func encodeEntry(prev []contribution, c *contribution) ([]byte, error) {
	e := logEntry{Phase: &c.Phase, User: c.User, Name: &c.Name, Text: c.Text, At: c.At, Question: c.Question, Detail: c.Detail}
	if len(prev) > 0 {
		last := &prev[len(prev)-1]
		if c.Phase == last.Phase {
			e.Phase = nil
		}
		e.At, e.Delta = 0, c.At-last.At
		for i := len(prev) - 1; i >= max(0, len(prev)-nameLookBack); i-- {
			if prev[i].User == c.User {
				if prev[i].Name == c.Name {
					e.Name = nil
				}
				break
			}
		}
	}
	return marshalEntry(&e)
}

// entryDecoder reads log entries in order, filling in what each left out.
type entryDecoder struct {
	prev  *contribution
	names map[string]string // user → the name of their latest entry
}

func (d *entryDecoder) decode(b []byte, c *contribution) error {
	var e logEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	*c = contribution{User: e.User, Text: e.Text, At: e.At, Question: e.Question, Detail: e.Detail}
	switch {
	case e.Phase != nil:
		c.Phase = *e.Phase
	case d.prev != nil:
		c.Phase = d.prev.Phase
	}
	if d.prev != nil && e.At == 0 {
		c.At = d.prev.At + e.Delta
	}
	if e.Name != nil {
		c.Name = *e.Name
	} else {
		c.Name = d.names[c.User]
	}
	if d.names == nil {
		d.names = map[string]string{}
	}
	d.names[c.User] = c.Name
	d.prev = c
	return nil
}

// stamp is a time in Unix seconds: compact, and cheap to encode on every turn.
type stamp int64

// stampOf converts a time.
func stampOf(t time.Time) stamp { return stamp(t.Unix()) }

// Time converts back, in UTC.
func (s stamp) Time() time.Time { return time.Unix(int64(s), 0).UTC() }

// lostMarker is the record of a bot-opened thread whose session record was gone when
// someone wrote there: it holds nothing but the fact that they were told (see
// Engine.noSession). Every reader sees no session in it.
var lostMarker = []byte(`{"lost":true}`)

// A session is stored as a record with a log (state.LogStore): the head is the
// session's JSON without its contributions, and each contribution is one log entry
// (its JSON), so a turn that adds a contribution writes the head and that entry only.
// Flat (Store.Get, and stores without a log) it is JSON lines: the head, then one
// contribution per line. Records written before the log hold the contributions in the
// head ("turns") and still load. JSON from encoding/json never holds a raw newline.

// decodeSession reads a flat record.
func decodeSession(b []byte) (*session, error) {
	return decodeRecord(state.Record{Data: b})
}

// decodeRecord reads a session from its record. The session remembers whether its
// contributions are the record's log entries as they are, so that the next change can
// append to the log instead of rewriting it.
func decodeRecord(r state.Record) (*session, error) {
	head := r.Data
	if len(head) == 0 || bytes.Equal(head, lostMarker) {
		return nil, nil
	}
	var inline [][]byte // contributions written flat, after the head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		inline = bytes.Split(head[i+1:], []byte{'\n'})
		head = head[:i]
	}
	var s session
	if err := json.Unmarshal(head, &s); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	s.fromLog = len(s.Contributions) == 0 && inline == nil
	n := len(s.Contributions)
	s.Contributions = slices.Grow(s.Contributions, len(inline)+len(r.Log))[:n+len(inline)+len(r.Log)]
	var dec entryDecoder
	for i, e := range slices.Concat(inline, r.Log) {
		if err := dec.decode(e, &s.Contributions[n+i]); err != nil {
			return nil, fmt.Errorf("decode contribution: %w", err)
		}
	}
	s.stored = len(r.Log)
	return &s, nil
}

// change renders the session for UpdateLog: the head, and the contributions to append
// (rewrite: the whole log). Only contributions the record's log does not hold yet are
// encoded, unless one it holds was edited or removed, or the record was not read as a
// log (a new session, a flat or older record).
func (s *session) change() (data []byte, entries [][]byte, rewrite bool, err error) {
	// The head is the session without its contributions ("turns" is omitted when nil).
	// The session itself is marshalled, not a copy: a copy escapes to the heap (some
	// 700 bytes every step). Nobody else sees the session while it changes.
	// marshalHead writes what json.Marshal would, without reflection (headjson.go).
	contributions := s.Contributions
	s.Contributions = nil
	data, err = marshalHead(s)
	s.Contributions = contributions
	if err != nil {
		return nil, nil, false, fmt.Errorf("encode session: %w", err)
	}
	from := s.stored
	if rewrite = !s.fromLog || s.edited || s.stored > len(s.Contributions); rewrite {
		from = 0
	}
	if n := len(s.Contributions) - from; n > 0 {
		entries = make([][]byte, n)
		for i := range entries {
			if entries[i], err = encodeEntry(s.Contributions[:from+i], &s.Contributions[from+i]); err != nil {
				return nil, nil, false, fmt.Errorf("encode contribution: %w", err)
			}
		}
	}
	return data, entries, rewrite, nil
}

// committed marks that the record now holds the session as change rendered it.
func (s *session) committed() {
	s.fromLog, s.stored, s.edited = true, len(s.Contributions), false
}

// edit marks that a contribution the record may hold changed or was removed.
func (s *session) edit() { s.edited, s.edits = true, s.edits+1 }

func (s *session) member(id string) *member {
	for i := range s.Members {
		if s.Members[i].ID == id {
			return &s.Members[i]
		}
	}
	return nil
}

func (s *session) isMember(id string) bool { return s.member(id) != nil }

// role returns prompts.RoleBringer or prompts.RolePeers for a member.
func (s *session) role(id string) prompts.Role {
	if id == s.Bringer {
		return prompts.RoleBringer
	}
	return prompts.RolePeers
}

func (s *session) peers() []member {
	var out []member
	for _, m := range s.Members {
		if m.ID != s.Bringer {
			out = append(out, m)
		}
	}
	return out
}

func (s *session) name(id string) string {
	if m := s.member(id); m != nil {
		return m.Name
	}
	return id
}

func (s *session) asked(id string) bool {
	for _, a := range s.Asked {
		if a == id {
			return true
		}
	}
	return false
}

// askedSet is the ids of the questions asked in the session, as a set for reading.
func (s *session) askedSet() map[string]bool {
	if len(s.Asked) == 0 {
		return nil // read only: a nil map finds nothing, at no allocation
	}
	out := make(map[string]bool, len(s.Asked))
	for _, a := range s.Asked {
		out[a] = true
	}
	return out
}

// contributed reports whether user wrote in phase.
func (s *session) contributed(user, phase string) bool {
	for _, t := range s.Contributions {
		if t.User == user && t.Phase == phase {
			return true
		}
	}
	return false
}

func (s *session) removeMember(id string) {
	out := s.Members[:0]
	for _, m := range s.Members {
		if m.ID != id {
			out = append(out, m)
		}
	}
	s.Members = out
}

// RecordJSON renders a stored session record (as Store.Get returns it) as one JSON
// document with its contributions under "turns", the way records before the log were
// stored: for tests and tools that read records. A record that is no session comes
// back as it is.
func RecordJSON(rec []byte) ([]byte, error) {
	s, err := decodeSession(rec)
	if err != nil || s == nil {
		return rec, err
	}
	return json.Marshal(s)
}
