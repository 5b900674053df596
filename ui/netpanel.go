package ui

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/client"
	"netassist/netassist"
)

// netPanel is one TCP server, TCP client or UDP session: settings on the
// left, the receive view with (for a server) the connection list on the
// right, the send box below, and a status line.
type netPanel struct {
	app  *App
	kind netassist.Kind
	hub  *netassist.Hub // one per panel, for the panel's whole life

	sess    atomic.Pointer[sessionBox]     // nil while closed
	attempt atomic.Pointer[connectAttempt] // a client connecting, or nil

	lookupMu sync.Mutex   // guards lookups
	lookups  []lookupSend // UDP sends waiting for a name lookup, in order

	// settings
	localHost  *widget.SelectEntry
	localPort  *widget.Entry
	remoteHost *widget.Entry
	remotePort *widget.Entry
	timeout    *widget.Entry
	closeOnFIN *widget.Check
	fLocal     *field
	fPort      *field
	fRemote    *field
	fRPort     *field
	openBtn    *widget.Button
	saveChk    *widget.Check
	saveLine   *saveLine
	reach      *widget.Label
	sessErr    *widget.Label

	// UDP
	udpDest   *widget.SelectEntry
	replyLast *widget.Check
	mc        *multicastBox
	fDest     *field

	// server
	target *widget.RadioGroup
	conns  *connList

	// HTTP reading of the streams (TCP kinds and the HTTP client)
	http     *httpTraffic
	parseChk *widget.Check
	recvTabs *container.AppTabs
	tlsChk   *widget.Check
	insecure *widget.Check
	tmpl     *widget.Select

	recv   *recvView
	send   *sendBox
	status *widget.Label
	resetB *widget.Button

	// copies of widget state for the send path (any goroutine)
	toSelected atomic.Bool
	replyOn    atomic.Bool
	destText   atomic.Value // string

	// pump-side state
	rate        netassist.RateMeter
	connVersion uint64
	connAt      time.Time
	connsShown  []netassist.ConnInfo
	statusShown string
	statusAt    time.Time
	savingShown bool
	pendingErrs []string
	errMu       sync.Mutex

	tab *container.TabItem

	// main goroutine only
	shown        func() bool // whether the session's tab is the one on screen
	statusLatest string      // the newest status line, shown when the tab is
}

// sessionBox lets the panel swap sessions atomically for the pump.
type sessionBox struct{ s netassist.Session }

func newNetPanel(a *App, kind netassist.Kind, n int) *netPanel {
	p := &netPanel{app: a, kind: kind, hub: netassist.NewHub(fmt.Sprintf("%s-%d", kind, n), a.totals)}
	p.recv = newRecvView(a.win, a.ringCap(), a.recvFontSize())
	p.send = newSendBox(a.win, p.sendData, p.reportAsync)
	p.send.sendNow = p.sendFromBox
	p.send.pump = a.pump // shows long sends' progress
	return p
}

func (p *netPanel) title() string { return kindTitle(p.kind) }

func (p *netPanel) build() fyne.CanvasObject {
	p.openBtn = widget.NewButton(T("sess.open", "Open"), p.onOpenClose)
	p.openBtn.Importance = widget.HighImportance
	p.saveChk = widget.NewCheck(T("sess.save", "Save traffic"), p.onSaveToggled)
	p.saveLine = newSaveLine(p.app.fa)
	p.reach = widget.NewLabel("")
	p.reach.Wrapping = fyne.TextWrapWord
	p.sessErr = newErrLine()

	var settings []fyne.CanvasObject
	switch p.kind {
	case netassist.KindTCPServer, netassist.KindUDP:
		p.localHost = widget.NewSelectEntry(netassist.ListenAddrs())
		p.localPort = widget.NewEntry()
		p.fLocal = newField(T("sess.localaddr", "Local address"), p.localHost)
		p.fPort = newField(T("sess.localport", "Local port"), p.localPort)
		settings = append(settings, p.fLocal.object(), p.fPort.object())
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		p.remoteHost = widget.NewEntry()
		p.remotePort = widget.NewEntry()
		p.localPort = widget.NewEntry()
		p.localPort.SetPlaceHolder(T("sess.auto", "automatic"))
		p.timeout = widget.NewEntry()
		p.timeout.SetText("10")
		p.fRemote = newField(T("sess.remotehost", "Server host"), p.remoteHost)
		p.fRPort = newField(T("sess.remoteport", "Server port"), p.remotePort)
		p.fPort = newField(T("sess.clientlocalport", "Local port (optional)"), p.localPort)
		settings = append(settings, p.fRemote.object(), p.fRPort.object())
		if p.kind == netassist.KindHTTPClient {
			p.tlsChk = widget.NewCheck(T("http.tls", "TLS (https)"), nil)
			p.insecure = widget.NewCheck(T("http.insecure", "Do not verify the certificate"), nil)
			settings = append(settings, p.tlsChk, p.insecure)
		} else {
			settings = append(settings, p.fPort.object())
		}
		settings = append(settings, widget.NewLabel(T("sess.timeout", "Connect timeout (s)")), p.timeout)
	}
	if p.kind == netassist.KindTCPServer || p.kind == netassist.KindTCPClient {
		p.closeOnFIN = widget.NewCheck(T("sess.closeonfin", "Close when peer closes"), p.onCloseOnFIN)
		p.closeOnFIN.SetChecked(true)
		settings = append(settings, p.closeOnFIN)
	}
	if p.kind != netassist.KindUDP {
		p.http = newHTTPTraffic(p.kind == netassist.KindTCPServer)
		if p.kind != netassist.KindHTTPClient {
			p.parseChk = widget.NewCheck(T("sess.parsehttp", "Parse as HTTP"), p.onParseHTTP)
			settings = append(settings, p.parseChk)
		}
	}
	settings = append(settings, p.openBtn, p.sessErr, p.saveChk, p.saveLine.object())
	if p.kind == netassist.KindUDP {
		// Above the address list, so that Join and the joined groups are
		// on screen at 1024×700 without scrolling.
		p.mc = newMulticastBox(p.multicaster, p.app.rememberSessions)
		settings = append(settings, widget.NewSeparator(), p.mc.object(), widget.NewSeparator())
	}
	settings = append(settings, p.reach)
	p.loadSettings()

	p.status = widget.NewLabel("")
	p.status.TextStyle = fyne.TextStyle{Monospace: true}
	p.status.Truncation = fyne.TextTruncateEllipsis // a long save path must not widen the window
	p.resetB = widget.NewButton(T("status.reset", "Reset counters"), p.onResetCounters)
	statusBar := container.NewBorder(nil, nil, nil, p.resetB, p.status)

	recvObj := p.recv.build()
	sendObj := p.send.build()
	if p.http != nil {
		p.recvTabs = container.NewAppTabs(
			container.NewTabItem(T("recv.bytes", "Bytes"), recvObj),
			container.NewTabItem(T("recv.http", "HTTP messages"), p.http.build()))
		recvObj = p.recvTabs
	}
	var sendTop fyne.CanvasObject
	switch p.kind {
	case netassist.KindTCPServer:
		p.conns = newConnList(p.onConnAction)
		p.conns.onSelect = p.onConnSelected
		recvObj = container.NewHSplit(recvObj, p.conns.build())
		recvObj.(*container.Split).Offset = 0.7
		p.target = widget.NewRadioGroup([]string{T("send.toall", "Send to all"), T("send.toselected", "Send to selected")}, func(sel string) {
			p.toSelected.Store(sel == T("send.toselected", "Send to selected"))
		})
		p.target.Horizontal = true
		p.target.Required = true
		p.target.SetSelected(T("send.toall", "Send to all"))
		sendTop = p.target
	case netassist.KindUDP:
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
		sendTop = container.NewBorder(nil, nil, nil, p.replyLast,
			container.NewBorder(nil, p.fDest.err, widget.NewLabel(T("udp.dest", "Send to (host:port)")), nil, p.udpDest))
	}
	if p.kind == netassist.KindHTTPClient {
		p.tmpl = widget.NewSelect([]string{"GET", "POST (form)", "POST (JSON)"}, p.onRequestTemplate)
		p.tmpl.PlaceHolder = T("http.template", "Template…")
		sendTop = p.tmpl
		p.send.newline.SetSelectedIndex(1) // CRLF: what HTTP needs
		p.http.on.Store(true)
		p.recvTabs.SelectIndex(1)
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
	p.loadOptions()
	return container.NewBorder(nil, statusBar, nil, nil, main)
}

func (p *netPanel) localPortOr(def string) string {
	if p.localPort != nil && strings.TrimSpace(p.localPort.Text) != "" {
		return strings.TrimSpace(p.localPort.Text)
	}
	return def
}

// config reads the form; field errors are shown beside their fields and
// nothing opens while any is left.
func (p *netPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: p.kind}
	ok := true
	check := func(f *field, val string, needHost bool) {
		f.setErr("")
		if needHost && strings.TrimSpace(val) == "" {
			f.setErr(T("field.needhost", "Type a host name or IP address."))
			ok = false
		}
	}
	checkPort := func(f *field, val string, optional bool) {
		f.setErr("")
		if optional && strings.TrimSpace(val) == "" {
			return
		}
		if netassist.CheckPort(val) != nil {
			f.setErr(T("field.badport", "The port must be a number from 0 to 65535."))
			ok = false
		}
	}
	switch p.kind {
	case netassist.KindTCPServer, netassist.KindUDP:
		check(p.fLocal, p.localHost.Text, true)
		if ip := strings.Trim(strings.TrimSpace(p.localHost.Text), "[]"); ok && net.ParseIP(ip) == nil && ip != "localhost" {
			p.fLocal.setErr(T("field.badip", "Choose one of this machine's addresses, 0.0.0.0 or ::."))
			ok = false
		}
		checkPort(p.fPort, p.localPort.Text, false)
		cfg.Local = netassist.JoinHostPort(strings.Trim(strings.TrimSpace(p.localHost.Text), "[]"), p.localPort.Text)
		if p.udpDest != nil {
			// The "Send to" address is remembered with the session when
			// it is one; a half-typed one is no reason not to open.
			if d := strings.TrimSpace(p.udpDest.Text); netassist.CheckHostPort(d, true) == nil {
				cfg.Remote = d
			}
			cfg.Iface = p.mc.ifaceName()
		}
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		check(p.fRemote, p.remoteHost.Text, true)
		checkPort(p.fRPort, p.remotePort.Text, false)
		checkPort(p.fPort, p.localPort.Text, true)
		cfg.Remote = netassist.JoinHostPort(strings.Trim(strings.TrimSpace(p.remoteHost.Text), "[]"), p.remotePort.Text)
		if lp := strings.TrimSpace(p.localPort.Text); lp != "" {
			cfg.Local = net.JoinHostPort("", lp)
		}
		if s, err := strconv.ParseFloat(strings.TrimSpace(p.timeout.Text), 64); err == nil && s > 0 {
			cfg.ConnectTimeout = time.Duration(s * float64(time.Second))
		}
	}
	if p.closeOnFIN != nil {
		cfg.CloseOnFIN = p.closeOnFIN.Checked
	}
	if p.tlsChk != nil {
		cfg.TLS, cfg.InsecureTLS = p.tlsChk.Checked, p.insecure.Checked
	}
	return cfg, ok
}

// fill puts a config into the form (for --open and remembered sessions).
func (p *netPanel) fill(cfg netassist.Config) {
	switch p.kind {
	case netassist.KindTCPServer, netassist.KindUDP:
		if h, port, err := net.SplitHostPort(cfg.Local); err == nil {
			p.localHost.SetText(h)
			p.localPort.SetText(port)
		}
		if p.udpDest != nil && cfg.Remote != "" {
			p.udpDest.SetText(cfg.Remote)
		}
		if p.mc != nil {
			p.mc.setIface(cfg.Iface)
			if len(cfg.Groups) > 0 {
				p.mc.group.SetText(cfg.Groups[len(cfg.Groups)-1])
			}
		}
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		if h, port, err := net.SplitHostPort(cfg.Remote); err == nil {
			p.remoteHost.SetText(h)
			p.remotePort.SetText(port)
		}
		if _, port, err := net.SplitHostPort(cfg.Local); err == nil {
			p.localPort.SetText(port)
		}
	}
	if p.tlsChk != nil {
		p.tlsChk.SetChecked(cfg.TLS)
		p.insecure.SetChecked(cfg.InsecureTLS)
	}
	if p.closeOnFIN != nil {
		p.closeOnFIN.SetChecked(cfg.CloseOnFIN)
	}
}

func (p *netPanel) onOpenClose() {
	if p.cancelConnect() {
		return
	}
	if p.sess.Load() != nil {
		p.closeSession()
		return
	}
	cfg, ok := p.config()
	if !ok {
		return
	}
	if err := p.open(cfg); err != nil {
		p.showSessErr(p.openErrText(err, cfg))
	}
}

// openErrText is errText for a failed Open.
func (p *netPanel) openErrText(err error, cfg netassist.Config) string {
	proto := "tcp"
	if p.kind == netassist.KindUDP {
		proto = "udp"
	}
	return p.app.openErrText(err, proto, cfg.Local)
}

// open starts a session from cfg, exactly as pressing Open does.
func (p *netPanel) open(cfg netassist.Config) error {
	var s netassist.Session
	switch p.kind {
	case netassist.KindTCPServer:
		s = netassist.NewTCPServer(cfg, p.hub)
	case netassist.KindTCPClient:
		s = netassist.NewTCPClient(cfg, p.hub)
	case netassist.KindUDP:
		s = netassist.NewUDP(cfg, p.hub)
	case netassist.KindHTTPClient:
		s = client.New(client.Config{Addr: cfg.Remote, TLS: cfg.TLS, Insecure: cfg.InsecureTLS, Timeout: cfg.ConnectTimeout}, p.hub)
	}
	p.showSessErr("")
	if _, ok := s.(contextStarter); ok {
		p.startConnect(s, cfg)
		return nil
	}
	if err := s.Start(); err != nil {
		p.app.log.WithField("session", p.hub.Name()).Warnf("open: %v", err)
		return err
	}
	p.opened(s, cfg)
	return nil
}

// opened shows a started session; main goroutine.
func (p *netPanel) opened(s netassist.Session, cfg netassist.Config) {
	p.sess.Store(&sessionBox{s: s})
	p.setOpen(true)
	p.saveSettings(cfg)
	p.saveOptions()
	p.reach.SetText(p.reachText(s))
	if p.mc != nil {
		p.mc.refresh() // groups joined at Start (--open, restore)
	}
	p.focusSend()
}

func (p *netPanel) reachText(s netassist.Session) string {
	switch p.kind {
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		return Tf("sess.connectedfrom", "Connected from %s", s.LocalAddr())
	}
	at := netassist.ReachableAt(s.LocalAddr())
	return Tf("sess.reachable", "Listening on %s — reachable at:\n%s", s.LocalAddr(), strings.Join(at, "\n"))
}

func (p *netPanel) closeSession() {
	b := p.sess.Swap(nil)
	if b == nil {
		return
	}
	p.send.stopRepeating()
	p.setOpen(false)
	p.reach.SetText("")
	if p.conns != nil {
		p.conns.set(nil)
	}
	go b.s.Close() // waits for goroutines; never on the UI goroutine
}

func (p *netPanel) setOpen(open bool) {
	if open {
		p.openBtn.SetText(T("sess.close", "Close"))
		p.openBtn.Importance = widget.DangerImportance
	} else {
		p.openBtn.SetText(T("sess.open", "Open"))
		p.openBtn.Importance = widget.HighImportance
	}
	p.openBtn.Refresh()
	for _, e := range []fyne.Disableable{p.localHost, p.localPort, p.remoteHost, p.remotePort, p.timeout} {
		if e == nil || isNilDisableable(e) {
			continue
		}
		if open {
			e.Disable()
		} else {
			e.Enable()
		}
	}
}

func isNilDisableable(d fyne.Disableable) bool {
	switch v := d.(type) {
	case *widget.Entry:
		return v == nil
	case *widget.SelectEntry:
		return v == nil
	}
	return false
}

func (p *netPanel) showSessErr(msg string) { showErrLine(p.sessErr, msg) }

// shutdown closes the session for good (tab closed or app quitting).
func (p *netPanel) shutdown() {
	p.dropConnect()
	p.send.stopRepeating()
	if b := p.sess.Swap(nil); b != nil {
		b.s.Close()
	}
	p.hub.StopSaving()
}

func (p *netPanel) onParseHTTP(on bool) {
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
func (p *netPanel) focusSend() { p.app.win.Canvas().Focus(p.send.entry) }
