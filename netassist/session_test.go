package netassist

import (
	"io"
	"net"
	"testing"
)

var (
	_ Session = (*TCPServer)(nil)
	_ Session = (*TCPClient)(nil)
	_ Session = (*UDP)(nil)
	_ Queuer  = (*TCPServer)(nil)
	_ Queuer  = (*TCPClient)(nil)
)

// The window drives every kind through Session alone: it counts the
// connections, sends to all of them, resets the counters and learns from
// Done that the session has ended.
func TestSessionInterface(t *testing.T) {
	t.Run("tcp-server", func(t *testing.T) {
		h, w := newHub("srv")
		var s Session = NewTCPServer(Config{Local: "127.0.0.1:0"}, h)
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		peer, err := net.Dial("tcp", s.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		w.waitFor(t, "connect", has(EvConnect, ""))
		srv := s.(*TCPServer)
		checkSession(t, s, peer, w, 1, func() CounterSnapshot { return srv.Conn(srv.Conns()[0].ID).Counters.Snapshot() })
	})
	t.Run("tcp-client", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		h, w := newHub("cli")
		var s Session = NewTCPClient(Config{Remote: ln.Addr().String()}, h)
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		peer, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		cli := s.(*TCPClient)
		checkSession(t, s, peer, w, 1, func() CounterSnapshot { return cli.Conn().Counters.Snapshot() })
	})
	t.Run("udp", func(t *testing.T) {
		peer, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		h, w := newHub("udp")
		var s Session = NewUDP(Config{Local: "127.0.0.1:0", Remote: peer.LocalAddr().String()}, h)
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		checkSession(t, s, packetReader{peer}, w, 0, nil)
	})
}

type packetReader struct{ net.PacketConn }

func (p packetReader) Read(b []byte) (int, error) {
	n, _, err := p.ReadFrom(b)
	return n, err
}

// checkSession drives s through Session; conn, if not nil, reads the
// counters of its one connection.
func checkSession(t *testing.T, s Session, peer io.Reader, w *watcher, conns int, conn func() CounterSnapshot) {
	t.Helper()
	if n := s.ConnCount(); n != conns {
		t.Fatalf("ConnCount %d; want %d", n, conns)
	}
	if err := s.SendConns(nil, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(peer, got); err != nil || string(got) != "hello" {
		t.Fatalf("peer got %q, %v; want %q", got, err, "hello")
	}
	w.waitFor(t, "the send recorded", has(EvTx, ""))
	if snap := s.Hub().Counters.Snapshot(); snap.TxBytes != 5 {
		t.Fatalf("TX %d B before reset; want 5", snap.TxBytes)
	}
	if conn != nil && conn().TxBytes != 5 {
		t.Fatalf("the connection's TX %d B before reset; want 5", conn().TxBytes)
	}
	s.ResetCounters()
	if snap := s.Hub().Counters.Snapshot(); snap.TxBytes != 0 || snap.TxChunks != 0 {
		t.Fatalf("after ResetCounters: %+v", snap)
	}
	if conn != nil && conn() != (CounterSnapshot{}) {
		t.Fatalf("the connection's counters after ResetCounters: %+v", conn())
	}
	select {
	case <-s.Done():
		t.Fatal("Done closed while open")
	default:
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-s.Done() // a session that never says it ended hangs the test here
	if n := s.ConnCount(); n != 0 {
		t.Fatalf("ConnCount %d after Close", n)
	}
}
