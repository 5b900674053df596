package ui

import (
	"image/color"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/display"
)

// recvView is the receive area: options, the virtualized list of rows and
// a line that says when older rows were trimmed. The ring is touched only
// on the main goroutine; the formatter only on the pump's.
type recvView struct {
	win fyne.Window

	ring    *display.Ring
	fmtr    *display.Formatter
	history *display.History
	list    *widget.List
	ahead   rowImages // the rows a repaint will show, drawn on the pump's goroutine

	hexMode  *widget.RadioGroup
	charset  *widget.Select
	logMode  *widget.Check
	hideTX   *widget.Check
	follow   *widget.Check
	pause    *widget.Check
	clearBtn *widget.Button
	copyBtn  *widget.Button
	saveBtn  *widget.Button
	trimmed  *widget.Label
	toolbar  *fyne.Container // the options and buttons above the rows, in lines as wide as the pane

	// fontSize is the rows' text size (Settings); 0 follows the theme. It
	// is set on each row rather than through a container.ThemeOverride: an
	// override gives its subtree a new font cache scope each time its
	// renderer is made, and Fyne then parses every font again and keeps
	// the copy, which in the soak grew the heap by megabytes a minute.
	fontSize float32

	paused    atomic.Bool
	hidingTX  atomic.Bool // hideTX is ticked: sent data is left out of the rows
	rerender  atomic.Bool // options changed: rebuild rows from history
	following bool

	// pump goroutine only: rows formatted but not yet shown
	pending      display.Batch
	pendingDrops uint64
	lastView     time.Time
	lastRows     int // rows in the last batch shown

	mu         sync.Mutex // guards feedDrops, the pump adds, the UI reads
	feedDrops  uint64
	clearAfter atomic.Bool

	// main goroutine only
	columns  int         // the list's width in monospace columns; 0 before the first layout
	madeFor  int         // the widest columns a row shown was made for
	hidden   func() bool // the session's tab is not the one shown; nil: always shown
	stale    bool        // rows arrived while hidden: repaint when shown
	bannerAt time.Time   // when the trim banner's figures were last rewritten
}

func newRecvView(win fyne.Window, ringCap int, fontSize float32) *recvView {
	v := &recvView{
		win:      win,
		ring:     display.NewRing(ringCap),
		fontSize: fontSize,
		history:  display.NewHistory(0),
	}
	v.fmtr = display.NewFormatter(display.Options{LogMode: true, Timestamps: true, Charset: codec.UTF8})
	v.fmtr.SetDrawable(glyphs.drawable)
	return v
}

func (v *recvView) build() fyne.CanvasObject {
	// Rows are plain text, not Labels: a Label is a RichText underneath,
	// and laying one out per new row is what costs the UI thread in a
	// flood. rowText draws them (rowtext.go), and only when they change.
	v.list = &widget.List{
		Length:     func() int { return v.ring.Len() },
		CreateItem: func() fyne.CanvasObject { return newRowText(v.textSize(), &v.ahead) },
		UpdateItem: func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*rowText).set(v.ring.Row(id), rowColor(v.ring.Dir(id)), v.textSize())
		},
	}
	v.list.ExtendBaseWidget(v.list)
	v.hexMode = widget.NewRadioGroup([]string{T("recv.text", "Text"), T("recv.hex", "Hex")}, v.onOptionsChanged)
	v.hexMode.Horizontal = true
	v.hexMode.Required = true
	v.hexMode.SetSelected(T("recv.text", "Text"))
	v.charset = widget.NewSelect(charsetNames(), func(string) { v.onOptionsChanged("") })
	v.charset.SetSelected(string(codec.UTF8))
	v.logMode = widget.NewCheck(T("recv.logmode", "Log mode"), func(bool) { v.onOptionsChanged("") })
	v.logMode.SetChecked(true)
	v.hideTX = widget.NewCheck(T("recv.hidetx", "Hide sent"), v.onHideTX)
	v.follow = widget.NewCheck(T("recv.follow", "Follow"), func(b bool) { v.following = b })
	v.follow.SetChecked(true)
	v.pause = widget.NewCheck(T("recv.pause", "Pause display"), func(b bool) { v.paused.Store(b) })
	v.clearBtn = widget.NewButton(T("recv.clear", "Clear"), v.onClear)
	v.copyBtn = widget.NewButton(T("recv.copy", "Copy"), v.onCopy)
	v.saveBtn = widget.NewButton(T("recv.saveview", "Save view…"), v.onSaveView)
	v.trimmed = widget.NewLabel("")
	v.trimmed.Importance = widget.WarningImportance
	v.trimmed.Wrapping = fyne.TextWrapWord // whole at any width, never widening the window
	v.trimmed.Hide()
	v.toolbar = container.New(flowLayout{}, v.hexMode, v.charset, v.logMode, v.hideTX, v.follow, v.pause, v.clearBtn, v.copyBtn, v.saveBtn)
	return container.New(recvLayout{v}, v.toolbar, v.trimmed, v.list)
}

// rowColor tells received, sent and note rows apart in either theme
// variant: received data in the text colour, sent data in the accent
// colour, notes muted.
func rowColor(d display.Dir) color.Color {
	switch d {
	case display.TX:
		return theme.Color(theme.ColorNamePrimary)
	case display.Info:
		return theme.Color(theme.ColorNamePlaceHolder)
	case display.Back:
		return theme.Color(theme.ColorNameSuccess)
	}
	return theme.Color(theme.ColorNameForeground)
}

// onHideTX leaves sent data out of the rows, or brings it back: the rows
// are made again from the history, which keeps both directions.
func (v *recvView) onHideTX(hide bool) {
	v.hidingTX.Store(hide)
	v.rerender.Store(true)
}

// shown drops the chunks the view leaves out (sent data while hideTX is
// ticked); pump goroutine.
func (v *recvView) shown(chunks []display.Chunk) []display.Chunk {
	if !v.hidingTX.Load() {
		return chunks
	}
	out := make([]display.Chunk, 0, len(chunks))
	for _, c := range chunks {
		if c.Dir != display.TX {
			out = append(out, c)
		}
	}
	return out
}

// recvLayout stacks the toolbar, the trim banner and the list. The
// toolbar takes as many lines as its pane's width needs, and the extra
// lines come out of the list's height: the view's minimum size counts one
// toolbar line, so a narrow pane shortens the list rather than pushing
// the window past a small screen.
//
// It also tells the view its width, which the rows wrap at.
type recvLayout struct{ v *recvView }

func (l recvLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.v.setWidth(size.Width)
	toolbar, banner, list := objects[0].(*fyne.Container), objects[1], objects[2]
	pad := theme.Padding()
	h := flowLayout{}.heightFor(toolbar.Objects, size.Width)
	toolbar.Move(fyne.NewPos(0, 0))
	toolbar.Resize(fyne.NewSize(size.Width, h))
	y := h + pad
	if banner.Visible() {
		// A wrapping label's MinSize is its height at its current width:
		// give it the pane's width first, or a line it gains on a narrow
		// pane lies over the first row.
		banner.Resize(fyne.NewSize(size.Width, banner.Size().Height))
		bh := banner.MinSize().Height
		banner.Move(fyne.NewPos(0, y))
		banner.Resize(fyne.NewSize(size.Width, bh))
		y += bh + pad
	}
	list.Move(fyne.NewPos(0, y))
	list.Resize(fyne.NewSize(size.Width, max(size.Height-y, 0)))
}

func (recvLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	s := objects[0].MinSize()
	for _, o := range objects[1:] {
		if o.Visible() {
			m := o.MinSize()
			s = fyne.NewSize(max(s.Width, m.Width), s.Height+pad+m.Height)
		}
	}
	return s
}

// Rows wrap at the list's width, so every byte of a long line is on
// screen (a fixed column lost what passed the pane's edge). The formatter
// breaks rows on the pump's goroutine, as before; the UI thread still
// draws only the visible rows, each one line of text no wider than the
// pane, so a long line or a flood costs a frame no more than short rows.
// A narrower pane re-forms the rows from the history (pump goroutine,
// coalesced per tick while a window is dragged), as switching to hex
// does. So does a wider one while the history holds everything shown;
// once it has dropped data, a wider pane only lets new rows take the
// room: the rows shown fit already, and re-forming would lose those the
// history no longer holds.

// wrapColumns is how many monospace columns fit a list width: less the
// rows' padding and the scroll bar, which is drawn over the rows.
func wrapColumns(width, textSize float32) int {
	col := fyne.MeasureText("0", textSize, fyne.TextStyle{Monospace: true}).Width
	if col <= 0 {
		return 0
	}
	return int((width - 2*theme.Padding() - theme.ScrollBarSize()) / col)
}

// minWrap keeps rows readable in a pane squeezed to almost nothing.
const minWrap = 16

// setWidth wraps rows at the list's width; main goroutine (layout).
func (v *recvView) setWidth(width float32) {
	cols := wrapColumns(width, v.textSize())
	if cols <= 0 || cols == v.columns || v.charset == nil {
		return
	}
	v.columns = cols
	if _, lost := v.history.Dropped(); cols < v.madeFor || v.madeFor == 0 || lost == 0 {
		// Some rows are wider than the pane now, or the history still
		// holds everything shown: re-form the rows.
		v.onOptionsChanged("")
		return
	}
	v.madeFor = cols
	v.fmtr.SetOptions(v.options())
}

func charsetNames() []string {
	var out []string
	for _, c := range codec.Charsets {
		out = append(out, string(c))
	}
	return out
}

func (v *recvView) options() display.Options {
	o := display.Options{
		Hex:        v.hexMode.Selected == T("recv.hex", "Hex"),
		Charset:    codec.Charset(v.charset.Selected),
		LogMode:    v.logMode.Checked,
		Timestamps: true,
		ByteUnit:   T("recv.unit.byte", "byte"),
		BytesUnit:  T("recv.unit.bytes", "bytes"),
	}
	if v.columns > 0 {
		o.Wrap = max(v.columns-o.PrefixColumns(), minWrap)
	}
	return o
}

// onOptionsChanged re-renders what the history still holds with the new
// settings, so switching text/hex or charset applies to what is on screen.
func (v *recvView) onOptionsChanged(string) {
	if v.charset == nil || v.logMode == nil || v.hexMode == nil {
		return // still building
	}
	v.fmtr.SetOptions(v.options())
	v.rerender.Store(true)
	v.madeFor = v.columns
}

func (v *recvView) togglePause() { v.pause.SetChecked(!v.pause.Checked) }

func (v *recvView) toggleHex() {
	if v.hexMode.Selected == T("recv.hex", "Hex") {
		v.hexMode.SetSelected(T("recv.text", "Text"))
	} else {
		v.hexMode.SetSelected(T("recv.hex", "Hex"))
	}
}

func (v *recvView) onClear() {
	v.ring.Clear()
	v.list.Refresh()
	v.clearAfter.Store(true)
	v.mu.Lock()
	v.feedDrops = 0
	v.mu.Unlock()
	v.trimmed.Hide()
}

func (v *recvView) onCopy() {
	fyne.CurrentApp().Clipboard().SetContent(v.ring.Text())
}

func (v *recvView) onSaveView() {
	text := v.ring.Text()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		go func() {
			_, werr := w.Write([]byte(text))
			cerr := w.Close()
			if werr == nil {
				werr = cerr
			}
			if werr != nil {
				// In words, not Go's error text.
				msg := Tf("view.save_failed", "Could not save the view to %s: the file could not be written (the disk may be full, or the place read-only).", w.URI().Name())
				fyne.Do(func() { dialog.ShowInformation(T("dlg.error", "Error"), msg, v.win) })
			}
		}()
	}, v.win)
	d.SetFileName("netassist-view.txt")
	d.Show()
}

// chunkOf turns an engine event into a display chunk; ok is false for
// events the view does not show.
func chunkOf(ev netassist.Event) (display.Chunk, bool) {
	c := display.Chunk{Time: ev.Time, Conn: ev.Conn, Peer: ev.Peer}
	if ev.Leg != "" {
		return relayChunk(ev, c)
	}
	switch ev.Kind {
	case netassist.EvRx:
		c.Dir, c.Data = display.RX, ev.Data
	case netassist.EvTx:
		c.Dir, c.Data = display.TX, ev.Data
		if ev.Rule != "" {
			// Its own header row, also in stream mode, naming the rule.
			c.Msg, c.Mark = true, Tf("rules.mark", "auto-reply: %s", ev.Rule)
		}
	default:
		c.Dir, c.Note = display.Info, eventNote(ev)
		if c.Note == "" {
			return c, false
		}
	}
	return c, true
}

// eventNote is the line a session event leaves in the receive view.
func eventNote(ev netassist.Event) string {
	switch ev.Kind {
	case netassist.EvOpen:
		return Tf("note.open", "session open at %s", ev.Detail)
	case netassist.EvClose:
		return T("note.close", "session closed")
	case netassist.EvConnect:
		return Tf("note.connect", "#%d %s connected", ev.Conn, ev.Peer)
	case netassist.EvDisconnect:
		switch ev.Detail {
		case netassist.ReasonFIN:
			return Tf("note.fin_closed", "#%d %s closed the connection (FIN), we closed ours", ev.Conn, ev.Peer)
		case netassist.ReasonRST:
			return Tf("note.rst", "#%d %s reset the connection (RST)", ev.Conn, ev.Peer)
		case netassist.ReasonAbort:
			return Tf("note.abort", "#%d %s: we reset the connection (RST)", ev.Conn, ev.Peer)
		case netassist.ReasonError:
			return Tf("note.error_closed", "#%d %s: connection lost after an error", ev.Conn, ev.Peer)
		}
		return Tf("note.local_closed", "#%d %s: we closed the connection", ev.Conn, ev.Peer)
	case netassist.EvInfo:
		switch ev.Detail {
		case "peer_fin":
			return Tf("note.peer_fin", "#%d %s closed its side (FIN); you can still send", ev.Conn, ev.Peer)
		case "local_fin":
			return Tf("note.local_fin", "#%d %s: we closed our sending side (FIN); we can still receive", ev.Conn, ev.Peer)
		case netassist.InfoRulePaused:
			return Tf("note.rule_paused", "rule “%s” answers too fast and is paused: nothing more is sent until you press Resume (Rules).", ev.Rule)
		}
		if s := multicastNote(ev); s != "" {
			return s
		}
		return ev.Detail
	case netassist.EvError:
		return Tf("note.error", "error: %s", eventErrText(ev))
	}
	return ""
}

// viewUpdate is what the pump prepared for the main goroutine.
type viewUpdate struct {
	batch   display.Batch
	reset   bool // replace the ring's contents with batch
	dropped uint64
}

// viewEvery is how often the receive list is repainted at most: new
// rows are formatted every pump tick but shown in batches, because
// rasterising rows on the UI thread is what a flood would otherwise cost.
const viewEvery = 100 * time.Millisecond

// Under a flood each repaint replaces every visible row, and each of those
// is rasterised anew on the UI thread, which then has no time left for
// input, and on a 2-core machine took CPU from the saver. After a batch
// larger than any screen of rows, the next one waits floodViewEvery: two
// frames a second show a flood as well as ten.
const (
	floodViewEvery = 500 * time.Millisecond
	floodRows      = 200
)

// flooding tells whether the view is showing a flood: its last batch was
// one, not long ago. Pump goroutine.
func (v *recvView) flooding(now time.Time) bool {
	return v.lastRows >= floodRows && now.Sub(v.lastView) < 2*floodViewEvery
}

// prepare drains events into rows; it runs on the pump's goroutine.
func (v *recvView) prepare(evs []netassist.Event, drops netassist.FeedDrops, now time.Time) (viewUpdate, bool) {
	chunks := make([]display.Chunk, 0, len(evs))
	for _, ev := range evs {
		if ev.Kind == netassist.EvMsg {
			chunks = msgChunks(ev, chunks) // one row per message
			continue
		}
		if c, ok := chunkOf(ev); ok {
			chunks = append(chunks, c)
		}
	}
	if v.clearAfter.Swap(false) {
		v.history.Clear()
		v.fmtr.Reset() // the next row must not continue one that is gone
		v.pending, v.pendingDrops = display.Batch{}, 0
	}
	v.history.Add(chunks...)
	if v.rerender.Swap(false) {
		v.fmtr.Reset()
		v.pending, v.pendingDrops = display.Batch{}, 0
		v.lastView = now
		u := viewUpdate{batch: v.fmtr.Format(v.shown(v.history.Chunks())), reset: true}
		v.ahead.drawAhead(u.batch)
		return u, true
	}
	if chunks = v.shown(chunks); len(chunks) > 0 {
		v.pending.Merge(v.fmtr.Format(chunks))
	}
	v.pendingDrops += uint64(drops.Bytes)
	every := viewEvery
	if v.lastRows >= floodRows {
		every = floodViewEvery
	}
	if (len(v.pending.Rows) == 0 && v.pendingDrops == 0) || now.Sub(v.lastView) < every {
		return viewUpdate{}, false
	}
	u := viewUpdate{batch: v.pending, dropped: v.pendingDrops}
	v.pending, v.pendingDrops = display.Batch{}, 0
	v.lastView, v.lastRows = now, len(u.batch.Rows)
	v.ahead.drawAhead(u.batch)
	return u, true
}

// apply shows prepared rows; main goroutine only.
func (v *recvView) apply(u viewUpdate) {
	if u.reset {
		v.ring.Clear()
	}
	v.ring.Apply(u.batch)
	v.mu.Lock()
	v.feedDrops += u.dropped
	drops := v.feedDrops
	v.mu.Unlock()
	if v.hidden != nil && v.hidden() {
		// Repainting a list nobody sees costs the UI thread as much as one
		// on screen; onShown catches up.
		v.stale = true
		v.ahead.params.Store(nil) // nor are its rows drawn ahead
		return
	}
	v.showBanner(drops, false)
	v.repaint()
}

// repaint shows the ring's rows, at the bottom when following.
func (v *recvView) repaint() {
	v.list.Refresh()
	if v.following {
		v.list.ScrollToBottom()
	}
	v.publishRowParams()
}

// publishRowParams tells the pump how to draw the rows of the next
// repaint ahead: only while the view follows the newest rows, which are
// then the ones shown. Main goroutine.
func (v *recvView) publishRowParams() {
	c := fyne.CurrentApp().Driver().CanvasForObject(v.list)
	row := fyne.MeasureText("0", v.textSize(), monoStyle).Height
	size := v.list.Size()
	if !v.following || c == nil || row <= 0 || size.Height <= 0 {
		v.ahead.params.Store(nil)
		return
	}
	colors := map[display.Dir]color.Color{}
	for _, d := range []display.Dir{display.RX, display.TX, display.Info, display.Back} {
		colors[d] = rowColor(d)
	}
	v.ahead.params.Store(&rowParams{
		rows:   int(size.Height/(row+theme.Padding())) + 2,
		width:  size.Width,
		size:   v.textSize(),
		scale:  c.Scale(),
		colors: colors,
	})
}

// bannerEvery is how often the trim banner's running figures are rewritten:
// each rewrite measures the whole line again to fit it to the window.
const bannerEvery = 500 * time.Millisecond

// showBanner says how much the display trimmed; main goroutine.
func (v *recvView) showBanner(drops uint64, now bool) {
	t := v.ring.Trimmed()
	if t == 0 && drops == 0 {
		return
	}
	if at := time.Now(); now || !v.trimmed.Visible() || at.Sub(v.bannerAt) >= bannerEvery {
		v.bannerAt = at
	} else {
		return
	}
	var msg string
	switch {
	case t > 0 && drops > 0:
		msg = Tf("recv.trimmed", "Older data trimmed from the display: %s rows removed and %s bytes never shown. Counters and saved files are complete.", groupDigits(t), groupDigits(drops))
	case t > 0:
		msg = Tf("recv.trimmedrows", "Older data trimmed from the display: %s rows removed. Counters and saved files are complete.", groupDigits(t))
	default:
		msg = Tf("recv.trimmedbytes", "Data arrived faster than the display shows it: %s bytes were never shown. Counters and saved files are complete.", groupDigits(drops))
	}
	setIfChanged(v.trimmed, msg)
	v.trimmed.Show()
}

// onShown repaints what arrived while the session's tab was hidden; main
// goroutine.
func (v *recvView) onShown() {
	if !v.stale {
		return
	}
	v.stale = false
	v.mu.Lock()
	drops := v.feedDrops
	v.mu.Unlock()
	v.showBanner(drops, true)
	v.repaint()
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n uint64) string {
	s := []byte(fmtUint(n))
	var out []byte
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}

func fmtUint(n uint64) string { return strconv.FormatUint(n, 10) }

// humanBytes is a short size, e.g. "1.5 MB".
func humanBytes(n float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	i := 0
	for n >= 1000 && i < len(units)-1 {
		n /= 1000
		i++
	}
	if i == 0 {
		return fmtUint(uint64(n)) + " B"
	}
	return strconv.FormatFloat(n, 'f', 1, 64) + " " + units[i]
}

func (v *recvView) textSize() float32 {
	if v.fontSize > 0 {
		return v.fontSize
	}
	return theme.TextSize()
}

// setFontSize changes the receive view's text size (Settings).
func (v *recvView) setFontSize(size float32) {
	v.fontSize = size
	v.setWidth(v.list.Size().Width) // another size, another number of columns
	v.list.Refresh()                // measures a new row for the height, then fills the rows again
}

// setIfChanged sets a label's text only when it differs: every SetText
// repaints the window, and the pump runs 30 times a second.
func setIfChanged(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}
