package export

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// needTshark skips when Wireshark's command-line tool is missing
// (scripts/deps.sh test installs it).
func needTshark(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed (scripts/deps.sh test installs it)")
	}
}

func tshark(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("tshark", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// saveTCPServer runs a real TCP server session on addr while saving, with
// one connection that talks both ways and ends with a FIN and one that
// the client resets, and returns the saved folder.
func saveTCPServer(t *testing.T, addr string, reset bool) string {
	t.Helper()
	hub := netassist.NewHub("tcp-server "+addr, nil)
	folder, err := hub.StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := netassist.NewTCPServer(netassist.Config{Kind: netassist.KindTCPServer, Local: addr, CloseOnFIN: true}, hub)
	if err := srv.Start(); err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	defer srv.Close()
	var wantRx, wantTx uint64

	talk := func(up, down []byte) *net.TCPConn {
		c, err := net.Dial("tcp", srv.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		wantRx += uint64(len(up))
		if _, err := c.Write(up); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the server to read", func() bool { return hub.Counters.Snapshot().RxBytes == wantRx })
		conns := srv.Conns()
		id := conns[len(conns)-1].ID
		wantTx += uint64(len(down))
		if _, err := srv.Send([]uint64{id}, down); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, make([]byte, len(down))); err != nil {
			t.Fatal(err)
		}
		return c.(*net.TCPConn)
	}
	c1 := talk(randomBytes(300_000), randomBytes(70_001))
	c1.Close() // FIN
	waitUntil(t, "the FIN", func() bool { return len(srv.Conns()) == 0 })
	if reset {
		c2 := talk([]byte("hello\r\n"), []byte("bye\r\n"))
		c2.SetLinger(0)
		c2.Close() // RST
		waitUntil(t, "the RST", func() bool { return len(srv.Conns()) == 0 })
	}
	srv.Close()
	if err := hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	return folder
}

func exportPcapng(t *testing.T, folder string) string {
	t.Helper()
	fo, err := Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	fo.Warn = func(w Warning) { t.Errorf("warning: %s", w) }
	out := filepath.Join(t.TempDir(), "out.pcapng")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := NewPcapng(f, fo, PcapngOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fo.Walk(p); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return out
}

// follow returns what each end of TCP stream n sent, as tshark's
// "follow,tcp,raw" reassembles it: node 0 (the client) and node 1.
func follow(t *testing.T, file string, n int) (client, server []byte) {
	t.Helper()
	out := tshark(t, "-r", file, "-q", "-z", fmt.Sprintf("follow,tcp,raw,%d", n))
	var c, s bytes.Buffer
	for _, l := range strings.Split(out, "\n") {
		if l == "" || strings.HasPrefix(l, "=") || strings.Contains(l, ":") {
			continue
		}
		dst := &c
		if strings.HasPrefix(l, "\t") {
			dst = &s
		}
		b, err := hex.DecodeString(strings.TrimSpace(l))
		if err != nil {
			t.Fatalf("follow output line %q: %v", l, err)
		}
		dst.Write(b)
	}
	return c.Bytes(), s.Bytes()
}

func savedFile(t *testing.T, folder, suffix string, conn int) []byte {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(folder, fmt.Sprintf("conn%d_*%s", conn, suffix)))
	if len(m) != 1 {
		t.Fatalf("conn%d %s files: %v", conn, suffix, m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// expertProblems lists the summaries tshark's expert info gives at
// warning or error level (malformed packets, missing segments, …), but for
// the resets the capture is meant to hold. Every payload is decoded as
// plain data: the tests' bytes are no protocol, and tshark guessing one
// from a random port or a heuristic (Thrift, once) complains about the
// guess, not the file.
func expertProblems(t *testing.T, file string) []string {
	t.Helper()
	out := tshark(t, "-r", file, "-o", "tcp.try_heuristic_first:FALSE", "-o", "udp.try_heuristic_first:FALSE",
		"-d", "tcp.port==1-65535,data", "-d", "udp.port==1-65535,data", "-q", "-z", "expert")
	var bad []string
	section := ""
	for _, l := range strings.Split(out, "\n") {
		if m := regexp.MustCompile(`^(Errors|Warns|Notes|Chats) \(\d+\)`).FindStringSubmatch(l); m != nil {
			section = m[1]
			continue
		}
		if section != "Errors" && section != "Warns" {
			continue
		}
		if f := strings.Fields(l); len(f) > 3 && regexp.MustCompile(`^\d+$`).MatchString(f[0]) &&
			!strings.Contains(l, "Connection reset (RST)") {
			bad = append(bad, strings.TrimSpace(l))
		}
	}
	return bad
}

// A TCP server's saved connections, exported, are the same bytes in
// tshark's reassembly as in the raw files, with no expert complaints,
// over IPv4 and IPv6, ending with a FIN and a RST as they did.
func TestPcapngTCPServerTshark(t *testing.T) {
	needTshark(t)
	for _, tc := range []struct {
		addr  string
		reset bool
	}{{"127.0.0.1:0", true}, {"[::1]:0", false}} {
		t.Run(tc.addr, func(t *testing.T) {
			folder := saveTCPServer(t, tc.addr, tc.reset)
			file := exportPcapng(t, folder)
			conns := 1
			if tc.reset {
				conns = 2
			}
			for i := 0; i < conns; i++ {
				up, down := follow(t, file, i)
				if want := savedFile(t, folder, ".rx", i+1); !bytes.Equal(up, want) {
					t.Errorf("stream %d client bytes: %d, want the %d of the .rx file", i, len(up), len(want))
				}
				if want := savedFile(t, folder, ".tx", i+1); !bytes.Equal(down, want) {
					t.Errorf("stream %d server bytes: %d, want the %d of the .tx file", i, len(down), len(want))
				}
			}
			if bad := expertProblems(t, file); len(bad) > 0 {
				t.Errorf("tshark expert info:\n%s", strings.Join(bad, "\n"))
			}
			flags := tshark(t, "-r", file, "-T", "fields", "-e", "tcp.flags.str", "-Y", "tcp.flags.syn==1 || tcp.flags.fin==1 || tcp.flags.reset==1")
			if n := strings.Count(flags, "S"); n != 2*conns {
				t.Errorf("SYN packets: %d, want %d\n%s", n, 2*conns, flags)
			}
			if n := strings.Count(flags, "F"); n != 2 {
				t.Errorf("FIN packets: %d, want 2\n%s", n, flags)
			}
			if n, want := strings.Count(flags, "R"), conns-1; n != want {
				t.Errorf("RST packets: %d, want %d\n%s", n, want, flags)
			}
		})
	}
}

// A UDP session's datagrams, both ways and an empty one among them, are
// as many UDP frames in tshark, with the same payloads.
func TestPcapngUDPTshark(t *testing.T) {
	needTshark(t)
	hub := netassist.NewHub("udp 127.0.0.1:0", nil)
	folder, err := hub.StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	u := netassist.NewUDP(netassist.Config{Kind: netassist.KindUDP, Local: "127.0.0.1:0"}, hub)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
	sent := [][]byte{[]byte("one"), {}, randomBytes(9000), []byte("four")}
	for _, d := range sent {
		if _, err := peer.WriteTo(d, to); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the datagrams", func() bool { return hub.Counters.Snapshot().RxChunks == uint64(len(sent)) })
	for _, d := range [][]byte{[]byte("back"), randomBytes(2000)} {
		if err := u.SendTo(peer.LocalAddr().String(), d); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, d)
	}
	waitUntil(t, "the answers", func() bool { return hub.Counters.Snapshot().TxChunks == 2 })
	u.Close()
	if err := hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	file := exportPcapng(t, folder)
	out := tshark(t, "-r", file, "-Y", "udp", "-T", "fields", "-e", "udp.length")
	lines := strings.Fields(out)
	if len(lines) != len(sent) {
		t.Fatalf("UDP frames: %d, want %d\n%s", len(lines), len(sent), out)
	}
	for i, l := range lines {
		if want := fmt.Sprint(8 + len(sent[i])); l != want {
			t.Errorf("datagram %d: udp.length %s, want %s", i, l, want)
		}
	}
	if bad := expertProblems(t, file); len(bad) > 0 {
		t.Errorf("tshark expert info:\n%s", strings.Join(bad, "\n"))
	}
}
