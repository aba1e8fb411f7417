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
	onCall func(n int)
}

func (o *scriptedOpener) Open() error {
	o.calls++
	if o.onCall != nil {
		o.onCall(o.calls)
	}
	if o.calls <= len(o.errs) {
		return o.errs[o.calls-1]
	}
	return nil
}

// testRedialer is a redialer whose waits pass at once and are recorded, on a clock
// that moves only when the test moves it.
func testRedialer(o opener, w *closeWatcher, waits *[]time.Duration, clock *time.Time) *redialer {
	d := newRedialer(o, w, quiet())
	d.first, d.most, d.stable = time.Second, 8*time.Second, time.Minute
	d.sleep = func(ctx context.Context, wait time.Duration) bool {
		*waits = append(*waits, wait)
		return ctx.Err() == nil
	}
	d.now = func() time.Time { return *clock }
	return d
}

// checkWaits fails unless each wait is the jittered form of the backoff in want (in
// seconds): between half of it and all of it.
func checkWaits(t *testing.T, got []time.Duration, want []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %d of them (backoffs %v s)", got, len(want), want)
	}
	for i, g := range got {
		b := time.Duration(want[i]) * time.Second
		if g < b/2 || g > b {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, g, b/2, b)
		}
	}
}

func TestRedialer(t *testing.T) {
	t.Parallel()
	down := errors.New("connection refused")
	tests := []struct {
		name      string
		errs      []error
		stopAfter int   // a fatal close during this attempt; 0: never
		cancel    int   // ctx ends during this attempt; 0: never
		stopped   bool  // the watcher was stopped before run
		want      int   // attempts made
		waits     []int // backoffs before jitter, in seconds
	}{
		{name: "first attempt opens", want: 1, waits: []int{1}},
		{name: "doubles after each failure, up to the cap", errs: []error{down, down, down, down, down},
			want: 6, waits: []int{1, 2, 4, 8, 8, 8}},
		{name: "already open counts as open", errs: []error{discordgo.ErrWSAlreadyOpen}, want: 1, waits: []int{1}},
		{name: "a fatal close during an attempt stops", errs: []error{down, down, down, down}, stopAfter: 2,
			want: 2, waits: []int{1, 2}},
		{name: "stopped watcher: no attempt", stopped: true, want: 0, waits: []int{1}},
		{name: "ctx ends: no further attempt", errs: []error{down, down, down, down}, cancel: 2,
			want: 2, waits: []int{1, 2, 4}},
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
			var waits []time.Duration
			clock := time.Unix(1_800_000_000, 0)
			if got := testRedialer(o, w, &waits, &clock).run(ctx); got != tc.want || o.calls != tc.want {
				t.Fatalf("run = %d, Open called %d times; want %d", got, o.calls, tc.want)
			}
			checkWaits(t, waits, tc.waits)
		})
	}
}

// TestRedialerBackoffAcrossDrops: a connection that drops soon after it opened is
// redialled after a longer wait each time; one that stayed up a minute starts again
// from the first wait.
func TestRedialerBackoffAcrossDrops(t *testing.T) {
	t.Parallel()
	var waits []time.Duration
	clock := time.Unix(1_800_000_000, 0)
	d := testRedialer(&scriptedOpener{}, newCloseWatcher(), &waits, &clock)
	for _, up := range []time.Duration{time.Second, 5 * time.Second, 59 * time.Second, time.Minute, 0} {
		if n := d.run(context.Background()); n != 1 {
			t.Fatalf("run = %d attempts, want 1", n)
		}
		clock = clock.Add(up)
	}
	// Up 1 s, 5 s and 59 s: 1, 2, 4, 8; up a minute: 1 again.
	checkWaits(t, waits, []int{1, 2, 4, 8, 1})
}

func TestJitter(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, 1, 2, time.Second, reconnectMax} {
		seen := map[time.Duration]bool{}
		for range 100 {
			j := jitter(d)
			if j > d || j < d/2 {
				t.Fatalf("jitter(%v) = %v, want within [%v, %v]", d, j, d/2, d)
			}
			seen[j] = true
		}
		if d >= time.Second && len(seen) < 50 {
			t.Errorf("jitter(%v) gave %d different waits in 100, want them spread", d, len(seen))
		}
	}
}
