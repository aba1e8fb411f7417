package bot

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The session head and the log entries are encoded on every step. encoding/json's
// reflection took ~11% of a step's CPU (the bench's profile), so they are written
// here field by field, byte for byte as json.Marshal writes them (the tests compare
// the two on sessions with every field set). Should the structs gain, lose or rename
// a field without this file following, fastJSON is false and json.Marshal is used
// again (TestFastJSONKnowsFields fails, so the file gets updated).

// fastJSON reports whether the hand-written encoders know every field of session,
// member, askedQuestion and logEntry.
var fastJSON = knowsFields(reflect.TypeFor[session](), sessionFields) &&
	knowsFields(reflect.TypeFor[member](), "ID id|Name name|Joined joined") &&
	knowsFields(reflect.TypeFor[askedQuestion](), "Phase phase|Text text|After after") &&
	knowsFields(reflect.TypeFor[logEntry](), "Phase p,omitempty|User u|Name n,omitempty|Text t|"+
		"At a,omitempty|Delta d,omitempty|Question q,omitempty|Detail x,omitempty")

// sessionFields are session's exported fields and JSON tags as appendSession writes them.
const sessionFields = "V v|Method method|Lang lang|Mode mode|Status status|Starter starter|" +
	"Bringer bringer,omitempty|Members members,omitempty|PhaseIndex step|Contributions turns,omitempty|" +
	"Asked asked,omitempty|Themes themes,omitempty|AsksLeft asks_left,omitempty|Pending pending,omitempty|" +
	"Pressed pressed,omitempty|Acks acks,omitempty|Invited invited,omitempty|Span span,omitempty|" +
	"PhaseSeq phase_seq,omitempty|TimerSeq timer_seq,omitempty|Extra extra,omitempty|Extended extended,omitempty|" +
	"Warned warned,omitempty|AllIn all_in,omitempty|Revealed revealed,omitempty|Auto auto,omitempty|" +
	"Paused paused,omitempty|Active active,omitempty|IdleDue idle_due,omitempty|IdleWarned idle_warned,omitempty|" +
	"CheckIn check_in,omitempty|CheckInOffered check_in_offered,omitempty|" +
	"BringerReminded bringer_reminded,omitempty|NudgedNextStep nudged_step,omitempty|" +
	"StepAsked step_asked,omitempty|EvalAsked eval_asked,omitempty|StepThanked step_thanked,omitempty|ListenerTold listener_told,omitempty|Pseudonyms pseudonyms,omitempty|Questions questions,omitempty|" +
	"Doc doc,omitempty|Summary summary,omitempty|Kept kept,omitempty|SummaryUsers summary_users,omitempty|" +
	"Started started|Updated updated|PhaseStarted phase_started|Finished finished,omitempty|Seq seq,omitempty|" +
	"BudgetWarned budget_warned,omitempty|BudgetFull budget_full,omitempty|FullTold full_told,omitempty"

// knowsFields reports whether t's exported fields and their json tags are want
// ("Name tag|Name tag|...", in order).
func knowsFields(t reflect.Type, want string) bool {
	var got []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			got = append(got, f.Name+" "+f.Tag.Get("json"))
		}
	}
	return strings.Join(got, "|") == want
}

// marshalHead encodes s as json.Marshal(s) does.
func marshalHead(s *session) ([]byte, error) {
	if !fastJSON || len(s.Contributions) > 0 {
		return json.Marshal(s)
	}
	return appendSession(make([]byte, 0, 512), s)
}

// marshalEntry encodes e as json.Marshal(e) does.
func marshalEntry(e *logEntry) ([]byte, error) {
	if !fastJSON {
		return json.Marshal(e)
	}
	b := make([]byte, 0, 32+len(e.Text)+len(e.Question))
	b = append(b, '{')
	if e.Phase != nil {
		b = appendString(append(b, `"p":`...), *e.Phase)
		b = append(b, ',')
	}
	b = appendString(append(b, `"u":`...), e.User)
	if e.Name != nil {
		b = appendString(append(b, `,"n":`...), *e.Name)
	}
	b = appendString(append(b, `,"t":`...), e.Text)
	b = appendInt(b, "a", int64(e.At), false)
	b = appendInt(b, "d", int64(e.Delta), false)
	if e.Question != "" {
		b = appendString(append(b, `,"q":`...), e.Question)
	}
	b = appendBool(b, "x", e.Detail)
	return append(b, '}'), nil
}

// appendSession appends s (without contributions) as json.Marshal writes it.
func appendSession(b []byte, s *session) ([]byte, error) {
	b = strconv.AppendInt(append(b, `{"v":`...), int64(s.V), 10)
	b = appendStr(b, "method", s.Method, true)
	b = appendStr(b, "lang", s.Lang, true)
	b = appendStr(b, "mode", s.Mode, true)
	b = appendStr(b, "status", s.Status, true)
	b = appendStr(b, "starter", s.Starter, true)
	b = appendStr(b, "bringer", s.Bringer, false)
	if len(s.Members) > 0 {
		b = append(b, `,"members":[`...)
		for i, m := range s.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"id":`...), m.ID)
			b = appendString(append(b, `,"name":`...), m.Name)
			b = strconv.AppendInt(append(b, `,"joined":`...), int64(m.Joined), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = appendInt(b, "step", int64(s.PhaseIndex), true)
	b = appendStrings(b, "asked", s.Asked)
	b = appendMap(b, "themes", s.Themes, func(b []byte, v int) []byte { return strconv.AppendInt(b, int64(v), 10) })
	b = appendInt(b, "asks_left", int64(s.AsksLeft), false)
	b = appendStr(b, "pending", s.Pending, false)
	b = appendStrings(b, "pressed", s.Pressed)
	b = appendInt(b, "acks", int64(s.Acks), false)
	b = appendStrings(b, "invited", s.Invited)
	b = appendInt(b, "span", s.Span, false)
	b = appendInt(b, "phase_seq", int64(s.PhaseSeq), false)
	b = appendInt(b, "timer_seq", int64(s.TimerSeq), false)
	b = appendInt(b, "extra", s.Extra, false)
	b = appendBool(b, "extended", s.Extended)
	b = appendBool(b, "warned", s.Warned)
	b = appendBool(b, "all_in", s.AllIn)
	b = appendBool(b, "revealed", s.Revealed)
	b = appendBool(b, "auto", s.Auto)
	b = appendInt(b, "paused", int64(s.Paused), false)
	b = appendInt(b, "active", int64(s.Active), false)
	b = appendInt(b, "idle_due", int64(s.IdleDue), false)
	b = appendBool(b, "idle_warned", s.IdleWarned)
	b = appendStr(b, "check_in", s.CheckIn, false)
	b = appendBool(b, "check_in_offered", s.CheckInOffered)
	b = appendBool(b, "bringer_reminded", s.BringerReminded)
	b = appendBool(b, "nudged_step", s.NudgedNextStep)
	b = appendBool(b, "step_asked", s.StepAsked)
	b = appendBool(b, "eval_asked", s.EvalAsked)
	b = appendBool(b, "step_thanked", s.StepThanked)
	b = appendBool(b, "listener_told", s.ListenerTold)
	b = appendMap(b, "pseudonyms", s.Pseudonyms, appendString)
	if len(s.Questions) > 0 {
		b = append(b, `,"questions":[`...)
		for i, q := range s.Questions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(append(b, `{"phase":`...), q.Phase)
			b = appendString(append(b, `,"text":`...), q.Text)
			b = strconv.AppendInt(append(b, `,"after":`...), int64(q.After), 10)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if s.Doc != nil {
		// Only a closed session has one: not worth encoding by hand.
		d, err := json.Marshal(s.Doc)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"doc":`...), d...)
	}
	b = appendStr(b, "summary", s.Summary, false)
	b = appendBool(b, "kept", s.Kept)
	b = appendStrings(b, "summary_users", s.SummaryUsers)
	b = appendInt(b, "started", int64(s.Started), true)
	b = appendInt(b, "updated", int64(s.Updated), true)
	b = appendInt(b, "phase_started", int64(s.PhaseStarted), true)
	b = appendInt(b, "finished", int64(s.Finished), false)
	b = appendStr(b, "seq", s.Seq, false)
	b = appendBool(b, "budget_warned", s.BudgetWarned)
	b = appendBool(b, "budget_full", s.BudgetFull)
	b = appendMap(b, "full_told", s.FullTold, func(b []byte, v stamp) []byte { return strconv.AppendInt(b, int64(v), 10) })
	return append(b, '}'), nil
}

// appendStr appends the field ,"name":v, left out when v is empty unless always.
func appendStr(b []byte, name, v string, always bool) []byte {
	if v == "" && !always {
		return b
	}
	return appendString(append(append(append(b, `,"`...), name...), `":`...), v)
}

// appendInt appends the field ,"name":v, left out when v is 0 unless always.
func appendInt(b []byte, name string, v int64, always bool) []byte {
	if v == 0 && !always {
		return b
	}
	return strconv.AppendInt(append(append(append(b, `,"`...), name...), `":`...), v, 10)
}

// appendBool appends the field ,"name":true when v (omitempty: false is left out).
func appendBool(b []byte, name string, v bool) []byte {
	if !v {
		return b
	}
	return append(append(append(b, `,"`...), name...), `":true`...)
}

// appendStrings appends the field ,"name":[...], left out when vs is empty.
func appendStrings(b []byte, name string, vs []string) []byte {
	if len(vs) == 0 {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":[`...)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendMap appends the field ,"name":{...} with the keys sorted (as encoding/json
// sorts them), left out when m is empty.
func appendMap[V any](b []byte, name string, m map[string]V, val func([]byte, V) []byte) []byte {
	if len(m) == 0 {
		return b
	}
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(append(append(b, `,"`...), name...), `":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = val(append(appendString(b, k), ':'), m[k])
	}
	return append(b, '}')
}

// appendString appends s as a JSON string as encoding/json writes it: a string of
// valid UTF-8 without control characters, '"', '\\', '<', '>', '&', U+2028 and
// U+2029 as it is, any other through json.Marshal (which escapes them and replaces
// invalid UTF-8).
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
				return appendQuoted(b, s)
			}
			i += n
			continue
		}
		return appendQuoted(b, s)
	}
	return append(append(append(b, '"'), s...), '"')
}

// plain are the ASCII bytes encoding/json writes as they are.
var plain = func() (p [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		p[c] = !strings.ContainsRune(`"\\<>&`, rune(c))
	}
	return p
}()

// appendQuoted appends s quoted by json.Marshal.
func appendQuoted(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}
