package ui

import (
	"sync/atomic"
	"testing"
	"time"

	"netassist/netassist"
)

// The pump drops to its idle pace after idleAfter without work and leaves
// it at the first sign of activity.
func TestPaceGoesIdleAndBack(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var s pace
	s.busy(t0)
	if s.quiet(t0.Add(idleAfter - time.Millisecond)) {
		t.Fatal("idle too early")
	}
	if !s.quiet(t0.Add(idleAfter)) {
		t.Fatal("not idle after idleAfter")
	}
	if s.quiet(t0.Add(2 * idleAfter)) {
		t.Fatal("became idle twice")
	}
	if !s.busy(t0.Add(3 * idleAfter)) {
		t.Fatal("busy did not report leaving idle")
	}
	if s.busy(t0.Add(3*idleAfter + time.Millisecond)) {
		t.Fatal("busy reported leaving idle when not idle")
	}
}

// feedPanel is a preparer with a feed that counts the events it drained.
type feedPanel struct {
	f       *netassist.Feed
	drained atomic.Int64
}

func (p *feedPanel) feed() *netassist.Feed { return p.f }

func (p *feedPanel) prepare(time.Time) func() {
	evs, _ := p.f.Drain()
	if len(evs) == 0 {
		return nil
	}
	return func() { p.drained.Add(int64(len(evs))) }
}

// An idle pump is woken by a push to a panel's feed, even one that skips
// traffic bytes, and the events reach the UI.
func TestIdlePumpWokenByFeed(t *testing.T) {
	p := newPump(func(f func()) { go f() }, nil)
	fp := &feedPanel{f: netassist.NewFeed(0, 0)}
	fp.f.SkipTraffic()
	p.add(fp)
	p.start()
	defer p.close()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
		}
	}
	waitFor("the pump never went idle", p.pace.idle.Load)
	fp.f.Push(netassist.Event{Kind: netassist.EvRx, Data: []byte("skipped")})
	waitFor("a push did not wake the pump", func() bool { return !p.pace.idle.Load() })
	fp.f.Push(netassist.Event{Kind: netassist.EvConnect})
	waitFor("the event did not reach the UI", func() bool { return fp.drained.Load() == 1 })
	waitFor("the pump did not go idle again", p.pace.idle.Load)
}

// The first heartbeat waits for the UI loop to start (the window being
// created): ui_lag_ms counts the ones after it.
func TestLagStartsWithTheUILoop(t *testing.T) {
	var lag netassist.MaxTracker
	var queued []func()
	p := newPump(func(f func()) { queued = append(queued, f) }, &lag)
	run := func() {
		for _, f := range queued {
			f()
		}
		queued = nil
	}
	t0 := time.Now()
	p.tick(t0)
	time.Sleep(time.Millisecond) // the window being created
	run()
	if d := lag.Take(); d != 0 {
		t.Fatalf("the first heartbeat, waiting for the UI loop to start, counted as %v of lag", d)
	}
	p.tick(t0.Add(2 * heartbeatEvery))
	time.Sleep(time.Millisecond)
	run()
	if d := lag.Take(); d <= 0 {
		t.Fatal("a heartbeat of the running UI was not counted")
	}
}
