package netassist

import (
	"io"
	"net"
	"runtime"
	"testing"
	"time"
)

func TestTCPClientTalks(t *testing.T) {
	for _, network := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(network, func(t *testing.T) {
			base := runtime.NumGoroutine()
			ln, err := net.Listen("tcp", network)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			h, w := newHub("cli")
			c := NewTCPClient(Config{Remote: ln.Addr().String()}, h)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			peer, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Send([]byte("ping\r\n")); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 6)
			io.ReadFull(peer, got)
			if string(got) != "ping\r\n" {
				t.Fatalf("peer got %q", got)
			}
			peer.Write([]byte("pong"))
			w.waitFor(t, "pong", func(evs []Event) bool { return string(rxBytes(evs, 1)) == "pong" })
			snap := h.Counters.Snapshot()
			if snap.RxBytes != 4 || snap.TxBytes != 6 || snap.TxChunks != 1 {
				t.Fatalf("counters %+v", snap)
			}
			peer.Close()
			c.Close()
			ln.Close()
			waitGoroutines(t, base)
		})
	}
}

func TestTCPClientByName(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := NewTCPClient(Config{Remote: "localhost:" + port}, NewHub("cli", nil))
	if err := c.Start(); err != nil {
		t.Fatalf("connect by name: %v", err)
	}
	c.Close()
}

func TestTCPClientRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := NewTCPClient(Config{Remote: addr}, NewHub("cli", nil))
	err := c.Start()
	if CodeOf(err) != CodeRefused {
		t.Fatalf("err = %v (%q); want refused", err, CodeOf(err))
	}
}

func TestTCPClientLocalPort(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	probe, _ := net.Listen("tcp", "127.0.0.1:0")
	local := probe.Addr().String()
	probe.Close()
	c := NewTCPClient(Config{Remote: ln.Addr().String(), Local: local, ConnectTimeout: 2 * time.Second}, NewHub("cli", nil))
	if err := c.Start(); err != nil {
		t.Skipf("local port taken meanwhile: %v", err)
	}
	defer c.Close()
	if c.LocalAddr() != local {
		t.Fatalf("local = %s; want %s", c.LocalAddr(), local)
	}
}

func TestTCPClientServerEndsConnection(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	h, w := newHub("cli")
	c := NewTCPClient(Config{Remote: ln.Addr().String(), CloseOnFIN: true}, h)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	peer, _ := ln.Accept()
	peer.Write([]byte("HTTP/1.1 200 OK\r\n\r\nhahahah"))
	peer.Close()
	w.waitFor(t, "fin", has(EvDisconnect, ReasonFIN))
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed")
	}
	if got := string(rxBytes(w.evs, 0)); got != "HTTP/1.1 200 OK\r\n\r\nhahahah" {
		t.Fatalf("rx %q", got)
	}
	c.Close()
}
