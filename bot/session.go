package bot

import (
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

// Session is the state of one intervision or solo reflection, stored as JSON.
type Session struct {
	V       int      `json:"v"`
	Method  string   `json:"method"`
	Lang    string   `json:"lang"`
	Mode    string   `json:"mode"` // prompts.ModeGroup or prompts.ModeSolo
	Status  string   `json:"status"`
	Starter string   `json:"starter"`
	Bringer string   `json:"bringer,omitempty"`
	Members []Member `json:"members,omitempty"`
	// Step is the index into the method's phases followed by the closing phases.
	Step int `json:"step"`
	// Turns are the contributions, pseudonymised when a Guard is set.
	Turns []Turn `json:"turns,omitempty"`
	// Asked are the ids of the reflective questions asked, so none repeats.
	Asked []string `json:"asked,omitempty"`
	// Themes counts the themes recognised so far.
	Themes map[string]int `json:"themes,omitempty"`
	// AsksLeft is how many reflective questions a solo phase still asks.
	AsksLeft int `json:"asks_left,omitempty"`
	// Pending is the reflective question a solo session waits an answer to.
	Pending      string `json:"pending,omitempty"`
	LastConcrete bool   `json:"last_concrete,omitempty"`
	// Nudged marks that the last quiet member of this phase was invited.
	Nudged bool `json:"nudged,omitempty"`
	// NudgedStep marks that the next step was already asked to be made concrete.
	NudgedStep bool `json:"nudged_step,omitempty"`
	// Pseudonyms is the Guard's table: opaque keys, never original values.
	Pseudonyms map[string]string `json:"pseudonyms,omitempty"`
	// Summary is the closing summary, kept after the case text is dropped.
	Summary string `json:"summary,omitempty"`
	Kept    bool   `json:"kept,omitempty"`
	// SummaryUsers are the ids whose words the summary quotes, for forget.
	SummaryUsers []string `json:"summary_users,omitempty"`
	Started      Stamp    `json:"started"`
	Updated      Stamp    `json:"updated"`
	// PhaseStarted is when the current phase began.
	PhaseStarted Stamp `json:"phase_started"`
	// Finished is when the session closed.
	Finished Stamp `json:"finished,omitempty"`

	encoded []encodedTurn // JSON of Turns, reused by encode; never stored
}

// Member is a participant.
type Member struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Joined Stamp  `json:"joined"`
}

// Turn is one contribution.
type Turn struct {
	Phase    string `json:"phase"`
	User     string `json:"user"`
	Name     string `json:"name"`
	Text     string `json:"text"`
	At       Stamp  `json:"at"`
	Question string `json:"question,omitempty"` // the bot's question this answers (solo)
}

// Stamp is a time in Unix seconds: compact, and cheap to encode on every step.
type Stamp int64

// stamp converts a time.
func stamp(t time.Time) Stamp { return Stamp(t.Unix()) }

// Time converts back, in UTC.
func (s Stamp) Time() time.Time { return time.Unix(int64(s), 0).UTC() }

func decodeSession(b []byte) (*Session, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var s Session
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode session: %w", err)
	}
	return &s, nil
}

// encode renders the session as JSON. Turns are the bulk of a session and rarely
// change once written, so each turn's JSON is kept (in memory only) and reused while
// the turn is unchanged; the rest is encoded afresh.
func (s *Session) encode() ([]byte, error) {
	head := *s
	head.Turns = nil
	head.encoded = nil
	b, err := json.Marshal(&head)
	if err != nil {
		return nil, fmt.Errorf("encode session: %w", err)
	}
	if len(s.Turns) == 0 {
		return b, nil
	}
	if len(s.encoded) > len(s.Turns) {
		s.encoded = s.encoded[:len(s.Turns)]
	}
	size := len(b) + len(`,"turns":[]`)
	for i := range s.Turns {
		if i >= len(s.encoded) {
			s.encoded = append(s.encoded, encodedTurn{})
		}
		if e := &s.encoded[i]; e.json == nil || e.turn != s.Turns[i] {
			if e.json, err = json.Marshal(&s.Turns[i]); err != nil {
				return nil, fmt.Errorf("encode turn: %w", err)
			}
			e.turn = s.Turns[i]
		}
		size += len(s.encoded[i].json) + 1
	}
	out := make([]byte, 0, size)
	out = append(out, b[:len(b)-1]...) // drop the closing brace
	out = append(out, `,"turns":[`...)
	for i := range s.Turns {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, s.encoded[i].json...)
	}
	return append(out, "]}"...), nil
}

// encodedTurn is a turn with its JSON.
type encodedTurn struct {
	turn Turn
	json []byte
}

func (s *Session) member(id string) *Member {
	for i := range s.Members {
		if s.Members[i].ID == id {
			return &s.Members[i]
		}
	}
	return nil
}

func (s *Session) isMember(id string) bool { return s.member(id) != nil }

// role returns prompts.RoleBringer or prompts.RolePeers for a member.
func (s *Session) role(id string) prompts.Role {
	if id == s.Bringer {
		return prompts.RoleBringer
	}
	return prompts.RolePeers
}

func (s *Session) peers() []Member {
	var out []Member
	for _, m := range s.Members {
		if m.ID != s.Bringer {
			out = append(out, m)
		}
	}
	return out
}

func (s *Session) name(id string) string {
	if m := s.member(id); m != nil {
		return m.Name
	}
	return id
}

func (s *Session) asked(id string) bool {
	for _, a := range s.Asked {
		if a == id {
			return true
		}
	}
	return false
}

func (s *Session) askedSet() map[string]bool {
	out := make(map[string]bool, len(s.Asked))
	for _, a := range s.Asked {
		out[a] = true
	}
	return out
}

// contributed reports whether user wrote in phase.
func (s *Session) contributed(user, phase string) bool {
	for _, t := range s.Turns {
		if t.User == user && t.Phase == phase {
			return true
		}
	}
	return false
}

func (s *Session) removeMember(id string) {
	out := s.Members[:0]
	for _, m := range s.Members {
		if m.ID != id {
			out = append(out, m)
		}
	}
	s.Members = out
}
