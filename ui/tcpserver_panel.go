package ui

import (
	"errors"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// tcpServerPanel is a TCP server session: where it listens, the receive
// view with the list of connected clients beside it, and the send box
// that sends to all of them or to the selected ones.
type tcpServerPanel struct {
	trafficPanel
	listenForm
	frame  framingForm                         // "Split messages by"
	engine atomic.Pointer[netassist.TCPServer] // the last one opened

	closeOnFIN *widget.Check
	target     *widget.RadioGroup
	conns      *connList
	toSelected atomic.Bool // the target, for the send path (any goroutine)

	// pump goroutine
	connVersion uint64
	connAt      time.Time
	connsShown  []netassist.ConnInfo
}

func newTCPServerPanel(a *App, n int) *tcpServerPanel {
	p := &tcpServerPanel{}
	p.initTraffic(a, netassist.KindTCPServer, n, "tcp", p, p.sendData)
	p.connRound = p.prepareConns
	p.onClosed = func() { p.conns.set(nil) }
	p.rules = newRulesArea(a, p.prefKey)
	p.rules.live = p.liveRules
	return p
}

func (p *tcpServerPanel) build() fyne.CanvasObject {
	p.buildSession()
	settings := p.buildListen()
	p.closeOnFIN = widget.NewCheck(T("sess.closeonfin", "Close when peer closes"), p.onCloseOnFIN)
	p.closeOnFIN.SetChecked(true)
	p.http = newHTTPTraffic(true)
	p.parseChk = widget.NewCheck(T("sess.parsehttp", "Parse as HTTP"), p.onParseHTTP)
	settings = append(settings, p.closeOnFIN, p.parseChk)
	framingBox := p.frame.buildFraming()
	p.fields = append(p.listenFields(), p.frame.framingFields()...)
	p.loadListen(p.app, p.prefKey, "tcp", "7890")
	p.frame.loadFraming(p.app, p.prefKey)

	p.conns = newConnList(p.onConnAction)
	p.conns.onSelect = p.onConnSelected
	p.target = widget.NewRadioGroup([]string{T("send.toall", "Send to all"), T("send.toselected", "Send to selected")}, func(sel string) {
		p.toSelected.Store(sel == T("send.toselected", "Send to selected"))
	})
	p.target.Horizontal = true
	p.target.Required = true
	p.target.SetSelected(T("send.toall", "Send to all"))
	p.send.beside = p.target
	// Below Open, so that Open stays on screen at 1024×700.
	obj := p.layout(settings, []fyne.CanvasObject{p.rules.build(), widget.NewSeparator(), framingBox}, nil, p.conns.build())
	p.loadOptions()
	return obj
}

func (p *tcpServerPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: netassist.KindTCPServer, CloseOnFIN: p.closeOnFIN.Checked}
	ok := p.readListen(&cfg)
	ok = p.frame.readFraming(&cfg.Framing) && ok
	cfg.Rules = p.rules.current()
	return cfg, ok
}

// fill puts a config into the form (for --open and remembered sessions).
func (p *tcpServerPanel) fill(cfg netassist.Config) {
	p.fillListen(cfg)
	p.closeOnFIN.SetChecked(cfg.CloseOnFIN)
	p.frame.fillFraming(cfg.Framing)
	if cfg.Rules != nil { // --rules
		p.rules.use(cfg.Rules)
	}
}

// open starts a session from cfg, exactly as pressing Open does.
func (p *tcpServerPanel) open(cfg netassist.Config) error {
	cfg.Rules = p.rules.current()
	s := netassist.NewTCPServer(cfg, p.hub)
	p.engine.Store(s)
	p.framed.Store(cfg.Framing.Splits())
	return p.start(s, cfg)
}

func (p *tcpServerPanel) saveSettings(cfg netassist.Config) {
	p.saveListen(p.app, p.prefKey, cfg)
	p.frame.saveFraming(p.app, p.prefKey, cfg.Framing)
}

// server is the open session, or nil.
func (p *tcpServerPanel) server() *netassist.TCPServer {
	b, s := p.sess.Load(), p.engine.Load()
	if b == nil || s == nil || b.s != netassist.Session(s) {
		return nil
	}
	return s
}

func (p *tcpServerPanel) listening() (string, string) {
	if s := p.server(); s != nil {
		return "tcp", s.LocalAddr()
	}
	return "", ""
}

// sendData sends to all connections or the selected ones; it never
// blocks on the network.
func (p *tcpServerPanel) sendData(data []byte) error {
	b := p.sess.Load()
	if b == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	var ids []uint64
	// The send path may run on a repeat or file goroutine, so it reads
	// the target from the copy the radio group's callback keeps.
	if p.toSelected.Load() {
		ids = p.conns.selection()
		if len(ids) == 0 {
			return errors.New(T("send.noselection", "No connection is selected: click one in the list (or tick it), or choose \"Send to all\"."))
		}
	}
	return b.s.SendConns(ids, data)
}

// prepareConns reads the connection list for the pump and returns what
// to apply on the main goroutine, or nil when nothing changed.
func (p *tcpServerPanel) prepareConns(now time.Time, hold bool) func() {
	s := p.server()
	if s == nil {
		return nil
	}
	// The list's figures move with traffic, so refresh it when
	// connections change and, for the counters, twice a second.
	v := s.Version()
	if hold || (v == p.connVersion && now.Sub(p.connAt) <= 500*time.Millisecond) {
		return nil
	}
	p.connVersion, p.connAt = v, now
	conns := s.Conns()
	if slices.Equal(conns, p.connsShown) {
		return nil // unchanged figures need no repaint
	}
	p.connsShown = conns
	return func() { p.conns.set(conns) }
}

func (p *tcpServerPanel) onConnAction(ids []uint64, a connAction) {
	srv := p.server()
	if srv == nil {
		return
	}
	if len(ids) == 0 {
		p.showSessErr(noSelectionText())
		return
	}
	p.showSessErr("")
	go func() {
		for _, id := range ids {
			c := srv.Conn(id)
			if c == nil {
				continue
			}
			switch a {
			case actHalfClose:
				if err := c.HalfClose(); err != nil {
					p.reportAsync(err)
				}
			case actClose:
				c.Close(false)
			case actReset:
				c.Close(true)
			}
		}
	}()
}

// onConnSelected clears the "nothing selected" note once there is a
// selection; other errors stay.
func (p *tcpServerPanel) onConnSelected() {
	if p.sessErr.Text == noSelectionText() {
		p.showSessErr("")
	}
}

func noSelectionText() string {
	return T("conns.noselection", "No connection is selected: click a connection in the list (or tick it), then press the button again.")
}

// onCloseOnFIN applies the box at once to an open server: its current
// connections and the next ones.
func (p *tcpServerPanel) onCloseOnFIN(on bool) {
	if s := p.server(); s != nil {
		s.SetCloseOnFIN(on)
	}
}
