package memstore_test

import (
	"testing"
	"time"

	"github.com/intervision-bot/intervision/state"
	"github.com/intervision-bot/intervision/state/memstore"
	"github.com/intervision-bot/intervision/state/statetest"
)

func TestConformance(t *testing.T) {
	statetest.Run(t, func(*testing.T) state.Store { return memstore.New() })
}

func TestSchedulerConformance(t *testing.T) {
	statetest.RunScheduler(t, func(*testing.T) state.Scheduler { return memstore.NewScheduler() })
}

func TestAdminConformance(t *testing.T) {
	statetest.RunAdmin(t, func(*testing.T) state.Store { return memstore.New() })
}

func TestRetentionConformance(t *testing.T) {
	statetest.RunRetention(t, func(_ *testing.T, r time.Duration) state.Store {
		return memstore.New(memstore.WithRetention(r))
	})
}
