package ui

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// newTestApp builds the window on Fyne's test driver with the pump run by
// the test itself, so every UI update happens on the test goroutine.
func newTestApp(t *testing.T) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true, SaveDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// tickUntil runs the pump until cond holds.
func tickUntil(t *testing.T, a *App, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
		a.pump.tick(time.Now())
	}
}

// dialPeer connects a peer to addr for the rest of the test.
func dialPeer(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func openServer(t *testing.T, a *App) (*tcpServerPanel, string) {
	t.Helper()
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	test.Tap(p.openBtn)
	b := p.sess.Load()
	if b == nil {
		t.Fatalf("server did not open: %s", p.sessErr.Text)
	}
	return p, b.s.LocalAddr()
}

func viewText(p recvViewer) string { return p.recvViewOf().ring.Text() }

func TestSendBoxReachesPeer(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	test.Type(p.send.entry, `GET\r\n\x00\xA7`)
	test.Tap(p.send.sendBtn)
	want := "GET\r\n\x00\xa7"
	got := make([]byte, len(want))
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(peer, got); err != nil || string(got) != want {
		t.Fatalf("peer got %q, %v; want %q", got, err, want)
	}
	if p.send.errLabel.Visible() {
		t.Fatalf("error shown: %s", p.send.errLabel.Text)
	}

	// Ctrl+Enter sends as well.
	p.send.entry.SetText("again")
	p.send.entry.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl})
	got = make([]byte, 5)
	if _, err := io.ReadFull(peer, got); err != nil || string(got) != "again" {
		t.Fatalf("ctrl+enter: peer got %q, %v", got, err)
	}
	if n := len(p.send.history.Options); n != 2 {
		t.Fatalf("history has %d items; want 2", n)
	}

	// What the peer sends shows up in the view, CRLF visible.
	peer.Write([]byte("hello\r\n"))
	tickUntil(t, a, "rx row", func() bool { return strings.Contains(viewText(p), `hello\r\n`) })
	tickUntil(t, a, "counters", func() bool { return strings.Contains(p.status.Text, "RX 7 B") })
}

func TestBadHexSendsNothing(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })
	p.send.mode.SetSelected(T("send.hex", "Hex"))
	test.Type(p.send.entry, "48 65 6G")
	test.Tap(p.send.sendBtn)
	if !p.send.errLabel.Visible() || !strings.Contains(p.send.errLabel.Text, "8") {
		t.Fatalf("error label %v %q; want it to name position 8", p.send.errLabel.Visible(), p.send.errLabel.Text)
	}
	peer.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _ := peer.Read(make([]byte, 10)); n != 0 {
		t.Fatalf("peer received %d bytes of a bad message", n)
	}
	// Fixed, it goes through whole.
	p.send.entry.SetText("48 65 6C")
	test.Tap(p.send.sendBtn)
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 3)
	if _, err := io.ReadFull(peer, got); err != nil || string(got) != "Hel" {
		t.Fatalf("got %q %v", got, err)
	}
}

func TestBadPortShownBesideField(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("99999")
	test.Tap(p.openBtn)
	if p.sess.Load() != nil {
		t.Fatal("session opened with a bad port")
	}
	if !p.fPort.err.Visible() || p.fPort.err.Text == "" {
		t.Fatal("no error beside the port field")
	}
}

func TestPortInUseShown(t *testing.T) {
	a := newTestApp(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText(port)
	test.Tap(p.openBtn)
	if p.sess.Load() != nil {
		t.Fatal("opened on a port in use")
	}
	if !p.sessErr.Visible() || !strings.Contains(p.sessErr.Text, port) {
		t.Fatalf("session error %q", p.sessErr.Text)
	}
}

func TestTCPClientAndUDPPanels(t *testing.T) {
	a := newTestApp(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	c.remoteHost.SetText("127.0.0.1")
	c.remotePort.SetText(port)
	test.Tap(c.openBtn)
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	tickUntil(t, a, "client connected", func() bool { return c.sess.Load() != nil })
	if c.openBtn.Text != T("sess.close", "Close") || !strings.Contains(c.reach.full, "Connected from") {
		t.Fatalf("connected client shows %q, %q", c.openBtn.Text, c.reach.full)
	}
	test.Type(c.send.entry, "ping")
	test.Tap(c.send.sendBtn)
	got := make([]byte, 4)
	io.ReadFull(peer, got)
	if string(got) != "ping" {
		t.Fatalf("server got %q", got)
	}
	peer.Close() // the server ends it: the client session closes
	tickUntil(t, a, "client closed", func() bool { return c.sess.Load() == nil && c.openBtn.Text == T("sess.open", "Open") })

	u := a.NewPanel(netassist.KindUDP).(*udpPanel)
	u.localHost.SetText("127.0.0.1")
	u.localPort.SetText("0")
	test.Tap(u.openBtn)
	if u.sess.Load() == nil {
		t.Fatalf("udp: %s", u.sessErr.Text)
	}
	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	defer pc.Close()
	u.udpDest.SetText(pc.LocalAddr().String())
	test.Type(u.send.entry, "dgram")
	test.Tap(u.send.sendBtn)
	buf := make([]byte, 100)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := pc.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "dgram" {
		t.Fatalf("udp peer got %q %v", buf[:n], err)
	}
	// To a name, the lookup and send happen off the UI thread, in order.
	_, pport, _ := net.SplitHostPort(pc.LocalAddr().String())
	u.udpDest.SetText("localhost:" + pport)
	for _, m := range []string{"named-1", "named-2"} {
		u.send.entry.SetText(m)
		test.Tap(u.send.sendBtn)
		if u.send.errLabel.Visible() {
			t.Fatalf("send to a name: %q", u.send.errLabel.Text)
		}
	}
	for _, m := range []string{"named-1", "named-2"} {
		n, _, err := pc.ReadFrom(buf)
		if err != nil || string(buf[:n]) != m {
			t.Fatalf("udp peer got %q %v; want %q", buf[:n], err, m)
		}
	}
	// A datagram too large is refused whole, with a clear message. (Typing
	// 65,508 characters into the test driver's entry would take minutes.)
	err = u.sendData(make([]byte, netassist.MaxDatagram+1))
	if msg := errText(err); !strings.Contains(msg, "65,507") {
		t.Fatalf("too-large error %q", msg)
	}
}

func TestDisplayTrimSaysSo(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	p.recv.ring.SetCap(50)
	peer := dialPeer(t, addr)
	for i := 0; i < 200; i++ {
		peer.Write([]byte("line\n"))
		time.Sleep(100 * time.Microsecond)
	}
	tickUntil(t, a, "all counted", func() bool { return p.hub.Counters.Snapshot().RxBytes == 1000 })
	tickUntil(t, a, "trim notice", func() bool { return p.recv.trimmed.Visible() })
	if p.recv.ring.Len() > 50 {
		t.Fatalf("ring holds %d rows", p.recv.ring.Len())
	}
	if !strings.Contains(p.status.Text, "RX 1,000 B") {
		t.Fatalf("status %q: counters must stay exact", p.status.Text)
	}
}

func TestServerSendToSelectedAndDisconnect(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	c1 := dialPeer(t, addr)
	tickUntil(t, a, "one", func() bool { return len(p.conns.infos) == 1 })
	c2 := dialPeer(t, addr)
	tickUntil(t, a, "two", func() bool { return len(p.conns.infos) == 2 })
	p.target.SetSelected(T("send.toselected", "Send to selected"))
	p.conns.setSelected(p.conns.infos[1].ID, true)
	test.Type(p.send.entry, "only you")
	test.Tap(p.send.sendBtn)
	got := make([]byte, 8)
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c2, got); err != nil {
		t.Fatal(err)
	}
	c1.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, _ := c1.Read(make([]byte, 8)); n != 0 {
		t.Fatal("unselected connection received data")
	}
	test.Tap(p.conns.rstBtn)
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c2.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Fatalf("want a reset, got %v", err)
	}
	tickUntil(t, a, "one left", func() bool { return len(p.conns.infos) == 1 })
	tickUntil(t, a, "rst note", func() bool { return strings.Contains(viewText(p), "RST") })
}

func TestOptionsRemembered(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.recv.hexMode.SetSelected(T("recv.hex", "Hex"))
	p.send.checksum.SetSelectedIndex(3)
	p.send.interval.SetText("25")
	p.send.remember("first")
	p.send.remember("second")
	p.saveOptions()
	q := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	if q.recv.hexMode.Selected != T("recv.hex", "Hex") || q.send.checksum.SelectedIndex() != 3 || q.send.interval.Text != "25" {
		t.Fatalf("options not restored: %q %d %q", q.recv.hexMode.Selected, q.send.checksum.SelectedIndex(), q.send.interval.Text)
	}
	if len(q.send.historyItems) != 2 || q.send.historyItems[0] != "second" {
		t.Fatalf("history %q", q.send.historyItems)
	}
}

// Ctrl+P pauses the view (arrivals wait, counters move) and Ctrl+Shift+H shows
// what is on screen again as hex.
func TestPauseAndHexShortcuts(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	mod := fyne.KeyModifierShortcutDefault
	press := func(k fyne.KeyName, extra fyne.KeyModifier) {
		// What the window does with a typed Ctrl/Cmd shortcut.
		a.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: mod | extra})
	}
	peer.Write([]byte("AB"))
	tickUntil(t, a, "AB shown", func() bool { return strings.Contains(viewText(p), "AB") })

	press(fyne.KeyP, 0)
	if !p.recv.pause.Checked {
		t.Fatal("Ctrl+P did not pause the display")
	}
	peer.Write([]byte("CD"))
	tickUntil(t, a, "CD counted", func() bool { return p.hub.Counters.Snapshot().RxBytes == 4 })
	a.pump.tick(time.Now())
	if strings.Contains(viewText(p), "CD") {
		t.Fatal("a paused view took new data")
	}
	press(fyne.KeyP, 0)
	tickUntil(t, a, "CD shown after resume", func() bool { return strings.Contains(viewText(p), "CD") })

	press(fyne.KeyH, fyne.KeyModifierShift)
	if p.recv.hexMode.Selected != "Hex" {
		t.Fatalf("Ctrl+Shift+H: mode %q", p.recv.hexMode.Selected)
	}
	tickUntil(t, a, "hex rows", func() bool { return strings.Contains(viewText(p), "41 42") })
	press(fyne.KeyH, fyne.KeyModifierShift)
	tickUntil(t, a, "text again", func() bool { return strings.Contains(viewText(p), "AB") })
}

// Ctrl+PageDown and Ctrl+PageUp go round the session tabs.
func TestNextSessionShortcuts(t *testing.T) {
	a := newTestApp(t)
	a.NewPanel(netassist.KindTCPServer)
	a.NewPanel(netassist.KindUDP)
	a.NewPanel(netassist.KindTCPClient)
	press := func(k fyne.KeyName) {
		a.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	want := func(i int) {
		t.Helper()
		if got := a.tabs.SelectedIndex(); got != i {
			t.Fatalf("selected tab %d, want %d", got, i)
		}
	}
	want(2)
	press(fyne.KeyPageDown)
	want(0)
	press(fyne.KeyPageDown)
	want(1)
	press(fyne.KeyPageUp)
	press(fyne.KeyPageUp)
	want(2)
}

// The receive view's font size (Settings) reaches the rows on screen and
// their height.
func TestReceiveFontSize(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	peer.Write([]byte("AB"))
	tickUntil(t, a, "AB shown", func() bool { return strings.Contains(viewText(p), "AB") })
	a.win.Resize(fyne.NewSize(1200, 800))
	row := func() *rowText {
		for _, o := range test.LaidOutObjects(p.recv.list) {
			if r, ok := o.(*rowText); ok && strings.Contains(r.text, "AB") {
				return r
			}
		}
		t.Fatal("the AB row is not on screen")
		return nil
	}
	before := row().Size().Height
	p.setFontSize(24)
	r := row()
	if r.size != 24 {
		t.Fatalf("row %q has size %v", r.text, r.size)
	}
	if r.Size().Height <= before {
		t.Fatalf("row height %v after 24 pt, %v before", r.Size().Height, before)
	}
}
