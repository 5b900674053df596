package ui

import (
	"strconv"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview"
	"netassist/netassist"
	"netassist/netassist/display"
)

// maxTrafficMsgs bounds the message list; older messages leave first.
const maxTrafficMsgs = 5000

// httpTraffic reads a session's byte streams as HTTP: each connection's
// two directions are split into messages (keep-alive and pipelined ones
// apart) and listed; the selected one is shown whole. The raw bytes stay
// as they came; only the view is decoded.
type httpTraffic struct {
	// rxIsRequest: a server receives requests, a client receives responses.
	rxIsRequest bool
	on          atomic.Bool
	// replay is set when Parse as HTTP is ticked: the pump then parses what
	// the receive view still holds before what comes next.
	replay atomic.Bool

	conns map[uint64]*httpview.Conn // pump goroutine only
	lost  bool                      // pump: the feed dropped bytes, streams are broken

	msgs    []trafficMsg // main goroutine only
	trimmed int
	table   *widget.Table
	view    *msgView
	copyBar *copyBar
	fa      fyne.App
	// scheme is "http", or "https" for a client over TLS (the bytes shown
	// are the plain text inside it); nil means "http".
	scheme   func() string
	notice   *wrapLabel
	selected int
	shownAt  time.Time // when the newest message was last shown by itself
}

type trafficMsg struct {
	at   time.Time
	conn uint64
	peer string
	m    *httpview.Message
}

func newHTTPTraffic(rxIsRequest bool) *httpTraffic {
	return &httpTraffic{rxIsRequest: rxIsRequest, conns: map[uint64]*httpview.Conn{}, selected: -1}
}

func (h *httpTraffic) build() fyne.CanvasObject {
	h.table = newRowTable([]column{
		{T("http.col.time", "Time"), 110}, {T("http.col.conn", "Connection"), 200},
		{T("http.col.message", "Message"), 360}, {T("http.col.bytes", "Bytes"), 80},
	}, func() int { return len(h.msgs) }, h.cellText, func(row int) bool { return row == h.selected }, h.onRowSelected)
	h.view = newMsgView(T("http.message", "Message"))
	h.notice = newWrapLabel("")
	h.notice.Importance = widget.WarningImportance
	h.notice.Hide()
	h.copyBar = newCopyBar(h.fa, h.view, nil, h.selectedMsg)
	split := container.NewVSplit(h.table, h.view.object())
	split.Offset = 0.35
	return container.NewBorder(h.notice, nil, nil, nil, split)
}

func (h *httpTraffic) onRowSelected(row int) {
	if row >= 0 && row < len(h.msgs) {
		h.selected = row
		h.view.showMessage(h.msgs[row].m)
	}
}

// selectedMsg is the selected message for the copy buttons: a request can
// be copied as curl, any message raw. A client's peer is the server, the
// host of a request without a Host header.
func (h *httpTraffic) selectedMsg() (copyExchange, bool) {
	if h.selected < 0 || h.selected >= len(h.msgs) {
		return copyExchange{}, false
	}
	t := h.msgs[h.selected]
	ex := copyExchange{req: t.m.Raw(), scheme: "http"}
	if h.scheme != nil {
		ex.scheme = h.scheme()
	}
	if !h.rxIsRequest {
		ex.host = t.peer
	}
	ex.response = !t.m.IsRequest
	return ex, true
}

// cellText is one cell of the message list.
func (h *httpTraffic) cellText(row, col int) string {
	t := h.msgs[row]
	switch col {
	case 0:
		return t.at.Format("15:04:05.000")
	case 1:
		return "#" + strconv.FormatUint(t.conn, 10) + " " + t.peer
	case 2:
		if len(t.m.Warnings) > 0 || t.m.Incomplete {
			return "⚠ " + t.m.StartLine
		}
		return t.m.StartLine
	case 3:
		return groupDigits(uint64(len(t.m.Raw())))
	}
	return ""
}

// feed splits drained events into messages; pump goroutine only.
func (h *httpTraffic) feed(evs []netassist.Event, drops netassist.FeedDrops) (out []trafficMsg, lost bool) {
	if !h.on.Load() {
		return nil, false
	}
	if drops.Bytes > 0 {
		// Bytes the display dropped are gone from the streams too: start
		// over at the next message boundary we can find.
		clear(h.conns)
		lost = true
	}
	for _, ev := range evs {
		switch ev.Kind {
		case netassist.EvRx, netassist.EvTx:
			c := h.conns[ev.Conn]
			if c == nil {
				c = httpview.NewConn()
				h.conns[ev.Conn] = c
			}
			var ms []*httpview.Message
			if (ev.Kind == netassist.EvRx) == h.rxIsRequest {
				ms = c.ClientData(ev.Data)
			} else {
				ms = c.ServerData(ev.Data)
			}
			for _, m := range ms {
				out = append(out, trafficMsg{at: ev.Time, conn: ev.Conn, peer: ev.Peer, m: m})
			}
		case netassist.EvDisconnect:
			if c := h.conns[ev.Conn]; c != nil {
				reqs, resps := c.Close()
				for _, m := range append(reqs, resps...) {
					out = append(out, trafficMsg{at: ev.Time, conn: ev.Conn, peer: ev.Peer, m: m})
				}
				delete(h.conns, ev.Conn)
			}
		}
	}
	return out, lost
}

// historyEvents turns the receive view's kept chunks back into the rx/tx
// events feed takes, oldest first.
func historyEvents(chunks []display.Chunk) []netassist.Event {
	evs := make([]netassist.Event, 0, len(chunks))
	for _, c := range chunks {
		ev := netassist.Event{Time: c.Time, Conn: c.Conn, Peer: c.Peer, Data: c.Data}
		switch c.Dir {
		case display.RX:
			ev.Kind = netassist.EvRx
		case display.TX:
			ev.Kind = netassist.EvTx
		default:
			continue
		}
		evs = append(evs, ev)
	}
	return evs
}

// apply lists new messages; main goroutine only.
func (h *httpTraffic) apply(msgs []trafficMsg, lost bool) {
	if lost {
		h.notice.SetText(T("http.lost", "The display dropped bytes under load, so some HTTP messages could not be parsed. Saved files are complete."))
		h.notice.Show()
	}
	if len(msgs) == 0 {
		return
	}
	h.msgs = append(h.msgs, msgs...)
	if n := len(h.msgs) - maxTrafficMsgs; n > 0 {
		h.msgs = append(h.msgs[:0:0], h.msgs[n:]...)
		h.trimmed += n
		h.selected -= n
	}
	h.table.Refresh()
	if h.selected < 0 && (len(msgs) < 4 || time.Since(h.shownAt) > 500*time.Millisecond) {
		// Show the newest message until the user picks one; under heavy
		// traffic not more than twice a second, as laying out a large
		// message happens on the UI thread.
		h.view.showMessage(h.msgs[len(h.msgs)-1].m)
		h.shownAt = time.Now()
	}
}

func (h *httpTraffic) clear() {
	h.msgs = nil
	h.selected = -1
	h.table.Refresh()
	h.view.showMessage(nil)
	h.notice.Hide()
}
