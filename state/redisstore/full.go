package redisstore

import (
	"strings"

	"github.com/intervision-bot/intervision/state"
)

// unavailableKind is the state error a failed command wraps: state.ErrFull when Redis
// refused a write for want of memory (maxmemory with noeviction answers "OOM command
// not allowed when used memory > 'maxmemory'"), else state.ErrUnavailable.
func unavailableKind(err error) error {
	if err != nil && strings.Contains(err.Error(), "OOM command not allowed") {
		return state.ErrFull
	}
	return state.ErrUnavailable
}
