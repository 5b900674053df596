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

// pump is the only way network updates reach widgets: one goroutine per
// window ticks at ~30 Hz and schedules at most one closure at a time, so a
// flood can never queue work faster than the UI runs it.
type pump struct {
	schedule func(func())
	lag      *netassist.MaxTracker
	interval time.Duration

	mu     sync.Mutex
	panels []preparer

	inFlight atomic.Bool
	started  atomic.Bool
	lastBeat time.Time // pump goroutine only
	stop     chan struct{}
	done     chan struct{}
}

func newPump(schedule func(func()), lag *netassist.MaxTracker) *pump {
	return &pump{schedule: schedule, lag: lag, interval: time.Second / 30, stop: make(chan struct{}), done: make(chan struct{})}
}

func (p *pump) add(pr preparer) {
	p.mu.Lock()
	p.panels = append(p.panels, pr)
	p.mu.Unlock()
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
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			p.tick(now)
		}
	}
}

// tick does one round; tests call it directly with an inline scheduler.
func (p *pump) tick(now time.Time) {
	if !p.inFlight.CompareAndSwap(false, true) {
		return // the UI has not applied the last round yet: skip, never queue
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
		return
	}
	p.lastBeat = now
	scheduled := time.Now()
	p.schedule(func() {
		if p.lag != nil {
			p.lag.Observe(time.Since(scheduled))
		}
		for _, f := range applies {
			f()
		}
		p.inFlight.Store(false)
	})
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
