package deploy

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction: its keyword (upper case) and the rest.
type instruction struct {
	cmd, args string
	line      int
}

// parseDockerfile splits a Dockerfile into instructions, joining continued lines
// and dropping comments.
func parseDockerfile(src string) []instruction {
	var out []instruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if s, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	return out
}

// stage is one FROM and the instructions under it.
type stage struct {
	image, name string
	body        []instruction
}

func stages(ins []instruction) []stage {
	var out []stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			var f []string
			for _, w := range strings.Fields(in.args) {
				if !strings.HasPrefix(w, "--") {
					f = append(f, w)
				}
			}
			s := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			out = append(out, s)
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].body = append(out[len(out)-1].body, in)
		}
	}
	return out
}

func readDockerfile(t *testing.T) []stage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	st := stages(parseDockerfile(string(b)))
	if len(st) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a runtime stage", len(st))
	}
	return st
}

var goImage = regexp.MustCompile(`^golang:(\d+)\.(\d+)\.(\d+)(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$`)

// goModVersion is the go line of the bot's go.mod, as [major minor patch].
func goModVersion(t *testing.T) [3]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)(?:\.(\d+))?\s*$`).FindStringSubmatch(string(b))
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return [3]int{atoi(m[1]), atoi(m[2]), atoi(m[3])}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func TestDockerfile(t *testing.T) {
	st := readDockerfile(t)
	build, final := st[0], st[len(st)-1]

	// The build stage: a Go image pinned to a patch release (or a digest), not older
	// than go.mod's go line (an older one would fetch a toolchain during the build).
	m := goImage.FindStringSubmatch(build.image)
	if m == nil {
		t.Errorf("build stage FROM %s: want golang:MAJOR.MINOR.PATCH[-variant][@sha256:...]", build.image)
	} else {
		img, mod := [3]int{atoi(m[1]), atoi(m[2]), atoi(m[3])}, goModVersion(t)
		if img[0] != mod[0] || img[1] != mod[1] || img[2] < mod[2] {
			t.Errorf("build stage Go %d.%d.%d, go.mod says go %d.%d.%d", img[0], img[1], img[2], mod[0], mod[1], mod[2])
		}
	}
	if buildCommand(t, build) == "" {
		t.Errorf("build stage has no RUN ... go build ... ./cmd/intervision")
	}

	// The runtime stage: distroless, pinned by digest or at least by its Debian release
	// in the name; a non-root user; the binary as entrypoint.
	if !strings.HasPrefix(final.image, "gcr.io/distroless/") {
		t.Errorf("runtime stage FROM %s: want gcr.io/distroless/...", final.image)
	}
	if !pinnedDigest.MatchString(final.image) && !regexp.MustCompile(`-debian\d+:(nonroot|[\w.-]*\d[\w.-]*)$`).MatchString(final.image) {
		t.Errorf("runtime stage FROM %s: want a digest or a Debian release and a nonroot or versioned tag", final.image)
	}
	if strings.HasSuffix(final.image, ":latest") || !strings.Contains(final.image, ":") && !strings.Contains(final.image, "@") {
		t.Errorf("runtime stage FROM %s: latest", final.image)
	}
	var user, entrypoint, copied string
	for _, in := range final.body {
		switch in.cmd {
		case "USER":
			user = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		case "COPY":
			if f := strings.Fields(in.args); strings.HasPrefix(f[0], "--from=") {
				copied = f[len(f)-1]
			}
		}
	}
	name, _, _ := strings.Cut(user, ":")
	if name == "" || name == "root" || name == "0" {
		t.Errorf("runtime stage USER %q: want a non-root user", user)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entrypoint), &ep); err != nil || len(ep) != 1 {
		t.Errorf("ENTRYPOINT %s: want the exec form with the binary alone (%v)", entrypoint, err)
	} else if ep[0] != copied || ep[0] != "/intervision" {
		t.Errorf("ENTRYPOINT %s, binary copied to %s: want /intervision, which the compose healthcheck runs", entrypoint, copied)
	}
}

// buildCommand is the build stage's RUN line that builds ./cmd/intervision.
func buildCommand(t *testing.T, build stage) string {
	t.Helper()
	for _, in := range build.body {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") && strings.Contains(in.args, "./cmd/intervision") {
			return in.args
		}
	}
	return ""
}

// TestDockerfileBuild reproduces the Dockerfile's build without Docker: the build
// stage's RUN line, run on a clean copy of the committed tree (git archive HEAD), must
// build a static binary that prints its usage and runs its healthcheck.
func TestDockerfileBuild(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed to reproduce the build from a clean checkout")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatal("go is needed to reproduce the build")
	}
	st := readDockerfile(t)
	cmdline := buildCommand(t, st[0])
	if cmdline == "" {
		t.Fatal("build stage has no go build line")
	}
	m := regexp.MustCompile(`-o\s+(\S+)`).FindStringSubmatch(cmdline)
	if m == nil || !strings.Contains(cmdline, "CGO_ENABLED=0") || !strings.Contains(cmdline, "-trimpath") {
		t.Fatalf("build line %q: want CGO_ENABLED=0 go build -trimpath -o OUT ./cmd/intervision", cmdline)
	}

	src := t.TempDir()
	archive := exec.Command("git", "archive", "--format=tar", "HEAD")
	archive.Dir = ".."
	var tarball, stderr bytes.Buffer
	archive.Stdout, archive.Stderr = &tarball, &stderr
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive HEAD: %v: %s (the deploy test runs in the repository's checkout)", err, stderr.String())
	}
	if err := untar(&tarball, src); err != nil {
		t.Fatal(err)
	}

	bin := filepath.Join(t.TempDir(), "intervision")
	build := exec.Command("sh", "-c", strings.Replace(cmdline, m[0], "-o "+bin, 1))
	build.Dir = src
	build.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, out)
	}

	help := exec.Command(bin, "--help")
	out, err := help.CombinedOutput()
	if err != nil {
		t.Fatalf("intervision --help: %v\n%s", err, out)
	}
	for _, want := range []string{"usage:", "intervision healthcheck"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("intervision --help lacks %q:\n%s", want, out)
		}
	}

	// The compose healthcheck's command in the built binary: nothing listens, exit 1.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	hc := exec.Command(bin, "healthcheck")
	hc.Env = []string{"INTERVISION_OPS_ADDR=" + addr}
	out, err = hc.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !bytes.Contains(out, []byte("/readyz")) {
		t.Errorf("intervision healthcheck with nothing on %s: %v, want exit 1 naming /readyz:\n%s", addr, err, out)
	}
}

func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, dir+string(filepath.Separator)) {
			return fmt.Errorf("tar entry %q outside the tree", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(name, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode)&0o777)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.Symlink(h.Linkname, name); err != nil {
				return err
			}
		}
	}
}

func TestParseDockerfile(t *testing.T) {
	st := stages(parseDockerfile("# c\nFROM --platform=$BUILDPLATFORM golang:1.26.8 AS build\nRUN a \\\n  b\n\nFROM scratch\nUSER 1000\n"))
	if len(st) != 2 || st[0].image != "golang:1.26.8" || st[0].name != "build" || st[1].image != "scratch" {
		t.Fatalf("stages %+v", st)
	}
	if len(st[0].body) != 1 || st[0].body[0].args != "a  b" || st[1].body[0].cmd != "USER" {
		t.Fatalf("bodies %+v", st)
	}
}
