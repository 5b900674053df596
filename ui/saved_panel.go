package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/export"
	"netassist/netassist/framing"
)

// savedPanel is a saved folder reopened in a read-only tab: the views of
// its kind as live (the receive view and the connection list, or the HTTP
// request list with each exchange's raw bytes and tables), filled by
// reading the folder on a goroutine, with no send box and no Open. The
// tab says what it shows, how much is loaded and what was damaged.
type savedPanel struct {
	sessionPanel // hub and savedDir: the counters, and Export capture…

	r       *export.Reopened
	framing framing.Config // the rule the rx bytes are cut into messages by
	tab     *container.TabItem
	cancel  context.CancelFunc
	done    chan struct{} // closed when loading ended

	about   *wrapLabel
	loading *widget.Label
	warns   *wrapLabel
	status  *widget.Label
	export  *widget.Button
	root    *fyne.Container

	recv    *recvView                   // nil for the HTTP server
	conns   *connList                   // the TCP kinds' connections, UDP's peers; else nil
	connsOf func() []netassist.ConnInfo // what conns lists: r.Conns or r.Peers
	http    *container.AppTabs          // the HTTP client's Bytes and HTTP messages

	// HTTP kinds; main goroutine
	exch     []export.Exchange
	trimmed  int
	selected int // index in exch, -1 none
	table    *widget.Table
	reqView  *msgView
	respView *msgView
	exchNote *widget.Label

	// pump goroutine
	connsAt  time.Time
	nConns   int
	final    bool // the views were filled once more after loading ended
	nWarn    int
	nExch    int
	loadText string
	statText string
	isShown  func() bool
}

// savedBytesPanel is a savedPanel with a receive view: the window's
// text/hex, pause and display settings reach it.
type savedBytesPanel struct{ *savedPanel }

func (p savedBytesPanel) recvViewOf() *recvView { return p.recv }
func (p savedBytesPanel) setRingCap(n int)      { p.recv.ring.SetCap(n); p.recv.list.Refresh() }
func (p savedBytesPanel) setFontSize(s float32) { p.recv.setFontSize(s) }

// savedFeedBytes is the feed of a reopened folder: reading waits while
// this much is not yet shown, so nothing is dropped before the receive
// view's own trimming, which says so as it does live.
const savedFeedBytes = 1 << 20

// OpenSaved adds a read-only tab showing the saved folder dir and starts
// reading it. A folder that is not a saved session (or cannot be read) is
// an error, for the caller to say with SavedErrorText; damage inside one
// is shown in the tab.
func (a *App) OpenSaved(dir string) error { return a.openSaved(dir, framing.Config{}) }

// openSaved is OpenSaved with the TCP connections' rx bytes cut into
// messages by cfg.
func (a *App) openSaved(dir string, cfg framing.Config) error {
	r, err := export.OpenSaved(dir)
	if err != nil {
		a.log.WithError(err).Warn("open saved session")
		return &savedError{dir: dir, err: err}
	}
	p := &savedPanel{r: r, framing: cfg, selected: -1, done: make(chan struct{})}
	hub := netassist.NewHub("saved", nil) // not live traffic: not in --metrics
	hub.Feed = netassist.NewFeed(savedFeedBytes, 0)
	if !r.HasBytes() {
		hub.Feed.SkipTraffic()
	}
	p.initSession(a, netassist.Kind(r.Folder.Kind), hub, "", nil)
	p.savedDir = dir
	var pn panel = p
	if r.HasBytes() {
		p.recv = newRecvView(a.win, a.ringCap(), a.recvFontSize())
		pn = savedBytesPanel{p}
	}
	base := filepath.Base(filepath.Clean(dir))
	if len([]rune(base)) > 24 {
		base = string([]rune(base)[:24]) + "…"
	}
	tab := container.NewTabItem(Tf("saved.tab", "Saved: %s", base), newMinCache(p.build()))
	p.tab = tab
	p.isShown = func() bool { return a.tabs.Selected() == tab }
	a.mu.Lock()
	a.panels[tab] = pn
	a.mu.Unlock()
	a.pump.add(pn)
	a.tabs.Append(tab)
	a.tabs.Select(tab)
	a.updateEmpty()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go p.load(ctx)
	return nil
}

// savedError is a folder that cannot be reopened.
type savedError struct {
	dir string
	err error
}

func (e *savedError) Error() string { return e.err.Error() }
func (e *savedError) Unwrap() error { return e.err }

// SavedErrorText says why dir cannot be reopened, in the user's language.
func SavedErrorText(err error) string {
	var se *savedError
	if !errors.As(err, &se) {
		return errText(err)
	}
	return savedFolderText(se.dir, se.err)
}

// load reads the folder; its own goroutine.
func (p *savedPanel) load(ctx context.Context) {
	defer close(p.done)
	// The HTTP kinds show exchanges, not bytes: the hub only counts.
	var rec netassist.Recorder = p.hub
	var framed *framedRecorder
	if p.recv != nil {
		rec = pacedRecorder{ctx: ctx, hub: p.hub}
		if p.framing.Splits() {
			framed = newFramedRecorder(rec, p.hub.Feed.Tail, p.framing)
			rec = framed
		}
	}
	err := p.r.Load(ctx, rec)
	if err != nil && !errors.Is(err, context.Canceled) {
		p.app.log.WithError(err).Warn("reading a saved folder stopped")
	}
	if framed != nil && err == nil {
		framed.finish() // what connections still open at the end held
	}
}

// pacedRecorder hands events to the hub, waiting while the window has not
// taken what came before: a large folder streams through the view at the
// pace it can show, in bounded memory, and never freezes the window.
type pacedRecorder struct {
	ctx context.Context
	hub *netassist.Hub
}

func (r pacedRecorder) Record(ev netassist.Event) {
	for r.hub.Feed.Pending() >= savedFeedBytes/2 {
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
	r.hub.Record(ev)
}

func (p *savedPanel) build() fyne.CanvasObject {
	fo := p.r.Folder
	kind := T("saved.kind_unknown", "unknown kind")
	if fo.Kind != "" {
		kind = kindTitle(netassist.Kind(fo.Kind))
	}
	when := T("saved.when_unknown", "unknown")
	if !fo.Began.IsZero() {
		when = fo.Began.Local().Format("2006-01-02 15:04:05")
	}
	p.about = newWrapLabel(Tf("saved.about", "Saved session, read-only: %s, saved %s.\n%s", kind, when, fo.Dir))
	p.about.TextStyle = fyne.TextStyle{Bold: true}
	p.loading = widget.NewLabel(T("saved.loading_start", "Loading…"))
	p.loading.Truncation = fyne.TextTruncateEllipsis
	p.warns = newWrapLabel("")
	p.warns.Importance = widget.WarningImportance
	p.warns.Hide()
	p.export = widget.NewButton(T("saved.export", "Export…"), func() { p.app.askExport(p.savedDir, false) })
	p.status = widget.NewLabel("")
	p.status.TextStyle = fyne.TextStyle{Monospace: true}
	p.status.Truncation = fyne.TextTruncateEllipsis
	buttons := container.NewHBox(p.export)
	if p.recv != nil && !p.r.IsHTTP() && fo.Kind != "udp" {
		frame := widget.NewButton(T("saved.frame", "Split messages…"), p.onFraming)
		buttons.Objects = append([]fyne.CanvasObject{frame}, buttons.Objects...)
	}
	top := container.NewVBox(p.about, container.NewBorder(nil, nil, nil, buttons, p.loading), p.warns)

	var center fyne.CanvasObject
	switch {
	case p.recv == nil:
		center = p.buildHTTP()
	case p.r.IsHTTP():
		// As the live HTTP client: the bytes as they went, and the
		// exchanges parsed from them, which are what is looked at first.
		p.recv.hidden = func() bool { return !p.isShown() || p.http.SelectedIndex() != 0 }
		p.http = container.NewAppTabs(
			container.NewTabItem(T("recv.bytes", "Bytes"), p.recv.build()),
			container.NewTabItem(T("recv.http", "HTTP messages"), p.buildHTTP()))
		p.http.SelectIndex(1)
		p.http.OnSelected = func(*container.TabItem) { p.recv.onShown() }
		center = p.http
	default:
		center = p.recv.build()
		p.recv.hidden = func() bool { return !p.isShown() }
		switch fo.Kind {
		case "tcp-server", "tcp-client", "":
			p.conns = newConnList(func([]uint64, connAction) {})
			p.connsOf = p.r.Conns
		case "udp":
			// What a live UDP session shows row by row, gathered: who it
			// talked with, and how much each way.
			p.conns = newConnList(func([]uint64, connAction) {})
			p.connsOf = p.r.Peers
			p.conns.rowText = udpPeerRow
			p.conns.rowWidth = udpPeerRow(netassist.ConnInfo{ID: 1000, Peer: "000.000.000.000:00000",
				Counters: netassist.CounterSnapshot{RxBytes: 999_999, TxBytes: 999_999, RxChunks: 99_999, TxChunks: 99_999}})
			p.conns.titleOf = peersTitle
		}
		if p.conns != nil {
			p.conns.readOnly = true
			side := p.conns.build()
			// Read-only: nothing to select for, nothing to close.
			for _, b := range []*widget.Button{p.conns.allBtn, p.conns.halfBtn, p.conns.closeBtn, p.conns.rstBtn} {
				b.Hide()
			}
			split := container.NewHSplit(center, side)
			split.Offset = 0.7
			center = split
		}
	}
	p.root = container.NewBorder(top, p.status, nil, nil, center)
	return p.root
}

func (p *savedPanel) buildHTTP() fyne.CanvasObject {
	p.table = newRowTable([]column{
		{T("http.col.time", "Time"), 110}, {T("saved.col.peer", "Peer"), 150}, {T("http.col.method", "Method"), 70},
		{T("http.col.path", "Path"), 260}, {T("http.col.status", "Status"), 60}, {T("http.col.bytes", "Bytes"), 80},
		{T("http.col.duration", "Duration"), 80},
	}, func() int { return len(p.exch) }, p.cellText, func(row int) bool { return row == p.selected }, p.onRowSelected)
	p.reqView = newMsgView(T("http.request", "Request"))
	p.respView = newMsgView(T("http.response", "Response"))
	newCopyBar(p.app.fa, p.reqView, p.respView, p.selectedExchange)
	p.exchNote = widget.NewLabel("")
	p.exchNote.Importance = widget.WarningImportance
	p.exchNote.Hide()
	views := container.NewHSplit(p.reqView.object(), p.respView.object())
	split := container.NewVSplit(container.NewBorder(p.exchNote, nil, nil, nil, p.table), views)
	split.Offset = 0.3 // the selected exchange is what is read
	return split
}

func (p *savedPanel) cellText(row, col int) string {
	x := p.exch[row]
	switch col {
	case 0:
		return x.Start.Local().Format("15:04:05.000")
	case 1:
		return x.Peer
	case 2:
		return x.Request.Method
	case 3:
		return x.Request.Target
	case 4:
		if x.Response != nil {
			return strconv.Itoa(x.Response.Status)
		}
		return T("saved.noanswer", "none")
	case 5:
		n := len(x.Request.RawHead) + len(x.Request.RawBody)
		if x.Response != nil {
			n += len(x.Response.RawHead) + len(x.Response.RawBody)
		}
		return groupDigits(uint64(n))
	case 6:
		if x.Response != nil {
			return x.End.Sub(x.Start).Round(time.Millisecond).String()
		}
	}
	return ""
}

func (p *savedPanel) onRowSelected(row int) {
	if row < 0 || row >= len(p.exch) {
		return
	}
	p.selected = row
	x := p.exch[row]
	p.reqView.showMessage(x.Request)
	p.respView.showMessage(x.Response)
}

func (p *savedPanel) selectedExchange() (copyExchange, bool) {
	if p.selected < 0 || p.selected >= len(p.exch) {
		return copyExchange{}, false
	}
	x := p.exch[p.selected]
	ex := copyExchange{req: x.Request.Raw(), scheme: "http"}
	if x.Response != nil {
		ex.resp = x.Response.Raw()
	}
	if p.r.Folder.Kind == "http-client" {
		ex.host = x.Peer
	}
	return ex, true
}

// feed is the pump's wake-up: reading pushes into it.
func (p *savedPanel) feed() *netassist.Feed { return p.hub.Feed }

// prepare runs on the pump goroutine: new rows, and the connection list,
// exchanges, progress and warnings when they changed.
func (p *savedPanel) prepare(now time.Time) func() {
	var applies []func()
	if p.recv == nil {
		p.hub.Feed.Drain() // session notes nobody shows
	} else if !p.recv.paused.Load() {
		evs, drops := p.hub.Feed.Drain()
		if upd, changed := p.recv.prepare(evs, drops, now); changed {
			applies = append(applies, func() { p.recv.apply(upd) })
		}
	}
	loaded, err := p.r.Loaded()
	// Once loading ended, one last round shows the final figures.
	last := loaded && !p.final
	p.final = loaded
	if p.conns != nil && (last || !loaded && now.Sub(p.connsAt) >= statusEvery) {
		infos := p.connsOf()
		p.connsAt, p.nConns = now, len(infos)
		applies = append(applies, func() { p.conns.set(infos) })
	}
	if p.table != nil {
		if n, _ := p.r.ExchangeCount(); n != p.nExch || last {
			xs, trimmed := p.r.Exchanges()
			p.nExch = len(xs)
			applies = append(applies, func() { p.showExchanges(xs, trimmed) })
		}
	}
	if ws := p.r.Warnings(); len(ws) != p.nWarn {
		p.nWarn = len(ws)
		applies = append(applies, func() { p.showWarnings(ws) })
	}
	if t := p.loadingText(loaded, err); t != p.loadText {
		p.loadText = t
		applies = append(applies, func() { setIfChanged(p.loading, t) })
	}
	snap := p.hub.Counters.Snapshot()
	st := Tf("saved.status", "RX %s bytes · TX %s bytes", groupDigits(snap.RxBytes), groupDigits(snap.TxBytes))
	if p.framing.Splits() {
		st += " · " + msgStatus(snap)
	}
	if p.conns != nil {
		st += " · " + p.conns.titleText(p.nConns)
	}
	if st != p.statText {
		p.statText = st
		applies = append(applies, func() { setIfChanged(p.status, st) })
	}
	if len(applies) == 0 {
		return nil
	}
	return func() {
		for _, f := range applies {
			f()
		}
	}
}

// loadingText says how much of the folder is read.
func (p *savedPanel) loadingText(loaded bool, err error) string {
	done, total := p.r.Folder.Progress()
	switch {
	case loaded && err != nil && !errors.Is(err, context.Canceled):
		return Tf("saved.load_failed", "Reading stopped after %s of %s: a file cannot be read. What was read is shown.", mibText(done), mibText(total))
	case loaded:
		return Tf("saved.loaded", "Loaded: %s.", mibText(total))
	}
	pct := 0
	if total > 0 {
		pct = int(100 * done / total)
	}
	return Tf("saved.loading", "Loading: %s of %s (%d%%)…", mibText(done), mibText(total), pct)
}

// udpPeerRow is one peer of a reopened UDP session in two lines, as a
// connection's row: who and since when, then bytes and datagrams each way.
func udpPeerRow(ci netassist.ConnInfo) string {
	return fmt.Sprintf("#%-4d %-21s %s\n", ci.ID, ci.Peer, ci.Opened.Local().Format(time.TimeOnly)) +
		Tf("saved.peer_figures", "RX %-8s TX %-8s %s/%s dgram", humanBytes(float64(ci.Counters.RxBytes)),
			humanBytes(float64(ci.Counters.TxBytes)), shortCount(ci.Counters.RxChunks), shortCount(ci.Counters.TxChunks))
}

func peersTitle(n int) string { return Tf("saved.peers", "Peers: %d", n) }

func mibText(n int64) string { return humanBytes(float64(n)) }

// showWarnings says in words what of the folder is damaged; main goroutine.
func (p *savedPanel) showWarnings(ws []export.Warning) {
	const most = 8
	text := Tf("saved.damaged", "This folder is damaged; what is intact is shown. Left out (%d):", len(ws))
	for i, w := range ws {
		if i == most {
			text += "\n…"
			break
		}
		text += "\n• " + warningText(w)
	}
	p.warns.SetText(text)
	// Hidden until now, it was never given a width to wrap at, and would
	// be laid out as one empty line, under the views: wrap it at the width
	// of the label above it, in the same box, first.
	p.warns.rewrap(p.about.Size().Width)
	p.warns.Show()
	p.root.Refresh() // lays the views out below the taller top
}

// showExchanges lists the exchanges read so far; main goroutine.
func (p *savedPanel) showExchanges(xs []export.Exchange, trimmed int) {
	p.exch, p.trimmed = xs, trimmed
	if trimmed > 0 {
		p.exchNote.SetText(Tf("saved.exch_trimmed", "The %s oldest exchanges are not listed (the list keeps the newest, at most %s of them and 256 MB); Export… writes them all.", groupDigits(uint64(trimmed)), groupDigits(export.MaxExchanges)))
		p.exchNote.Show()
	}
	if p.selected >= len(xs) {
		p.selected = -1
	}
	if p.selected < 0 && len(xs) > 0 {
		p.onRowSelected(0) // the panes below show an exchange, not nothing
	}
	p.table.Refresh()
}

func (p *savedPanel) title() string               { return T("saved.title", "Saved session") }
func (p *savedPanel) open(netassist.Config) error { return nil }
func (p *savedPanel) fill(netassist.Config)       {}
func (p *savedPanel) connections() int            { return 0 }
func (p *savedPanel) setShown(func() bool)        {}
func (p *savedPanel) showSessErr(string)          {}
func (p *savedPanel) startSaving()                {}
func (p *savedPanel) toggleSave()                 {}
func (p *savedPanel) spec() (string, bool)        { return "", false } // not restored
func (p *savedPanel) shared() *sessionPanel       { return &p.sessionPanel }
func (p *savedPanel) onShown() {
	if p.recv != nil {
		p.recv.onShown()
	}
}

func (p *savedPanel) clearView() {
	if p.recv != nil {
		p.recv.onClear()
	}
}

// shutdown stops reading (tab closed, or quitting).
func (p *savedPanel) shutdown() {
	p.cancel()
	<-p.done
}

// IsSavedError tells whether err is about a folder that --view could not
// show.
func IsSavedError(err error) bool {
	var se *savedError
	return errors.As(err, &se)
}

// CheckSaved tells whether dir can be reopened, before any window (--view
// checks its folders first, like --save); say its error with SavedErrorText.
func CheckSaved(dir string) error {
	if _, err := export.OpenSaved(dir); err != nil {
		return &savedError{dir: dir, err: err}
	}
	return nil
}
