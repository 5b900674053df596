package netassist

import (
	"testing"
	"time"
)

// A peer sending a steady 10 KB/s in 1,000-byte pieces every 100 ms,
// looked at by a pump that ticks every 33 ms: every reading after the
// first second is 10 KB/s ± 10 %, and it drops to 0 only once nothing has
// moved for the whole window.
func TestRateMeterSteadyTrickle(t *testing.T) {
	var m RateMeter
	start := time.Unix(1000, 0)
	var rx, tx uint64
	nextSend := start
	for i := 0; i <= 300; i++ { // 10 s of ticks
		now := start.Add(time.Duration(i) * 33 * time.Millisecond)
		for !nextSend.After(now) {
			rx += 1000
			tx += 100
			nextSend = nextSend.Add(100 * time.Millisecond)
		}
		m.Update(CounterSnapshot{RxBytes: rx, TxBytes: tx}, now)
		if now.Sub(start) < 1500*time.Millisecond {
			continue
		}
		if m.Rx < 9000 || m.Rx > 11000 {
			t.Fatalf("at %v: rx rate %.0f B/s; want 10000 ± 10%%", now.Sub(start), m.Rx)
		}
		if m.Tx < 900 || m.Tx > 1100 {
			t.Fatalf("at %v: tx rate %.0f B/s; want 1000 ± 10%%", now.Sub(start), m.Tx)
		}
	}
	// The peer stops: the rate falls, and is 0 once a whole window is quiet.
	last := start.Add(300 * 33 * time.Millisecond)
	for i := 1; i <= 60; i++ {
		now := last.Add(time.Duration(i) * 33 * time.Millisecond)
		m.Update(CounterSnapshot{RxBytes: rx, TxBytes: tx}, now)
		if now.Sub(last) < 500*time.Millisecond && m.Rx == 0 {
			t.Fatalf("rate 0 only %v after the last byte", now.Sub(last))
		}
	}
	if m.Rx != 0 || m.Tx != 0 {
		t.Fatalf("rates %.0f/%.0f after 2 quiet seconds; want 0", m.Rx, m.Tx)
	}
}

// A Reset of the counters starts the window again instead of showing a
// huge or negative rate.
func TestRateMeterReset(t *testing.T) {
	var m RateMeter
	at := time.Unix(0, 0)
	m.Update(CounterSnapshot{RxBytes: 1 << 30}, at)
	m.Update(CounterSnapshot{RxBytes: 2 << 30}, at.Add(time.Second))
	m.Update(CounterSnapshot{RxBytes: 500}, at.Add(1100*time.Millisecond))
	if m.Rx < 0 || m.Rx > 10000 {
		t.Fatalf("rate after reset %.0f", m.Rx)
	}
}
