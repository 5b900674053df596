package netassist

import (
	"sync/atomic"
	"time"
)

// Counters are exact byte and chunk counts for one direction pair. Chunks
// are read() results for TCP and datagrams for UDP. They are never sampled
// and never touched by display trimming; only Reset clears them.
type Counters struct {
	rxBytes, txBytes   atomic.Uint64
	rxChunks, txChunks atomic.Uint64
}

// CounterSnapshot is a consistent-enough copy for display and tests.
type CounterSnapshot struct {
	RxBytes, TxBytes   uint64
	RxChunks, TxChunks uint64
}

func (c *Counters) addRx(n int) {
	c.rxBytes.Add(uint64(n))
	c.rxChunks.Add(1)
}

func (c *Counters) addTx(n int) {
	c.txBytes.Add(uint64(n))
	c.txChunks.Add(1)
}

// Snapshot reads the counters.
func (c *Counters) Snapshot() CounterSnapshot {
	return CounterSnapshot{
		RxBytes: c.rxBytes.Load(), TxBytes: c.txBytes.Load(),
		RxChunks: c.rxChunks.Load(), TxChunks: c.txChunks.Load(),
	}
}

// Reset sets every counter to zero (the user's Reset button).
func (c *Counters) Reset() {
	c.rxBytes.Store(0)
	c.txBytes.Store(0)
	c.rxChunks.Store(0)
	c.txChunks.Store(0)
}

// RateMeter turns successive snapshots into bytes per second. It belongs to
// one reader (the window's pump), so it needs no lock.
type RateMeter struct {
	last   CounterSnapshot
	lastAt time.Time
	Rx, Tx float64 // bytes per second over the last interval
}

// Update takes a new snapshot taken at now and recomputes the rates.
func (m *RateMeter) Update(s CounterSnapshot, now time.Time) {
	if !m.lastAt.IsZero() {
		dt := now.Sub(m.lastAt).Seconds()
		if dt > 0 {
			m.Rx = float64(diff(s.RxBytes, m.last.RxBytes)) / dt
			m.Tx = float64(diff(s.TxBytes, m.last.TxBytes)) / dt
		}
	}
	m.last, m.lastAt = s, now
}

// diff tolerates a Reset between two snapshots.
func diff(now, before uint64) uint64 {
	if now < before {
		return now
	}
	return now - before
}
