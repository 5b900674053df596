package ui

import "time"

// listPace is when a list fed by traffic repaints. A repaint costs the
// same whatever changed, and on a software-rendered display (a VM, a
// remote desktop, Xvfb) it takes both cores for several milliseconds:
// measured beside wrk on two cores, repainting the HTTP server's request
// list 4 times a second under load more than doubled the server's p99
// latency. So the list repaints within paceEvery while traffic is sparse,
// every busyEvery while it comes faster than anyone reads (busyRate), and
// within paceEvery of it stopping. Pump goroutine only.
type listPace struct {
	seen      uint64    // the version last looked at
	changedAt time.Time // when seen last moved
	shown     uint64    // the version last repainted
	shownAt   time.Time
	count     uint64 // items counted at the last repaint
	busy      bool
}

const (
	paceEvery = 250 * time.Millisecond
	busyEvery = 2 * time.Second
	busyRate  = 100 // items a second
)

// due reports whether the list, now at version v, repaints; countdown asks
// for a repaint each second whatever changed (a held request's seconds).
func (lp *listPace) due(v uint64, now time.Time, countdown bool) bool {
	if v != lp.seen {
		lp.seen, lp.changedAt = v, now
	}
	since := now.Sub(lp.shownAt)
	switch {
	case countdown && since >= time.Second:
		return true
	case v == lp.shown:
		return false
	case !lp.busy:
		return since >= paceEvery
	}
	return since >= busyEvery || now.Sub(lp.changedAt) >= paceEvery
}

// repainted notes a repaint of version v, with count items in all so far.
func (lp *listPace) repainted(v, count uint64, now time.Time) {
	if el := now.Sub(lp.shownAt); !lp.shownAt.IsZero() && el > 0 && count >= lp.count {
		lp.busy = float64(count-lp.count)/el.Seconds() >= busyRate && now.Sub(lp.changedAt) < paceEvery
	}
	lp.shown, lp.shownAt, lp.count = v, now, count
}

// statusDue reports whether figures last worded at `at` are worded again:
// every statusEvery, or with the list's repaints while it is busy.
func (lp *listPace) statusDue(at, now time.Time) bool {
	if lp.busy {
		return now.Sub(at) >= busyEvery
	}
	return now.Sub(at) >= statusEvery
}
