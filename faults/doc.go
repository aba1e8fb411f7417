// Package faults holds the fault suite: its tests kill, stall and fill real
// redis-server processes and Redis Clusters and restart the real bot binary while
// sessions are under load, and count, per case, the acknowledged turns that were lost
// and the turns that were saved twice (both must be 0). The table is written to the
// file named by FAULTS_TABLE (scripts/test and scripts/faults print it); FAULTS_LONG=1
// runs longer, heavier versions of the same cases. See docs/redis.md.
package faults
