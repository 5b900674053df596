package ui

import (
	"image/color"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
	"netassist/netassist/display"
)

// upstreamPeer is a loopback server whose first accepted connection the
// test gets.
func upstreamPeer(t *testing.T) (string, chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

func readExactly(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read: %v (%q)", err, b)
	}
	return string(b)
}

func openRelay(t *testing.T, a *App, up string) (*relayPanel, string) {
	t.Helper()
	p := a.NewPanel(netassist.KindTCPRelay).(*relayPanel)
	p.localHost.SetText("127.0.0.1")
	p.localPort.SetText("0")
	p.upstream.SetText(up)
	test.Tap(p.openBtn)
	b := p.sess.Load()
	if b == nil {
		t.Fatalf("relay did not open: %s %s", p.sessErr.Text, p.fUp.err.Text)
	}
	return p, b.s.LocalAddr()
}

// Both directions of a pair are in one view, each headed by its
// direction and in its own colour; the pair list counts each way.
func TestRelayPanelShowsBothDirections(t *testing.T) {
	a := newTestApp(t)
	up, ups := upstreamPeer(t)
	p, addr := openRelay(t, a, up)
	c := dialPeer(t, addr)
	s := <-ups
	c.Write([]byte("ping"))
	readExactly(t, s, 4)
	s.Write([]byte("pong!"))
	readExactly(t, c, 5)
	var texts []string
	var colors []color.Color
	tickUntil(t, a, "both directions shown", func() bool {
		texts, colors = rowsOf(p.recv)
		j := strings.Join(texts, "\n")
		return strings.Contains(j, "client→server") && strings.Contains(j, "server→client")
	})
	var c2s, s2c color.Color
	for i, tx := range texts {
		if strings.Contains(tx, "client→server") {
			c2s = colors[i]
		}
		if strings.Contains(tx, "server→client") {
			s2c = colors[i]
		}
	}
	if c2s == s2c {
		t.Fatalf("both directions drawn in %v", c2s)
	}
	tickUntil(t, a, "the pair's counters", func() bool {
		pi, ok := p.pairMap[1]
		return ok && len(p.pairs.infos) == 1 && pi.Client2.RxBytes == 4 && pi.Server.RxBytes == 5 &&
			strings.Contains(p.pairRow(p.pairs.infos[0]), "C→S 4 B")
	})
}

// Hold from the window: the message waits in the Hold tab, is edited as
// text there and forwarded; the send box injects into the client side.
func TestRelayPanelHoldEditForwardInject(t *testing.T) {
	a := newTestApp(t)
	up, ups := upstreamPeer(t)
	p, addr := openRelay(t, a, up)
	c := dialPeer(t, addr)
	s := <-ups
	test.Tap(p.held.holdC2S)
	c.Write([]byte("GET /a\r\n"))
	tickUntil(t, a, "the message held", func() bool { return len(p.held.msgs) == 1 })
	if !strings.Contains(p.held.tab.Text, "(1)") {
		t.Fatalf("tab title %q does not count the held message", p.held.tab.Text)
	}
	p.held.list.Select(0)
	if p.held.edit.Text != `GET /a\r\n` {
		t.Fatalf("edit box shows %q", p.held.edit.Text)
	}
	p.held.edit.SetText(`GET /b\r\n`)
	p.held.onForwardEdited()
	if got := readExactly(t, s, 8); got != "GET /b\r\n" {
		t.Fatalf("upstream got %q", got)
	}
	tickUntil(t, a, "the held list emptied", func() bool { return len(p.held.msgs) == 0 })

	p.target.SetSelected(T("relay.toclient", "To client"))
	p.send.entry.SetText("injected")
	p.send.onSend()
	if got := readExactly(t, c, 8); got != "injected" {
		t.Fatalf("client got %q", got)
	}
	tickUntil(t, a, "edit and injection shown", func() bool {
		texts, _ := rowsOf(p.recv)
		j := strings.Join(texts, "\n")
		return strings.Contains(j, "edited → server") && strings.Contains(j, "injected → client")
	})
}

// An upstream that refuses is said on the session's error line in the
// window's words (the engine's OpError, not its English text).
func TestRelayPanelSaysUpstreamRefused(t *testing.T) {
	a := newTestApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	p, addr := openRelay(t, a, dead)
	dialPeer(t, addr)
	want := errText(&netassist.OpError{Code: netassist.CodeRefused, Op: "connect", Addr: dead})
	tickUntil(t, a, "the refusal shown", func() bool { return p.sessErr.Visible() && p.sessErr.Text == want })
}

// The relay's own notes are words, not the engine's keys.
func TestRelayNotes(t *testing.T) {
	for detail, want := range map[string]string{
		netassist.InfoDropped + "12": "#3: held message dropped (12 bytes)",
		netassist.InfoNotPassed:      "#3: not passed on, that side was half-closed (FIN)",
		netassist.InfoFaultDrop:      "#3: datagram dropped (drop-rate fault)",
	} {
		c, ok := relayChunk(netassist.Event{Kind: netassist.EvInfo, Conn: 3, Leg: netassist.LegClient, Detail: detail}, display.Chunk{})
		if !ok || c.Note != "[client] "+want {
			t.Errorf("%q: note %q, want %q", detail, c.Note, "[client] "+want)
		}
	}
}
