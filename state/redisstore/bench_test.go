package redisstore_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/redisstore"
	"github.com/intervision-bot/intervision/state/redistest"
)

// BenchmarkStep measures Update on a 4 KB record: every goroutine owns a conversation
// and appends to it, with an event id per step, as the engine does. It reports Redis
// round trips per step.
func BenchmarkStep(b *testing.B) { benchStep(b, redisstore.Options{}) }

func benchStep(b *testing.B, opts redisstore.Options) {
	srv := redistest.Start(b)
	s := redisstore.New(newClient(b, srv.URL()+"?pool_size=64"), opts)
	defer s.Close()
	var conv atomic.Int64
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rec := make([]byte, 4096)
		k := state.Key{Platform: "slack", Workspace: "T1", Channel: "C1", Thread: fmt.Sprint(conv.Add(1))}
		for i := 0; pb.Next(); i++ {
			if err := s.Update(ctx, k, fmt.Sprint("e", i), func(cur []byte) (state.Change, error) {
				rec[0] = byte(i)
				return state.Change{Data: rec}, nil
			}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	st := s.Stats()
	b.ReportMetric(float64(st.RoundTrips)/float64(st.Updates), "roundtrips/step")
	if st.Pipelines > 0 {
		b.ReportMetric(float64(st.Batched)/float64(st.Pipelines), "steps/pipeline")
	}
}

// BenchmarkStepNoBatch is BenchmarkStep with Options.NoBatch.
func BenchmarkStepNoBatch(b *testing.B) { benchStep(b, redisstore.Options{NoBatch: true}) }
