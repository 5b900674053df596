package ui

import (
	"errors"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/codec"
)

// heldBox is a relay's Hold tab: a switch per direction, the held
// messages in order, and what to do with the chosen one — forward it as
// it is, edit it (as text with escapes, or hex, like the send box) and
// forward that, or drop it — or forward them all.
type heldBox struct {
	win   fyne.Window
	relay func() netassist.Relay // the open session, or nil

	holdC2S, holdS2C *widget.Check
	list             *widget.List
	edit             *widget.Entry
	mode             *widget.RadioGroup
	errLine          *widget.Label
	tabs             *container.AppTabs
	tab              *container.TabItem

	msgs []netassist.HeldMsg // main goroutine
	sel  uint64              // the chosen message's id, 0 for none
}

func newHeldBox(win fyne.Window, relay func() netassist.Relay) *heldBox {
	return &heldBox{win: win, relay: relay}
}

func (h *heldBox) build() fyne.CanvasObject {
	h.holdC2S = widget.NewCheck(T("relay.hold.c2s", "Hold client→server"), func(on bool) { h.setHold(netassist.ClientToServer, on) })
	h.holdS2C = widget.NewCheck(T("relay.hold.s2c", "Hold server→client"), func(on bool) { h.setHold(netassist.ServerToClient, on) })
	h.list = widget.NewList(func() int { return len(h.msgs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("#0000 client→server #000 · 00000 bytes")
			l.TextStyle = fyne.TextStyle{Monospace: true}
			l.Truncation = fyne.TextTruncateClip
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(h.msgs) {
				o.(*widget.Label).SetText(heldRow(h.msgs[i]))
			}
		})
	h.list.OnSelected = h.onSelected
	h.edit = widget.NewMultiLineEntry()
	h.edit.SetMinRowsVisible(3)
	h.edit.SetPlaceHolder(T("relay.edit.placeholder", "Choose a held message; change it here, then press Forward edited."))
	h.mode = widget.NewRadioGroup([]string{T("send.text", "Text"), T("send.hex", "Hex")}, func(string) { h.showSelected() })
	h.mode.Horizontal = true
	h.mode.Required = true
	h.mode.SetSelected(T("send.text", "Text"))
	h.errLine = newErrLine()
	fwd := widget.NewButton(T("relay.forward", "Forward"), h.onForward)
	fwdEdit := widget.NewButton(T("relay.forwardedit", "Forward edited"), h.onForwardEdited)
	fwdEdit.Importance = widget.HighImportance
	drop := widget.NewButton(T("relay.drop", "Drop"), h.onDrop)
	drop.Importance = widget.DangerImportance
	all := widget.NewButton(T("relay.forwardall", "Forward all"), h.onForwardAll)
	top := container.NewVBox(container.NewGridWithColumns(2, h.holdC2S, h.holdS2C))
	bottom := container.NewVBox(h.mode, h.edit, h.errLine, container.NewGridWithColumns(4, fwd, fwdEdit, drop, all))
	return container.NewBorder(top, bottom, nil, nil, h.list)
}

// heldRow is one held message in the list.
func heldRow(m netassist.HeldMsg) string {
	return strconv.FormatUint(m.ID, 10) + ". " + dirLabel(m.Dir) + " " + Tf("relay.pairno", "pair #%d", m.Pair) +
		" · " + Tf("relay.bytes", "%d bytes", len(m.Data)) + "  " + preview(m.Data)
}

// preview is the start of a message as escaped text, for its row.
func preview(b []byte) string {
	if len(b) > 40 {
		return codec.Escape(b[:40]) + "…"
	}
	return codec.Escape(b)
}

// dirLabel names a direction in the user's language.
func dirLabel(d netassist.Dir) string {
	if d == netassist.ClientToServer {
		return T("relay.dir.c2s", "client→server")
	}
	return T("relay.dir.s2c", "server→client")
}

func (h *heldBox) setHold(d netassist.Dir, on bool) {
	if r := h.relay(); r != nil {
		r.SetHold(d, on)
	}
}

// applyHolds gives a session being opened the switches as they are.
func (h *heldBox) applyHolds(r netassist.Relay) {
	r.SetHold(netassist.ClientToServer, h.holdC2S.Checked)
	r.SetHold(netassist.ServerToClient, h.holdS2C.Checked)
}

// set shows the held messages; the chosen one stays chosen while held.
func (h *heldBox) set(msgs []netassist.HeldMsg) {
	h.msgs = msgs
	idx := -1
	for i, m := range msgs {
		if m.ID == h.sel {
			idx = i
		}
	}
	h.list.Refresh()
	if idx < 0 && h.sel != 0 {
		h.sel = 0
		h.list.UnselectAll()
		h.edit.SetText("")
	}
	if h.tab != nil {
		title := T("relay.held", "Hold")
		if len(msgs) > 0 {
			title += " (" + strconv.Itoa(len(msgs)) + ")"
		}
		if h.tab.Text != title {
			h.tab.Text = title
			h.tabs.Refresh()
		}
	}
}

func (h *heldBox) onSelected(i widget.ListItemID) {
	if i < 0 || i >= len(h.msgs) {
		return
	}
	h.sel = h.msgs[i].ID
	h.showSelected()
}

// showSelected puts the chosen message into the edit box in the mode
// chosen.
func (h *heldBox) showSelected() {
	m, ok := h.selected()
	if !ok || h.edit == nil {
		return
	}
	if h.isHex() {
		h.edit.SetText(codec.FormatHex(m.Data))
	} else {
		h.edit.SetText(codec.Escape(m.Data))
	}
	showErrLine(h.errLine, "")
}

func (h *heldBox) isHex() bool { return h.mode.Selected == T("send.hex", "Hex") }

func (h *heldBox) selected() (netassist.HeldMsg, bool) {
	for _, m := range h.msgs {
		if m.ID == h.sel && h.sel != 0 {
			return m, true
		}
	}
	return netassist.HeldMsg{}, false
}

// chosen is the selected message's id, or 0 after saying why not.
func (h *heldBox) chosen() uint64 {
	if _, ok := h.selected(); !ok {
		showErrLine(h.errLine, T("relay.nomsg", "Choose a held message in the list first."))
		return 0
	}
	showErrLine(h.errLine, "")
	return h.sel
}

func (h *heldBox) onForward() {
	r := h.relay()
	if id := h.chosen(); id != 0 && r != nil {
		r.Forward(id, nil)
	}
}

func (h *heldBox) onForwardEdited() {
	r := h.relay()
	id := h.chosen()
	if id == 0 || r == nil {
		return
	}
	o := codec.SendOptions{Mode: codec.ModeText, Escapes: true, Charset: codec.UTF8}
	if h.isHex() {
		o.Mode = codec.ModeHex
	}
	data, err := codec.Encode(h.edit.Text, o)
	if err != nil {
		showErrLine(h.errLine, errMsg(err))
		return
	}
	if data == nil {
		data = []byte{}
	}
	r.Forward(id, data)
}

func (h *heldBox) onDrop() {
	r := h.relay()
	if id := h.chosen(); id != 0 && r != nil {
		r.Drop(id)
	}
}

func (h *heldBox) onForwardAll() {
	r := h.relay()
	if r == nil {
		showErrLine(h.errLine, errMsg(errors.New(T("relay.notopen", "The relay is not open."))))
		return
	}
	showErrLine(h.errLine, "")
	r.ForwardAll()
}
