package ui

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
	"netassist/netassist"
)

// dialogText and dialogButton read the dialog on top of the window, as
// the user sees it; dialogText is "" when no dialog is shown.
func dialogText(a *App) string {
	top := a.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var words []string
	for _, o := range test.LaidOutObjects(top) {
		switch w := o.(type) {
		case *wrapLabel:
			words = append(words, w.full)
		case *widget.Label:
			words = append(words, w.Text)
		case *widget.RichText:
			words = append(words, w.String())
		}
	}
	return strings.Join(words, "\n")
}

func dialogButton(t *testing.T, a *App, text string) *widget.Button {
	t.Helper()
	if top := a.win.Canvas().Overlays().Top(); top != nil {
		for _, o := range test.LaidOutObjects(top) {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				return b
			}
		}
	}
	t.Fatalf("no %q button on a dialog; dialog says %q", text, dialogText(a))
	return nil
}

// windowClosed reports whether the window's close ended the sessions.
func windowClosed(a *App) bool {
	select {
	case <-a.closing.done:
		return true
	default:
		return false
	}
}

// Ctrl+W on a server with a live connection asks, naming the server and
// the connection; Cancel keeps the tab and the connection, Close ends both.
func TestCloseTabWithLiveConnectionAsks(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "the connection", func() bool { return p.connections() == 1 })

	a.CloseCurrent()
	msg := dialogText(a)
	if !strings.Contains(msg, "TCP server "+addr+" has 1 live connection") || !strings.Contains(msg, "Close anyway?") {
		t.Fatalf("dialog says %q; want it to name the server %s and its live connection", msg, addr)
	}
	a.CloseCurrent() // a second Ctrl+W is the same question, not another
	test.Tap(dialogButton(t, a, "Cancel"))
	if len(a.Panels()) != 1 || p.connections() != 1 || dialogText(a) != "" {
		t.Fatalf("after Cancel: %d tabs, %d connections, dialog %q; want the session kept as it was", len(a.Panels()), p.connections(), dialogText(a))
	}
	if _, err := peer.Write([]byte("still here")); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, a, "the bytes after Cancel", func() bool { return strings.Contains(viewText(p), "still here") })

	a.CloseCurrent()
	test.Tap(dialogButton(t, a, "Close"))
	if len(a.Panels()) != 0 {
		t.Fatalf("%d tabs after confirming; want the tab closed", len(a.Panels()))
	}
	buf := make([]byte, 1)
	if _, err := peer.Read(buf); err == nil {
		t.Fatal("the peer's connection is still open after the tab closed")
	}
}

// With nothing live, Ctrl+W and Ctrl+Q close at once.
func TestCloseWithNothingLiveDoesNotAsk(t *testing.T) {
	a := newTestApp(t)
	openServer(t, a)              // listening, nobody connected
	a.NewPanel(netassist.KindUDP) // never opened
	openHTTPServer(t, a, true)    // manual, nothing held
	a.CloseCurrent()
	if len(a.Panels()) != 2 || dialogText(a) != "" {
		t.Fatalf("Ctrl+W: %d tabs, dialog %q; want the tab closed without a question", len(a.Panels()), dialogText(a))
	}
	a.requestQuit()
	if !windowClosed(a) || dialogText(a) != "" {
		t.Fatalf("Ctrl+Q: closed %v, dialog %q; want the window closed without a question", windowClosed(a), dialogText(a))
	}
}

// Ctrl+Q (and the window's ×, which calls the same) with a held request
// and a live connection asks once, naming both; Cancel keeps everything,
// Close ends the sessions.
func TestQuitWithLiveWorkAsksOnce(t *testing.T) {
	a := newTestApp(t)
	tcp, addr := openServer(t, a)
	dialPeer(t, addr)
	dialPeer(t, addr)
	hp, srv := openHTTPServer(t, a, true)
	go func() {
		if resp, err := http.Get("http://" + srv.Addr().String() + "/held"); err == nil {
			resp.Body.Close()
		}
	}()
	tickUntil(t, a, "a held request and two connections", func() bool {
		return tcp.connections() == 2 && hp.exch.Len() == 1 && hp.exch.At(0).State == server.StatePending
	})

	a.requestQuit()
	msg := dialogText(a)
	for _, want := range []string{"TCP server " + addr + " has 2 live connections", "HTTP server " + srv.Addr().String() + " holds 1 unanswered request", "Close anyway?"} {
		if !strings.Contains(msg, want) {
			t.Errorf("dialog says %q; want %q in it", msg, want)
		}
	}
	a.requestQuit()
	a.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) // Escape is Cancel
	if dialogText(a) != "" {
		t.Fatalf("Escape left the question open: %q", dialogText(a))
	}
	a.requestQuit()
	test.Tap(dialogButton(t, a, "Cancel"))
	if windowClosed(a) || len(a.Panels()) != 2 || tcp.connections() != 2 || srv.Addr() == nil || hp.liveWork() == "" {
		t.Fatalf("after Cancel: closed %v, %d tabs, %d connections; want everything kept", windowClosed(a), len(a.Panels()), tcp.connections())
	}
	a.requestQuit()
	test.Tap(dialogButton(t, a, "Close"))
	if !windowClosed(a) {
		t.Fatal("the window did not close after confirming")
	}
}

// The question is in the user's language.
func TestCloseQuestionInChinese(t *testing.T) {
	if err := LoadTranslations("zh"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { LoadTranslations("en") })
	a := newTestApp(t)
	p, addr := openServer(t, a)
	dialPeer(t, addr)
	tickUntil(t, a, "the connection", func() bool { return p.connections() == 1 })
	a.CloseCurrent()
	msg := dialogText(a)
	if !strings.Contains(msg, addr) || !strings.Contains(msg, "仍要关闭吗") {
		t.Fatalf("dialog says %q; want it in Chinese", msg)
	}
	test.Tap(dialogButton(t, a, "取消"))
}
