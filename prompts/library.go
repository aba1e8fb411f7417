package prompts

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/intervision-bot/intervision/internal/placeholder"
)

//go:embed data
var builtin embed.FS

// Library is every method, question, closing phase and bot sentence the engine uses.
type Library struct {
	mu    sync.RWMutex
	plans map[[2]string]*Plan // method id and mode → its phases, built on first use

	methods   map[string]*Method
	aliases   map[string]string // an earlier method id → the method's id
	order     []string
	questions []Question
	closing   []Phase
	messages  map[string]Text
}

// document is one pack file. A file holds a method (id and phases), library
// questions, the closing phases, or bot sentences.
type document struct {
	Method    `yaml:",inline"`
	Questions []Question      `yaml:"questions"`
	Closing   []Phase         `yaml:"closing"`
	Messages  map[string]Text `yaml:"messages"`
}

// Builtin loads the embedded packs.
func Builtin() (*Library, error) {
	l := &Library{methods: map[string]*Method{}, messages: map[string]Text{}}
	sub, err := fs.Sub(builtin, "data")
	if err != nil {
		return nil, fmt.Errorf("prompts: embedded data: %w", err)
	}
	if err := l.load(sub, "prompts/data"); err != nil {
		return nil, err
	}
	return l, nil
}

// MustBuiltin is Builtin for tests and for programs that cannot start without it.
func MustBuiltin() *Library {
	l, err := Builtin()
	if err != nil {
		panic(err)
	}
	return l
}

// LoadDir adds the packs in dir (every .yaml or .yml file below it). A method with the
// id of an existing one replaces it. Run Lint on dir first for readable errors. A pack
// file that is no regular file (a FIFO, a symlink to a device) or is over 1 MiB is an
// error.
func (l *Library) LoadDir(dir string) error {
	return l.load(os.DirFS(dir), dir)
}

func (l *Library) load(fsys fs.FS, label string) error {
	l.mu.Lock()
	l.plans = nil
	l.mu.Unlock()
	files, err := packFiles(fsys)
	if err != nil {
		return fmt.Errorf("prompts: list %s: %w", label, err)
	}
	for _, name := range files {
		b, err := readPackFile(fsys, name)
		if err != nil {
			return fmt.Errorf("prompts: read %s: %w", path.Join(label, name), err)
		}
		var doc document
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("prompts: %s: %w", path.Join(label, name), err)
		}
		if doc.ID != "" {
			m := doc.Method
			m.File = path.Join(label, name)
			if _, seen := l.methods[m.ID]; !seen {
				l.order = append(l.order, m.ID)
			}
			l.methods[m.ID] = &m
			for _, a := range m.Aliases {
				if l.aliases == nil {
					l.aliases = map[string]string{}
				}
				l.aliases[a] = m.ID
			}
		}
		l.questions = append(l.questions, doc.Questions...)
		l.closing = append(l.closing, doc.Closing...)
		for k, v := range doc.Messages {
			l.messages[k] = v
		}
	}
	return nil
}

// packFiles lists the YAML files of a pack in a stable order.
func packFiles(fsys fs.FS) ([]string, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "cues" {
			return fs.SkipDir // theme cue lists, read by bot/followup through Cues
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// Cues returns the embedded theme cue files (prompts/data/cues), which bot/followup reads.
func Cues() fs.FS {
	sub, err := fs.Sub(builtin, "data/cues")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Method returns the method with id, or with id among its aliases.
func (l *Library) Method(id string) (*Method, bool) {
	id = strings.ToLower(id)
	m, ok := l.methods[id]
	if !ok && l.aliases[id] != "" {
		m, ok = l.methods[l.aliases[id]]
	}
	return m, ok
}

// Methods lists the methods in the order they were loaded.
func (l *Library) Methods() []*Method {
	out := make([]*Method, 0, len(l.order))
	for _, id := range l.order {
		out = append(out, l.methods[id])
	}
	return out
}

// Closing returns the closing phases that run in mode, in order.
func (l *Library) Closing(mode string) []Phase {
	var out []Phase
	for _, p := range l.closing {
		if p.RunsIn(mode) {
			out = append(out, p)
		}
	}
	return out
}

// Questions returns every library question (not the ones inside methods).
func (l *Library) Questions() []Question { return l.questions }

// Pool returns the reflective questions that fit a phase: its own questions, then the
// library questions for its stage.
func (l *Library) Pool(p *Phase) []Question {
	return l.addLibrary(append([]Question(nil), p.Questions...), p)
}

// addLibrary appends the library questions for p's stage to out.
func (l *Library) addLibrary(out []Question, p *Phase) []Question {
	for _, q := range l.questions {
		if slices.Contains(q.Stages, p.Stage) {
			out = append(out, q)
		}
	}
	return out
}

// Plan is what a session walks: a method's phases followed by the closing phases of
// its mode, each with its reflective question pool.
type Plan struct {
	Phases []Phase
	Pools  [][]Question // Pools[i] is Pool(&Phases[i])
	// Own[i] is true when phase i asks only its method's own questions (pool: own): no
	// question from the library, also not as a follow-up.
	Own []bool
}

// Plan returns the plan of a method in a mode, or nil for an unknown method. Plans are
// built once and shared: callers must not change them.
func (l *Library) Plan(methodID, mode string) *Plan {
	key := [2]string{methodID, mode}
	l.mu.RLock()
	p, ok := l.plans[key]
	l.mu.RUnlock()
	if ok {
		return p
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	m, ok := l.methods[methodID]
	if !ok && l.aliases[methodID] != "" {
		m, ok = l.methods[l.aliases[methodID]]
	}
	if !ok {
		return nil
	}
	p = &Plan{Phases: append([]Phase(nil), m.Phases...)}
	for _, c := range l.Closing(mode) {
		if !slices.Contains(m.Skip, c.ID) {
			p.Phases = append(p.Phases, c)
		}
	}
	for i := range p.Phases {
		ph := &p.Phases[i]
		pool := append([]Question(nil), ph.Questions...)
		own := m.Pool == PoolOwn && i < len(m.Phases)
		if !own {
			pool = l.addLibrary(pool, ph)
		}
		p.Pools = append(p.Pools, pool)
		p.Own = append(p.Own, own)
	}
	if l.plans == nil {
		l.plans = map[[2]string]*Plan{}
	}
	l.plans[key] = p
	return p
}

// MessageKeys lists the keys of the bot's own sentences, sorted.
func (l *Library) MessageKeys() []string {
	return slices.Sorted(maps.Keys(l.messages))
}

// Msg returns the bot sentence key in lang with {name} placeholders filled from
// pairs of arguments ("name", value, ...). A missing key returns the key itself, so a
// gap shows in tests instead of an empty message.
func (l *Library) Msg(key, lang string, pairs ...string) string {
	t, ok := l.messages[key]
	if !ok {
		return key
	}
	s := strings.TrimRight(t.In(lang), "\n")
	if len(pairs) == 0 {
		return s
	}
	r := make([]string, 0, 2*len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := "{"+pairs[i]+"}", pairs[i+1]
		if endsSentence(v) {
			// "We are in: {phase}." with the title "What now?" reads "We are in: What
			// now?", not "What now?.": the value's own mark ends the sentence.
			r = append(r, k+".", v)
		}
		r = append(r, k, v)
	}
	return placeholder.Replace(s, r...)
}

// endsSentence reports a value that brings its own closing mark ("What now?").
func endsSentence(v string) bool {
	return strings.HasSuffix(v, "?") || strings.HasSuffix(v, "!") || strings.HasSuffix(v, ".")
}

// Count renders the number n with the singular form one or the plural form many, each
// holding {n}: "1 message", "3 messages". It is the one plural rule of the bot's texts
// (Library.Count, the engine and the team report use it).
func Count(n int, one, many string) string {
	if n == 1 {
		return strings.ReplaceAll(one, "{n}", "1")
	}
	return strings.ReplaceAll(many, "{n}", strconv.Itoa(n))
}

// Count renders n with the message key's singular (key.one) or plural (key.many) in
// lang: "1 bericht", "2 berichten".
func (l *Library) Count(key, lang string, n int) string {
	return Count(n, l.Msg(key+".one", lang), l.Msg(key+".many", lang))
}

// maxPackFile is the largest pack file read, 1 MiB.
const maxPackFile = 1 << 20

var (
	// errNotRegular is a pack file that is no regular file (a FIFO, a device, a socket,
	// or a symlink to one): reading it could wait forever or never end.
	errNotRegular = errors.New("not a regular file")
	// errTooLarge is a pack file over maxPackFile.
	errTooLarge = errors.New("larger than 1 MiB")
)

// readPackFile reads one pack file: only a regular file (a symlink is followed, and
// refused unless it leads to a regular file), of at most maxPackFile bytes. The mode is
// checked before the file is opened, so that a FIFO is never opened.
func readPackFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if st.Size() > maxPackFile {
		return nil, errTooLarge
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() { // swapped after the Stat
		return nil, errNotRegular
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPackFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPackFile { // grew since
		return nil, errTooLarge
	}
	return b, nil
}
