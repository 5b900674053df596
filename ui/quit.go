package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2/container"
)

// Quitting must not depend on Fyne's loop finishing: with Fyne v2.7.1 the
// main goroutine can wait forever in Lifecycle.WaitForEvents while the
// lifecycle queue waits for the main goroutine. So every way out (Ctrl+Q,
// the window's ×, SIGTERM, a lost display) also starts a watchdog that
// closes the sessions itself and ends the process.

// quitGrace is how long the normal way out (the window closes, the loop
// returns, main ends) may take before the watchdog ends the process.
const quitGrace = 3 * time.Second

// closeLimit bounds the wait for the sessions to close and flush their
// saved files when the watchdog or a lost display ends the process.
const closeLimit = 5 * time.Second

// closer closes the sessions once, whoever asks first.
type closer struct {
	once sync.Once
	done chan struct{}
}

// CloseSessions ends every session and the pump, and flushes and closes
// every saved file; any goroutine, any number of times: later calls wait
// for the first to finish.
func (a *App) CloseSessions() {
	a.closing.once.Do(func() {
		defer close(a.closing.done)
		a.pump.close()
		a.mu.Lock()
		panels := a.panels
		a.panels = map[*container.TabItem]panel{}
		a.mu.Unlock()
		var wg sync.WaitGroup
		for _, p := range panels {
			wg.Add(1)
			go func() { defer wg.Done(); p.shutdown() }()
		}
		wg.Wait()
	})
	<-a.closing.done
}

// closeSessionsWithin is CloseSessions bounded by limit; it reports
// whether the sessions closed in time.
func (a *App) closeSessionsWithin(limit time.Duration) bool {
	done := make(chan struct{})
	go func() { a.CloseSessions(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(limit):
		return false
	}
}

// ExitWithin makes sure the process ends: after grace, if it is still
// running, it closes the sessions (bounded by closeLimit) and calls
// Options.Exit with code. Without Options.Exit (tests) it does nothing.
// Any goroutine; only the first call counts.
func (a *App) ExitWithin(grace time.Duration, code int) {
	if a.opts.Exit == nil {
		return
	}
	a.watchdog.Do(func() {
		go a.runWatchdog(grace, code)
	})
}

// runWatchdog is a named function so that it shows in goroutine dumps.
func (a *App) runWatchdog(grace time.Duration, code int) {
	time.Sleep(grace)
	a.log.Warnf("still running %v after quitting: closing the sessions and exiting", grace)
	if !a.closeSessionsWithin(closeLimit) {
		a.log.Errorf("sessions did not close within %v; exiting anyway", closeLimit)
	}
	a.opts.Exit(code)
}

// DisplayLost ends NetAssist when its display went away: the window can
// no longer be drawn or closed, so the sessions are closed here and the
// process exits with code. It does not return when Options.Exit is set.
func (a *App) DisplayLost(code int) {
	a.log.Error("the display went away: closing the sessions and exiting")
	if !a.closeSessionsWithin(closeLimit) {
		a.log.Errorf("sessions did not close within %v; exiting anyway", closeLimit)
	}
	if a.opts.Exit != nil {
		a.opts.Exit(code)
	}
}
