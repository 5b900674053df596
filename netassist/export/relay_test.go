package export

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netassist/netassist"
)

func TestKindOfRelays(t *testing.T) {
	for name, want := range map[string]string{
		"udp-relay-1":               "udp-relay",
		"udp-relay 127.0.0.1:5353":  "udp-relay",
		"tcp-relay 127.0.0.1:7000":  "tcp-relay",
		"udp-1":                     "udp",
		"tcp-server 127.0.0.1:7000": "tcp-server",
	} {
		if got := kindOf(name); got != want {
			t.Errorf("kindOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// saveTCPRelay saves a relay pair that passes bytes both ways and ends
// with FINs, and returns the folder.
func saveTCPRelay(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	hub := netassist.NewHub("tcp-relay 127.0.0.1:0", nil)
	folder, err := hub.StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := netassist.NewTCPRelay(netassist.Config{Kind: netassist.KindTCPRelay, Local: "127.0.0.1:0", Remote: ln.Addr().String()}, hub)
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c, err := net.Dial("tcp", r.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	up, down := randomBytes(200_000), randomBytes(50_001)
	go func() { c.Write(up); c.(*net.TCPConn).CloseWrite() }()
	if _, err := io.ReadFull(s, make([]byte, len(up))); err != nil {
		t.Fatal(err)
	}
	s.Write(down)
	s.(*net.TCPConn).CloseWrite()
	if _, err := io.ReadAll(c); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the pair to end", func() bool { return r.ConnCount() == 0 })
	c.Close()
	s.Close()
	r.Close()
	if err := hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	return folder
}

// A relay's two legs export as two TCP connections whose bytes, in
// tshark's reassembly, are those of their raw files.
func TestPcapngTCPRelayLegsTshark(t *testing.T) {
	needTshark(t)
	folder := saveTCPRelay(t)
	file := exportPcapng(t, folder)
	leg := func(name, suffix string) []byte {
		m, _ := filepath.Glob(filepath.Join(folder, "conn1_"+name+"_*"+suffix))
		if len(m) != 1 {
			t.Fatalf("%s%s files: %v", name, suffix, m)
		}
		b, _ := os.ReadFile(m[0])
		return b
	}
	cUp, cDown := follow(t, file, 0)
	if !bytes.Equal(cUp, leg("client", ".rx")) || !bytes.Equal(cDown, leg("client", ".tx")) {
		t.Errorf("client leg: %d/%d bytes, want those of its files", len(cUp), len(cDown))
	}
	sUp, sDown := follow(t, file, 1)
	if !bytes.Equal(sUp, leg("server", ".tx")) || !bytes.Equal(sDown, leg("server", ".rx")) {
		t.Errorf("server leg: %d/%d bytes, want those of its files (we are its client)", len(sUp), len(sDown))
	}
	if bad := expertProblems(t, file); len(bad) > 0 {
		t.Errorf("tshark expert info:\n%s", strings.Join(bad, "\n"))
	}
}
