package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/intervision-bot/intervision/prompts"
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

	encoded []encodedTurn // JSON of Turns, reused by encode; never stored
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

func decodeSession(b []byte) (*session, error) {
	if len(b) == 0 || bytes.Equal(b, lostMarker) {
		return nil, nil
	}
	var s session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &s, nil
}

// encode renders the session as JSON. Turns are the bulk of a session and rarely
// change once written, so each turn's JSON is kept (in memory only) and reused while
// the turn is unchanged; the rest is encoded afresh.
func (s *session) encode() ([]byte, error) {
	head := *s
	head.Contributions = nil
	head.encoded = nil
	b, err := json.Marshal(&head)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	if len(s.Contributions) == 0 {
		return b, nil
	}
	if len(s.encoded) > len(s.Contributions) {
		s.encoded = s.encoded[:len(s.Contributions)]
	}
	size := len(b) + len(`,"turns":[]`)
	for i := range s.Contributions {
		if i >= len(s.encoded) {
			s.encoded = append(s.encoded, encodedTurn{})
		}
		if e := &s.encoded[i]; e.json == nil || e.turn != s.Contributions[i] {
			if e.json, err = json.Marshal(&s.Contributions[i]); err != nil {
				return nil, fmt.Errorf("encode turn: %w", err)
			}
			e.turn = s.Contributions[i]
		}
		size += len(s.encoded[i].json) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, b[:len(b)-1]...) // drop the closing brace
	out = append(out, `,"turns":[`...)
	for i := range s.Contributions {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, s.encoded[i].json...)
	}
	return append(out, "]}"...), nil
}

// encodedTurn is a turn with its JSON.
type encodedTurn struct {
	turn contribution
	json []byte
}

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

func (s *session) askedSet() map[string]bool {
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
