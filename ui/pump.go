package ui

import (
	"sync"
	"sync/atomic"
	"time"

	"netassist/netassist"
)

// preparer is a panel as the pump sees it: prepare runs on the pump's
// goroutine (drain the feed, format rows) and returns what to apply on the
// main goroutine, or nil when nothing changed.
type preparer interface {
	prepare(now time.Time) func()
}

// heartbeatEvery is how often an idle window is still asked to run a
// (no-op) closure, to measure its responsiveness.
const heartbeatEvery = 200 * time.Millisecond

// After idleAfter without anything to show, the pump ticks every
// idleInterval instead of ~30 times a second, until a feed tells it of new
// events: an idle window should cost nothing, and traffic must still show
// at once. What no feed announces (a request on an open HTTP connection,
// the outcome of a connect) shows within idleInterval.
const (
	idleAfter    = time.Second
	idleInterval = 250 * time.Millisecond
)

// pump is the only way network updates reach widgets: one goroutine per
// window ticks at ~30 Hz and schedules at most one closure at a time, so a
// flood can never queue work faster than the UI runs it.
type pump struct {
	schedule func(func())
	lag      *netassist.MaxTracker
	interval time.Duration

	mu     sync.Mutex
	panels []preparer

	// onMain, when set (before start), runs in every closure the pump
	// schedules, heartbeats included: chores of the main goroutine that
	// must go on whether or not traffic flows.
	onMain func(now time.Time)

	inFlight atomic.Bool
	started  atomic.Bool
	// uiUp is set once a scheduled closure has run: the UI loop runs.
	// The first one waits for the window to be created and painted at
	// start-up (on a software-rendered display, 0.3-0.6 s of creating
	// the GL context and loading fonts), which is start-up time, not a
	// delay of the running window, so ui_lag_ms starts after it.
	uiUp     atomic.Bool
	lastBeat time.Time // pump goroutine only
	pace     pace      // at the idle pace a feed's push wakes the pump
	wakeCh   chan struct{}
	stop     chan struct{}
	done     chan struct{}
}

func newPump(schedule func(func()), lag *netassist.MaxTracker) *pump {
	return &pump{schedule: schedule, lag: lag, interval: time.Second / 30,
		wakeCh: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// add makes pr part of every round; a panel with a feed has it wake the
// pump when idle.
func (p *pump) add(pr preparer) {
	if f, ok := pr.(feeder); ok {
		f.feed().SetNotify(p.wake)
	}
	p.mu.Lock()
	p.panels = append(p.panels, pr)
	p.mu.Unlock()
}

// wake ends the pump's idle pace; it never blocks, and costs an atomic
// load when the pump is not idle (feeds call it for every event).
func (p *pump) wake() {
	if !p.pace.idle.Load() {
		return
	}
	select {
	case p.wakeCh <- struct{}{}:
	default:
	}
}

func (p *pump) remove(pr preparer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.panels {
		if x == pr {
			p.panels = append(p.panels[:i], p.panels[i+1:]...)
			return
		}
	}
}

// start runs the pump's goroutine until close.
func (p *pump) start() {
	if p.started.CompareAndSwap(false, true) {
		go p.run()
	}
}

func (p *pump) run() {
	defer close(p.done)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	p.pace.busy(time.Now())
	for {
		select {
		case <-p.stop:
			return
		case <-p.wakeCh:
			now := time.Now()
			if p.pace.busy(now) {
				t.Reset(p.interval)
				p.tick(now)
			}
		case now := <-t.C:
			if p.tick(now) {
				if p.pace.busy(now) {
					t.Reset(p.interval)
				}
			} else if p.pace.quiet(now) {
				t.Reset(idleInterval)
			}
		}
	}
}

// pace is the pump's choice between its normal and its idle interval.
type pace struct {
	idle   atomic.Bool // read by wake on the network goroutines
	lastAt time.Time   // when there was last something to do; pump goroutine
}

// busy notes activity at now; it reports whether the pump was idle.
func (s *pace) busy(now time.Time) (wasIdle bool) {
	s.lastAt = now
	return s.idle.Swap(false)
}

// quiet notes a round with nothing to do; it reports whether the pump has
// just become idle.
func (s *pace) quiet(now time.Time) bool {
	if s.idle.Load() || now.Sub(s.lastAt) < idleAfter {
		return false
	}
	s.idle.Store(true)
	return true
}

// tick does one round; tests call it directly with an inline scheduler. It
// reports whether there was anything to do.
func (p *pump) tick(now time.Time) bool {
	if !p.inFlight.CompareAndSwap(false, true) {
		return true // the UI has not applied the last round yet: skip, never queue
	}
	p.mu.Lock()
	panels := append([]preparer(nil), p.panels...)
	p.mu.Unlock()
	var applies []func()
	for _, pr := range panels {
		if f := pr.prepare(now); f != nil {
			applies = append(applies, f)
		}
	}
	// When nothing changed, only a heartbeat goes out, and only a few times
	// a second: its delay is --metrics' ui_lag_ms, and an idle window
	// should cost (almost) nothing.
	if len(applies) == 0 && now.Sub(p.lastBeat) < heartbeatEvery {
		p.inFlight.Store(false)
		return false
	}
	p.lastBeat = now
	scheduled := time.Now()
	p.schedule(func() {
		if p.lag != nil && p.uiUp.Load() {
			p.lag.Observe(time.Since(scheduled))
		}
		p.uiUp.Store(true)
		if p.onMain != nil {
			p.onMain(time.Now())
		}
		for _, f := range applies {
			f()
		}
		p.inFlight.Store(false)
	})
	return len(applies) > 0
}

func (p *pump) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
		if p.started.Load() {
			<-p.done
		}
	}
}
