package netassist

import (
	"sync/atomic"
	"time"

	"netassist/netassist/framing"
)

// Counters are exact byte and chunk counts for one direction pair. Chunks
// are read() results for TCP and datagrams for UDP. They are never sampled
// and never touched by display trimming; only Reset clears them.
type Counters struct {
	rxBytes, txBytes   atomic.Uint64
	rxChunks, txChunks atomic.Uint64
	// Messages a connection's framing cut from the rx bytes, and the
	// bad frames among them (counted apart); zero without framing.
	rxMsgs, rxBad atomic.Uint64
}

// CounterSnapshot is a consistent-enough copy for display and tests.
type CounterSnapshot struct {
	RxBytes, TxBytes   uint64
	RxChunks, TxChunks uint64
	RxMsgs, RxBad      uint64
}

func (c *Counters) addRx(n int) {
	c.rxBytes.Add(uint64(n))
	c.rxChunks.Add(1)
}

// addRxMsgs counts msgs and the messages only tallied beside them.
func (c *Counters) addRxMsgs(msgs []MsgInfo, skipped framing.Tally) {
	bad := skipped.Bad
	for _, m := range msgs {
		if m.Bad != framing.Good {
			bad++
		}
	}
	if bad > 0 {
		c.rxBad.Add(uint64(bad))
	}
	if good := len(msgs) + skipped.Good + skipped.Bad - bad; good > 0 {
		c.rxMsgs.Add(uint64(good))
	}
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
		RxMsgs: c.rxMsgs.Load(), RxBad: c.rxBad.Load(),
	}
}

// Reset sets every counter to zero (the user's Reset button).
func (c *Counters) Reset() {
	c.rxBytes.Store(0)
	c.txBytes.Store(0)
	c.rxChunks.Store(0)
	c.txChunks.Store(0)
	c.rxMsgs.Store(0)
	c.rxBad.Store(0)
}

// RateMeter turns successive snapshots into bytes per second over a
// sliding window of about a second. The pump samples 4 to 30 times a
// second; a rate over one tick reads 0 between a slow peer's sends and a
// burst in the tick after, so it would be right only on average. It
// belongs to one reader (the window's pump), so it needs no lock.
type RateMeter struct {
	samples []rateSample // oldest first; the first is at or before now-rateWindow
	Rx, Tx  float64      // bytes per second over the window
}

type rateSample struct {
	at time.Time
	s  CounterSnapshot
}

// rateWindow is how far back a rate looks.
const rateWindow = time.Second

// Update takes a new snapshot taken at now and recomputes the rates.
func (m *RateMeter) Update(s CounterSnapshot, now time.Time) {
	if n := len(m.samples); n > 0 {
		if last := m.samples[n-1].s; s.RxBytes < last.RxBytes || s.TxBytes < last.TxBytes {
			m.samples = m.samples[:0] // the counters were reset: start again
		}
	}
	m.samples = append(m.samples, rateSample{now, s})
	// Keep one sample at or before the window's start, so the rate spans
	// the whole window once there is history for it.
	cut := 0
	for cut+1 < len(m.samples) && !m.samples[cut+1].at.After(now.Add(-rateWindow)) {
		cut++
	}
	if cut > 0 {
		m.samples = append(m.samples[:0], m.samples[cut:]...)
	}
	base := m.samples[0]
	dt := now.Sub(base.at).Seconds()
	if dt <= 0 {
		m.Rx, m.Tx = 0, 0
		return
	}
	m.Rx = float64(s.RxBytes-base.s.RxBytes) / dt
	m.Tx = float64(s.TxBytes-base.s.TxBytes) / dt
}
