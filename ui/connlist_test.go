package ui

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// The README tutorial's last step: "Select the connection and press
// Disconnect". A click on the row is the selection (the same one the tick
// shows), and Disconnect acts on it.
func TestRowClickThenDisconnect(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	c := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })
	p.conns.list.Select(0) // what a click on the row does
	if ids := p.conns.selection(); len(ids) != 1 || ids[0] != p.conns.infos[0].ID {
		t.Fatalf("selection after a row click: %v", ids)
	}
	test.Tap(p.conns.closeBtn)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("peer read %v; want EOF (the FIN of Disconnect)", err)
	}
	tickUntil(t, a, "connection gone", func() bool { return len(p.conns.infos) == 0 })
}

// With nothing selected the buttons say why they did nothing; the
// selection follows the connection when rows above it go away.
func TestConnSelectionFollowsConnection(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	c1 := dialPeer(t, addr)
	tickUntil(t, a, "one", func() bool { return len(p.conns.infos) == 1 })
	dialPeer(t, addr)
	tickUntil(t, a, "two", func() bool { return len(p.conns.infos) == 2 })

	test.Tap(p.conns.halfBtn)
	if !p.sessErr.Visible() || p.sessErr.Text != noSelectionText() {
		t.Fatalf("nothing selected, error line %q", p.sessErr.Text)
	}

	second := p.conns.infos[1].ID
	p.conns.list.Select(1)
	if p.sessErr.Visible() {
		t.Fatalf("stale error %q after selecting", p.sessErr.Text)
	}
	c1.Close() // the row above goes away
	tickUntil(t, a, "one left", func() bool { return len(p.conns.infos) == 1 })
	if p.conns.infos[0].ID != second {
		t.Fatalf("the remaining connection is #%d; want #%d", p.conns.infos[0].ID, second)
	}
	if ids := p.conns.selection(); len(ids) != 1 || ids[0] != second {
		t.Fatalf("selection %v; want [%d]", ids, second)
	}
	if !rowHighlighted(p.conns, second) {
		t.Fatal("the selected connection's row is not highlighted")
	}
	// A second click on the row clears the selection again.
	p.conns.list.Select(0)
	if ids := p.conns.selection(); len(ids) != 0 {
		t.Fatalf("selection %v after a second click", ids)
	}
}

// rowHighlighted looks at the drawn rows: the one showing connection id
// has the selection colour behind it.
func rowHighlighted(l *connList, id uint64) bool {
	prefix := fmt.Sprintf("#%-4d", id)
	for _, o := range test.LaidOutObjects(l.list) {
		row, ok := o.(*fyne.Container)
		if !ok || len(row.Objects) != 2 {
			continue
		}
		bg, ok := row.Objects[0].(*canvas.Rectangle)
		if !ok {
			continue
		}
		for _, inner := range test.LaidOutObjects(row.Objects[1]) {
			if lbl, ok := inner.(*widget.Label); ok && strings.HasPrefix(lbl.Text, prefix) {
				return bg.FillColor == selectionColor()
			}
		}
	}
	return false
}

// Unticking "Close when peer closes" on an open server applies at once: a
// client's FIN then leaves its connection open.
func TestCloseOnFINLive(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	if !p.closeOnFIN.Checked {
		t.Fatal("close on FIN should be ticked by default")
	}
	p.closeOnFIN.SetChecked(false)
	c := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })
	c.(*net.TCPConn).CloseWrite()
	tickUntil(t, a, "peer FIN shown", func() bool {
		return len(p.conns.infos) == 1 && p.conns.infos[0].State == netassist.StatePeerClosed
	})
}

// One datagram is "1 datagram", not "1 datagrams".
func TestStatusSingular(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindUDP).(*udpPanel)
	got := p.statusText(netassist.CounterSnapshot{RxBytes: 5, RxChunks: 1, TxBytes: 10, TxChunks: 2}, 0, 0, 0)
	if !strings.Contains(got, "· 1 datagram ·") || !strings.Contains(got, "· 2 datagrams ·") {
		t.Fatalf("status %q", got)
	}
}

// With framing on, each client's row counts its own messages (and bad
// frames); without it, the row shows when the client came.
func TestConnListCountsMessagesPerConnection(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	p.frame.kind.SetSelectedIndex(1) // Delimiter; \r\n is the default
	test.Tap(p.openBtn)
	b := p.sess.Load()
	if b == nil {
		t.Fatalf("server did not open: %s", p.sessErr.Text)
	}
	one := dialPeer(t, b.s.LocalAddr())
	tickUntil(t, a, "first connection listed", func() bool { return len(p.conns.infos) == 1 })
	two := dialPeer(t, b.s.LocalAddr())
	tickUntil(t, a, "second connection listed", func() bool { return len(p.conns.infos) == 2 })
	one.Write([]byte("a\r\nb\r\nc\r\n"))
	two.Write([]byte("x\r\n" + strings.Repeat("y", 70<<10) + "\r\n")) // over the 64 KiB maximum: one bad frame
	row := func(i int) string { return connRow(p.conns.infos[i]) }
	tickUntil(t, a, "messages counted per connection", func() bool {
		return len(p.conns.infos) == 2 && strings.HasSuffix(row(0), " 3 msg") && strings.HasSuffix(row(1), " 2/1 bad")
	})
	if got := connRow(netassist.ConnInfo{ID: 1, Peer: "127.0.0.1:9", Opened: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); !strings.HasSuffix(got, " 03:04:05") {
		t.Errorf("an unframed row %q should end with the time it opened", got)
	}
	for n, want := range map[uint64]string{9_999: "9,999", 12_345: "12.3k", 4_500_000: "4.5M"} {
		if got := shortCount(n); got != want {
			t.Errorf("shortCount(%d) = %q; want %q", n, got, want)
		}
	}
}
