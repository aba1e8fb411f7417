package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunPromptsLint(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "q.yaml"), []byte("questions:\n  - id: x-y\n    stages: [analyse]\n    themes: [goals]\n    source: 003_b63bd0ceb9c8c6ba.txt\n    text:\n      en: Why?\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(bad, "q.yaml")
	cases := []struct {
		name string
		args []string
		code int
		out  []string
	}{
		{"builtin", nil, 0, []string{"0 problems"}},
		{"missing dir", []string{dir + "/does-not-exist"}, 2, nil},
		{"problems", []string{bad}, 1, []string{file + `:4: question x-y: unknown theme "goals" (use one of goal-setting, non-participation, decision-making, informing, instructing, motivating, front-back-stage, context, strengths-safety)`, file + ":6: question x-y text: missing nl", "2 problems"}},
		{"too many args", []string{bad, bad}, 2, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := runPromptsLint(c.args, &stdout, &stderr); code != c.code {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", code, c.code, stdout.String(), stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if c.out != nil && strings.Join(lines, "\n") != strings.Join(c.out, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), strings.Join(c.out, "\n"))
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if code := runSub("prompts", []string{"lint"}, nil, &stdout, &stderr); code != 0 {
		t.Errorf("prompts lint via subcommands: exit %d, %s", code, stderr.String())
	}
	if code := runSub("prompts", []string{"lnt"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("prompts lnt: exit %d, want 2", code)
	}
}
