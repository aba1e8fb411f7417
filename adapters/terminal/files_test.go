package terminal

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/internal/proctest"
)

func summaryFile() *bot.File {
	return &bot.File{Name: "summary-2026-11-24.md", Type: "text/markdown", Data: []byte("# Summary\n\n- a step\n")}
}

// checkSaved fails unless path is a 0600 file inside dir holding data.
func checkSaved(t *testing.T, dir, path string, data []byte) {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	if filepath.Dir(path) != abs {
		t.Errorf("file %s is not directly in %s", path, abs)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("file holds %q, want %q", got, data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("file mode %o, want 600", m)
	}
}

// TestFileRun: a reply's document is written into FilesDir (created 0700), 0600, with its
// content, and the reply is followed by a line with the path.
func TestFileRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	f := summaryFile()
	h := &logHandler{out: bot.Outcome{Replies: []bot.Reply{{Text: "Here is the summary.", File: f}}}}
	var out proctest.Buffer
	a := &Adapter{In: strings.NewReader("end\n"), Out: &out, FilesDir: dir}
	if err := a.Run(context.Background(), h); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "summary-2026-11-24.md")
	checkSaved(t, dir, path, f.Data)
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o700 {
		t.Errorf("directory mode %o, want 700", m)
	}
	want := "bot: Here is the summary.\n  [file: " + path + "]\n"
	if !strings.Contains(out.String(), want) {
		t.Errorf("output %q lacks %q", out.String(), want)
	}
	// The same name again does not overwrite the first file.
	if err := a.Deliver(context.Background(), h, Conversation(""), bot.Outcome{Replies: []bot.Reply{{Text: "again", File: &bot.File{Name: f.Name, Data: []byte("second")}}}}); err != nil {
		t.Fatal(err)
	}
	checkSaved(t, dir, path, f.Data)
	second := filepath.Join(dir, "summary-2026-11-24-2.md")
	checkSaved(t, dir, second, []byte("second"))
	if !strings.Contains(out.String(), "bot: again\n  [file: "+second+"]\n") {
		t.Errorf("Deliver did not print the second file's path: %q", out.String())
	}
}

// TestFileNamesStayInside: names with directories, dots, or nothing usable land in
// the directory itself under a harmless name.
func TestFileNamesStayInside(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"../../etc/x", "..", "/etc/passwd", `..\..\win.ini`, "", ".hidden", "a b/../c?.png", "\x00"} {
		path, err := saveFile(dir, &bot.File{Name: name, Data: []byte(name + "!")})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		checkSaved(t, dir, path, []byte(name+"!"))
		if b := filepath.Base(path); strings.HasPrefix(b, ".") || strings.ContainsAny(b, "/\\ ?\x00") {
			t.Errorf("%q saved as %q", name, b)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "etc")); err == nil {
		t.Error("a file escaped the directory")
	}
	if got := safeName("../../etc/x"); got != "x" {
		t.Errorf("safeName(../../etc/x) = %q, want x", got)
	}
}

// TestFileDirFromEnv: without FilesDir, INTERVISION_FILES_DIR says where; a directory
// that is too open is narrowed to 0700.
func TestFileDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(FilesDirEnv, dir)
	var out strings.Builder
	a := &Adapter{Out: &out}
	err := a.Deliver(context.Background(), &logHandler{}, Conversation(""),
		bot.Outcome{Replies: []bot.Reply{{Text: "chart", File: &bot.File{Name: "chart.png", Type: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}, Alt: "a bar chart"}}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "chart.png")
	checkSaved(t, dir, path, []byte{0x89, 'P', 'N', 'G'})
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %o, want 700", fi.Mode().Perm())
	}
	if !strings.Contains(out.String(), "[file: "+path+"]") {
		t.Errorf("output %q lacks the path", out.String())
	}
	t.Setenv(FilesDirEnv, "")
	if got := filesDir(""); got != filepath.Join(os.TempDir(), "intervision-files") {
		t.Errorf("default files dir %q", got)
	}
}

// TestFileReplayJSON: in replay JSON the entry names the file it wrote.
func TestFileReplayJSON(t *testing.T) {
	dir := t.TempDir()
	h := &logHandler{out: bot.Outcome{Replies: []bot.Reply{{Text: "Summary attached.", File: summaryFile()}}}}
	var buf bytes.Buffer
	err := Replay(context.Background(), h, []Line{{N: 1, From: "ann", Text: "end"}}, &buf, ReplayOptions{JSON: true, FilesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("replay wrote %q", buf.String())
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "summary-2026-11-24.md")
	if e["file"] != path {
		t.Errorf("entry %v, want \"file\": %q", e, path)
	}
	checkSaved(t, dir, path, summaryFile().Data)
	var first map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	if _, ok := first["file"]; ok {
		t.Errorf("the typed line's entry has a file: %v", first)
	}
}

// TestFileNotSaved: when the directory cannot be made, the reply is printed anyway
// with a note instead of a path.
func TestFileNotSaved(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	a := &Adapter{Out: &out, FilesDir: filepath.Join(blocker, "sub")}
	if err := a.Deliver(context.Background(), &logHandler{}, Conversation(""), bot.Outcome{Replies: []bot.Reply{{Text: "Summary.", File: summaryFile()}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "bot: Summary.\n  [file not saved: ") {
		t.Errorf("output %q", out.String())
	}
}
