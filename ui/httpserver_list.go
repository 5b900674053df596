package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
)

// The HTTP server's request list: one row per exchange, like a browser's
// network panel. A click selects the exchange (the whole row shows it);
// its request and response are shown below.

// The request list's columns, in order. State (held and its countdown,
// the rule that answered, an upstream's failure) comes right after Status
// so that it is on screen at 1024 px, where the list is about 800 px wide.
const (
	colTime = iota
	colClient
	colMethod
	colPath
	colStatus
	colState
	colBytes
	colDuration
)

func httpListColumns() []column {
	return []column{
		{T("http.col.time", "Time"), 110}, {T("http.col.client", "Client"), 140}, {T("http.col.method", "Method"), 70},
		{T("http.col.path", "Path"), 200}, {T("http.col.status", "Status"), 60}, {T("http.col.state", "State"), 150},
		{T("http.col.bytes", "Bytes"), 80}, {T("http.col.duration", "Duration"), 80},
	}
}

func (p *httpServerPanel) buildList() *widget.Table {
	return newRowTable(httpListColumns(), func() int { return p.exch.Len() }, p.cellText, p.rowSelected, p.onRowSelected)
}

// rowSelected: the highlight follows the selected exchange, wherever newer
// requests have moved it in the list.
func (p *httpServerPanel) rowSelected(row int) bool {
	return p.selected != 0 && p.exch.At(row).ID == p.selected
}

func (p *httpServerPanel) onRowSelected(row int) {
	if row >= 0 && row < p.exch.Len() {
		p.selected = p.exch.At(row).ID
		p.showAnswerErr(nil) // it was about the answer to another request
		p.showSelected()
	}
}

// selectedExchange is the selected exchange for the copy buttons.
func (p *httpServerPanel) selectedExchange() (copyExchange, bool) {
	e, ok := p.exch.Find(p.selected)
	if !ok || p.selected == 0 {
		return copyExchange{}, false
	}
	ex := copyExchange{req: e.RawRequest, resp: e.RawResponse, scheme: "http"}
	if srv := p.srv.Load(); srv != nil && srv.Addr() != nil {
		ex.host = srv.Addr().String()
	}
	return ex, true
}

// cellText is one cell of the request list.
func (p *httpServerPanel) cellText(row, col int) string {
	e := p.exch.At(row)
	switch col {
	case colTime:
		return e.Start.Format("15:04:05.000")
	case colClient:
		return e.Client
	case colMethod:
		return e.Method
	case colPath:
		return e.Target
	case colStatus:
		if e.Status != 0 {
			return strconv.Itoa(e.Status)
		}
	case colBytes:
		return groupDigits(uint64(e.Bytes))
	case colDuration:
		if e.Duration > 0 {
			return e.Duration.Round(time.Millisecond).String()
		}
	case colState:
		return exchangeState(e, time.Now())
	}
	return ""
}

// exchangeState words an exchange's state, with the countdown of a held
// one, and says when part of its request body was left unread.
func exchangeState(e *server.Exchange, now time.Time) string {
	switch {
	case e.BodyLeft == server.BodyLeftUnknown:
		return exchangeStateOnly(e, now) + " · " + T("http.bodyleft.chunkedshort", "rest of the body unread")
	case e.BodyLeft > 0:
		return exchangeStateOnly(e, now) + " · " + Tf("http.bodyleft.short", "%s B of the body unread", groupDigits(uint64(e.BodyLeft)))
	}
	return exchangeStateOnly(e, now)
}

// bodyLeftText is the sentence, for the request view, about a request body
// the server did not read whole, or "".
func bodyLeftText(e server.Exchange) string {
	switch {
	case e.BodyLeft == server.BodyLeftUnknown:
		return Tf("http.bodyleft.chunked", "request body: the rest past %d MiB left unread (413 sent, not in the capture)", server.MaxBody>>20)
	case e.BodyLeft > 0:
		return Tf("http.bodyleft", "request body: %s bytes left unread (over the %d MiB bound; 413 sent, not in the capture)",
			groupDigits(uint64(e.BodyLeft)), server.MaxBody>>20)
	}
	return ""
}

func exchangeStateOnly(e *server.Exchange, now time.Time) string {
	switch e.State {
	case server.StatePending:
		left := int(e.Deadline.Sub(now).Seconds() + 0.5)
		if left < 0 {
			left = 0
		}
		if e.Held == server.HeldResponse {
			return Tf("http.state.heldresp", "response held: %d s", left)
		}
		return Tf("http.state.pending", "waiting for you: %d s", left)
	case server.StateAnswered:
		if e.Rule != "" {
			return Tf("http.state.rule", "rule: %s", e.Rule)
		}
		if e.UpError != server.UpOK {
			return T("http.state.answered", "answered") + " · " + upErrText(e.UpError)
		}
		return T("http.state.answered", "answered")
	case server.StateTimedOut:
		return T("http.state.timeout", "no answer: 504 sent")
	case server.StateFailed:
		if e.UpError != server.UpOK {
			return T("http.state.failed", "failed") + " " + upErrText(e.UpError)
		}
		return T("http.state.failed", "failed") + " " + failWhyText(e)
	}
	return T("http.state.serving", "serving")
}
