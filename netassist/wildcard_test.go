package netassist

import (
	"net"
	"testing"
)

// 0.0.0.0 means every IPv4 address and nothing else; :: means both
// families, as it does for other tools. Go's "tcp" listener on 0.0.0.0 is
// a dual-stack socket, which took the port on IPv6 too (*:7890 in ss).
func TestWildcardFamilies(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	} else {
		ln.Close()
	}
	h, _ := newHub("v4")
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: "0.0.0.0:0"}, h)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, port, _ := net.SplitHostPort(s.LocalAddr())
	if c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", port)); err != nil {
		t.Fatalf("IPv4: %v", err)
	} else {
		c.Close()
	}
	if c, err := net.Dial("tcp", net.JoinHostPort("::1", port)); err == nil {
		c.Close()
		t.Fatal("a server on 0.0.0.0 accepted an IPv6 connection")
	}

	u := NewUDP(Config{Kind: KindUDP, Local: "0.0.0.0:0"}, h)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	_, uport, _ := net.SplitHostPort(u.LocalAddr())
	// The IPv6 side of the port is free when the socket is IPv4 only.
	pc, err := net.ListenPacket("udp6", net.JoinHostPort("::", uport))
	if err != nil {
		t.Fatalf("UDP on 0.0.0.0 holds the IPv6 port too: %v", err)
	}
	pc.Close()

	both := NewTCPServer(Config{Kind: KindTCPServer, Local: "[::]:0"}, h)
	if err := both.Start(); err != nil {
		t.Fatal(err)
	}
	defer both.Close()
	_, bport, _ := net.SplitHostPort(both.LocalAddr())
	for _, host := range []string{"127.0.0.1", "::1"} {
		c, err := net.Dial("tcp", net.JoinHostPort(host, bport))
		if err != nil {
			t.Fatalf(":: should take %s too: %v", host, err)
		}
		c.Close()
	}
}
