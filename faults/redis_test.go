package faults_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

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
