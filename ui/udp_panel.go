package ui

import (
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// udpPanel is a UDP session: where it binds, the multicast groups it
// joins, the receive view, and the send box with the address each
// datagram goes to (or "reply to the last sender").
type udpPanel struct {
	trafficPanel
	listenForm
	engine atomic.Pointer[netassist.UDP] // the last one opened

	udpDest   *widget.SelectEntry
	replyLast *widget.Check
	mc        *multicastBox
	fDest     *field

	// copies of widget state for the send path (any goroutine)
	replyOn  atomic.Bool
	destText atomic.Value // string

	lookupMu sync.Mutex   // guards lookups
	lookups  []lookupSend // sends waiting for a name lookup, in order
}

func newUDPPanel(a *App, n int) *udpPanel {
	p := &udpPanel{}
	p.initTraffic(a, netassist.KindUDP, n, "udp", p, p.sendData)
	p.datagrams = true
	p.send.sendNow = p.sendFromBox
	p.rules = newRulesArea(a, p.prefKey)
	p.rules.live = p.liveRules
	return p
}

func (p *udpPanel) build() fyne.CanvasObject {
	p.buildSession()
	settings := p.buildListen()
	p.fields = p.listenFields()
	// Above the address list, so that Join and the joined groups are on
	// screen at 1024×700 without scrolling.
	p.mc = newMulticastBox(p.multicaster, p.app.rememberSessions)
	extra := []fyne.CanvasObject{widget.NewSeparator(), p.mc.object(), widget.NewSeparator(), p.rules.build(), widget.NewSeparator()}
	p.loadListen(p.app, p.prefKey, "udp", "9000")

	dests := []string{}
	for _, b := range netassist.BroadcastAddrs() {
		dests = append(dests, b.Addr+":"+p.localPortOr("9000"))
	}
	p.udpDest = widget.NewSelectEntry(dests)
	p.udpDest.OnChanged = func(s string) { p.destText.Store(s) }
	p.udpDest.SetPlaceHolder("127.0.0.1:9000")
	p.fDest = newField(T("udp.dest", "Send to (host:port)"), p.udpDest)
	p.replyLast = widget.NewCheck(T("udp.replylast", "Reply to last sender"), func(b bool) { p.replyOn.Store(b) })
	p.loadUDPSettings()
	sendTop := container.NewBorder(nil, nil, nil, p.replyLast,
		container.NewBorder(nil, p.fDest.err, widget.NewLabel(T("udp.dest", "Send to (host:port)")), nil, p.udpDest))
	obj := p.layout(settings, extra, sendTop, nil)
	p.loadOptions()
	return obj
}

func (p *udpPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: netassist.KindUDP}
	ok := p.readListen(&cfg)
	// The "Send to" address is remembered with the session when it is
	// one; a half-typed one is no reason not to open.
	if d := strings.TrimSpace(p.udpDest.Text); netassist.CheckHostPort(d, true) == nil {
		cfg.Remote = d
	}
	cfg.Iface = p.mc.ifaceName()
	cfg.Rules = p.rules.current()
	return cfg, ok
}

// fill puts a config into the form (for --open and remembered sessions).
func (p *udpPanel) fill(cfg netassist.Config) {
	p.fillListen(cfg)
	if cfg.Remote != "" {
		p.udpDest.SetText(cfg.Remote)
	}
	p.mc.setIface(cfg.Iface)
	if len(cfg.Groups) > 0 {
		p.mc.group.SetText(cfg.Groups[len(cfg.Groups)-1])
	}
	if cfg.Rules != nil { // --rules
		p.rules.use(cfg.Rules)
	}
}

// open starts a session from cfg, exactly as pressing Open does.
func (p *udpPanel) open(cfg netassist.Config) error {
	cfg.Rules = p.rules.current()
	u := netassist.NewUDP(cfg, p.hub)
	p.engine.Store(u)
	if err := p.start(u, cfg); err != nil {
		return err
	}
	p.mc.refresh() // groups joined at Start (--open, restore)
	return nil
}

// udp is the open session, or nil.
func (p *udpPanel) udp() *netassist.UDP {
	b, u := p.sess.Load(), p.engine.Load()
	if b == nil || u == nil || b.s != netassist.Session(u) {
		return nil
	}
	return u
}

// multicaster is the open session as a multicaster, or nil.
func (p *udpPanel) multicaster() multicaster {
	if u := p.udp(); u != nil {
		return u
	}
	return nil
}

func (p *udpPanel) listening() (string, string) {
	if u := p.udp(); u != nil {
		return "udp", u.LocalAddr()
	}
	return "", ""
}

// spec is the open session's --open SPEC with the groups it has joined.
func (p *udpPanel) spec() (string, bool) {
	if p.udp() == nil {
		return "", false
	}
	cfg, _ := p.config()
	cfg.Groups = p.mc.groups()
	return cfg.Spec(), true
}

// sendData sends one datagram to the "Send to" address or the last
// sender; it never blocks on the network (a name to look up goes through
// sendFromBox).
func (p *udpPanel) sendData(data []byte) error {
	u := p.udp()
	if u == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	if p.replyLastOn() {
		return u.ReplyLast(data)
	}
	dest := p.udpDestText()
	if err := netassist.CheckHostPort(dest, true); err != nil {
		return err
	}
	return u.SendTo(dest, data)
}

// The send path may run on a repeat or file goroutine, so it reads the
// target from copies the widgets' callbacks keep.
func (p *udpPanel) replyLastOn() bool { return p.replyOn.Load() }

func (p *udpPanel) udpDestText() string {
	v, _ := p.destText.Load().(string)
	return strings.TrimSpace(v)
}

func (p *udpPanel) loadUDPSettings() {
	pr := p.app.fa.Preferences()
	p.udpDest.SetText(pr.StringWithFallback(p.prefKey("dest"), "127.0.0.1:9001"))
	p.mc.group.SetText(pr.String(p.prefKey("group")))
	p.mc.setIface(pr.String(p.prefKey("iface")))
}

func (p *udpPanel) saveSettings(cfg netassist.Config) {
	p.saveListen(p.app, p.prefKey, cfg)
	pr := p.app.fa.Preferences()
	pr.SetString(p.prefKey("dest"), strings.TrimSpace(p.udpDest.Text))
	pr.SetString(p.prefKey("group"), strings.TrimSpace(p.mc.group.Text))
	pr.SetString(p.prefKey("iface"), p.mc.ifaceName())
}
