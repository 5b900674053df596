package ui

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"netassist/assets"
	"netassist/httpview/server"
	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// httpServerPanel is an HTTP server session: a request list like a
// browser's network panel, the selected exchange's raw bytes and tables
// side by side, and (in manual mode) the answer the user composes.
type httpServerPanel struct {
	sessionPanel
	srv atomic.Pointer[server.Server]
	// pauseLine is the session line's text while it says a rule was
	// paused, cleared by Resume; main goroutine.
	pauseLine string

	composeOpts *fyne.Container // the answer's options, wrapping in a narrow pane

	host     *widget.SelectEntry
	port     *widget.Entry
	root     *widget.Entry
	mode     *widget.RadioGroup
	paths    *widget.Entry
	timeout  *widget.Entry
	dotfiles *widget.Check
	fHost    *field
	fPort    *field
	fRoot    *field

	list     *widget.Table
	exch     *server.List // main goroutine only; nil: none yet
	selected uint64       // exchange id shown below

	reqView  *msgView
	respView *msgView
	copyBar  *copyBar // Copy as curl / request / response of the selected exchange

	tmpl      *widget.Select
	editor    *sendEntry
	verbatim  *widget.Check
	fillCL    *widget.Check
	fillDate  *widget.Check
	closeConn *widget.Check
	crlf      *widget.Check
	answerBtn *widget.Button
	answerFor *widget.Label
	answerErr *widget.Label
	compose   *fyne.Container
	answerTab *container.TabItem
	respTabs  *container.AppTabs // Response | Your answer (manual mode)
	respSlot  *fyne.Container    // the response view, or respTabs
	respObj   fyne.CanvasObject  // the response view's object, made once
	reqObj    fyne.CanvasObject  // the request view's
	reqSlot   *fyne.Container    // the request view, or the proxy's Request | To upstream tabs
	rootObj   fyne.CanvasObject  // the folder field, hidden in Forward mode
	px        proxyPane          // reverse proxy mode (httpserver_proxy.go)
	rules     *httpRulesArea     // answer before the mode (httprules_area.go)

	shown [7]int64 // id, request and response lengths, state, body left, upstream leg's lengths last shown

	pace        listPace    // pump goroutine only
	fresh       atomic.Bool // set on the main goroutine at open: the pump starts its state over
	statusCount int
	served      uint64 // requests served: kept in the list + let go

	isShown   func() bool // main goroutine: whether this tab is on screen
	listStale bool        // main goroutine: exchanges changed while hidden
}

// setShown tells the panel how to know whether its tab is on screen.
func (p *httpServerPanel) setShown(f func() bool) { p.isShown = f }

// onShown repaints what changed while the tab was hidden.
func (p *httpServerPanel) onShown() {
	if p.listStale {
		p.listStale = false
		p.showList()
	}
}

// showList repaints the request list and the selected exchange.
func (p *httpServerPanel) showList() {
	p.list.Refresh()
	if p.selected != 0 {
		p.showSelected()
	}
}

func newHTTPServerPanel(a *App, n int) *httpServerPanel {
	hub := netassist.NewHub(fmt.Sprintf("http-server-%d", n), a.totals)
	// The request list shows the traffic (from the server's capture); the
	// feed only carries errors and connection events to this panel.
	hub.Feed.SkipTraffic()
	p := &httpServerPanel{}
	p.initSession(a, netassist.KindHTTPServer, hub, "tcp", p)
	p.rules = newHTTPRulesArea(a, p.prefKey)
	p.rules.live = func(s *rules.HTTPSet) {
		if srv := p.srv.Load(); srv != nil {
			srv.SetRules(s)
		}
	}
	p.rules.resumed = func() {
		// The pause said "until you press Resume": pressed, it is over.
		if p.pauseLine != "" && p.sessErr.Text == p.pauseLine {
			p.showSessErr("")
		}
		p.pauseLine = ""
	}
	return p
}

// pausedNote is the session line of a rule paused for answering too fast,
// in the words the byte sessions' receive view has for it.
func pausedNote(rule string) string {
	return Tf("note.rule_paused", "rule “%s” answers too fast and is paused: nothing more is sent until you press Resume (Rules).", rule)
}

func (p *httpServerPanel) build() fyne.CanvasObject {
	p.buildSession()
	pr := p.app.fa.Preferences()
	p.host = widget.NewSelectEntry(netassist.ListenAddrs())
	p.host.SetText(pr.StringWithFallback("http-server.host", "127.0.0.1"))
	p.port = widget.NewEntry()
	p.port.SetText(p.app.freePort("tcp", pr.StringWithFallback("http-server.port", "8080")))
	p.root = widget.NewEntry()
	p.root.SetPlaceHolder(T("http.sample", "(sample site)"))
	p.root.SetText(pr.String("http-server.root"))
	browse := widget.NewButton(T("set.browse", "Browse…"), func() {
		dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				p.root.SetText(u.Path())
			}
		}, p.app.win)
	})
	p.mode = widget.NewRadioGroup([]string{T("http.static", "Static"), T("http.manual", "Manual answers"), modeForward()}, p.onMode)
	p.mode.Required = true
	p.mode.SetSelected(T("http.static", "Static"))
	p.paths = widget.NewEntry()
	// A label above and a short example inside: a sentence as the
	// placeholder overflowed the field in Chinese.
	p.paths.SetPlaceHolder(T("http.paths.hint", "/api/, /login (empty: all)"))
	p.timeout = widget.NewEntry()
	p.timeout.SetText("60")
	p.dotfiles = widget.NewCheck(T("http.dotfiles", "Show dot-files"), nil)
	p.fHost = newField(T("sess.localaddr", "Local address"), p.host)
	p.fPort = newField(T("sess.localport", "Local port"), p.port)
	p.fRoot = newField(T("http.root", "Folder to serve"), container.NewBorder(nil, nil, nil, browse, p.root))
	// "Listening on …" first: at the default size the settings column
	// scrolls, and the addresses are what an open server is for.
	p.rootObj = p.fRoot.object()
	proxyBox := p.buildProxy()
	settings := container.NewVBox(p.reach, p.fHost.object(), p.fPort.object(), p.rootObj, p.mode, proxyBox,
		widget.NewLabel(T("http.paths", "Paths to hold")), p.paths,
		widget.NewLabel(T("http.timeout", "Answer timeout (s)")), p.timeout, p.dotfiles, p.openBtn, p.sessErr, p.saveChk, p.saveLine.object(),
		widget.NewSeparator(), p.rules.build())

	p.list = p.buildList()
	p.reqView = newMsgView(T("http.request", "Request"))
	p.respView = newMsgView(T("http.response", "Response"))
	p.copyBar = newCopyBar(p.app.fa, p.reqView, p.respView, p.selectedExchange)

	names := []string{}
	for _, t := range server.Templates() {
		names = append(names, t.Name)
	}
	p.tmpl = widget.NewSelect(names, p.onTemplate)
	p.tmpl.PlaceHolder = T("http.template", "Template…")
	p.editor = newSendEntry(p.onAnswer)
	p.editor.SetMinRowsVisible(5)
	// Two short lines: wrapped by Fyne, the sentence put "。" at a line start.
	p.editor.SetPlaceHolder(T("http.editor.hint", "Status line, headers, empty line, body.\nCtrl+Enter sends."))
	p.verbatim = widget.NewCheck(T("http.verbatim", "Send exactly these bytes"), nil)
	p.fillCL = widget.NewCheck(T("http.fillcl", "Fill in Content-Length"), nil)
	p.fillCL.SetChecked(true)
	p.fillDate = widget.NewCheck(T("http.filldate", "Fill in Date"), nil)
	p.fillDate.SetChecked(true)
	p.closeConn = widget.NewCheck(T("http.close", "Close connection after"), nil)
	p.crlf = widget.NewCheck(T("http.crlf", "Line ends CRLF"), nil)
	p.crlf.SetChecked(true)
	p.answerBtn = widget.NewButton(T("http.answer", "Send answer"), p.onAnswer)
	p.answerBtn.Importance = widget.HighImportance
	p.answerFor = widget.NewLabel("")
	// Long paths (and the proxy's longer sentence) must not widen the window.
	p.answerFor.Truncation = fyne.TextTruncateEllipsis
	// Always there, one line high, so an error appearing does not move the
	// Send answer button from under the pointer.
	p.answerErr = widget.NewLabel("")
	p.answerErr.Importance = widget.DangerImportance
	p.answerErr.Truncation = fyne.TextTruncateEllipsis
	// The options wrap onto a second line in a narrow pane (at 1024×700 in
	// Chinese a scrolled row cut "自动填写 Content-Length" at its edge).
	p.composeOpts = container.New(flowLayout{}, p.tmpl, p.verbatim, p.fillCL, p.fillDate, p.closeConn, p.crlf)
	compose := container.New(columnLayout{}, p.answerFor, p.px.bar, p.composeOpts,
		container.NewBorder(nil, p.answerErr, nil, p.answerBtn, p.editor))

	// In manual mode the answer is written beside the request it answers,
	// on a tab next to the response, so that the request and response
	// views keep the height of the whole lower pane.
	p.compose = container.NewStack(compose)
	p.answerTab = container.NewTabItem(T("http.answer.tab", "Your answer"), p.compose)
	p.respObj = p.respView.object()
	p.respTabs = container.NewAppTabs(container.NewTabItem(T("http.response", "Response"), p.respObj), p.answerTab)
	p.respSlot = container.NewStack(p.respObj)
	p.reqObj = p.reqView.object()
	p.reqSlot = container.NewStack(p.reqObj)
	detail := container.NewHSplit(p.reqSlot, p.respSlot)
	right := container.NewVSplit(p.list, detail)
	right.Offset = 0.25 // the detail panes get more than half the window at 1024×700
	left := container.NewVScroll(settings)
	main := container.NewHSplit(left, right)
	main.Offset = 0.2
	return container.NewBorder(nil, p.status, nil, nil, main)
}

func (p *httpServerPanel) config() (netassist.Config, bool) {
	ok := true
	p.fHost.setErr("")
	p.fPort.setErr("")
	p.fRoot.setErr("")
	host := strings.Trim(strings.TrimSpace(p.host.Text), "[]")
	if net.ParseIP(host) == nil && host != "localhost" {
		p.fHost.setErr(T("field.badip", "Choose one of this machine's addresses, 0.0.0.0 or ::."))
		ok = false
	}
	if netassist.CheckPort(p.port.Text) != nil {
		p.fPort.setErr(T("field.badport", "The port must be a number from 0 to 65535."))
		ok = false
	}
	cfg := netassist.Config{Kind: netassist.KindHTTPServer, Local: netassist.JoinHostPort(host, p.port.Text),
		Root: strings.TrimSpace(p.root.Text), Manual: p.mode.Selected == T("http.manual", "Manual answers")}
	if !p.configProxy(&cfg) {
		ok = false
	}
	cfg.HTTPRules = p.rules.current()
	return cfg, ok
}

func (p *httpServerPanel) fill(cfg netassist.Config) {
	if h, port, err := net.SplitHostPort(cfg.Local); err == nil {
		p.host.SetText(h)
		p.port.SetText(port)
	}
	p.root.SetText(cfg.Root)
	if cfg.Manual {
		p.mode.SetSelected(T("http.manual", "Manual answers"))
	} else {
		p.mode.SetSelected(T("http.static", "Static"))
	}
	p.fillProxy(cfg)
	if cfg.HTTPRules != nil { // --rules
		p.rules.use(cfg.HTTPRules)
	}
}

func (p *httpServerPanel) isOpen() bool { return p.srv.Load() != nil }

func (p *httpServerPanel) open(cfg netassist.Config) error {
	secs, err := strconv.ParseFloat(strings.TrimSpace(p.timeout.Text), 64)
	if err != nil || secs <= 0 {
		secs = 60
	}
	var paths []string
	for _, s := range strings.Split(p.paths.Text, ",") {
		if s = strings.TrimSpace(s); s != "" {
			paths = append(paths, s)
		}
	}
	srv := server.New(server.Config{Addr: cfg.Local, Root: cfg.Root, Site: assets.Site, Manual: cfg.Manual, ManualPaths: paths,
		Timeout: time.Duration(secs * float64(time.Second)), ShowDotfiles: p.dotfiles.Checked, Recorder: p.hub,
		Session: p.hub.Name(), Log: p.app.log,
		Upstream: cfg.Proxy, HoldRequests: cfg.HoldRequests, HoldResponses: cfg.HoldResponses, UpstreamTLS: upstreamTLS(cfg),
		Rules: p.rules.current()})
	p.showSessErr("")
	if err := srv.Start(); err != nil {
		p.app.log.WithField("session", p.hub.Name()).Warnf("open: %v", err)
		return err // a folder problem or an engine error; errText says which
	}
	p.startClean()
	p.srv.Store(srv)
	p.setOpen(true)
	p.showProxyTabs(cfg)
	if cfg.Proxy == "" {
		p.showCompose(cfg.Manual)
	}
	pr := p.app.fa.Preferences()
	if cfg.Proxy != "" {
		pr.SetString("http-server.upstream", cfg.Proxy)
	}
	pr.SetString("http-server.host", strings.TrimSpace(p.host.Text))
	pr.SetString("http-server.port", strings.TrimSpace(p.port.Text))
	pr.SetString("http-server.root", cfg.Root)
	addr := srv.Addr().String()
	p.reach.SetText(Tf("sess.reachable", "Listening on %s — reachable at:\n%s", addr, strings.Join(urls(netassist.ReachableAt(addr)), "\n")))
	return nil
}

func urls(addrs []string) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = "http://" + a + "/"
	}
	return out
}

// startClean forgets the last session's exchanges, panes and counters, so
// a reopened server starts as a new one (main goroutine).
func (p *httpServerPanel) startClean() {
	p.exch.Release()
	p.exch, p.selected, p.shown = nil, 0, [7]int64{}
	p.list.UnselectAll()
	p.list.Refresh()
	p.list.ScrollToTop()
	p.reqView.show(nil, true, "")
	p.respView.show(nil, false, "")
	p.answerFor.SetText("")
	p.showAnswerErr(nil)
	if p.px.upReqView != nil {
		p.px.upReqView.show(nil, true, "")
		p.px.upRespView.show(nil, false, "")
		p.px.prefilled = [2]uint64{}
	}
	p.hub.Counters.Reset()
	p.fresh.Store(true)
}

// showCompose puts the answer box on its tab beside the response view
// (manual mode), or shows the response view alone.
func (p *httpServerPanel) showCompose(manual bool) {
	if manual {
		p.respTabs.Items[0].Content = p.respObj
		p.respTabs.Refresh()
		p.respSlot.Objects = []fyne.CanvasObject{p.respTabs}
	} else {
		p.respSlot.Objects = []fyne.CanvasObject{p.respObj}
	}
	p.respSlot.Refresh()
}

func (p *httpServerPanel) closeSession() {
	srv := p.srv.Swap(nil)
	if srv == nil {
		return
	}
	p.setOpen(false)
	p.reach.SetText("")
	go srv.Close()
}

func (p *httpServerPanel) setOpen(open bool) {
	p.setOpenButton(open)
	if open {
		for _, w := range append([]fyne.Disableable{p.host, p.port, p.root, p.mode, p.paths, p.timeout, p.dotfiles}, p.proxyDisableables()...) {
			w.Disable()
		}
	} else {
		for _, w := range append([]fyne.Disableable{p.host, p.port, p.root, p.mode, p.paths, p.timeout, p.dotfiles}, p.proxyDisableables()...) {
			w.Enable()
		}
	}
}

func (p *httpServerPanel) onTemplate(name string) {
	for _, t := range server.Templates() {
		if t.Name == name {
			// Shown with plain line breaks; "Line ends CRLF" puts the CRs back.
			p.crlf.SetChecked(true)
			p.editor.SetText(strings.ReplaceAll(t.Raw, "\r\n", "\n"))
			return
		}
	}
}

// onAnswer sends the composed response to the selected held request.
func (p *httpServerPanel) onAnswer() {
	srv := p.srv.Load()
	if srv == nil {
		p.showAnswerErr(errors.New(T("http.notopen", "Open the server first.")))
		return
	}
	ex, ok := srv.Exchange(p.selected)
	if !ok || ex.State != server.StatePending {
		p.showAnswerErr(errors.New(T("http.nopending", "Select a request that is waiting for an answer in the list above.")))
		return
	}
	nl := codec.NewlineAsTyped
	if p.crlf.Checked {
		nl = codec.NewlineCRLF
	}
	raw, err := codec.Encode(p.editor.Text, codec.SendOptions{Mode: codec.ModeText, Escapes: true, Newline: nl, Charset: codec.UTF8})
	if err != nil {
		p.showAnswerErr(err)
		return
	}
	err = srv.Respond(ex.ID, server.Reply{Raw: raw, Verbatim: p.verbatim.Checked, FillContentLength: p.fillCL.Checked,
		FillDate: p.fillDate.Checked, Close: p.closeConn.Checked})
	if err != nil {
		p.showAnswerErr(err)
		return
	}
	p.showAnswerErr(nil)
}

func (p *httpServerPanel) showAnswerErr(err error) { setIfChanged(p.answerErr, errMsg(err)) }

func (p *httpServerPanel) showSelected() {
	e, found := p.exch.Find(p.selected)
	if !found {
		return
	}
	ex := *e
	key := [7]int64{int64(ex.ID), int64(len(ex.RawRequest)), int64(len(ex.RawResponse)), int64(ex.State), ex.BodyLeft,
		int64(len(ex.UpRequest)), int64(len(ex.UpResponse))}
	if key == p.shown {
		return // parsing again would only redo the same view
	}
	p.shown = key
	p.reqView.show(ex.RawRequest, true, "")
	p.reqView.note(bodyLeftText(ex))
	if len(ex.RawResponse) > 0 {
		p.respView.show(ex.RawResponse, false, ex.Method)
	} else {
		p.respView.show(nil, false, "")
	}
	if ex.State == server.StateFailed {
		// The list's State column cuts a long reason short: the whole
		// sentence stands where the response would be.
		p.respView.note(exchangeStateOnly(&ex, time.Time{}))
	}
	if ex.State == server.StatePending {
		p.answerFor.SetText(Tf("http.answerfor", "Answer to #%d %s %s", ex.ID, ex.Method, ex.Target))
		p.showUpstream(ex)
		p.respTabs.Select(p.answerTab)
	} else {
		p.answerFor.SetText("")
		p.showUpstream(ex)
		p.respTabs.SelectIndex(0)
	}
}

// feed is what the pump listens to for new events (requests too: the feed
// skips their bytes, not the push).
func (p *httpServerPanel) feed() *netassist.Feed { return p.hub.Feed }

// prepare runs on the pump goroutine.
func (p *httpServerPanel) prepare(now time.Time) func() {
	evs, _ := p.hub.Feed.Drain()
	var errs []string
	pauseLine := "" // errs' last, when it is a rule's pause
	for _, ev := range evs {
		// A connection's error (a body left unread) belongs to its
		// request and is shown in the list, in the user's words.
		if ev.Kind == netassist.EvError && ev.Conn == 0 {
			errs = append(errs, ev.Detail)
			pauseLine = ""
		}
		if ev.Kind == netassist.EvInfo && ev.Detail == netassist.InfoRulePaused {
			pauseLine = pausedNote(ev.Rule)
			errs = append(errs, pauseLine)
		}
	}
	if p.fresh.CompareAndSwap(true, false) {
		p.pace, p.statusAt, p.statusCount, p.served = listPace{}, time.Time{}, 0, 0
		p.rate = netassist.RateMeter{}
	}
	snap := p.hub.Counters.Snapshot()
	p.rate.Update(snap, now)
	rx, tx := p.rate.Rx, p.rate.Tx
	var exch *server.List
	changed := false
	if srv := p.srv.Load(); srv != nil {
		// On change or for the countdowns, at the list's pace (listpace.go).
		if v := srv.Version(); p.pace.due(v, now, srv.Holding()) {
			// Read in place, not copied; the UI releases the list it
			// showed when it takes this one.
			exch = srv.List()
			p.served = uint64(exch.Len()) + srv.Dropped()
			p.pace.repainted(v, p.served, now)
			changed = true
		}
	}
	status := p.statusShown
	if changed || p.pace.statusDue(p.statusAt, now) {
		// Requests counted by the list the UI is about to show.
		n := exch.Len()
		if !changed {
			n = p.statusCount
		}
		p.statusCount = n
		// The list keeps the last MaxExchanges; past that, say both.
		requests := groupDigits(uint64(n))
		if p.served > uint64(n) {
			requests = Tf("http.requests_kept", "%s (the list keeps the last %s)", groupDigits(p.served), groupDigits(uint64(n)))
		}
		status = Tf("http.statusline", "Requests: %s    RX %s B · %s/s    TX %s B · %s/s", requests,
			groupDigits(snap.RxBytes), humanBytes(rx), groupDigits(snap.TxBytes), humanBytes(tx))
		p.statusAt = now
	}
	showRules := p.rules.prepare(now)
	if !changed && len(errs) == 0 && status == p.statusShown && showRules == nil {
		return nil // nothing new: no work for the UI thread
	}
	p.statusShown = status
	return func() {
		if changed {
			p.exch.Release()
			p.exch = exch
			if p.isShown != nil && !p.isShown() {
				p.listStale = true
			} else {
				p.showList()
			}
		}
		if len(errs) > 0 {
			p.showSessErr(errs[len(errs)-1])
			p.pauseLine = pauseLine
		}
		p.showStatus(status) // unticks Save traffic if the saver stopped itself (disk full)
		if showRules != nil {
			showRules()
		}
	}
}

func (p *httpServerPanel) shutdown() {
	if srv := p.srv.Swap(nil); srv != nil {
		srv.Close()
	}
	p.hub.StopSaving()
}

func (p *httpServerPanel) connections() int { return 0 }

func (p *httpServerPanel) spec() (string, bool) {
	if p.srv.Load() == nil {
		return "", false
	}
	cfg, _ := p.config()
	return cfg.Spec(), true
}

func (p *httpServerPanel) clearView() {}
