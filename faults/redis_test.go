package faults_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/intervision-bot/intervision/bot"
	"github.com/intervision-bot/intervision/state/redistest"
)

// shippedAOF are the persistence settings of docker-compose.yml's Redis.
var shippedAOF = []string{"--appendonly", "yes", "--appendfsync", "always"}

// TestKillRedis: redis-server with the shipped AOF settings is killed with SIGKILL
// while sessions are under load, and started again on the same port and files 1.5 s
// later (longer than a turn's 1 s deadline, so some senders are told "not saved"). Every acknowledged turn is there afterwards, and none twice.
func TestKillRedis(t *testing.T) {
	srv := redistest.Start(t, shippedAOF...)
	r := newRig(t, srv.URL(), 2)
	sessions, per := scale(12, 50), scale(40, 100)
	convs := r.openSessions(sessions)
	tl := newTally()
	const down = 1500 * time.Millisecond
	killed := make(chan time.Duration, 1)
	go func() {
		time.Sleep(scale(500*time.Millisecond, 2*time.Second))
		srv.Stop() // SIGKILL
		time.Sleep(down)
		start := time.Now()
		if err := srv.Restart(); err != nil {
			t.Error(err)
		}
		killed <- time.Since(start)
	}()
	r.load(convs, per, 40*time.Millisecond, time.Second, time.Now().Add(60*time.Second), tl)
	up := <-killed
	acks, lost, doubled := r.count(convs, per, tl)
	report(t, row{name: "kill -9 redis-server (AOF, appendfsync always) under load", sessions: sessions,
		acked: acks, told: tl.told, lost: lost, doubled: doubled,
		note: fmt.Sprintf("down %v, restart took %v", down, up.Round(10*time.Millisecond))})
	if acks != sessions*per {
		t.Errorf("%d of %d turns acknowledged in the end", acks, sessions*per)
	}
}

// TestStallRedis: redis-server is stopped with SIGSTOP for 2.5 s, longer than a
// turn's 1 s deadline, while sessions are under load, then resumed with SIGCONT. The
// commands it had received run then, past their callers' deadlines: a sender told
// "not saved" must find the turn not saved, and typing it again saves it once.
func TestStallRedis(t *testing.T) {
	srv := redistest.Start(t, shippedAOF...)
	r := newRig(t, srv.URL(), 2)
	sessions, per := scale(12, 50), scale(40, 100)
	convs := r.openSessions(sessions)
	tl := newTally()
	const stall = 2500 * time.Millisecond
	go func() {
		time.Sleep(scale(500*time.Millisecond, 2*time.Second))
		if err := syscall.Kill(srv.Pid(), syscall.SIGSTOP); err != nil {
			t.Error(err)
		}
		time.Sleep(stall)
		if err := syscall.Kill(srv.Pid(), syscall.SIGCONT); err != nil {
			t.Error(err)
		}
	}()
	r.load(convs, per, 40*time.Millisecond, time.Second, time.Now().Add(60*time.Second), tl)
	acks, lost, doubled := r.count(convs, per, tl)
	report(t, row{name: "SIGSTOP redis-server 2.5 s past the 1 s deadline, then SIGCONT", sessions: sessions,
		acked: acks, told: tl.told, lost: lost, doubled: doubled, note: "senders told \"not saved\" type the turn again"})
	if tl.told == 0 {
		t.Error("no sender was told \"not saved\": the stall did not hit the load")
	}
	if acks != sessions*per {
		t.Errorf("%d of %d turns acknowledged in the end", acks, sessions*per)
	}
}

// TestFullRedis: redis-server at maxmemory with noeviction (as shipped) fills up while
// sessions are under load and stays full for 1.5 s. Turns are refused with "storage is
// full" and typed again; `forget yes` still erases; `end` hands over the summary and
// leaves the session open. Then an operator deletes the junk and every turn goes in.
func TestFullRedis(t *testing.T) {
	srv := redistest.Start(t, append(shippedAOF, "--maxmemory", "4mb", "--maxmemory-policy", "noeviction")...)
	r := newRig(t, srv.URL(), 2)
	sessions, per := scale(12, 50), scale(40, 100)
	convs := r.openSessions(sessions)
	// dan says one line in the first session, and erases it while Redis is full.
	r.must(convs[0], "dan", "/join")
	const dans = "Did the school know about the move?"
	r.must(convs[0], "dan", dans)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	tl := newTally()
	type during struct{ forget, end string }
	got := make(chan during, 1)
	go func() {
		time.Sleep(scale(500*time.Millisecond, 2*time.Second))
		junk := fill(t, rdb)
		dm := bot.Conversation{Platform: "slack", Workspace: "T1", Channel: "D-dan", Direct: true}
		var d during
		out, err := r.handle(context.Background(), dm, "dan", "/forget yes")
		d.forget = fmt.Sprint(err, replies(out))
		out, err = r.handle(context.Background(), convs[0], "ann", "/end")
		d.end = fmt.Sprint(err, out.Failed(), replies(out))
		for _, rep := range out.Replies {
			if rep.File == nil || !strings.Contains(string(rep.File.Data), token(convs[0], 0)) {
				d.end = "no summary: " + d.end
			}
		}
		time.Sleep(1500 * time.Millisecond)
		if err := rdb.Del(context.Background(), junk...).Err(); err != nil {
			t.Error(err)
		}
		got <- d
	}()
	r.load(convs, per, 40*time.Millisecond, time.Second, time.Now().Add(60*time.Second), tl)
	d := <-got
	if !strings.Contains(d.forget, "I deleted 1 message of yours") {
		t.Errorf("forget yes while Redis is full: %s", d.forget)
	}
	if !strings.HasPrefix(d.end, "<nil> true") || !strings.Contains(d.end, "could not close the session") {
		t.Errorf("end while Redis is full: %s", d.end)
	}
	acks, lost, doubled := r.count(convs, per, tl)
	report(t, row{name: "redis-server full (maxmemory, noeviction) for 1.5 s under load", sessions: sessions,
		acked: acks, told: tl.told, lost: lost, doubled: doubled,
		note: "told \"storage is full\"; forget yes erased while full; end while full gave the summary and left the session open"})
	if tl.told == 0 {
		t.Error("no sender was told \"storage is full\": Redis did not fill during the load")
	}
	if acks != sessions*per {
		t.Errorf("%d of %d turns acknowledged in the end", acks, sessions*per)
	}
}

// fill writes junk keys until Redis refuses even a small write, and returns their names.
func fill(t *testing.T, rdb *redis.Client) []string {
	var keys []string
	for _, size := range []int{16384, 64} {
		junk := strings.Repeat("j", size)
		for {
			k := fmt.Sprintf("junk:%d", len(keys))
			err := rdb.Set(context.Background(), k, junk, 0).Err()
			if err != nil && strings.Contains(err.Error(), "OOM") {
				break
			}
			if err != nil || len(keys) > 200000 {
				t.Errorf("filling Redis: %v after %d keys", err, len(keys))
				return keys
			}
			keys = append(keys, k)
		}
	}
	return keys
}

func replies(out bot.Outcome) string {
	var b strings.Builder
	for _, r := range out.Replies {
		b.WriteString(r.Text + " ")
	}
	return b.String()
}
