package ui

import (
	"testing"
	"time"
)

// A request after a quiet spell shows within one pump tick; one every
// 100 ms (a page's assets, a poller) at the quarter-second pace.
func TestListPaceSparseTrafficShowsAtOnce(t *testing.T) {
	var lp listPace
	t0 := time.Unix(1000, 0)
	if !lp.due(1, t0, false) {
		t.Fatal("the first request waits")
	}
	lp.repainted(1, 1, t0)
	if lp.due(1, t0.Add(5*time.Second), false) {
		t.Fatal("repaints with nothing new")
	}
	at := t0.Add(10 * time.Second)
	if !lp.due(2, at, false) {
		t.Fatal("a request after a quiet spell waits")
	}
	lp.repainted(2, 2, at)
	for i := uint64(3); i < 20; i++ {
		now := at.Add(time.Duration(i-2) * 100 * time.Millisecond)
		due := lp.due(i, now, false)
		if want := now.Sub(lp.shownAt) >= paceEvery; due != want {
			t.Fatalf("request %d at %v: due %v, want %v", i, now.Sub(at), due, want)
		}
		if due {
			lp.repainted(i, i, now)
		}
		if lp.busy {
			t.Fatalf("10 requests a second count as busy")
		}
	}
}

// Under a flood the list repaints every busyEvery, not at every tick, and
// within paceEvery of the flood stopping; then the next request shows at
// once again.
func TestListPaceFloodRepaintsSeldomAndAtTheEnd(t *testing.T) {
	var lp listPace
	t0 := time.Unix(1000, 0)
	tick := time.Second / 30
	var repaints []time.Duration
	v, count := uint64(0), uint64(0)
	now := t0
	for ; now.Before(t0.Add(10 * time.Second)); now = now.Add(tick) {
		v, count = v+1, count+1000 // 30,000 requests a second
		if lp.due(v, now, false) {
			lp.repainted(v, count, now)
			repaints = append(repaints, now.Sub(t0))
		}
	}
	if len(repaints) > 2+10/int(busyEvery/time.Second)+1 {
		t.Fatalf("%d repaints in 10 s of flood: %v", len(repaints), repaints)
	}
	if !lp.busy {
		t.Fatal("a flood is not busy")
	}
	if !lp.statusDue(now.Add(-busyEvery), now) || lp.statusDue(now.Add(-time.Second), now) {
		t.Fatal("figures move at the busy pace while busy")
	}
	// The flood stops: its last requests show within paceEvery.
	last := repaints[len(repaints)-1]
	stopped := now
	for ; !lp.due(v, now, false); now = now.Add(tick) {
		if now.Sub(stopped) > paceEvery+tick {
			t.Fatalf("the end of a flood not shown %v after it stopped (last repaint at %v)", now.Sub(stopped), last)
		}
	}
	if lp.shown == v {
		t.Fatal("shown before it was due")
	}
	lp.repainted(v, count, now)
	if lp.busy {
		t.Fatal("still busy once the flood stopped")
	}
	now = now.Add(3 * time.Second)
	if !lp.due(v+1, now, false) {
		t.Fatal("a request after the flood waits")
	}
}

// A held request's countdown moves each second with nothing else changing,
// and nothing repaints for it when nothing is held.
func TestListPaceCountdown(t *testing.T) {
	var lp listPace
	t0 := time.Unix(1000, 0)
	lp.due(1, t0, false)
	lp.repainted(1, 1, t0)
	if lp.due(1, t0.Add(5*time.Second), false) {
		t.Fatal("repaints each second with nothing held")
	}
	if lp.due(1, t0.Add(900*time.Millisecond), true) || !lp.due(1, t0.Add(time.Second), true) {
		t.Fatal("a held request's countdown does not move each second")
	}
}
