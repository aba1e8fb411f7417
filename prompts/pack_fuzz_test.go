package prompts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzPackFile: Lint and LoadDir on any YAML file in a pack directory return (problems
// or an error) without a panic and without hanging; a file Lint finds no problem in
// loads.
func FuzzPackFile(f *testing.F) {
	for _, name := range []string{"data/methods/balint.yaml", "data/closing.yaml"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"id: x\nphases: []\n",
		"id: x\nname: {en: X, nl: X}\nphases:\n  - id: a\n    speakers: [bringer]\n    done: next\n",
		"a: &a [*a, *a]\n", // self-referencing alias
		"a: &a [x]\nb: &b [*a,*a,*a,*a]\nc: [*b,*b,*b,*b]\n", // alias fan-out
		"messages:\n  x: {en: \"a\x00b\", nl: \"\xff\xfe\"}\n",
		"questions:\n  - id: q\n    text: {en: \"<@9000> @everyone\"}\n",
		"\t\t: : :\n- [\n",
		strings.Repeat("- ", 5000),
		strings.Repeat("[", 10000),
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, yaml string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "pack.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var problems []Problem
		var lintErr, loadErr error
		go func() {
			defer close(done)
			problems, lintErr = Lint(dir)
			loadErr = MustBuiltin().LoadDir(dir)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Lint/LoadDir of %q did not return", yaml)
		}
		if lintErr == nil && len(problems) == 0 && loadErr != nil {
			t.Fatalf("Lint finds no problem in %q, but LoadDir: %v", yaml, loadErr)
		}
	})
}
