package redisstore

import "time"

// DefaultClusterReload is how often a cluster client from NewClient reloads the slot
// map (CLUSTER SLOTS on one node) when it has sent a command since. go-redis reloads
// it on MOVED, ASK and READONLY answers, and otherwise every
// ClusterStateReloadInterval (60 s by default): after a master dies no node answers
// MOVED for its slots, so its sessions would keep going to the dead address for up to
// a minute after a replica took over. The fault suite's failover case measures it.
const DefaultClusterReload = time.Second
