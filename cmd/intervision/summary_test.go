package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestTerminalSummaryKeepAndStart: in the terminal the summary is written to a file
// whose path is printed; after keep, `summary` writes it again; `report` counts the
// session without its text; a new start after keep works without a restart.
func TestTerminalSummaryKeepAndStart(t *testing.T) {
	files := t.TempDir()
	env := func(k string) string {
		if k == "INTERVISION_FILES_DIR" {
			return files
		}
		return ""
	}
	var out, errb bytes.Buffer
	args := []string{"replay", "--json", "--start", "2026-11-24T10:00:00Z", "testdata/summary/keep.txt"}
	if code := run(context.Background(), args, nil, &out, &errb, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var es []struct {
		From, To, Text, Phase, File string
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e struct{ From, To, Text, Phase, File string }
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		es = append(es, e)
	}
	var docs []string
	var reportText string
	started := false
	for _, e := range es {
		if e.File != "" && strings.HasSuffix(e.File, ".md") {
			b, err := os.ReadFile(e.File)
			if err != nil {
				t.Fatal(err)
			}
			docs = append(docs, string(b))
		}
		if strings.Contains(e.Text, "Intervision in the last 30 days") {
			reportText = e.Text
		}
		started = started || e.Phase == "lobby" && strings.Contains(e.Text, "Gibbs")
	}
	if len(docs) != 2 || !strings.Contains(docs[1], "The mother did not come") || docs[0] != docs[1] {
		t.Fatalf("want the summary document at the end and again after keep, got %d:\n%q", len(docs), docs)
	}
	if !strings.Contains(reportText, "1 session") || strings.Contains(reportText, "mother") {
		t.Errorf("report:\n%s", reportText)
	}
	if !started {
		t.Error("a new start after keep did not open a new session")
	}
}
