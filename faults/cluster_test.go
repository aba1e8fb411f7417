package faults_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state/redistest"
)

// shippedCluster are the settings of docker-compose.yml's cluster nodes.
var shippedCluster = append([]string{"--cluster-node-timeout", "5000",
	"--maxmemory", "192mb", "--maxmemory-policy", "noeviction"}, shippedAOF...)

// clusterRun loads sessions spread over every master for run, with one master killed
// (SIGKILL) after a second and, when back > 0, started again (its AOF and nodes.conf
// kept) that long after. It reports the longest time between two acknowledged turns
// of the sessions that stalled and of the others.
func clusterRun(t *testing.T, name string, c *redistest.ReplicatedCluster, run, back time.Duration) {
	r := newRig(t, c.URL(), 2)
	sessions := scale(24, 60)
	convs := r.openSessions(sessions)
	tl := newTally()
	victim := c.Servers[0]
	killedAt := make(chan time.Time, 1)
	go func() {
		time.Sleep(time.Second)
		killedAt <- time.Now()
		victim.Stop() // SIGKILL
		if back > 0 {
			time.Sleep(back)
			if err := victim.Restart(); err != nil {
				t.Error(err)
			}
		}
	}()
	const per = 100000 // the load is bounded by time
	r.load(convs, per, 100*time.Millisecond, time.Second, time.Now().Add(run), tl)
	kill := <-killedAt
	acks, lost, doubled := r.count(convs, per, tl)
	// Sessions whose longest pause is over 2 s stalled with the master; the others
	// are on the masters that stayed.
	var stalled, others []time.Duration
	var resumed time.Duration // from the kill to the end of the last long pause
	for _, cv := range convs {
		g := tl.maxGap[cv.Thread]
		if tl.open[cv.Thread] {
			t.Errorf("%s: no turn acknowledged for the last %v of the load", cv.Thread, g.Round(100*time.Millisecond))
		}
		if g > 2*time.Second {
			stalled = append(stalled, g)
			resumed = max(resumed, tl.gapStart[cv.Thread].Add(g).Sub(kill))
		} else {
			others = append(others, g)
		}
	}
	note := fmt.Sprintf("%d sessions stalled, longest pause %v, all writing again %v after the kill; the other %d: longest pause %v",
		len(stalled), longest(stalled), resumed.Round(100*time.Millisecond), len(others), longest(others))
	report(t, row{name: name, sessions: sessions, acked: acks, told: tl.told, lost: lost, doubled: doubled, note: note})
	if len(stalled) == 0 {
		t.Error("no session stalled: the killed master held none of them")
	}
}

func longest(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] > ds[j] })
	return ds[0].Round(100 * time.Millisecond)
}

// TestClusterFailover: 3 masters with a replica each and the shipped settings (node
// timeout 5 s, AOF always, cluster-require-full-coverage left at yes). A master is
// killed under load; its replica takes over and the sessions on its slots go on.
func TestClusterFailover(t *testing.T) {
	c := redistest.StartReplicatedCluster(t, 3, 1, shippedCluster...)
	clusterRun(t, "cluster, 3 masters + 3 replicas: kill -9 a master (failover)", c, scale(14*time.Second, 30*time.Second), 0)
}

// TestClusterNoReplica: 3 masters without replicas. A master is killed under load and
// started again 12 s later with its AOF, after the others have marked it failed. With
// cluster-require-full-coverage yes (the default) every session stops once the master
// is marked failed; with no (run by FAULTS_LONG=1), only the sessions on its slots wait
// for it.
func TestClusterNoReplica(t *testing.T) {
	for _, coverage := range scale([]string{"yes"}, []string{"yes", "no"}) {
		t.Run("full-coverage-"+coverage, func(t *testing.T) {
			c := redistest.StartReplicatedCluster(t, 3, 0, append(shippedCluster, "--cluster-require-full-coverage", coverage)...)
			clusterRun(t, "cluster, 3 masters, no replicas, require-full-coverage "+coverage+": kill -9 a master, back after 12 s", c,
				26*time.Second, 12*time.Second)
		})
	}
}
