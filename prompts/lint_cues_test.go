package prompts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// cueFileText is a complete cue file for lang: every reason and every theme name.
func cueFileText(lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "lang: %s\nwhy:\n", lang)
	for k, ps := range cueTemplates["why"] {
		fmt.Fprintf(&b, "  %s: \"%s text%s\"\n", k, k, placeholderList(ps))
	}
	b.WriteString("ask:\n  feeling: \"You name {feeling}.\"\ntheme_names:\n")
	for _, th := range Themes {
		fmt.Fprintf(&b, "  %s: {name: %s name}\n", th, th)
	}
	return strings.ReplaceAll(b.String(), "none", "")
}

func TestLintCues(t *testing.T) {
	good := cueFileText("en")
	cases := []struct {
		name, en string
		line     int
		want     string
	}{
		{"clean", good, 0, ""},
		// Issue 12: "…this question looks at the part of housing." The comma ended the
		// unquoted text; "money" became a key without a value.
		{"flow mapping cut short", strings.Replace(good, "{name: context name}", "{name: housing, money, work}", 1),
			themeLine(good, "context"), `key "money" has no value`},
		{"unknown placeholder", strings.Replace(good, "theme: \"theme text", "theme: \"theme text {label}", 1),
			lineOf(good, "  theme: "), "placeholder {label} is not filled here"},
		{"null reason", strings.Replace(good, "  concrete: \"concrete text\"", "  concrete:", 1),
			lineOf(good, "  concrete: "), "why.concrete: no text"},
		{"missing reason", strings.Replace(good, "  feeling: \"feeling text{writer} {cue}\"\n", "", 1),
			0, "cues for en lack why.feeling"},
		{"missing theme", strings.Replace(good, "  context: {name: context name}\n", "", 1),
			0, "lack theme_names.context"},
		{"theme without a name", strings.Replace(good, "{name: context name}", "{}", 1),
			themeLine(good, "context"), "theme_names.context: missing name"},
		{"unknown theme", good + "  contexts: {name: x}\n", strings.Count(good, "\n") + 1, `unknown theme "contexts"`},
		{"unknown reason", strings.Replace(good, "why:\n", "why:\n  start: \"To open this phase: {theme}.\"\n", 1), 3, `unknown key "start"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := &linter{}
			fsys := fstest.MapFS{"en.yaml": {Data: []byte(c.en)}, "nl.yaml": {Data: []byte(cueFileText("nl"))}}
			if err := l.lintCues(fsys, func(n string) string { return n }); err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				for _, p := range l.problems {
					t.Errorf("unexpected %s", p)
				}
				return
			}
			for _, p := range l.problems {
				if p.File == "en.yaml" && p.Line == c.line && strings.Contains(p.Msg, c.want) {
					return
				}
			}
			t.Errorf("want en.yaml:%d: ...%s..., got %v", c.line, c.want, l.problems)
		})
	}
}

// TestLintPackCutShort: a pack text a flow mapping cut short is refused with the reason.
func TestLintPackCutShort(t *testing.T) {
	dir := t.TempDir()
	body := "messages:\n  hello: {en: Hello, world, nl: Hallo}\n"
	if err := os.WriteFile(filepath.Join(dir, "messages.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	problems, err := Lint(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if p.Line == 2 && strings.Contains(p.Msg, `key "world" has no value`) {
			return
		}
	}
	t.Errorf("no cut-short problem: %v", problems)
}

func lineOf(s, prefix string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	return -1
}

func themeLine(s string, th Theme) int { return lineOf(s, "  "+string(th)+": ") }
