package state

import (
	"bytes"
	"context"
	"sync/atomic"
)

// This file is the optional log capability (LogStore): a record kept as a small head
// (Data) and a log of entries appended after it, so that a change which adds an entry
// sends and writes the same few bytes however long the log is.

// Record is a record as a LogStore holds it: Data (the head) and the entries appended
// to it, in order. A store shares a Record between its cache and its callers: never
// modify the bytes or the slice of one you were given.
type Record struct {
	// Version names the commit that wrote the record, "" when there is none or the
	// store does not tell. It changes with every commit that changes the record and
	// never names two different contents, so a cache may compare versions instead of
	// bytes.
	Version string
	// Data is the head; nil when there is no record.
	Data []byte
	// Log are the entries appended after the head, oldest first.
	Log [][]byte

	tail *logTail // shared with records made from this one by Appended; nil: none
}

// logTail lets records made by appending to one record share one backing array: the
// first to append after the n-th entry claims the slots from n on, later ones copy.
type logTail struct{ used atomic.Int64 }

// Appended returns the record r becomes after a commit of version that writes data and
// appends entries (or, with rewrite, replaces the log with them). r is left as it was;
// appending reuses r's backing array when nobody has appended to it yet, so a store's
// cache can keep the records of long logs at a constant cost per step.
func (r Record) Appended(version string, data []byte, entries [][]byte, rewrite bool) Record {
	if rewrite {
		return Record{Version: version, Data: data, Log: entries}
	}
	n, k := len(r.Log), len(entries)
	if k == 0 {
		return Record{Version: version, Data: data, Log: r.Log, tail: r.tail}
	}
	if r.tail != nil && cap(r.Log) >= n+k && r.tail.used.CompareAndSwap(int64(n), int64(n+k)) {
		log := r.Log[:n+k]
		copy(log[n:], entries)
		return Record{Version: version, Data: data, Log: log, tail: r.tail}
	}
	log := make([][]byte, n+k, max(2*(n+k), 8))
	copy(log, r.Log)
	copy(log[n:], entries)
	t := &logTail{}
	t.used.Store(int64(n + k))
	return Record{Version: version, Data: data, Log: log, tail: t}
}

// Flat is the record as Store.Get and Store.Update show it: Data, then "\n" and each
// entry. A record without entries is its Data (copied).
func (r Record) Flat() []byte {
	if r.Data == nil && len(r.Log) == 0 {
		return nil
	}
	n := len(r.Data)
	for _, e := range r.Log {
		n += 1 + len(e)
	}
	out := make([]byte, 0, n)
	out = append(out, r.Data...)
	for _, e := range r.Log {
		out = append(append(out, '\n'), e...)
	}
	return out
}

// LogFunc decides a change from the current record (zero when there is none). Like
// UpdateFunc it may be called more than once and must not modify cur.
type LogFunc func(cur Record) (Change, error)

// LogStore is implemented by stores that keep a record's log apart from its head
// (memstore, redisstore). Store.Get and Store.Update see such a record flat
// (Record.Flat); a Store.Update that writes Data replaces head and log. The engine
// commits sessions through UpdateLog: a wrapper that changes Update of a LogStore it
// embeds must change UpdateLog too (or embed it as a plain Store, which hides it).
type LogStore interface {
	Store
	// UpdateLog is Update with the record as head and log: a Change with Data writes
	// the head and appends Change.Append to the log (Change.Rewrite: replaces the log
	// with them); without Data it keeps the record. It returns the record's version
	// after the commit ("" when there is no record). The store may keep Data and the
	// Append entries as they are: the caller must not modify them afterwards.
	UpdateLog(ctx context.Context, key Key, eventID string, fn LogFunc) (string, error)
}

// Logged returns s as a LogStore: s itself when it is one, else an adapter that keeps
// each record flat through s.Update (versions are then always "").
func Logged(s Store) LogStore {
	if ls, ok := s.(LogStore); ok {
		return ls
	}
	return flatStore{s}
}

// flatStore runs UpdateLog on a plain Store, with every record flat in its Data.
type flatStore struct{ Store }

func (f flatStore) UpdateLog(ctx context.Context, key Key, eventID string, fn LogFunc) (string, error) {
	return "", f.Update(ctx, key, eventID, func(cur []byte) (Change, error) {
		rec := Record{Data: cur}
		ch, err := fn(rec)
		if err != nil || ch.Data == nil {
			return ch, err
		}
		out := ch
		out.Append, out.Rewrite = nil, false
		var old []byte
		if !ch.Rewrite && cur != nil {
			if i := bytes.IndexByte(cur, '\n'); i >= 0 {
				old = cur[i:] // the entries, each after its "\n"
			}
		}
		flat := Record{Data: append(append([]byte{}, ch.Data...), old...), Log: ch.Append}
		out.Data = flat.Flat()
		return out, nil
	})
}
