package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// A client session connects on a goroutine of its own: a host that drops
// the SYN, or a slow name lookup, would otherwise freeze the window for
// the whole connect timeout. Meanwhile Open reads Cancel; the outcome
// reaches the window through the pump like any other update.

// connectAttempt is one connection under way.
type connectAttempt struct {
	s      netassist.Session
	cfg    netassist.Config
	cancel context.CancelFunc
	err    error         // set before done is closed
	done   chan struct{} // closed when the goroutine has finished
}

func (at *connectAttempt) finished() bool {
	select {
	case <-at.done:
		return true
	default:
		return false
	}
}

// startConnect begins connecting s by start (its StartContext); main
// goroutine.
func (p *trafficPanel) startConnect(s netassist.Session, start func(context.Context) error, cfg netassist.Config) {
	p.showSessErr("")
	ctx, cancel := context.WithCancel(context.Background())
	at := &connectAttempt{s: s, cfg: cfg, cancel: cancel, done: make(chan struct{})}
	p.attempt.Store(at)
	p.setOpen(true) // the fields are fixed while connecting
	p.openBtn.SetText(T("sess.cancel", "Cancel"))
	p.openBtn.Importance = widget.MediumImportance
	p.openBtn.Refresh()
	p.reach.SetText(Tf("sess.connecting", "Connecting to %s…", cfg.Remote))
	go func() {
		defer close(at.done)
		err := start(ctx)
		if err == nil && ctx.Err() != nil {
			s.Close() // connected just as the user cancelled
			err = ctx.Err()
		}
		at.err = err
	}()
}

// connectOutcome returns what to apply on the main goroutine once the
// attempt has ended, or nil; pump goroutine.
func (p *trafficPanel) connectOutcome() func() {
	at := p.attempt.Load()
	if at == nil || !at.finished() {
		return nil
	}
	return func() {
		if !p.attempt.CompareAndSwap(at, nil) {
			return // already handled
		}
		at.cancel()
		if at.err != nil {
			p.setOpen(false)
			p.reach.SetText("")
			if errors.Is(at.err, context.Canceled) {
				p.showSessErr(T("sess.cancelled", "Connecting was cancelled."))
			} else {
				p.app.log.WithField("session", p.hub.Name()).Warnf("open: %v", at.err)
				p.showSessErr(errText(at.err))
			}
			return
		}
		p.opened(at.s, at.cfg)
	}
}

// cancelConnect stops a connection under way; its outcome still arrives
// through the pump. Main goroutine.
func (p *trafficPanel) cancelConnect() bool {
	at := p.attempt.Load()
	if at == nil {
		return false
	}
	at.cancel()
	return true
}

// dropConnect ends a connection under way for a panel that is going away:
// nobody will apply its outcome, so a connection made anyway is closed.
func (p *trafficPanel) dropConnect() {
	at := p.attempt.Swap(nil)
	if at == nil {
		return
	}
	at.cancel()
	<-at.done
	if at.err == nil {
		at.s.Close()
	}
}
