//go:build race

package followup

// raceOn says the race detector is on: it makes training the models too slow for
// the suite's race run, so scripts/test trains them in a run of their own without it.
const raceOn = true
