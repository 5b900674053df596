package ui

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"sort"
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

	sess atomic.Pointer[sessionBox] // nil while closed

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
	reach      *widget.Label
	sessErr    *widget.Label

	// UDP
	udpDest    *widget.SelectEntry
	replyLast  *widget.Check
	groupEntry *widget.Entry
	joinBtn    *widget.Button
	fDest      *field

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
	savingShown bool
	pendingErrs []string
	errMu       sync.Mutex

	tab *container.TabItem
}

// sessionBox lets the panel swap sessions atomically for the pump.
type sessionBox struct{ s netassist.Session }

func newNetPanel(a *App, kind netassist.Kind, n int) *netPanel {
	p := &netPanel{app: a, kind: kind, hub: netassist.NewHub(fmt.Sprintf("%s-%d", kind, n), a.totals)}
	p.recv = newRecvView(a.win, a.ringCap(), a.recvFontSize())
	p.send = newSendBox(a.win, p.sendData, p.reportAsync)
	return p
}

func (p *netPanel) title() string {
	switch p.kind {
	case netassist.KindTCPServer:
		return T("kind.tcp-server", "TCP server")
	case netassist.KindTCPClient:
		return T("kind.tcp-client", "TCP client")
	case netassist.KindHTTPClient:
		return T("kind.http-client", "HTTP client")
	}
	return T("kind.udp", "UDP")
}

func (p *netPanel) build() fyne.CanvasObject {
	p.openBtn = widget.NewButton(T("sess.open", "Open"), p.onOpenClose)
	p.openBtn.Importance = widget.HighImportance
	p.saveChk = widget.NewCheck(T("sess.save", "Save traffic"), p.onSaveToggled)
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
		p.closeOnFIN = widget.NewCheck(T("sess.closeonfin", "Close when peer closes"), nil)
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
	settings = append(settings, p.openBtn, p.sessErr, p.saveChk, p.reach)
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
		p.groupEntry = widget.NewEntry()
		p.groupEntry.SetPlaceHolder("239.1.2.3")
		p.joinBtn = widget.NewButton(T("udp.join", "Join group"), p.onJoin)
		p.loadUDPSettings()
		sendTop = container.NewBorder(nil, nil, nil, container.NewHBox(p.replyLast, widget.NewLabel(T("udp.group", "Multicast")), container.NewGridWrap(fyne.NewSize(130, p.groupEntry.MinSize().Height), p.groupEntry), p.joinBtn),
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
	if p.sess.Load() != nil {
		p.closeSession()
		return
	}
	cfg, ok := p.config()
	if !ok {
		return
	}
	if err := p.open(cfg); err != nil {
		p.showSessErr(errText(err))
	}
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
	if err := s.Start(); err != nil {
		p.app.log.WithField("session", p.hub.Name()).Warnf("open: %v", err)
		return err
	}
	p.sess.Store(&sessionBox{s: s})
	p.setOpen(true)
	p.saveSettings(cfg)
	p.saveOptions()
	p.reach.SetText(p.reachText(s))
	p.focusSend()
	return nil
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

// sendData sends to the panel's target; it never blocks on the network.
func (p *netPanel) sendData(data []byte) error {
	b := p.sess.Load()
	if b == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	switch s := b.s.(type) {
	case *netassist.TCPServer:
		var ids []uint64
		if p.sendToSelected() {
			ids = p.selectedIDs()
			if len(ids) == 0 {
				return errors.New(T("send.noselection", "No connection is selected: tick one in the list, or choose \"Send to all\"."))
			}
		}
		_, err := s.Send(ids, data)
		return err
	case *netassist.TCPClient:
		return s.Send(data)
	case *client.Client:
		return s.Send(data)
	case *netassist.UDP:
		if p.replyLastOn() {
			return s.ReplyLast(data)
		}
		dest := p.udpDestText()
		if err := netassist.CheckHostPort(dest, true); err != nil {
			return err
		}
		return s.SendTo(dest, data)
	}
	return nil
}

// The send path may run on a repeat or file goroutine, so it reads the
// target settings from copies the widgets' callbacks keep.
func (p *netPanel) sendToSelected() bool { return p.toSelected.Load() }

func (p *netPanel) selectedIDs() []uint64 { return p.conns.selection() }

func (p *netPanel) replyLastOn() bool { return p.replyOn.Load() }

func (p *netPanel) udpDestText() string {
	v, _ := p.destText.Load().(string)
	return strings.TrimSpace(v)
}

// reportAsync shows an error from a background send in the session.
func (p *netPanel) reportAsync(err error) {
	p.errMu.Lock()
	p.pendingErrs = append(p.pendingErrs, errText(err))
	p.errMu.Unlock()
}

func (p *netPanel) onConnAction(ids []uint64, a connAction) {
	b := p.sess.Load()
	if b == nil {
		return
	}
	srv, ok := b.s.(*netassist.TCPServer)
	if !ok {
		return
	}
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

func (p *netPanel) onJoin() {
	b := p.sess.Load()
	if b == nil {
		p.showSessErr(T("udp.opennfirst", "Open the UDP session first."))
		return
	}
	u := b.s.(*netassist.UDP)
	if err := u.JoinGroup(strings.TrimSpace(p.groupEntry.Text), ""); err != nil {
		p.showSessErr(errText(err))
		return
	}
	p.showSessErr("")
}

func (p *netPanel) onSaveToggled(on bool) {
	if !on {
		if err := p.hub.StopSaving(); err != nil {
			p.showSessErr(Tf("save.failed", "Saving failed: %v", err))
		}
		return
	}
	dir, err := p.hub.StartSaving(p.app.saveDir())
	if err != nil {
		p.saveChk.SetChecked(false)
		p.showSessErr(Tf("save.failed", "Saving failed: %v", err))
		return
	}
	p.reach.SetText(strings.TrimSpace(p.reach.Text + "\n" + Tf("save.into", "Saving into %s", dir)))
}

func (p *netPanel) onResetCounters() {
	p.hub.Counters.Reset()
	if b := p.sess.Load(); b != nil {
		if srv, ok := b.s.(*netassist.TCPServer); ok {
			for _, ci := range srv.Conns() {
				if c := srv.Conn(ci.ID); c != nil {
					c.Counters.Reset()
				}
			}
		}
		if c, ok := b.s.(*netassist.TCPClient); ok && c.Conn() != nil {
			c.Conn().Counters.Reset()
		}
	}
}

// prepare runs on the pump goroutine: drain, format, read counters.
func (p *netPanel) prepare(now time.Time) func() {
	var evs []netassist.Event
	var drops netassist.FeedDrops
	if !p.recv.paused.Load() {
		evs, drops = p.hub.Feed.Drain()
		// A send is stamped before its write, and its answer can be
		// recorded first: show them in the order they happened.
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	}
	upd, changed := p.recv.prepare(evs, drops, now)
	var msgs []trafficMsg
	var lost bool
	if p.http != nil {
		msgs, lost = p.http.feed(evs, drops)
	}
	var errs []string
	for _, ev := range evs {
		if ev.Kind == netassist.EvError {
			errs = append(errs, ev.Detail)
		}
	}
	p.errMu.Lock()
	errs = append(errs, p.pendingErrs...)
	p.pendingErrs = nil
	p.errMu.Unlock()

	snap := p.hub.Counters.Snapshot()
	p.rate.Update(snap, now)
	var conns []netassist.ConnInfo
	var ended *sessionBox
	connsChanged := false
	nconn := 0
	if b := p.sess.Load(); b != nil {
		switch s := b.s.(type) {
		case *netassist.TCPServer:
			// The list's figures move with traffic, so refresh it when
			// connections change and, for the counters, twice a second.
			if v := s.Version(); v != p.connVersion || now.Sub(p.connAt) > 500*time.Millisecond {
				p.connVersion, p.connAt = v, now
				conns = s.Conns()
				// Unchanged figures need no repaint.
				connsChanged = !slices.Equal(conns, p.connsShown)
				p.connsShown = conns
			}
			nconn = s.ConnCount()
		case *netassist.TCPClient:
			if c := s.Conn(); c != nil && c.State() != netassist.StateClosed {
				nconn = 1
			}
			select {
			case <-s.Done():
				// A client session ends with its connection.
				ended = b
			default:
			}
		case *client.Client:
			select {
			case <-s.Done():
				ended = b
			default:
				nconn = 1
			}
		}
	}
	status := p.statusText(snap, nconn, p.rate.Rx, p.rate.Tx)
	_, saving := p.hub.Saving()
	if !changed && !connsChanged && len(errs) == 0 && len(msgs) == 0 && !lost && ended == nil &&
		status == p.statusShown && saving == p.savingShown {
		return nil // nothing to show: no work for the UI thread
	}
	p.statusShown, p.savingShown = status, saving
	return func() {
		if changed {
			p.recv.apply(upd)
		}
		if p.http != nil {
			p.http.apply(msgs, lost)
		}
		if connsChanged {
			p.conns.set(conns)
		}
		if len(errs) > 0 {
			p.showSessErr(errs[len(errs)-1])
		}
		p.showStatus(status)
		if ended != nil && p.sess.Load() == ended {
			p.closeSession()
		}
	}
}

// statusText is the status line; any goroutine.
func (p *netPanel) statusText(s netassist.CounterSnapshot, nconn int, rxRate, txRate float64) string {
	chunkWord := T("status.chunks", "chunks")
	if p.kind == netassist.KindUDP {
		chunkWord = T("status.datagrams", "datagrams")
	}
	txt := Tf("status.line", "RX %s B · %s %s · %s/s    TX %s B · %s %s · %s/s", groupDigits(s.RxBytes), groupDigits(s.RxChunks), chunkWord, humanBytes(rxRate),
		groupDigits(s.TxBytes), groupDigits(s.TxChunks), chunkWord, humanBytes(txRate))
	if p.kind != netassist.KindUDP {
		txt += "    " + Tf("status.conns", "Connections: %d", nconn)
	}
	if dir, on := p.hub.Saving(); on {
		txt += "    " + Tf("status.saving", "Saving: %s", dir)
	}
	return txt
}

// showStatus shows the status line and keeps "Save traffic" true to the
// saver (it stops itself after a write error); main goroutine.
func (p *netPanel) showStatus(txt string) {
	setIfChanged(p.status, txt)
	if p.saveChk != nil {
		if _, on := p.hub.Saving(); !on && p.saveChk.Checked {
			p.saveChk.SetChecked(false)
		}
	}
}

// shutdown closes the session for good (tab closed or app quitting).
func (p *netPanel) shutdown() {
	p.send.stopRepeating()
	if b := p.sess.Swap(nil); b != nil {
		b.s.Close()
	}
	p.hub.StopSaving()
}

// connections is how many connections are open now; any goroutine.
func (p *netPanel) connections() int {
	b := p.sess.Load()
	if b == nil {
		return 0
	}
	switch s := b.s.(type) {
	case *netassist.TCPServer:
		return s.ConnCount()
	case *netassist.TCPClient:
		if c := s.Conn(); c != nil && c.State() != netassist.StateClosed {
			return 1
		}
	case *client.Client:
		select {
		case <-s.Done():
		default:
			return 1
		}
	}
	return 0
}

func (p *netPanel) onParseHTTP(on bool) {
	p.http.on.Store(on)
	if on {
		p.recvTabs.SelectIndex(1)
	}
}

// onRequestTemplate fills the send box with a request whose Host is the
// server typed in the form.
func (p *netPanel) onRequestTemplate(name string) {
	host := strings.TrimSpace(p.remoteHost.Text)
	port := strings.TrimSpace(p.remotePort.Text)
	hostHdr := host
	if strings.Contains(host, ":") {
		hostHdr = "[" + host + "]"
	}
	if !(port == "80" && !p.tlsChk.Checked) && !(port == "443" && p.tlsChk.Checked) {
		hostHdr += ":" + port
	}
	var req string
	switch name {
	case "GET":
		req = "GET / HTTP/1.1\nHost: " + hostHdr + "\nUser-Agent: NetAssist\nAccept: */*\n\n"
	case "POST (form)":
		body := "name=test1&city=%E5%8C%97%E4%BA%AC"
		req = "POST /submit HTTP/1.1\nHost: " + hostHdr + "\nContent-Type: application/x-www-form-urlencoded\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body
	case "POST (JSON)":
		body := `{"message": "hello"}`
		req = "POST /api HTTP/1.1\nHost: " + hostHdr + "\nContent-Type: application/json\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body
	}
	// Real line breaks in the box; "Newline CRLF" turns them into CRLF.
	p.send.mode.SetSelected(T("send.text", "Text"))
	p.send.newline.SetSelectedIndex(1)
	p.send.entry.SetText(req)
}

// focusSend puts the keyboard in the send box: after Open, the next thing
// a user does is type what to send.
func (p *netPanel) focusSend() { p.app.win.Canvas().Focus(p.send.entry) }
