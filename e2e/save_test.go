//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// seed is NETASSIST_E2E_SEED, or a new one; either way it is logged so a
// failure can be replayed.
func seed(t *testing.T) int64 {
	t.Helper()
	s := time.Now().UnixNano()
	if v := os.Getenv("NETASSIST_E2E_SEED"); v != "" {
		var err error
		if s, err = strconv.ParseInt(v, 10, 64); err != nil {
			t.Fatalf("NETASSIST_E2E_SEED: %v", err)
		}
	}
	t.Logf("random seed %d (replay with NETASSIST_E2E_SEED=%d)", s, s)
	return s
}

// nasty are bytes every peer's data must hold: NUL, CR LF, bare CR and LF,
// and invalid UTF-8 (lone continuation, bad lead, overlong, surrogate,
// truncated sequence, 0xFF/0xFE).
var nasty = [][]byte{
	{0x00}, {0x00, 0x00}, []byte("\r\n"), []byte("\r"), []byte("\n"), []byte("\r\n\r\n"),
	{0x80}, {0xC3, 0x28}, {0xC0, 0xAF}, {0xED, 0xA0, 0x80}, {0xE2, 0x82}, {0xFF}, {0xFE, 0xFF},
	{0xF4, 0x90, 0x80, 0x80}, []byte("中文"), {0xD6, 0xD0}, // GBK 中
}

// peerData is about size random bytes with every nasty sequence at the start
// and again scattered through it.
func peerData(rng *rand.Rand, size int) []byte {
	var b bytes.Buffer
	for _, n := range nasty {
		b.Write(n)
	}
	rest := make([]byte, size-b.Len())
	rng.Read(rest)
	for i := 0; i < 200; i++ {
		n := nasty[rng.Intn(len(nasty))]
		copy(rest[rng.Intn(len(rest)-len(n)):], n)
	}
	b.Write(rest)
	return b.Bytes()
}

// writeSizes splits n into random write sizes from 1 byte to 64 KiB, with
// plenty of tiny ones.
func writeSizes(rng *rand.Rand, n int) []int {
	var sizes []int
	for n > 0 {
		var s int
		switch rng.Intn(4) {
		case 0:
			s = 1 + rng.Intn(16)
		case 1:
			s = 1 + rng.Intn(1024)
		default:
			s = 1 + rng.Intn(64<<10)
		}
		s = min(s, n)
		sizes = append(sizes, s)
		n -= s
	}
	return sizes
}

var rawName = regexp.MustCompile(`^conn(\d+)_127\.0\.0\.1_(\d+)\.(rx|tx)$`)

// TestSaveIsByteExact: three peers send about 2 MiB of random bytes each to a
// TCP server session at once; the saved raw files and events.jsonl must hold
// exactly what each peer sent.
func TestSaveIsByteExact(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	port := freeTCPPort(t)
	saveDir := t.TempDir()
	metrics := filepath.Join(t.TempDir(), "metrics.jsonl")
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	a := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir, "--metrics", metrics)
	a.waitWindow()

	rng := rand.New(rand.NewSource(seed(t)))
	const peers = 3
	ps := make([]*peer, peers)
	total := 0
	for i := range ps {
		p := &peer{data: peerData(rng, 2<<20+rng.Intn(64<<10))}
		p.sizes = writeSizes(rng, len(p.data))
		total += len(p.data)
		ps[i] = p
	}
	// Connect all three first, then let them write at the same moment.
	for i, p := range ps {
		p.conn = dialRetry(t, addr)
		p.port = p.conn.LocalAddr().(*net.TCPAddr).Port
		t.Logf("peer %d: local port %d, %d bytes in %d writes", i, p.port, len(p.data), len(p.sizes))
	}
	start := make(chan struct{})
	errs := make(chan error, peers)
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer p.conn.Close()
			<-start
			p.conn.SetWriteDeadline(time.Now().Add(90 * time.Second))
			off := 0
			for _, s := range p.sizes {
				if _, err := p.conn.Write(p.data[off : off+s]); err != nil {
					errs <- fmt.Errorf("peer %d: write at offset %d: %v", i, off, err)
					return
				}
				off += s
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}

	// The raw files: one per peer, named by the peer's port, exact size.
	dir := sessionDir(t, saveDir)
	t.Logf("session folder: %s", dir)
	byPort := map[int]*peer{}
	for _, p := range ps {
		byPort[p.port] = p
	}
	rxFile := map[int]string{} // peer port → file name
	connOf := map[int]uint64{} // peer port → connection id in the name
	waitFor(t, 90*time.Second, "three .rx files of the right sizes", func() (bool, error) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		done := 0
		for _, e := range ents {
			m := rawName.FindStringSubmatch(e.Name())
			if e.Name() == "events.jsonl" || e.Name() == "README.txt" {
				continue
			}
			if m == nil {
				return false, fmt.Errorf("unexpected file %s in the session folder", e.Name())
			}
			if m[3] == "tx" {
				return false, fmt.Errorf("%s: the app sent nothing, yet there is a .tx file", e.Name())
			}
			pport, _ := strconv.Atoi(m[2])
			p := byPort[pport]
			if p == nil {
				return false, fmt.Errorf("%s names port %d, which is none of the peers' %v", e.Name(), pport, keys(byPort))
			}
			conn, _ := strconv.ParseUint(m[1], 10, 64)
			rxFile[pport], connOf[pport] = e.Name(), conn
			info, err := e.Info()
			if err != nil {
				return false, err
			}
			if info.Size() > int64(len(p.data)) {
				return false, fmt.Errorf("%s has %d bytes, more than the %d its peer sent", e.Name(), info.Size(), len(p.data))
			}
			if info.Size() == int64(len(p.data)) {
				done++
			}
		}
		return done == peers, nil
	})
	for _, p := range ps {
		got, err := os.ReadFile(filepath.Join(dir, rxFile[p.port]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, p.data) {
			t.Errorf("%s differs from what peer port %d sent: %s", rxFile[p.port], p.port, firstDiff(got, p.data))
		} else {
			t.Logf("%s: %d bytes, identical to what its peer sent", rxFile[p.port], len(got))
		}
	}

	// events.jsonl (format 2): the bytes the rx events of each peer point
	// to, joined, are the same bytes, and each points to its peer's raw
	// file right after the one before; each peer has a connect event with
	// the same connection id.
	events := filepath.Join(dir, "events.jsonl")
	if evs := readEvents(t, events); len(evs) == 0 || evs[0].Event != "save" || evs[0].Format != 2 {
		t.Fatalf("events.jsonl does not start with the format 2 header: %+v", evs)
	}
	var rx map[int][]byte
	waitFor(t, 60*time.Second, "events.jsonl to hold every received byte", func() (bool, error) {
		rx = map[int][]byte{}
		for _, e := range readEvents(t, events) {
			if e.Event != "rx" {
				continue
			}
			pport := peerPort(e.Peer)
			if e.File != rxFile[pport] || e.Offset != int64(len(rx[pport])) {
				return false, fmt.Errorf("rx event of %s points at %s offset %d; want %s offset %d", e.Peer, e.File, e.Offset, rxFile[pport], len(rx[pport]))
			}
			data, ok, err := payload(dir, e)
			if err != nil || !ok {
				return false, err
			}
			if byPort[pport] == nil {
				return false, fmt.Errorf("rx event from %q, which is none of the peers", e.Peer)
			}
			if e.Conn != connOf[pport] {
				return false, fmt.Errorf("rx event of %s has conn %d, its raw file %s", e.Peer, e.Conn, rxFile[pport])
			}
			rx[pport] = append(rx[pport], data...)
		}
		for port, p := range byPort {
			if len(rx[port]) < len(p.data) {
				return false, nil
			}
		}
		return true, nil
	})
	connects := map[int]bool{}
	for _, e := range readEvents(t, events) {
		if e.Event == "connect" {
			if pport := peerPort(e.Peer); byPort[pport] != nil {
				connects[pport] = true
				if e.Conn != connOf[pport] {
					t.Errorf("connect event of %s has conn %d, its raw file %s", e.Peer, e.Conn, rxFile[pport])
				}
			}
		}
	}
	for _, p := range ps {
		if !bytes.Equal(rx[p.port], p.data) {
			t.Errorf("events.jsonl rx data of port %d differs from what it sent: %s", p.port, firstDiff(rx[p.port], p.data))
		}
		if !connects[p.port] {
			t.Errorf("events.jsonl has no connect event for peer port %d", p.port)
		}
	}

	// --metrics: rx_bytes reaches the total and never passes it.
	last := a.waitMetrics(30*time.Second, fmt.Sprintf("a metrics line with rx_bytes = %d", total), func(m metricsLine) bool {
		return *m.RxBytes >= uint64(total)
	})
	for _, m := range readMetrics(t, metrics) {
		if *m.RxBytes > uint64(total) {
			t.Errorf("metrics rx_bytes %d is more than the %d bytes sent", *m.RxBytes, total)
		}
		if *m.RSSBytes == 0 {
			t.Errorf("metrics rss_bytes is 0")
		}
	}
	t.Logf("metrics: rx_bytes %d tx_bytes %d connections %d rss_bytes %d ui_lag_ms %.1f",
		*last.RxBytes, *last.TxBytes, *last.Connections, *last.RSSBytes, *last.UILagMs)

	// Let the pump draw the final counters, then keep a picture.
	time.Sleep(time.Second)
	d.screenshot("e2e-tcp-server.png")
}

func peerPort(peer string) int {
	_, p, err := net.SplitHostPort(peer)
	if err != nil {
		return -1
	}
	n, _ := strconv.Atoi(p)
	return n
}

// peer is one of the test's own TCP clients.
type peer struct {
	conn  *net.TCPConn
	port  int // its local port: the app names its raw file after it
	data  []byte
	sizes []int // write sizes
}

func keys[V any](m map[int]V) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// firstDiff describes where got and want first differ.
func firstDiff(got, want []byte) string {
	n := min(len(got), len(want))
	for i := 0; i < n; i++ {
		if got[i] != want[i] {
			lo := max(0, i-8)
			return fmt.Sprintf("first difference at offset %d (got % x…, want % x…; lengths %d and %d)",
				i, got[lo:min(len(got), i+8)], want[lo:min(len(want), i+8)], len(got), len(want))
		}
	}
	return fmt.Sprintf("one is a prefix of the other: lengths %d and %d", len(got), len(want))
}
