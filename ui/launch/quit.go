package launch

import (
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"netassist/ui"
)

// quitGrace is how long the normal way out may take after SIGTERM or
// SIGINT before the window's watchdog closes the sessions and exits.
const quitGrace = 3 * time.Second

// Quitter turns SIGTERM and SIGINT into a quit that always ends: before
// the window exists, main checks stopping and stops; after, the window's
// watchdog makes sure the process ends within seconds whatever the Fyne
// loop does (Fyne's own handler only asks its loop to quit).
type Quitter struct {
	log      logrus.FieldLogger
	win      atomic.Pointer[ui.App]
	stopping atomic.Bool
}

func NewQuitter(log logrus.FieldLogger) *Quitter {
	q := &Quitter{log: log}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go q.wait(sigs)
	return q
}

// wait is a named function so that it shows in goroutine dumps.
func (q *Quitter) wait(sigs <-chan os.Signal) {
	sig := <-sigs
	q.log.Infof("%v: quitting", sig)
	q.stopping.Store(true)
	if w := q.win.Load(); w != nil {
		w.ExitWithin(quitGrace, 0)
		return
	}
	// Still starting: main stops at its next step; should start-up itself
	// hang (the toolkit's init), end anyway.
	time.AfterFunc(quitGrace+5*time.Second, func() { os.Exit(0) })
}

// Running hands the window over once it exists and reports whether a
// signal came before that: then main closes the sessions and stops.
func (q *Quitter) Running(w *ui.App) (stop bool) {
	q.win.Store(w)
	if q.stopping.Load() {
		w.ExitWithin(0, 0)
		return true
	}
	return false
}
