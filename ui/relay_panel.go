package ui

import (
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// relayPanel is a TCP or UDP relay session: where it listens and the
// upstream it passes to, one receive view with both directions of every
// pair, the pairs with their counters, what is held, and faults. The send
// box injects into the client side or the server side of the pairs.
type relayPanel struct {
	trafficPanel
	listenForm
	frame  *framingForm // TCP only
	engine atomic.Pointer[relaySession]
	// rules (trafficPanel's) answer the client in place of the upstream;
	// rulesBack answer the upstream in place of the client.
	rulesBack *rulesArea

	upstream *widget.Entry
	fUp      *field
	onFail   *widget.Select
	target   *widget.RadioGroup
	pairs    *connList
	held     *heldBox
	faults   *relayFaults
	toClient atomic.Bool // the inject target, for the send path
	toSel    atomic.Bool

	// pump goroutine
	pairVersion, heldVersion uint64
	pairAt                   time.Time
	pairsShown               []netassist.PairInfo

	pairMap map[uint64]netassist.PairInfo // main goroutine: the rows' figures
}

// relaySession keeps the engine behind an interface both kinds share.
type relaySession struct{ r netassist.Relay }

func newRelayPanel(a *App, kind netassist.Kind, n int) *relayPanel {
	p := &relayPanel{}
	proto := "tcp"
	if kind == netassist.KindUDPRelay {
		proto = "udp"
	} else {
		p.frame = &framingForm{}
	}
	p.initTraffic(a, kind, n, proto, p, p.sendData)
	p.initRelayRules()
	p.connRound = p.prepareRound
	p.onClosed = func() { p.pairs.set(nil); p.held.set(nil) }
	return p
}

func (p *relayPanel) isUDP() bool { return p.kind == netassist.KindUDPRelay }

func (p *relayPanel) build() fyne.CanvasObject {
	p.buildSession()
	settings := p.buildListen()
	p.upstream = widget.NewEntry()
	p.upstream.SetPlaceHolder("127.0.0.1:8080")
	p.fUp = newField(T("relay.upstream", "Upstream (host:port)"), p.upstream)
	p.onFail = widget.NewSelect([]string{T("relay.onfail.close", "Upstream fails: close client"), T("relay.onfail.reset", "Upstream fails: reset client")}, nil)
	p.onFail.SetSelectedIndex(0)
	settings = append(settings, p.fUp.object())
	p.fields = append(p.listenFields(), p.upstream)
	if !p.isUDP() {
		settings = append(settings, p.onFail)
		p.fields = append(p.fields, p.onFail)
	}
	var extra []fyne.CanvasObject
	if p.frame != nil {
		extra = append(extra, p.frame.buildFraming())
		p.fields = append(p.fields, p.frame.framingFields()...)
		p.frame.loadFraming(p.app, p.prefKey)
	}
	defPort := "7000"
	p.loadListen(p.app, p.prefKey, p.proto, defPort)
	p.upstream.SetText(p.app.fa.Preferences().StringWithFallback(p.prefKey("upstream"), "127.0.0.1:8080"))

	p.pairs = newConnList(p.onPairAction)
	p.pairs.rowText = p.pairRow
	p.held = newHeldBox(p.app.win, p.relay)
	p.faults = newRelayFaults(p.relay, p.isUDP())
	p.target = widget.NewRadioGroup([]string{T("relay.toserver", "To server"), T("relay.toclient", "To client")}, func(sel string) {
		p.toClient.Store(sel == T("relay.toclient", "To client"))
	})
	p.target.Horizontal = true
	p.target.Required = true
	p.target.SetSelected(T("relay.toserver", "To server"))
	sel := widget.NewCheck(T("relay.selected", "Selected pairs only"), func(b bool) { p.toSel.Store(b) })
	p.send.beside = container.NewHBox(p.target, sel)
	side := container.NewAppTabs(
		container.NewTabItem(T("relay.pairs", "Pairs"), p.pairs.build()),
		container.NewTabItem(T("relay.held", "Hold"), p.held.build()),
		container.NewTabItem(T("relay.faults", "Faults"), p.faults.build()),
		container.NewTabItem(T("relay.rules", "Rules"), p.buildRelayRules()),
	)
	p.held.tabs, p.held.tab = side, side.Items[1]
	obj := p.layout(settings, extra, nil, side)
	p.recv.logMode.SetChecked(true) // the direction labels are in the headers
	p.loadOptions()
	return obj
}

func (p *relayPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: p.kind, CloseOnFIN: true}
	ok := p.readListen(&cfg)
	p.fUp.setErr("")
	up := strings.TrimSpace(p.upstream.Text)
	if err := netassist.CheckHostPort(up, true); err != nil {
		p.fUp.setErr(T("relay.badupstream", "Type the upstream as host:port, e.g. 127.0.0.1:8080."))
		ok = false
	} else if _, port, _ := net.SplitHostPort(up); port == "0" {
		p.fUp.setErr(T("relay.upstreamport0", "The upstream's port cannot be 0."))
		ok = false
	}
	cfg.Remote = up
	cfg.ResetOnFail = !p.isUDP() && p.onFail.SelectedIndex() == 1
	if p.frame != nil {
		ok = p.frame.readFraming(&cfg.Framing) && ok
	}
	cfg.Rules, cfg.RulesBack = p.rules.current(), p.rulesBack.current()
	return cfg, ok
}

func (p *relayPanel) fill(cfg netassist.Config) {
	p.fillListen(cfg)
	p.upstream.SetText(cfg.Remote)
	if cfg.ResetOnFail {
		p.onFail.SetSelectedIndex(1)
	} else {
		p.onFail.SetSelectedIndex(0)
	}
	if p.frame != nil {
		p.frame.fillFraming(cfg.Framing)
	}
	p.fillRelayRules(cfg)
}

func (p *relayPanel) open(cfg netassist.Config) error {
	cfg.Rules, cfg.RulesBack = p.rules.current(), p.rulesBack.current()
	var r netassist.Relay
	if p.isUDP() {
		r = netassist.NewUDPRelay(cfg, p.hub)
	} else {
		r = netassist.NewTCPRelay(cfg, p.hub)
	}
	p.engine.Store(&relaySession{r: r})
	p.framed.Store(cfg.Framing.Splits())
	p.faults.apply(r)
	p.held.applyHolds(r)
	return p.start(r, cfg)
}

func (p *relayPanel) saveSettings(cfg netassist.Config) {
	p.saveListen(p.app, p.prefKey, cfg)
	p.app.fa.Preferences().SetString(p.prefKey("upstream"), cfg.Remote)
	if p.frame != nil {
		p.frame.saveFraming(p.app, p.prefKey, cfg.Framing)
	}
}

// relay is the open session, or nil; any goroutine.
func (p *relayPanel) relay() netassist.Relay {
	b, e := p.sess.Load(), p.engine.Load()
	if b == nil || e == nil || b.s != netassist.Session(e.r) {
		return nil
	}
	return e.r
}

func (p *relayPanel) listening() (string, string) {
	if r := p.relay(); r != nil {
		return p.proto, r.LocalAddr()
	}
	return "", ""
}

// sendData injects into the chosen side of all pairs or the selected ones.
func (p *relayPanel) sendData(data []byte) error {
	r := p.relay()
	if r == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	var ids []uint64
	if p.toSel.Load() {
		ids = p.pairs.selection()
		if len(ids) == 0 {
			return errors.New(T("relay.noselection", "No pair is selected: click one in Pairs, or untick \"Selected pairs only\"."))
		}
	}
	to := netassist.ClientToServer
	if p.toClient.Load() {
		to = netassist.ServerToClient
	}
	return r.Inject(ids, to, data)
}

// prepareRound reads the pairs and the held list for the pump.
func (p *relayPanel) prepareRound(now time.Time, hold bool) func() {
	r := p.relay()
	if r == nil {
		return nil
	}
	var fns []func()
	if hv := r.HeldVersion(); hv != p.heldVersion {
		p.heldVersion = hv
		msgs := r.Held()
		fns = append(fns, func() { p.held.set(msgs) })
	}
	v := r.Version()
	if !hold && (v != p.pairVersion || now.Sub(p.pairAt) > 500*time.Millisecond) {
		p.pairVersion, p.pairAt = v, now
		if pairs := r.Pairs(); !slices.Equal(pairs, p.pairsShown) {
			p.pairsShown = pairs
			infos := make([]netassist.ConnInfo, len(pairs))
			byID := make(map[uint64]netassist.PairInfo, len(pairs))
			for i, pi := range pairs {
				infos[i] = netassist.ConnInfo{ID: pi.ID, Peer: pi.Client, Opened: pi.Opened}
				byID[pi.ID] = pi
			}
			fns = append(fns, func() { p.pairMap = byID; p.pairs.set(infos) })
		}
	}
	if len(fns) == 0 {
		return nil
	}
	return func() {
		for _, f := range fns {
			f()
		}
	}
}

// pairRow is a pair's row: who to whom, its state, then the bytes each
// way (received from the client, received from the server).
func (p *relayPanel) pairRow(ci netassist.ConnInfo) string {
	pi, ok := p.pairMap[ci.ID]
	if !ok {
		return connRow(ci)
	}
	state := pairStateText(pi.State)
	held := ""
	if n := pi.Held[0] + pi.Held[1]; n > 0 {
		held = " " + Tf("relay.heldcount", "%d held", n)
	}
	// The upstream is the same for every pair (it is in the form): the
	// row names the client, so it fits the list at 1024 px.
	return "#" + strconv.FormatUint(pi.ID, 10) + " " + pi.Client + "  " + state + held + "\n" +
		"C→S " + padRight(humanBytes(float64(pi.Client2.RxBytes)), 9) + "S→C " + humanBytes(float64(pi.Server.RxBytes))
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-len(s))
}

func pairStateText(s string) string {
	switch s {
	case "connecting":
		return T("relay.state.connecting", "connecting")
	case "half-closed":
		return T("relay.state.half", "half-closed")
	case "closed":
		return T("state.closed", "closed")
	}
	return T("state.open", "open")
}

// onPairAction runs the list's close buttons on the side the faults tab
// names: half-close sends FIN to that side, reset resets it, disconnect
// sends FIN to both.
func (p *relayPanel) onPairAction(ids []uint64, a connAction) {
	r := p.relay()
	if r == nil {
		return
	}
	if len(ids) == 0 {
		p.showSessErr(T("relay.nopair", "No pair is selected: click a pair in the list, then press the button again."))
		return
	}
	p.showSessErr("")
	leg := p.faults.side()
	go func() {
		for _, id := range ids {
			var err error
			switch a {
			case actHalfClose:
				err = r.HalfClose(id, leg)
			case actClose:
				r.HalfClose(id, netassist.LegClient)
				r.HalfClose(id, netassist.LegServer)
			case actReset:
				err = r.Reset(id, leg)
			}
			if err != nil {
				p.reportAsync(err)
			}
		}
	}()
}
