package prompts

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Problem is one finding of Lint, with the file and line it is about.
type Problem struct {
	File string
	Line int
	Msg  string
}

// String formats the problem as file:line: msg.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

var (
	sourcePattern      = regexp.MustCompile(`^\d{3}_[0-9a-f]{16}\.txt(#\S+)?$`)
	idPattern          = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	placeholderPattern = regexp.MustCompile(`\{[A-Za-z0-9_.-]+\}`)
	yamlLinePattern    = regexp.MustCompile(`line (\d+)`)
)

// Keys each kind of mapping may hold: the yaml tags of the types Library loads a pack
// file into, so that the two cannot disagree.
var (
	topKeys      = keySet(yamlKeys(reflect.TypeFor[document]()))
	phaseKeys    = keySet(yamlKeys(reflect.TypeFor[Phase]()))
	questionKeys = keySet(yamlKeys(reflect.TypeFor[Question]()))
	// methodOnlyKeys are the top-level keys that make sense only with a method id.
	methodOnlyKeys = slices.DeleteFunc(yamlKeys(reflect.TypeFor[Method]()), func(k string) bool {
		return k == "id" || k == "phases"
	})
)

// yamlKeys lists the mapping keys yaml.v3 decodes into the struct type t, in field order:
// each exported field's yaml tag name (its lower-cased name when the tag has none), the
// keys of ",inline" fields in their place; fields tagged "-" are left out.
func yamlKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-":
		case slices.Contains(strings.Split(opts, ","), "inline"):
			out = append(out, yamlKeys(f.Type)...)
		case name == "":
			out = append(out, strings.ToLower(f.Name))
		default:
			out = append(out, name)
		}
	}
	return out
}

func keySet(keys []string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// join lists values for a message: "a, b, c".
func join[S ~string](values []S) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

// Lint checks method packs and reports every problem with its file and line. With dir
// empty it checks the embedded built-in packs; otherwise it checks the files below dir
// together with the built-in packs, so that ids clashing with built-in ones are found.
// Files under a pack's cues directory are skipped (they are not loaded); the built-in
// cue files' reasons and theme names are checked (lintCues). A file that is no regular file (a FIFO, a
// symlink to a device) or is over 1 MiB is a problem at line 0, and is not read. The
// error is for a directory that cannot be read, not for problems in the packs.
func Lint(dir string) ([]Problem, error) {
	l := &linter{
		methods:   map[string]pos{},
		questions: map[string]pos{},
		closing:   map[string]pos{},
	}
	sub, err := fs.Sub(builtin, "data")
	if err != nil {
		return nil, err
	}
	if err := l.addFS(sub, func(name string) string { return path.Join("prompts/data", name) }); err != nil {
		return nil, err
	}
	if err := l.builtinCues(); err != nil {
		return nil, err
	}
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("prompts lint: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("prompts lint: %s is not a directory", dir)
		}
		if err := l.addFS(os.DirFS(dir), func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }); err != nil {
			return nil, err
		}
	}
	l.checkPools()
	order := map[string]int{}
	for i, f := range l.files {
		order[f] = i
	}
	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if a.File != b.File {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	return l.problems, nil
}

type pos struct {
	file string
	line int
}

func (p pos) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

// soloPhase is a phase that runs in solo sessions, kept to check its question pool once
// every library question is known.
type soloPhase struct {
	file, method, id   string
	stage              Stage
	line, asks, inline int
}

type linter struct {
	files     []string
	problems  []Problem
	methods   map[string]pos
	questions map[string]pos
	closing   map[string]pos // closing phase id + mode
	stages    map[Stage]int  // library questions per stage
	solo      []soloPhase
	file      string
}

func (l *linter) addFS(fsys fs.FS, label func(string) string) error {
	files, err := packFiles(fsys)
	if err != nil {
		return fmt.Errorf("prompts lint: %w", err)
	}
	for _, name := range files {
		l.file = label(name)
		b, err := readPackFile(fsys, name)
		switch {
		case errors.Is(err, errNotRegular) || errors.Is(err, errTooLarge):
			l.files = append(l.files, l.file)
			l.report(0, "%v", err)
			continue
		case err != nil:
			return fmt.Errorf("prompts lint: %w", err)
		}
		l.files = append(l.files, l.file)
		l.lintFile(b)
	}
	return nil
}

func (l *linter) report(line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: l.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (l *linter) lintFile(b []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		line := 0
		if m := yamlLinePattern.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		l.report(line, "invalid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return
	}
	if len(doc.Content) == 0 {
		l.report(0, "empty file")
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.report(root.Line, "a pack file must be a mapping (method, questions, closing or messages)")
		return
	}
	l.cutShort(root)
	keys := l.mapping(root, topKeys, "top level")
	if len(keys) == 0 {
		l.report(root.Line, "nothing to load: expected id and phases, questions, closing or messages")
	}
	_, hasID := keys["id"]
	_, hasPhases := keys["phases"]
	if hasID || hasPhases {
		l.lintMethod(root, keys)
	} else {
		for _, k := range methodOnlyKeys {
			if kv, ok := keys[k]; ok {
				l.report(kv.key.Line, "%s belongs to a method, but this file has no method id", k)
			}
		}
	}
	if kv, ok := keys["questions"]; ok {
		for _, q := range l.seq(kv.value, "questions") {
			l.lintQuestion(q, true)
		}
	}
	if kv, ok := keys["closing"]; ok {
		for _, p := range l.seq(kv.value, "closing") {
			l.lintPhase(p, nil, "closing", map[string]pos{})
		}
	}
	if kv, ok := keys["messages"]; ok {
		l.lintMessages(kv.value)
	}
}

type keyValue struct{ key, value *yaml.Node }

// mapping returns the pairs of a mapping node, reporting keys not in allowed.
func (l *linter) mapping(n *yaml.Node, allowed map[string]bool, where string) map[string]keyValue {
	out := map[string]keyValue{}
	if n.Kind != yaml.MappingNode {
		l.report(n.Line, "%s: expected a mapping", where)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !allowed[k.Value] {
			l.report(k.Line, "unknown key %q in %s", k.Value, where)
			continue
		}
		out[k.Value] = keyValue{k, v}
	}
	return out
}

func (l *linter) seq(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		l.report(n.Line, "%s: expected a list", what)
		return nil
	}
	return n.Content
}

// strings returns a list of scalars; a single scalar is reported.
func (l *linter) strings(n *yaml.Node, what string) []string {
	var out []string
	for _, v := range l.seq(n, what) {
		if v.Kind != yaml.ScalarNode {
			l.report(v.Line, "%s: expected a word", what)
			continue
		}
		out = append(out, v.Value)
	}
	return out
}

func (l *linter) scalar(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode {
		l.report(n.Line, "%s: expected a single value", what)
		return ""
	}
	return n.Value
}

// text checks a Text: both languages present and non-empty, no others.
func (l *linter) text(keys map[string]keyValue, field, where string, line int, required bool) Text {
	kv, ok := keys[field]
	if !ok {
		if required {
			l.report(line, "%s: missing %s", where, field)
		}
		return nil
	}
	return l.textNode(kv.value, where+" "+field, kv.key.Line)
}

func (l *linter) textNode(n *yaml.Node, what string, keyLine int) Text {
	if n.Kind != yaml.MappingNode {
		l.report(n.Line, "%s: expected en and nl", what)
		return nil
	}
	t := Text{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(Languages, Language(k.Value)) {
			l.report(k.Line, "%s: unknown language %q (use %s)", what, k.Value, join(Languages))
			continue
		}
		if v.Kind != yaml.ScalarNode {
			l.report(v.Line, "%s %s: expected text", what, k.Value)
			continue
		}
		if strings.TrimSpace(v.Value) == "" {
			l.report(v.Line, "%s: %s is empty", what, k.Value)
			continue
		}
		t[k.Value] = v.Value
	}
	for _, lang := range Languages {
		if _, ok := t[string(lang)]; !ok && !hasKey(n, string(lang)) {
			l.report(keyLine, "%s: missing %s", what, lang)
		}
	}
	return t
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

func (l *linter) id(keys map[string]keyValue, where string, line int) (string, int) {
	kv, ok := keys["id"]
	if !ok {
		l.report(line, "%s: missing id", where)
		return "", line
	}
	id := l.scalar(kv.value, where+" id")
	if id != "" && !idPattern.MatchString(id) {
		l.report(kv.value.Line, "%s id %q: use lower-case words joined by hyphens", where, id)
	}
	if id == "" && kv.value.Kind == yaml.ScalarNode {
		l.report(kv.value.Line, "%s: empty id", where)
	}
	return id, kv.value.Line
}

func (l *linter) duration(kv keyValue, what string) time.Duration {
	s := l.scalar(kv.value, what)
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		l.report(kv.value.Line, "%s %q: not a duration (write e.g. 10m or 1h30m)", what, s)
		return 0
	}
	if d <= 0 {
		l.report(kv.value.Line, "%s %q: must be more than zero", what, s)
	}
	return d
}

func (l *linter) modes(kv keyValue, what string) []string {
	modes := l.strings(kv.value, what)
	for i, m := range modes {
		if m != ModeGroup && m != ModeSolo {
			l.report(kv.value.Content[i].Line, "%s: unknown mode %q (use group or solo)", what, m)
		}
	}
	return modes
}

func (l *linter) lintMethod(root *yaml.Node, keys map[string]keyValue) {
	id, line := l.id(keys, "method", root.Line)
	if id != "" {
		if prev, dup := l.methods[id]; dup {
			l.report(line, "method id %q is already used in %s", id, prev)
		} else {
			l.methods[id] = pos{l.file, line}
		}
	}
	var modes []string
	if kv, ok := keys["modes"]; ok {
		modes = l.modes(kv, "method modes")
		if len(modes) == 0 {
			l.report(kv.value.Line, "method modes: name at least one of group, solo")
		}
	} else {
		l.report(root.Line, "method %s: missing modes (group, solo or both)", id)
	}
	if kv, ok := keys["duration"]; ok {
		l.duration(kv, "method duration")
	}
	l.text(keys, "title", "method", root.Line, true)
	l.text(keys, "summary", "method", root.Line, true)
	kv, ok := keys["phases"]
	if !ok {
		l.report(root.Line, "method %s has no phases", id)
		return
	}
	phases := l.seq(kv.value, "phases")
	if len(phases) == 0 && kv.value.Kind == yaml.SequenceNode {
		l.report(kv.value.Line, "method %s has no phases", id)
	}
	seen := map[string]pos{}
	for _, p := range phases {
		l.lintPhase(p, modes, id, seen)
	}
	l.methodExtras(keys, id)
}

// methodExtras checks a method's aliases, skipped closing phases and question pool.
func (l *linter) methodExtras(keys map[string]keyValue, id string) {
	if kv, ok := keys["aliases"]; ok {
		for i, a := range l.strings(kv.value, "method aliases") {
			line := kv.value.Content[i].Line
			if !idPattern.MatchString(a) {
				l.report(line, "method alias %q: use lower-case words joined by hyphens", a)
			}
			if prev, dup := l.methods[a]; dup {
				l.report(line, "method alias %q is already used in %s", a, prev)
			} else {
				l.methods[a] = pos{l.file, line}
			}
		}
	}
	if kv, ok := keys["skip"]; ok {
		for i, c := range l.strings(kv.value, "method skip") {
			if c != "takeaway" && c != "next-step" && c != "evaluation" {
				l.report(kv.value.Content[i].Line, "method %s skip: %q is no closing phase (use takeaway, next-step or evaluation)", id, c)
			}
		}
	}
	if kv, ok := keys["pool"]; ok {
		if p := l.scalar(kv.value, "method pool"); p != PoolAll && p != PoolOwn {
			l.report(kv.value.Line, "method %s: unknown pool %q (use all or own)", id, p)
		}
	}
}

// lintPhase checks a method phase (method is the method id, modes its modes) or a
// closing phase (method "closing", modes nil: the phase's own modes apply).
func (l *linter) lintPhase(n *yaml.Node, modes []string, method string, seen map[string]pos) {
	keys := l.mapping(n, phaseKeys, "phase")
	if n.Kind != yaml.MappingNode {
		return
	}
	closing := method == "closing"
	id, idLine := l.id(keys, "phase", n.Line)
	where := "phase " + id
	modes = l.phaseModes(keys, modes, closing, where)
	switch {
	case id == "":
	case closing:
		l.closingPhaseID(id, idLine, modes)
	default:
		l.methodPhaseID(id, idLine, method, seen)
	}
	stage := l.phaseStage(keys, n, where)
	l.phaseTexts(keys, n, where, modes, closing)
	speakers := l.phaseSpeakers(keys, n, where)
	l.phaseListener(keys, where, speakers)
	l.phaseRule(keys, where, speakers)
	done, doneLine := l.phaseDone(keys, n, where)
	if len(speakers) > 0 {
		l.reachable(where, done, doneLine, speakers, modes)
	}
	if kv, ok := keys["timebox"]; ok {
		l.duration(kv, where+" timebox")
	} else {
		l.report(n.Line, "%s: missing timebox (e.g. 10m)", where)
	}
	l.phasePrivate(keys, where, done, modes, closing)
	l.phaseRecap(keys, where, id, seen, closing)
	asks := l.phaseAsks(keys, where)
	inline := l.phaseQuestions(keys, where)
	if slices.Contains(modes, ModeSolo) && stage != "" {
		l.solo = append(l.solo, soloPhase{file: l.file, method: method, id: id, stage: stage, line: n.Line, asks: asks, inline: inline})
	}
}

// phaseModes returns the modes a phase runs in: a closing phase's own (default both),
// a method phase's method modes; modes on a method phase are reported.
func (l *linter) phaseModes(keys map[string]keyValue, modes []string, closing bool, where string) []string {
	if kv, ok := keys["modes"]; ok {
		if !closing {
			l.report(kv.key.Line, "%s: modes belongs to closing phases; a method phase runs in the method's modes", where)
		} else {
			modes = l.modes(kv, where+" modes")
		}
	}
	if closing && len(modes) == 0 {
		modes = []string{ModeGroup, ModeSolo}
	}
	return modes
}

// closingPhaseID reports a closing phase defined twice for a mode.
func (l *linter) closingPhaseID(id string, line int, modes []string) {
	for _, m := range modes {
		k := id + "/" + m
		if prev, dup := l.closing[k]; dup {
			l.report(line, "closing phase %q for %s is already defined in %s", id, m, prev)
		} else {
			l.closing[k] = pos{l.file, line}
		}
	}
}

// reservedPhaseIDs are the ids of the closing phases and of session states, which a
// method phase may not use.
var reservedPhaseIDs = []string{"takeaway", "next-step", "evaluation", "lobby", "done"}

// methodPhaseID reports a phase id used twice in a method or reserved.
func (l *linter) methodPhaseID(id string, line int, method string, seen map[string]pos) {
	if prev, dup := seen[id]; dup {
		l.report(line, "phase id %q is used twice in method %s (first at line %d)", id, method, prev.line)
	} else if slices.Contains(reservedPhaseIDs, id) {
		l.report(line, "phase id %q is reserved: the closing phases and session states use it", id)
	} else {
		seen[id] = pos{l.file, line}
	}
}

func (l *linter) phaseStage(keys map[string]keyValue, n *yaml.Node, where string) Stage {
	kv, ok := keys["stage"]
	if !ok {
		l.report(n.Line, "%s: missing stage", where)
		return ""
	}
	stage := Stage(l.scalar(kv.value, where+" stage"))
	if stage != "" && !slices.Contains(Stages, stage) {
		l.report(kv.value.Line, "%s: unknown stage %q (use one of %s)", where, stage, join(Stages))
	}
	return stage
}

// phaseTexts checks title, instruction and solo instruction.
func (l *linter) phaseTexts(keys map[string]keyValue, n *yaml.Node, where string, modes []string, closing bool) {
	l.text(keys, "title", where, n.Line, true)
	l.text(keys, "instruction", where, n.Line, true)
	if _, ok := keys["solo"]; ok {
		l.text(keys, "solo", where, n.Line, false)
	} else if !closing && slices.Contains(modes, ModeSolo) && slices.Contains(modes, ModeGroup) {
		l.report(n.Line, "%s: the method runs solo, so give the phase a solo instruction addressed to one person", where)
	}
}

func (l *linter) phaseSpeakers(keys map[string]keyValue, n *yaml.Node, where string) []Role {
	kv, ok := keys["speakers"]
	if !ok {
		l.report(n.Line, "%s: missing speakers (bringer, peers or both)", where)
		return nil
	}
	var speakers []Role
	twice := map[Role]bool{}
	for i, w := range l.strings(kv.value, where+" speakers") {
		s := Role(w)
		if !slices.Contains(Roles, s) {
			l.report(kv.value.Content[i].Line, "%s: unknown speaker %q (use bringer or peers)", where, s)
		}
		if twice[s] {
			l.report(kv.value.Content[i].Line, "%s: speaker %q named twice", where, s)
		}
		twice[s] = true
		speakers = append(speakers, s)
	}
	if len(speakers) == 0 && kv.value.Kind == yaml.SequenceNode {
		l.report(kv.value.Line, "%s: name at least one speaker", where)
	}
	return speakers
}

func (l *linter) phaseListener(keys map[string]keyValue, where string, speakers []Role) {
	kv, ok := keys["listener"]
	if !ok {
		return
	}
	ls := Role(l.scalar(kv.value, where+" listener"))
	switch {
	case ls != "" && !slices.Contains(Roles, ls):
		l.report(kv.value.Line, "%s: unknown listener %q (use bringer, peers or leave it out)", where, ls)
	case ls != "" && slices.Contains(speakers, ls):
		l.report(kv.value.Line, "%s: %s cannot both speak and only listen", where, ls)
	}
}

func (l *linter) phaseRule(keys map[string]keyValue, where string, speakers []Role) {
	kv, ok := keys["rule"]
	if !ok {
		return
	}
	r := l.scalar(kv.value, where+" rule")
	switch {
	case r != "" && r != RuleFree && r != RuleQuestions && r != RuleNoAdvice:
		l.report(kv.value.Line, "%s: unknown rule %q (use free, questions or no-advice)", where, r)
	case r != RuleFree && r != "" && len(speakers) > 0 && !slices.Contains(speakers, RolePeers):
		l.report(kv.value.Line, "%s: rule %s limits peers, but peers do not speak in this phase", where, r)
	}
}

// phaseDone returns the phase's completion rule (default next) and its line.
func (l *linter) phaseDone(keys map[string]keyValue, n *yaml.Node, where string) (string, int) {
	kv, ok := keys["done"]
	if !ok {
		return DoneNext, n.Line
	}
	done := l.scalar(kv.value, where+" done")
	switch done {
	case DoneNext, DoneBringer, DoneEachPeer, DoneEachMember, DoneLine:
	default:
		l.report(kv.value.Line, "%s: unknown done %q (use next, bringer, each-peer, each-member or line)", where, done)
	}
	return done, kv.value.Line
}

// phasePrivate checks a private round: it waits for every peer or member, and runs
// only in a group.
func (l *linter) phasePrivate(keys map[string]keyValue, where, done string, modes []string, closing bool) {
	kv, ok := keys["private"]
	if !ok {
		return
	}
	v := l.scalar(kv.value, where+" private")
	switch {
	case v != "true" && v != "false":
		l.report(kv.value.Line, "%s: private %q must be true or false", where, v)
	case v == "false":
	case closing:
		l.report(kv.value.Line, "%s: private belongs to method phases, not closing phases", where)
	case done != DoneEachPeer && done != DoneEachMember:
		l.report(kv.value.Line, "%s: a private round shows the answers once all are in, so it needs done each-peer or each-member", where)
	case slices.Contains(modes, ModeSolo):
		l.report(kv.value.Line, "%s: a private round needs a group; the method also runs solo", where)
	}
}

// phaseRecap checks that recap names an earlier phase of the method.
func (l *linter) phaseRecap(keys map[string]keyValue, where, id string, seen map[string]pos, closing bool) {
	kv, ok := keys["recap"]
	if !ok {
		return
	}
	r := l.scalar(kv.value, where+" recap")
	if _, earlier := seen[r]; closing || r == id || !earlier {
		l.report(kv.value.Line, "%s: recap %q must name an earlier phase of the method", where, r)
	}
}

// phaseAsks returns how many reflective questions a solo session asks (default 1).
func (l *linter) phaseAsks(keys map[string]keyValue, where string) int {
	kv, ok := keys["asks"]
	if !ok {
		return 1
	}
	s := l.scalar(kv.value, where+" asks")
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		l.report(kv.value.Line, "%s: asks %q must be a whole number of 0 or more", where, s)
		return 1
	}
	return max(v, 1)
}

// phaseQuestions checks the phase's own questions and returns how many there are.
func (l *linter) phaseQuestions(keys map[string]keyValue, where string) int {
	kv, ok := keys["questions"]
	if !ok {
		return 0
	}
	qs := l.seq(kv.value, where+" questions")
	for _, q := range qs {
		l.lintQuestion(q, false)
	}
	return len(qs)
}

// reachable reports a done rule that can never be met by the phase's speakers.
func (l *linter) reachable(where, done string, line int, speakers []Role, modes []string) {
	group, solo := slices.Contains(modes, ModeGroup), slices.Contains(modes, ModeSolo)
	peers, bringer := slices.Contains(speakers, RolePeers), slices.Contains(speakers, RoleBringer)
	switch {
	case done == DoneEachPeer && !peers:
		l.report(line, "%s: done each-peer can never happen, because peers are not among the speakers", where)
	case done == DoneBringer && !bringer:
		l.report(line, "%s: done bringer can never happen, because the case bringer is not among the speakers", where)
	case done == DoneLine && (!bringer || len(speakers) != 1):
		l.report(line, "%s: done line closes on the case bringer's first message, so the case bringer must be the only speaker", where)
	case done == DoneEachMember && group && !(peers && bringer):
		l.report(line, "%s: done each-member needs both bringer and peers among the speakers in a group", where)
	case solo && done == DoneEachPeer:
		l.report(line, "%s: done each-peer can never happen in a solo session, which has no peers", where)
	}
	if solo && !bringer {
		l.report(line, "%s: only peers speak, but a solo session has only the case bringer", where)
	}
}

func (l *linter) lintQuestion(n *yaml.Node, library bool) {
	keys := l.mapping(n, questionKeys, "question")
	if n.Kind != yaml.MappingNode {
		return
	}
	id, line := l.id(keys, "question", n.Line)
	where := "question " + id
	if id != "" {
		if prev, dup := l.questions[id]; dup {
			l.report(line, "question id %q is already used in %s", id, prev)
		} else {
			l.questions[id] = pos{l.file, line}
		}
	}
	if kv, ok := keys["kind"]; ok {
		if k := QuestionKind(l.scalar(kv.value, where+" kind")); k != "" && !slices.Contains(QuestionKinds, k) {
			l.report(kv.value.Line, "%s: unknown kind %q (use one of %s or leave it out)", where, k, join(QuestionKinds))
		}
	}
	l.questionStages(keys, n, where, library)
	l.questionThemes(keys, n, where, library)
	if kv, ok := keys["source"]; ok {
		s := l.scalar(kv.value, where+" source")
		if !sourcePattern.MatchString(s) {
			l.report(kv.value.Line, "%s: source %q is not a seed file name such as 003_b63bd0ceb9c8c6ba.txt#6", where, s)
		}
	} else if library {
		l.report(n.Line, "%s: missing source", where)
	}
	l.text(keys, "text", where, n.Line, true)
}

// questionStages checks a question's stages and counts a library question's.
func (l *linter) questionStages(keys map[string]keyValue, n *yaml.Node, where string, library bool) {
	stages, _, ok := listKey(l, keys, n, where, library, "stages", " (a library question needs the stages it fits)", "stage", Stages)
	if !ok || !library {
		return
	}
	if l.stages == nil {
		l.stages = map[Stage]int{}
	}
	for _, s := range stages {
		l.stages[Stage(s)]++
	}
}

func (l *linter) questionThemes(keys map[string]keyValue, n *yaml.Node, where string, library bool) {
	themes, kv, ok := listKey(l, keys, n, where, library, "themes", "", "theme", Themes)
	if ok && library && len(themes) == 0 && kv.value.Kind == yaml.SequenceNode {
		l.report(kv.value.Line, "%s: name at least one theme", where)
	}
}

// listKey checks a question's list under key against allowed: each item not in it is
// reported as an unknown noun; a missing key is reported in a library, followed by hint.
// ok is false when the key is absent.
func listKey[S ~string](l *linter, keys map[string]keyValue, n *yaml.Node, where string, library bool,
	key, hint, noun string, allowed []S) (items []string, kv keyValue, ok bool) {
	kv, ok = keys[key]
	if !ok {
		if library {
			l.report(n.Line, "%s: missing %s%s", where, key, hint)
		}
		return nil, kv, false
	}
	items = l.strings(kv.value, where+" "+key)
	for i, v := range items {
		if !slices.Contains(allowed, S(v)) {
			l.report(kv.value.Content[i].Line, "%s: unknown %s %q (use one of %s)", where, noun, v, join(allowed))
		}
	}
	return items, kv, true
}

func (l *linter) lintMessages(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		l.report(n.Line, "messages: expected a mapping of key to en and nl")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		what := "message " + k.Value
		t := l.textNode(v, what, k.Line)
		en, nl := t[string(English)], t[string(Dutch)]
		if en == "" || nl == "" {
			continue
		}
		a, b := placeholders(en), placeholders(nl)
		if missing := minus(a, b); len(missing) > 0 {
			l.report(k.Line, "%s: nl lacks placeholder %s that en has", what, strings.Join(missing, " "))
		}
		if extra := minus(b, a); len(extra) > 0 {
			l.report(k.Line, "%s: nl has placeholder %s that en lacks", what, strings.Join(extra, " "))
		}
	}
}

func placeholders(s string) map[string]bool {
	out := map[string]bool{}
	for _, p := range placeholderPattern.FindAllString(s, -1) {
		out[p] = true
	}
	return out
}

func minus(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// checkPools reports solo phases whose question pool (inline questions plus library
// questions for the phase's stage) is smaller than the number of questions it asks.
func (l *linter) checkPools() {
	for _, p := range l.solo {
		if n := p.inline + l.stages[p.stage]; n < p.asks {
			l.problems = append(l.problems, Problem{File: p.file, Line: p.line, Msg: fmt.Sprintf(
				"phase %s of %s asks %d reflective question(s) in solo sessions, but its pool for stage %s has %d",
				p.id, p.method, p.asks, p.stage, n)})
		}
	}
}
