package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"netassist/httpview/server"
	"netassist/netassist"
)

// Closing a tab (Ctrl+W, its ×) or the window (Ctrl+Q, the window's ×)
// while connections are live or a request waits for a manual answer asks
// once, naming what would be lost. SIGTERM and a lost display never ask:
// they end the process within seconds (quit.go).

// liveWorker says what closing a panel would cut off: one sentence such as
// "TCP server 127.0.0.1:8080 has 3 live connections", or "" when nothing
// is live. Main goroutine.
type liveWorker interface{ liveWork() string }

// liveWork of a TCP server: its connections.
func (p *tcpServerPanel) liveWork() string {
	b := p.sess.Load()
	if b == nil {
		return ""
	}
	return p.liveConns(b.s.LocalAddr())
}

// liveWork of a TCP client: its connection, named by the server.
func (p *tcpClientPanel) liveWork() string {
	cfg, _ := p.config()
	return p.liveConns(cfg.Remote)
}

// liveWork of an HTTP client: its connection, named by the server.
func (p *httpClientPanel) liveWork() string {
	cfg, _ := p.config()
	return p.liveConns(cfg.Remote)
}

// liveConns names the session by addr when it has live connections. An
// open UDP socket holds nothing that closing would cut, so UDP has none.
func (p *trafficPanel) liveConns(addr string) string {
	n := p.connections()
	if n == 0 || p.sess.Load() == nil {
		return ""
	}
	return liveConnsText(kindTitle(p.kind)+" "+addr, n)
}

// liveWork of an HTTP server: its requests waiting for a manual answer.
func (p *httpServerPanel) liveWork() string {
	srv := p.srv.Load()
	if srv == nil {
		return ""
	}
	held := 0
	l := srv.List()
	for i := range l.Len() {
		if l.At(i).State == server.StatePending {
			held++
		}
	}
	l.Release()
	if held == 0 {
		return ""
	}
	what := kindTitle(netassist.KindHTTPServer) + " " + srv.Addr().String()
	if held == 1 {
		return Tf("close.held.one", "%s holds 1 unanswered request", what)
	}
	return Tf("close.held", "%s holds %d unanswered requests", what, held)
}

func liveConnsText(what string, n int) string {
	if n == 1 {
		return Tf("close.conns.one", "%s has 1 live connection", what)
	}
	return Tf("close.conns", "%s has %d live connections", what, n)
}

// askBeforeClosing runs close at once when none of panels has live work,
// and otherwise after the user confirms a question naming it. While the
// question is open, asking again does nothing (Ctrl+Q twice is one
// question).
func (a *App) askBeforeClosing(panels []panel, close func()) {
	var lost []string
	for _, p := range panels {
		if w, ok := p.(liveWorker); ok {
			if s := w.liveWork(); s != "" {
				lost = append(lost, s)
			}
		}
	}
	if len(lost) == 0 {
		close()
		return
	}
	if a.closeAsk != nil {
		return
	}
	msg := strings.Join(lost, T("close.sep", "; ")) + T("close.end", ".") + "\n" + T("close.question", "Close anyway?")
	text := newWrapLabel(msg) // Chinese punctuation never starts a line
	d := dialog.NewCustomConfirm(T("close.title", "Close with live work?"), T("close.confirm", "Close"), T("dlg.cancel", "Cancel"),
		text, func(ok bool) {
			a.closeAsk = nil
			if ok {
				close()
			}
		}, a.win)
	a.closeAsk = d
	d.Resize(fyne.NewSize(480, 220))
	a.escapeHides(d) // Escape answers Cancel
	d.Show()
}

// requestQuit is Ctrl+Q and the window's ×: close the window (which ends
// every session) unless the user keeps it.
func (a *App) requestQuit() {
	a.askBeforeClosing(a.Panels(), a.win.Close)
}

// requestCloseTab is Ctrl+W and a tab's ×.
func (a *App) requestCloseTab(tab *container.TabItem) {
	a.mu.Lock()
	p := a.panels[tab]
	a.mu.Unlock()
	var ps []panel
	if p != nil {
		ps = append(ps, p)
	}
	a.askBeforeClosing(ps, func() { a.closeTab(tab) })
}
