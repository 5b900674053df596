package ui

import (
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// tcpClientPanel is a TCP client session: the server to connect to, the
// receive view and the send box. It connects on a goroutine (connect.go),
// so Open reads Cancel meanwhile.
type tcpClientPanel struct {
	trafficPanel
	connectForm
	frame  framingForm                         // "Split messages by"
	engine atomic.Pointer[netassist.TCPClient] // the last one opened

	closeOnFIN *widget.Check
}

func newTCPClientPanel(a *App, n int) *tcpClientPanel {
	p := &tcpClientPanel{}
	p.initTraffic(a, netassist.KindTCPClient, n, "tcp", p, p.sendAll)
	p.reachText = connectedText
	p.rules = newRulesArea(a, p.prefKey)
	p.rules.live = p.liveRules
	return p
}

func (p *tcpClientPanel) build() fyne.CanvasObject {
	p.buildSession()
	p.buildConnect()
	settings := []fyne.CanvasObject{p.fRemote.object(), p.fRPort.object(), p.fPort.object()}
	settings = append(settings, p.timeoutObjects()...)
	p.closeOnFIN = widget.NewCheck(T("sess.closeonfin", "Close when peer closes"), p.onCloseOnFIN)
	p.closeOnFIN.SetChecked(true)
	p.http = newHTTPTraffic(false)
	p.parseChk = widget.NewCheck(T("sess.parsehttp", "Parse as HTTP"), p.onParseHTTP)
	settings = append(settings, p.closeOnFIN, p.parseChk)
	framingBox := p.frame.buildFraming()
	p.fields = append(p.connectFields(), p.frame.framingFields()...)
	p.loadConnect(p.app, p.prefKey, "7890")
	p.frame.loadFraming(p.app, p.prefKey)
	// Below Open, so that Open stays on screen at 1024×700.
	obj := p.layout(settings, []fyne.CanvasObject{p.rules.build(), widget.NewSeparator(), framingBox}, nil, nil)
	p.loadOptions()
	return obj
}

func (p *tcpClientPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: netassist.KindTCPClient, CloseOnFIN: p.closeOnFIN.Checked}
	ok := p.readConnect(&cfg)
	ok = p.frame.readFraming(&cfg.Framing) && ok
	cfg.Rules = p.rules.current()
	return cfg, ok
}

// fill puts a config into the form (for --open and remembered sessions).
func (p *tcpClientPanel) fill(cfg netassist.Config) {
	p.fillConnect(cfg)
	p.closeOnFIN.SetChecked(cfg.CloseOnFIN)
	p.frame.fillFraming(cfg.Framing)
	if cfg.Rules != nil { // --rules
		p.rules.use(cfg.Rules)
	}
}

// open starts connecting as pressing Open does; the outcome arrives
// through the pump.
func (p *tcpClientPanel) open(cfg netassist.Config) error {
	cfg.Rules = p.rules.current()
	s := netassist.NewTCPClient(cfg, p.hub)
	p.engine.Store(s)
	p.framed.Store(cfg.Framing.Splits())
	p.startConnect(s, s.StartContext, cfg)
	return nil
}

func (p *tcpClientPanel) saveSettings(cfg netassist.Config) {
	p.saveConnect(p.app, p.prefKey, cfg)
	p.frame.saveFraming(p.app, p.prefKey, cfg.Framing)
}

// onCloseOnFIN applies the box at once: to the connection, or to the one
// being made.
func (p *tcpClientPanel) onCloseOnFIN(on bool) {
	if at := p.attempt.Load(); at != nil || p.sess.Load() != nil {
		if s := p.engine.Load(); s != nil {
			s.SetCloseOnFIN(on)
		}
	}
}
