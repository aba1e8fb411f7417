package discord

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// scriptedOpener answers Open with its errors in turn, then nil.
type scriptedOpener struct {
	errs   []error
	calls  int
	at     []time.Time
	onCall func(n int)
}

func (o *scriptedOpener) Open() error {
	o.calls++
	o.at = append(o.at, time.Now())
	if o.onCall != nil {
		o.onCall(o.calls)
	}
	if o.calls <= len(o.errs) {
		return o.errs[o.calls-1]
	}
	return nil
}

func TestRedialer(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused")
	tests := []struct {
		name      string
		errs      []error
		stopAfter int  // stop the watcher (a fatal close) during this attempt; 0: never
		cancel    int  // cancel ctx during this attempt; 0: never
		stopped   bool // the watcher is stopped before run
		want      int  // attempts made
	}{
		{name: "first attempt opens", want: 1},
		{name: "opens after failures", errs: []error{down, down, down}, want: 4},
		{name: "already open counts as open", errs: []error{discordgo.ErrWSAlreadyOpen}, want: 1},
		{name: "fatal close during an attempt stops", errs: []error{down, down, down, down}, stopAfter: 2, want: 2},
		{name: "stopped watcher: no attempt", stopped: true, want: 0},
		{name: "ctx ends while waiting", errs: []error{down, down, down, down}, cancel: 2, want: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w := newCloseWatcher()
			if tc.stopped {
				w.report(4004)
			}
			o := &scriptedOpener{errs: tc.errs, onCall: func(n int) {
				if n == tc.stopAfter {
					w.report(4004)
				}
				if n == tc.cancel {
					cancel()
				}
			}}
			d := redialer{gw: o, watch: w, log: quiet(), first: 4 * time.Millisecond, most: 16 * time.Millisecond}
			start := time.Now()
			if got := d.run(ctx); got != tc.want || o.calls != tc.want {
				t.Fatalf("run = %d, Open called %d times; want %d", got, o.calls, tc.want)
			}
			// Each attempt waits at least half its backoff: 2, 4, 8, 8 ms.
			least := []time.Duration{2, 4, 8, 8}
			for i, at := range o.at {
				if gap := at.Sub(start); gap < least[i]*time.Millisecond {
					t.Errorf("attempt %d after %v, want at least %v", i+1, gap, least[i]*time.Millisecond)
				}
				start = at
			}
		})
	}
}

func TestJitter(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, 1, 2, time.Second, reconnectMax} {
		for range 100 {
			if j := jitter(d); j > d || j < d/2 {
				t.Fatalf("jitter(%v) = %v, want within [%v, %v]", d, j, d/2, d)
			}
		}
	}
}
