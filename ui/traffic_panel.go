package ui

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// trafficPanel is what the kinds that show the bytes themselves (TCP
// server, TCP client, UDP, HTTP client) add to sessionPanel: settings on
// the left, the receive view on the right (as bytes and, for TCP, as HTTP
// messages), the send box below, and the status line with Reset counters.
// Each kind's own type embeds it and supplies its form.
type trafficPanel struct {
	sessionPanel
	kindForm trafficForm // the kind's own panel

	sess    atomic.Pointer[sessionBox]     // nil while closed
	attempt atomic.Pointer[connectAttempt] // a client connecting, or nil

	recv     *recvView
	send     *sendBox
	http     *httpTraffic // nil for UDP
	parseChk *widget.Check
	recvTabs *container.AppTabs
	resetB   *widget.Button
	fields   []fyne.Disableable // the form, fixed while open

	// Set by the kind's constructor.
	datagrams bool                                  // counts datagrams and has no connections (UDP)
	reachText func(s netassist.Session) string      // the line under Open once open
	connRound func(now time.Time, hold bool) func() // a server's connection list; pump goroutine; may be nil
	onClosed  func()                                // after the session is closed; main goroutine; may be nil

	framed atomic.Bool // the open session splits messages: the status line counts them

	rules *rulesArea // the kinds that answer by rules; nil for the others

	// pump-side state
	savingShown bool

	// main goroutine only
	shown        func() bool // whether the session's tab is the one on screen
	statusLatest string      // the newest status line, shown when the tab is
}

// trafficForm is what trafficPanel asks of the kind's own panel beyond
// sessionForm.
type trafficForm interface {
	sessionForm
	saveSettings(cfg netassist.Config) // remembers the form (on Open)
}

// sessionBox lets the panel swap sessions atomically for the pump.
type sessionBox struct{ s netassist.Session }

// initTraffic sets up the shared parts; send is the kind's send path.
func (p *trafficPanel) initTraffic(a *App, kind netassist.Kind, n int, proto string, form trafficForm, send sendFunc) {
	p.initSession(a, kind, netassist.NewHub(fmt.Sprintf("%s-%d", kind, n), a.totals), proto, form)
	p.kindForm = form
	p.reachText = listeningText
	p.recv = newRecvView(a.win, a.ringCap(), a.recvFontSize())
	p.send = newSendBox(a.win, send, p.reportAsync)
	p.send.pump = a.pump // shows long sends' progress
	p.send.queued = p.queuedBytes
}

// listeningText is a listening session's line under Open.
func listeningText(s netassist.Session) string {
	at := netassist.ReachableAt(s.LocalAddr())
	return Tf("sess.reachable", "Listening on %s — reachable at:\n%s", s.LocalAddr(), strings.Join(at, "\n"))
}

// connectedText is a client session's line under Open.
func connectedText(s netassist.Session) string {
	return Tf("sess.connectedfrom", "Connected from %s", s.LocalAddr())
}

// layout places the kind's settings and the shared parts: extra goes
// between the save line and the reach line, sendTop above the send box,
// side beside the receive view. The kind's build calls loadOptions after
// its own touches.
func (p *trafficPanel) layout(settings, extra []fyne.CanvasObject, sendTop, side fyne.CanvasObject) fyne.CanvasObject {
	settings = append(settings, p.openBtn, p.sessErr, p.saveChk, p.saveLine.object())
	settings = append(settings, extra...)
	settings = append(settings, p.reach)

	p.resetB = widget.NewButton(T("status.reset", "Reset counters"), p.onResetCounters)
	statusBar := container.NewBorder(nil, nil, nil, p.resetB, p.status)

	recvObj := p.recv.build()
	sendObj := p.send.build()
	if p.http != nil {
		p.http.fa = p.app.fa
		p.recvTabs = container.NewAppTabs(
			container.NewTabItem(T("recv.bytes", "Bytes"), recvObj),
			container.NewTabItem(T("recv.http", "HTTP messages"), p.http.build()))
		recvObj = p.recvTabs
	}
	if side != nil {
		split := container.NewHSplit(recvObj, side)
		split.Offset = 0.7
		recvObj = split
	}
	if sendTop != nil {
		sendObj = container.NewBorder(sendTop, nil, nil, nil, sendObj)
	}
	right := container.NewVSplit(recvObj, sendObj)
	right.Offset = 0.68
	left := container.NewVScroll(container.NewVBox(settings...))
	main := container.NewHSplit(left, right)
	main.Offset = 0.2
	p.showStatus(p.statusText(netassist.CounterSnapshot{}, 0, 0, 0))
	p.setOpen(false)
	return container.NewBorder(nil, statusBar, nil, nil, main)
}

func (p *trafficPanel) isOpen() bool { return p.attempt.Load() != nil || p.sess.Load() != nil }

// start starts s and shows it open; a failure is returned for the caller
// to show.
func (p *trafficPanel) start(s netassist.Session, cfg netassist.Config) error {
	p.showSessErr("")
	if err := s.Start(); err != nil {
		p.app.log.WithField("session", p.hub.Name()).Warnf("open: %v", err)
		return err
	}
	p.opened(s, cfg)
	return nil
}

// opened shows a started session; main goroutine.
func (p *trafficPanel) opened(s netassist.Session, cfg netassist.Config) {
	p.sess.Store(&sessionBox{s: s})
	p.setOpen(true)
	p.kindForm.saveSettings(cfg)
	p.app.fa.Preferences().SetString("last.kind", string(p.kind))
	p.saveOptions()
	p.reach.SetText(p.reachText(s))
	p.focusSend()
}

// closeSession closes the session, or gives up connecting.
func (p *trafficPanel) closeSession() {
	if p.cancelConnect() {
		return // the outcome arrives through the pump
	}
	b := p.sess.Swap(nil)
	if b == nil {
		return
	}
	p.send.stopRepeating()
	p.setOpen(false)
	p.reach.SetText("")
	if p.onClosed != nil {
		p.onClosed()
	}
	go b.s.Close() // waits for goroutines; never on the UI goroutine
}

func (p *trafficPanel) setOpen(open bool) {
	p.setOpenButton(open)
	for _, e := range p.fields {
		if open {
			e.Disable()
		} else {
			e.Enable()
		}
	}
}

// shutdown closes the session for good (tab closed or app quitting).
func (p *trafficPanel) shutdown() {
	p.dropConnect()
	p.send.stopRepeating()
	if b := p.sess.Swap(nil); b != nil {
		b.s.Close()
	}
	p.hub.StopSaving()
}

// sendAll sends to every connection of the open session; it never blocks
// on the network.
func (p *trafficPanel) sendAll(data []byte) error {
	b := p.sess.Load()
	if b == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	return b.s.SendConns(nil, data)
}

func (p *trafficPanel) onResetCounters() {
	p.hub.Counters.Reset()
	if b := p.sess.Load(); b != nil {
		b.s.ResetCounters()
	}
}

func (p *trafficPanel) onParseHTTP(on bool) {
	if on {
		p.http.clear() // the replay lists everything the view holds again
		p.http.replay.Store(true)
	}
	p.http.on.Store(on)
	if on {
		p.recvTabs.SelectIndex(1)
	}
}

// focusSend puts the keyboard in the send box: after Open, the next thing
// a user does is type what to send.
//
// Only on screen: a client connects in the background, and by then
// another tab may be shown (restoring several sessions), where Fyne logs
// "Failed to focus object" and the focus would not move anyway.
func (p *trafficPanel) focusSend() {
	if p.shown != nil && !p.shown() {
		return
	}
	p.app.win.Canvas().Focus(p.send.entry)
}

// connections is how many connections are open now; any goroutine.
func (p *trafficPanel) connections() int {
	if b := p.sess.Load(); b != nil {
		return b.s.ConnCount()
	}
	return 0
}

// feed is what the pump listens to for new events.
func (p *trafficPanel) feed() *netassist.Feed { return p.hub.Feed }

// queuedBytes is what the session was handed and has not written yet, and
// whether it is still open to write it; any goroutine.
func (p *trafficPanel) queuedBytes() (int, bool) {
	b := p.sess.Load()
	if b == nil {
		return 0, false
	}
	select {
	case <-b.s.Done():
		return 0, false
	default:
	}
	q, ok := b.s.(netassist.Queuer)
	if !ok {
		return 0, true // it writes at once
	}
	// A connection that ends drops its queue: with none left, what was
	// still queued did not go.
	return q.Queued(), b.s.ConnCount() > 0
}
