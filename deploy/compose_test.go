package deploy

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads ../docker-compose.yml with the given profiles, from a copy in a
// temporary directory beside a .env made from ../.env.example (the bot's env_file is
// required, as it is for docker compose up).
func loadCompose(t *testing.T, withEnv bool, profiles ...string) (*types.Project, error) {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, filepath.Join("..", "docker-compose.yml"), filepath.Join(dir, "docker-compose.yml"))
	if withEnv {
		copyFile(t, filepath.Join("..", ".env.example"), filepath.Join(dir, ".env"))
	}
	details := types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "docker-compose.yml")}},
		Environment: types.Mapping{}, // no REDIS_URL from the test's environment
	}
	return loader.LoadWithContext(context.Background(), details,
		loader.WithProfiles(profiles),
		func(o *loader.Options) { o.SetProjectName("intervision", true) })
}

func mustLoad(t *testing.T, profiles ...string) *types.Project {
	t.Helper()
	p, err := loadCompose(t, true, profiles...)
	if err != nil {
		t.Fatalf("load docker-compose.yml (profiles %v): %v", profiles, err)
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("no service %q; have %v", name, p.ServiceNames())
	}
	return s
}

// flagValue is the value after flag in a command line, or "".
func flagValue(cmd []string, flag string) string {
	for i, a := range cmd {
		if a == flag && i+1 < len(cmd) {
			return cmd[i+1]
		}
	}
	return ""
}

func TestComposeDefaultServices(t *testing.T) {
	p := mustLoad(t)
	if got := p.ServiceNames(); !slices.Equal(sorted(got), []string{"bot", "redis"}) {
		t.Fatalf("services without profiles: %v, want bot and redis", got)
	}
	redis := service(t, p, "redis")
	for flag, want := range map[string]string{"--appendonly": "yes", "--appendfsync": "always", "--maxmemory-policy": "noeviction"} {
		if got := flagValue(redis.Command, flag); got != want {
			t.Errorf("redis %s = %q, want %q (command %v)", flag, got, want, redis.Command)
		}
	}
	if !slices.ContainsFunc(redis.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == "/data" && v.Type == types.VolumeTypeVolume }) {
		t.Errorf("redis keeps /data in no named volume: %+v", redis.Volumes)
	}
	if redis.HealthCheck == nil || !slices.Contains(redis.HealthCheck.Test, "ping") {
		t.Errorf("redis healthcheck: %+v", redis.HealthCheck)
	}

	bot := service(t, p, "bot")
	if bot.HealthCheck == nil || !slices.Equal(bot.HealthCheck.Test, types.HealthCheckTest{"CMD", "/intervision", "healthcheck"}) {
		t.Errorf("bot healthcheck %+v, want [CMD /intervision healthcheck]", bot.HealthCheck)
	}
	if got := bot.Environment["INTERVISION_OPS_ADDR"]; got == nil || *got != ":9090" {
		t.Errorf("bot INTERVISION_OPS_ADDR = %v, want :9090", got)
	}
	if got := bot.Environment["REDIS_URL"]; got == nil || *got != "redis://redis:6379/0" {
		t.Errorf("bot REDIS_URL = %v, want the redis service", got)
	}
	if bot.StopGracePeriod == nil || *bot.StopGracePeriod < types.Duration(25e9) {
		t.Errorf("bot stop_grace_period %v: want at least 25 s (the bot drains for up to 20 s)", bot.StopGracePeriod)
	}
	if _, ok := bot.DependsOn["redis"]; !ok {
		t.Errorf("bot does not depend on redis: %v", bot.DependsOn)
	}
	// Without the cluster profile the dependency on redis-cluster-init is optional and
	// dropped, as docker compose drops it.
	if d, ok := bot.DependsOn["redis-cluster-init"]; ok && d.Required {
		t.Errorf("bot requires redis-cluster-init, which runs only with the cluster profile")
	}
	if _, ok := p.WithoutUnresolvedOptionalDependencies().Services["bot"].DependsOn["redis-cluster-init"]; ok {
		t.Errorf("without the cluster profile the bot still depends on redis-cluster-init")
	}
	for name, s := range p.Services {
		if s.Restart == "" || s.Restart == "no" {
			t.Errorf("%s: restart policy %q", name, s.Restart)
		}
	}
}

func TestComposePortsOnLoopbackOnly(t *testing.T) {
	for _, profiles := range [][]string{nil, {"cluster"}} {
		p := mustLoad(t, profiles...)
		for name, s := range p.Services {
			for _, port := range s.Ports {
				if port.HostIP != "127.0.0.1" {
					t.Errorf("%s publishes %d on %q, want 127.0.0.1 only", name, port.Target, port.HostIP)
				}
			}
		}
		bot := service(t, p, "bot")
		if !slices.ContainsFunc(bot.Ports, func(pc types.ServicePortConfig) bool {
			return pc.Target == 9090 && pc.Published == "9090" && pc.HostIP == "127.0.0.1"
		}) {
			t.Errorf("bot does not publish the ops port as 127.0.0.1:9090:9090: %+v", bot.Ports)
		}
	}
}

func TestComposeLimits(t *testing.T) {
	p := mustLoad(t, "cluster")
	for name, s := range p.Services {
		if s.Deploy == nil || s.Deploy.Resources.Limits == nil {
			t.Errorf("%s: no deploy.resources.limits", name)
			continue
		}
		l := s.Deploy.Resources.Limits
		if l.NanoCPUs <= 0 || l.NanoCPUs > 2 {
			t.Errorf("%s: cpus limit %v, want (0, 2]", name, l.NanoCPUs)
		}
		if l.MemoryBytes < 32<<20 || l.MemoryBytes > 2<<30 {
			t.Errorf("%s: memory limit %d bytes, want 32 MiB to 2 GiB", name, l.MemoryBytes)
		}
		// Redis must hit its own maxmemory (an error to the bot) before the
		// container's limit (an OOM kill).
		if mm := flagValue(s.Command, "--maxmemory"); strings.HasPrefix(s.Image, "redis:") && slices.Contains(s.Command, "redis-server") {
			n, ok := parseMB(mm)
			if !ok || n<<20 >= int64(l.MemoryBytes) {
				t.Errorf("%s: --maxmemory %q, want below the %d-byte limit", name, mm, l.MemoryBytes)
			}
		}
	}
}

func parseMB(s string) (int64, bool) {
	num, ok := strings.CutSuffix(strings.ToLower(s), "mb")
	if !ok || num == "" {
		return 0, false
	}
	var n int64
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// pinnedTag is a version tag with at least major.minor.patch (7.4.2, 7.4.2-alpine);
// pinnedDigest an image pinned by its content.
var (
	pinnedTag    = regexp.MustCompile(`^v?\d+\.\d+\.\d+([-.][\w.-]+)?$`)
	pinnedDigest = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
)

// imagePinned says why an image reference is not pinned, or "" when it is.
func imagePinned(ref string) string {
	if ref == "" {
		return "no image"
	}
	if pinnedDigest.MatchString(ref) {
		return ""
	}
	name := ref
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case !ok || tag == "":
		return "no tag (latest)"
	case tag == "latest":
		return "tag latest"
	case !pinnedTag.MatchString(tag):
		return "tag " + tag + " is not a major.minor.patch version"
	}
	return ""
}

func TestComposeImagesPinned(t *testing.T) {
	p := mustLoad(t, "cluster")
	redisImages := map[string]bool{}
	for name, s := range p.Services {
		if s.Image == "" && s.Build != nil {
			continue // built from the Dockerfile, whose images TestDockerfile checks
		}
		if why := imagePinned(s.Image); why != "" {
			t.Errorf("%s: image %q not pinned: %s", name, s.Image, why)
		}
		if strings.HasPrefix(s.Image, "redis:") {
			redisImages[s.Image] = true
		}
	}
	if len(redisImages) != 1 {
		t.Errorf("redis services run %d different images, want one: %v", len(redisImages), redisImages)
	}
}

func TestImagePinned(t *testing.T) {
	for ref, pinned := range map[string]bool{
		"redis:7.4.2-alpine":                        true,
		"redis@sha256:" + strings.Repeat("ab", 32):  true,
		"registry.example:5000/x/redis:7.4.2":       true,
		"redis":                                     false,
		"redis:latest":                              false,
		"redis:7-alpine":                            false,
		"registry.example:5000/x/redis":             false,
		"redis:7.4":                                 false,
		"gcr.io/distroless/static-debian12:nonroot": false,
		"": false,
	} {
		if got := imagePinned(ref) == ""; got != pinned {
			t.Errorf("imagePinned(%q) = %q, want pinned=%v", ref, imagePinned(ref), pinned)
		}
	}
}

func TestComposeClusterProfile(t *testing.T) {
	p := mustLoad(t, "cluster")
	var nodes []string
	for name, s := range p.Services {
		if slices.Contains(s.Command, "redis-server") && flagValue(s.Command, "--cluster-enabled") == "yes" {
			nodes = append(nodes, name)
			if !slices.Equal(s.Profiles, []string{"cluster"}) {
				t.Errorf("%s: profiles %v, want [cluster]", name, s.Profiles)
			}
			if got := flagValue(s.Command, "--appendfsync"); got != "always" {
				t.Errorf("%s: appendfsync %q, want always", name, got)
			}
			if got := flagValue(s.Command, "--cluster-announce-hostname"); got != name {
				t.Errorf("%s: announces hostname %q", name, got)
			}
			if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool { return v.Target == "/data" && v.Type == types.VolumeTypeVolume }) {
				t.Errorf("%s: /data (nodes.conf, AOF) in no named volume", name)
			}
		}
	}
	if len(nodes) != 6 {
		t.Fatalf("cluster nodes %v, want 6", sorted(nodes))
	}
	initSvc := service(t, p, "redis-cluster-init")
	script := strings.Join(initSvc.Command, " ")
	for _, want := range []string{"redis-cli --cluster create", "--cluster-replicas 1", "--cluster-yes"} {
		if !strings.Contains(script, want) {
			t.Errorf("redis-cluster-init lacks %q: %s", want, script)
		}
	}
	for _, n := range nodes {
		if !strings.Contains(script, n+":6379") {
			t.Errorf("redis-cluster-init does not join %s: %s", n, script)
		}
		if d, ok := initSvc.DependsOn[n]; !ok || d.Condition != types.ServiceConditionHealthy {
			t.Errorf("redis-cluster-init does not wait for %s to be healthy", n)
		}
	}
	if initSvc.Restart != "" && initSvc.Restart != "no" {
		t.Errorf("redis-cluster-init is one-shot, but restart is %q", initSvc.Restart)
	}
	bot := service(t, p, "bot")
	if d, ok := bot.DependsOn["redis-cluster-init"]; !ok || d.Condition != types.ServiceConditionCompletedSuccessfully {
		t.Errorf("with the cluster profile the bot does not wait for redis-cluster-init: %+v", bot.DependsOn)
	}
}

// TestComposeClusterURL checks that the REDIS_URL the compose file suggests for the
// cluster reaches the bot when set (as .env or the shell would).
func TestComposeClusterURL(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, line := range strings.Split(string(b), "\n") {
		if _, u, ok := strings.Cut(line, "#   REDIS_URL="); ok {
			urls = append(urls, strings.TrimSpace(u))
		}
	}
	if len(urls) != 2 {
		t.Fatalf("want the two cluster URL forms in a comment, found %q", urls)
	}
	for _, u := range urls {
		if !strings.Contains(u, "redis-node-1:6379") {
			t.Errorf("cluster URL %q does not name redis-node-1", u)
		}
	}
	if !strings.HasPrefix(urls[0], "redis+cluster://") || !strings.Contains(urls[1], ",") {
		t.Errorf("want a redis+cluster:// URL and a comma list, got %q", urls)
	}
}

// TestComposeNeedsEnvFile documents compose-go's (and docker compose's) handling of
// a missing env_file: loading fails and names the file.
func TestComposeNeedsEnvFile(t *testing.T) {
	_, err := loadCompose(t, false)
	if err == nil || !strings.Contains(err.Error(), ".env") {
		t.Fatalf("load without .env: %v, want an error naming .env", err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
