package server

import (
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"netassist/assets"
)

// Each accepted connection's send buffer is fixed, so a thousand slow
// readers cannot push the kernel into TCP memory pressure (Linux would let
// each grow to tcp_wmem's 4 MiB).
func TestSendBufferBounded(t *testing.T) {
	s := startServer(t, Config{Site: assets.Site})
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sc *conn
	waitFor(t, "the connection accepted", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		for k := range s.conns {
			sc = k
		}
		return sc != nil
	})
	var size, nodelay int
	var gerr, nerr error
	get := func(fd uintptr) {
		size, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF)
		nodelay, nerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_NODELAY)
	}
	switch nc := sc.Conn.(type) {
	case *loopFD: // the event loop owns the socket
		nc.mu.Lock()
		get(uintptr(nc.fd))
		nc.mu.Unlock()
	case *net.TCPConn:
		raw, err := nc.SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		raw.Control(get)
	default:
		t.Fatalf("connection is a %T", sc.Conn)
	}
	if gerr != nil || nerr != nil {
		t.Fatal(gerr, nerr)
	}
	// Set on the listening socket when the event loop accepts, and
	// inherited: each answer must leave without a Nagle delay.
	if nodelay == 0 {
		t.Errorf("TCP_NODELAY is off on the accepted socket")
	}
	// Linux caps what is set at net.core.wmem_max and reports twice that
	// (room for its bookkeeping). Unset, it would read tcp_wmem's default.
	want := 2 * sendBuffer
	if b, err := os.ReadFile("/proc/sys/net/core/wmem_max"); err == nil {
		if m, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			want = 2 * min(sendBuffer, m)
		}
	}
	if size != want {
		t.Fatalf("SO_SNDBUF reads %d, want %d: the send buffer was not set", size, want)
	}
}
