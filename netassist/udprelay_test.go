package netassist

import (
	"net"
	"testing"
	"time"
)

func udpPeer(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func readDgram(t *testing.T, c *net.UDPConn) (string, *net.UDPAddr) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, 65536)
	n, from, err := c.ReadFromUDP(b)
	if err != nil {
		t.Fatalf("read datagram: %v", err)
	}
	return string(b[:n]), from
}

func startUDPRelay(t *testing.T, cfg Config) (*UDPRelay, *watcher) {
	t.Helper()
	h, w := newHub("urelay")
	cfg.Kind, cfg.Local = KindUDPRelay, "127.0.0.1:0"
	r := NewUDPRelay(cfg, h)
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, w
}

// Each client address gets its own upstream socket; answers go back to
// the client whose socket they came to.
func TestUDPRelayPairsPerClient(t *testing.T) {
	srv := udpPeer(t)
	r, w := startUDPRelay(t, Config{Remote: srv.LocalAddr().String()})
	to, _ := net.ResolveUDPAddr("udp", r.LocalAddr())
	a, b := udpPeer(t), udpPeer(t)
	a.WriteToUDP([]byte("from a"), to)
	got, fromA := readDgram(t, srv)
	if got != "from a" {
		t.Fatalf("upstream got %q", got)
	}
	b.WriteToUDP([]byte("from b"), to)
	got, fromB := readDgram(t, srv)
	if got != "from b" || fromA.String() == fromB.String() {
		t.Fatalf("upstream got %q from %v (a came from %v): want a socket per client", got, fromB, fromA)
	}
	srv.WriteToUDP([]byte("to b"), fromB)
	srv.WriteToUDP([]byte("to a"), fromA)
	if got, _ := readDgram(t, b); got != "to b" {
		t.Fatalf("b got %q", got)
	}
	if got, _ := readDgram(t, a); got != "to a" {
		t.Fatalf("a got %q", got)
	}
	w.waitFor(t, "both directions", func(evs []Event) bool {
		return len(legRx(evs, LegClient)) == 12 && len(legRx(evs, LegServer)) == 8
	})
	w.waitFor(t, "per-pair counters", func([]Event) bool {
		ps := r.Pairs()
		return len(ps) == 2 && ps[0].Client2.RxBytes == 6 && ps[0].Client2.TxBytes == 4 && ps[0].Server.TxBytes == 6
	})
}

func TestUDPRelayIdleExpires(t *testing.T) {
	srv := udpPeer(t)
	r, w := startUDPRelay(t, Config{Remote: srv.LocalAddr().String(), UDPIdle: 50 * time.Millisecond})
	to, _ := net.ResolveUDPAddr("udp", r.LocalAddr())
	a := udpPeer(t)
	a.WriteToUDP([]byte("x"), to)
	_, first := readDgram(t, srv)
	w.waitFor(t, "idle end", hasLeg(EvDisconnect, LegClient, "idle"))
	a.WriteToUDP([]byte("y"), to)
	if _, second := readDgram(t, srv); second.String() == first.String() {
		t.Fatal("after the idle end the same upstream socket was used")
	}
	if r.ConnCount() != 1 {
		t.Fatalf("pairs %d", r.ConnCount())
	}
}

func TestUDPRelayHoldAndDropFault(t *testing.T) {
	srv := udpPeer(t)
	r, w := startUDPRelay(t, Config{Remote: srv.LocalAddr().String()})
	to, _ := net.ResolveUDPAddr("udp", r.LocalAddr())
	a := udpPeer(t)
	r.SetHold(ClientToServer, true)
	a.WriteToUDP([]byte("one"), to)
	a.WriteToUDP([]byte("two"), to)
	h := waitHeld(t, r, 2)
	r.Forward(h[1].ID, []byte("TWO"))
	r.Forward(h[0].ID, nil)
	if got, _ := readDgram(t, srv); got != "TWO" {
		t.Fatalf("upstream got %q first", got)
	}
	if got, _ := readDgram(t, srv); got != "one" {
		t.Fatalf("upstream got %q second", got)
	}
	r.SetHold(ClientToServer, false)
	r.SetDropRate(ClientToServer, 100)
	a.WriteToUDP([]byte("lost"), to)
	w.waitFor(t, "the drop shown", hasLeg(EvInfo, LegClient, InfoFaultDrop))
	r.SetDropRate(ClientToServer, 0)
	a.WriteToUDP([]byte("kept"), to)
	if got, _ := readDgram(t, srv); got != "kept" {
		t.Fatalf("upstream got %q, want the datagram after the dropped one", got)
	}
}

// The upstream's closed port is reported on the pair.
func TestUDPRelayUpstreamUnreachable(t *testing.T) {
	dead := udpPeer(t)
	addr := dead.LocalAddr().String()
	dead.Close()
	r, w := startUDPRelay(t, Config{Remote: addr})
	to, _ := net.ResolveUDPAddr("udp", r.LocalAddr())
	a := udpPeer(t)
	a.WriteToUDP([]byte("anyone?"), to)
	w.waitFor(t, "refused on the server leg", hasLeg(EvError, LegServer, ""))
}
