package netassist

import (
	"net"
	"testing"
)

// A Start that failed (port in use, nobody listening) leaves the session
// startable: the user frees the port or starts the peer and presses Open
// again on the same session.
func TestStartAfterFailedStart(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := busy.Addr().String()

	t.Run("tcp server", func(t *testing.T) {
		h, _ := newHub("srv")
		s := NewTCPServer(Config{Kind: KindTCPServer, Local: addr}, h)
		if err := s.Start(); err == nil {
			t.Fatal("Start on a busy port succeeded")
		}
		busy.Close()
		if err := s.Start(); err != nil {
			t.Fatalf("second Start after the port was freed: %v", err)
		}
		s.Close()
	})

	t.Run("tcp client", func(t *testing.T) {
		h, _ := newHub("cli")
		c := NewTCPClient(Config{Kind: KindTCPClient, Remote: addr}, h)
		if err := c.Start(); err == nil {
			t.Fatal("connect to a closed port succeeded")
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Skipf("port taken meanwhile: %v", err)
		}
		defer ln.Close()
		if err := c.Start(); err != nil {
			t.Fatalf("second Start once the peer listens: %v", err)
		}
		c.Close()
	})

	t.Run("udp", func(t *testing.T) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		h, _ := newHub("udp")
		u := NewUDP(Config{Kind: KindUDP, Local: pc.LocalAddr().String()}, h)
		if err := u.Start(); err == nil {
			t.Fatal("bind to a busy port succeeded")
		}
		pc.Close()
		if err := u.Start(); err != nil {
			t.Fatalf("second Start after the port was freed: %v", err)
		}
		u.Close()
	})
}
