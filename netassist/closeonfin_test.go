package netassist

import (
	"io"
	"net"
	"testing"
	"time"
)

// "Close when peer closes" changed while the server is open applies at
// once: to the connections already there and to the next ones.
func TestSetCloseOnFINLive(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	before := dial(t, s.LocalAddr())
	w.waitFor(t, "first connect", has(EvConnect, ""))
	s.SetCloseOnFIN(false)
	after := dial(t, s.LocalAddr())
	waitConns(t, s, 2)

	for _, c := range []*net.TCPConn{before, after} {
		c.CloseWrite() // our FIN
	}
	w.waitFor(t, "both FINs seen", func(evs []Event) bool {
		n := 0
		for _, e := range evs {
			if e.Kind == EvInfo && e.Detail == "peer_fin" {
				n++
			}
		}
		return n == 2
	})
	// Both stay open: the server can still send to each.
	for _, c := range []*net.TCPConn{before, after} {
		id := connByPeer(t, s, c.LocalAddr().String()).ID
		if err := s.Conn(id).Send([]byte("still here")); err != nil {
			t.Fatalf("send to %s: %v", c.LocalAddr(), err)
		}
		got := make([]byte, 10)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != "still here" {
			t.Fatalf("read %q, %v", got, err)
		}
	}
	if n := len(s.Conns()); n != 2 {
		t.Fatalf("%d connections; want both kept open", n)
	}
}
