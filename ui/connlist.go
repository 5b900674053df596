package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// connList is a TCP server's connection list: one row per client with its
// own counters, a check box to pick targets, and the close actions that
// teach the four-way close.
type connList struct {
	infos []netassist.ConnInfo // main goroutine only

	mu       sync.Mutex // selected is read by the send path on any goroutine
	selected map[uint64]bool

	list     *widget.List
	title    *widget.Label
	allBtn   *widget.Button
	halfBtn  *widget.Button
	closeBtn *widget.Button
	rstBtn   *widget.Button
	onAction func(ids []uint64, action connAction)
	onSelect func()                          // the selection changed by a click
	rowText  func(netassist.ConnInfo) string // nil: connRow (a relay shows its pairs)
	rowWidth string                          // a row as wide as they get; "": connRowTemplate
	titleOf  func(n int) string              // nil: "Connections: n"
	readOnly bool                            // nothing to pick: no check boxes, clicks do nothing
}

type connAction int

const (
	actHalfClose connAction = iota
	actClose
	actReset
)

func newConnList(onAction func([]uint64, connAction)) *connList {
	return &connList{selected: map[uint64]bool{}, onAction: onAction}
}

func (l *connList) build() fyne.CanvasObject {
	l.list = &widget.List{
		Length: func() int { return len(l.infos) },
		CreateItem: func() fyne.CanvasObject {
			// Two lines, sized from a typical row: the list then asks for
			// the width its figures need, and the split gives it that.
			tmpl := l.rowWidth
			if tmpl == "" {
				tmpl = connRowTemplate()
			}
			lbl := widget.NewLabel(tmpl)
			lbl.TextStyle = fyne.TextStyle{Monospace: true}
			bg := canvas.NewRectangle(color.Transparent)
			return container.NewStack(bg, container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, lbl))
		},
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(l.infos) {
				return
			}
			ci := l.infos[i]
			stack := o.(*fyne.Container)
			bg := stack.Objects[0].(*canvas.Rectangle)
			row := stack.Objects[1].(*fyne.Container)
			lbl := row.Objects[0].(*widget.Label)
			chk := row.Objects[1].(*widget.Check)
			on := l.isSelected(ci.ID)
			chk.OnChanged = nil
			chk.SetChecked(on)
			chk.OnChanged = func(b bool) { l.setSelected(ci.ID, b); l.list.Refresh() }
			if l.readOnly {
				chk.Hide()
			}
			if on {
				bg.FillColor = selectionColor()
			} else {
				bg.FillColor = color.Transparent
			}
			bg.Refresh()
			if l.rowText != nil {
				lbl.SetText(l.rowText(ci))
			} else {
				lbl.SetText(connRow(ci))
			}
		},
		// A click on a row ticks or unticks that connection: one selection,
		// kept by connection id, so it stays with the connection when rows
		// above it go away. The list's own highlight is by row position, so
		// it is dropped at once and the row draws the selection itself.
		OnSelected: l.onRowClicked,
	}
	l.list.ExtendBaseWidget(l.list)
	l.title = widget.NewLabel(l.titleText(0))
	l.allBtn = widget.NewButton(T("conns.selectall", "Select all"), l.onSelectAll)
	l.halfBtn = widget.NewButton(T("conns.halfclose", "Half-close (FIN)"), func() { l.act(actHalfClose) })
	l.closeBtn = widget.NewButton(T("conns.disconnect", "Disconnect"), func() { l.act(actClose) })
	l.rstBtn = widget.NewButton(T("conns.reset", "Reset (RST)"), func() { l.act(actReset) })
	l.rstBtn.Importance = widget.DangerImportance
	top := container.NewHBox(l.title, l.allBtn)
	bottom := container.NewGridWithColumns(3, l.halfBtn, l.closeBtn, l.rstBtn)
	return container.NewBorder(top, bottom, nil, nil, l.list)
}

// connRow is one row of the list in two lines, columns aligned in
// monospace: who and in which state, then the figures and when it opened.
// On one line the figures were past the edge of the list at 1024 px.
// When the session splits messages, their count takes the place of the
// time it opened: the row keeps its width, and which of its clients is
// talking is what the list is for.
func connRow(ci netassist.ConnInfo) string {
	last := ci.Opened.Format(time.TimeOnly)
	if ci.Framed {
		last = connMsgs(ci.Counters)
	}
	return fmt.Sprintf("#%-4d %-21s %s\nRX %-8s TX %-8s %s", ci.ID, ci.Peer, connStateText(ci.State),
		humanBytes(float64(ci.Counters.RxBytes)), humanBytes(float64(ci.Counters.TxBytes)), last)
}

// connMsgs is a connection's messages, short: "1,234 msg", "12.3k msg",
// or with bad frames "12.3k/2 bad", which still fits the row at 1024 px.
func connMsgs(s netassist.CounterSnapshot) string {
	if s.RxBad > 0 {
		return Tf("conns.msgsbad", "%s/%s bad", shortCount(s.RxMsgs), shortCount(s.RxBad))
	}
	return Tf("conns.msgs", "%s msg", shortCount(s.RxMsgs))
}

// shortCount is n in a few characters: exact below 10,000, else "12.3k".
func shortCount(n uint64) string {
	if n < 10_000 {
		return groupDigits(n)
	}
	f, units, i := float64(n), "kMGTPE", -1
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + units[i:i+1]
}

// connRowTemplate is as wide as a row with an IPv4 peer, the longest
// state and large figures.
func connRowTemplate() string {
	return connRow(netassist.ConnInfo{ID: 1000, Peer: "000.000.000.000:00000", State: netassist.StatePeerClosed,
		Counters: netassist.CounterSnapshot{RxBytes: 999_999, TxBytes: 999_999}})
}

func connStateText(s netassist.ConnState) string {
	switch s {
	case netassist.StatePeerClosed:
		return T("state.peer_closed", "peer FIN")
	case netassist.StateHalfClosed:
		return T("state.half_closed", "our FIN")
	case netassist.StateClosed:
		return T("state.closed", "closed")
	}
	return T("state.open", "open")
}

func (l *connList) isSelected(id uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.selected[id]
}

func (l *connList) setSelected(id uint64, on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if on {
		l.selected[id] = true
	} else {
		delete(l.selected, id)
	}
}

// set shows a new snapshot; selections of connections that are gone go too.
func (l *connList) set(infos []netassist.ConnInfo) {
	l.infos = infos
	l.mu.Lock()
	l.selected = keptSelection(l.selected, infos)
	l.mu.Unlock()
	l.title.SetText(l.titleText(len(infos)))
	l.list.Refresh()
}

func (l *connList) titleText(n int) string {
	if l.titleOf != nil {
		return l.titleOf(n)
	}
	return Tf("conns.title", "Connections: %d", n)
}

// selection lists the checked connections; any goroutine.
func (l *connList) selection() []uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := make([]uint64, 0, len(l.selected))
	for id := range l.selected {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (l *connList) onSelectAll() {
	l.mu.Lock()
	all := len(l.selected) < len(l.infos)
	clear(l.selected)
	if all {
		for _, ci := range l.infos {
			l.selected[ci.ID] = true
		}
	}
	l.mu.Unlock()
	l.list.Refresh()
}

func (l *connList) onRowClicked(i widget.ListItemID) {
	l.list.Unselect(i)
	if l.readOnly || i < 0 || i >= len(l.infos) {
		return
	}
	id := l.infos[i].ID
	l.setSelected(id, !l.isSelected(id))
	l.list.RefreshItem(i)
	if l.onSelect != nil {
		l.onSelect()
	}
}

// act runs a close action on the selected connections; with none selected
// it still calls onAction (with no ids), so the panel can say why nothing
// happened.
func (l *connList) act(a connAction) { l.onAction(l.selection(), a) }

// selectionColor is the theme's colour for selected rows.
func selectionColor() color.Color {
	return fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
}
