package terminal

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/intervision-bot/intervision/bot"
)

// FilesDirEnv names the environment variable that sets where the terminal writes the
// documents replies carry (bot.Reply.File), when the adapter's FilesDir is empty.
const FilesDirEnv = "INTERVISION_FILES_DIR"

// DefaultFilesDir is where documents go when neither FilesDir nor
// INTERVISION_FILES_DIR says: "intervision-files" in the system's temporary directory.
func DefaultFilesDir() string { return filepath.Join(os.TempDir(), "intervision-files") }

// filesDir resolves the directory for documents: dir, else INTERVISION_FILES_DIR, else
// DefaultFilesDir.
func filesDir(dir string) string {
	if dir != "" {
		return dir
	}
	if d := strings.TrimSpace(os.Getenv(FilesDirEnv)); d != "" {
		return d
	}
	return DefaultFilesDir()
}

// maxSameName bounds how many numbered variants of one name are tried.
const maxSameName = 1000

// saveFile writes f into dir and returns the file's path. The directory is created
// 0700 (and narrowed to 0700 when it is more open: the documents are case notes); the
// file is new, 0600, and named after f.Name without any directory part, so no name
// leaves dir. An existing file is never overwritten: "summary.md" becomes
// "summary-2.md", "summary-3.md", …
func saveFile(dir string, f *bot.File) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", err
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a directory", abs)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(abs, 0o700); err != nil {
			return "", fmt.Errorf("make %s private (0700): %w", abs, err)
		}
	}
	// os.Root confines every name to the directory, symbolic links included.
	root, err := os.OpenRoot(abs)
	if err != nil {
		return "", err
	}
	defer root.Close()
	base := safeName(f.Name)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for n := 1; n <= maxSameName; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		w, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, werr := w.Write(f.Data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = root.Remove(name)
			return "", werr
		}
		return filepath.Join(abs, name), nil
	}
	return "", fmt.Errorf("%d files named like %s already", maxSameName, base)
}

// safeName reduces a document's name to one harmless file name: its last path element
// (either slash), letters, digits, ".", "-" and "_" only, no leading dot, at most 100
// bytes; "file" when nothing is left.
func safeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if len(s) > 100 {
		ext := filepath.Ext(s)
		if len(ext) > 10 {
			ext = ""
		}
		s = s[:100-len(ext)] + ext
	}
	if strings.Trim(s, "._-") == "" {
		return "file"
	}
	return s
}
