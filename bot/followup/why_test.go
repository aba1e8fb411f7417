package followup_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/intervision-bot/intervision/prompts"
)

// goldenTranscripts are every golden transcript of the repository that can hold a
// reason: this package's, the engine's and the binary's.
var goldenTranscripts = []string{
	"testdata/golden/*.txt",
	"../testdata/golden/*.txt",
	"../../cmd/intervision/testdata/*/*.txt",
}

// themeNames maps lang → theme → how reasons name it, from the cue files.
func themeNames(t *testing.T) map[string]map[prompts.Theme]string {
	t.Helper()
	out := map[string]map[prompts.Theme]string{}
	err := fs.WalkDir(prompts.Cues(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := fs.ReadFile(prompts.Cues(), p)
		if err != nil {
			return err
		}
		var f struct {
			Lang  string `yaml:"lang"`
			Names map[prompts.Theme]struct {
				Name string `yaml:"name"`
			} `yaml:"theme_names"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			return err
		}
		for id, n := range f.Names {
			if out[f.Lang] == nil {
				out[f.Lang] = map[prompts.Theme]string{}
			}
			out[f.Lang][id] = n.Name
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// words lower-cases s and keeps only its words, each between single spaces.
func words(s string) string {
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(strings.ToLower(s))
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	return " " + strings.Join(f, " ") + " "
}

var (
	whyLine    = regexp.MustCompile(`^_?(Why I ask|Waarom ik dit vraag): (.*?)_?$`)
	writerPart = regexp.MustCompile(`^(\S+) (wrote|described|schreef|beschreef)\b`)
	quoted     = regexp.MustCompile(`"([^"]+)"`)
	speaker    = regexp.MustCompile(`^([^ :]+): (.*)$`)
	boldQ      = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	keepQ      = regexp.MustCompile(`: _(.+)_$`)
)

// TestGoldenReasonsAreTrue reads every reason in every golden transcript (and in the
// README's demo session) and checks it
// against the question it sits under and what was written before it: a theme it names
// is the question's main theme, the writer it names wrote before it (by name in a
// group; "you" only in a solo session), and the words it quotes are that writer's.
func TestGoldenReasonsAreTrue(t *testing.T) {
	names := themeNames(t)
	byText := map[string]prompts.Question{}
	lib := prompts.MustBuiltin()
	add := func(q prompts.Question) {
		for _, s := range q.Text {
			byText[s] = q
		}
	}
	for _, q := range lib.Questions() {
		add(q)
	}
	for _, m := range lib.Methods() {
		for _, p := range m.Phases {
			for _, q := range p.Questions {
				add(q)
			}
		}
	}
	var files []string
	for _, g := range goldenTranscripts {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d golden transcripts: %v", len(files), files)
	}
	// The README's demo session (testdata/incident-en.txt), played as replay plays it.
	demo := "../../testdata/incident-en.txt"
	b, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(t)
	for _, l := range strings.Split(string(b), "\n") {
		if who, text, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(l, "#") {
			s.say(who, text)
		}
	}
	reasons := checkReasons(t, demo, strings.Split(s.Transcript(), "\n"), names, byText)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		reasons += checkReasons(t, file, strings.Split(string(b), "\n"), names, byText)
	}
	if reasons < 25 {
		t.Errorf("only %d reasons checked: the transcripts or the pattern changed", reasons)
	}
}

// checkReasons checks the reasons of one transcript and returns how many it read.
func checkReasons(t *testing.T, file string, lines []string, names map[string]map[prompts.Theme]string,
	byText map[string]prompts.Question) int {
	t.Helper()
	wrote := map[string]string{} // speaker → everything they wrote so far, as words
	people := map[string]bool{}  // everyone who typed anything, commands too
	for _, l := range lines {
		if m := speaker.FindStringSubmatch(l); m != nil && m[1] != "bot" {
			people[m[1]] = true
		}
	}
	n := 0
	for i, l := range lines {
		if m := speaker.FindStringSubmatch(l); m != nil && m[1] != "bot" && !strings.HasPrefix(m[2], "/") {
			wrote[m[1]] += words(m[2])
		}
		m := whyLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n++
		lang, why := "en", m[2]
		if m[1] != "Why I ask" {
			lang = "nl"
		}
		at := file + ": " + why
		q, asked := question(lines, i, byText)
		checkTheme(t, at, why, names[lang], q, asked)
		checkWriter(t, at, why, people, wrote)
	}
	return n
}

// checkTheme: a theme the reason names is the main theme of the question it sits under.
func checkTheme(t *testing.T, at, why string, names map[prompts.Theme]string, q prompts.Question, asked bool) {
	t.Helper()
	for id, name := range names {
		if !strings.Contains(why, " "+name+" ") && !strings.Contains(why, " "+name+",") && !strings.Contains(why, " "+name+".") {
			continue
		}
		if !asked || len(q.Themes) == 0 || q.Themes[0] != id {
			t.Errorf("%s\n  names theme %s, but the question (%s) is mainly about %v", at, id, q.ID, q.Themes)
		}
	}
}

// checkWriter: the writer the reason names wrote before it (by name in a group, "you"
// only where one person takes part), and the words it quotes are theirs.
func checkWriter(t *testing.T, at, why string, people map[string]bool, wrote map[string]string) {
	t.Helper()
	w := writerPart.FindStringSubmatch(why)
	if w == nil {
		return
	}
	who := w[1]
	if who == "You" || who == "je" {
		if len(people) != 1 {
			t.Errorf("%s\n  says \"you\" in a conversation of %d people: name the writer", at, len(people))
			return
		}
		for name := range people {
			who = name
		}
	}
	text, ok := wrote[who]
	if !ok {
		t.Errorf("%s\n  names %s, who wrote nothing before it", at, who)
		return
	}
	for _, c := range quoted.FindAllStringSubmatch(why, -1) {
		if !strings.Contains(text, words(c[1])) {
			t.Errorf("%s\n  quotes %q, which %s did not write", at, c[1], who)
		}
	}
}

// question is the question the reason on line i sits under: the bold question on the
// line before, or the one to keep in mind.
func question(lines []string, i int, byText map[string]prompts.Question) (prompts.Question, bool) {
	if i == 0 {
		return prompts.Question{}, false
	}
	prev := lines[i-1]
	var text string
	if m := boldQ.FindAllStringSubmatch(prev, -1); m != nil {
		text = m[len(m)-1][1]
	} else if m := keepQ.FindStringSubmatch(prev); m != nil {
		text = m[1]
	}
	q, ok := byText[text]
	return q, ok
}
