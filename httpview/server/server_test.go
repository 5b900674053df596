package server

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"netassist/assets"
	"netassist/netassist"
)

// checkRawMatchesClient asserts that, per connection, the raw requests are
// exactly what the client wrote and the raw responses what it read.
func checkRawMatchesClient(t *testing.T, s *Server, c *tapClient) {
	t.Helper()
	ex := s.Exchanges()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tc := range c.conns {
		var req, resp []byte
		for _, e := range ex {
			if e.Client == tc.LocalAddr().String() {
				req = append(req, e.RawRequest...)
				resp = append(resp, e.RawResponse...)
			}
		}
		tc.mu.Lock()
		if !bytes.Equal(req, tc.wrote.Bytes()) {
			t.Errorf("conn %s: raw requests\n%q\nwant what the client wrote\n%q", tc.LocalAddr(), req, tc.wrote.Bytes())
		}
		if !bytes.Equal(resp, tc.read.Bytes()) {
			t.Errorf("conn %s: raw responses (%d bytes) differ from what the client read (%d bytes)", tc.LocalAddr(), len(resp), tc.read.Len())
		}
		tc.mu.Unlock()
	}
}

func TestLifecycle(t *testing.T) {
	base := runtime.NumGoroutine()
	rec := newRecorder()
	s := New(Config{Addr: "127.0.0.1:0", Recorder: rec, Log: quietLog(), Site: assets.Site})
	if s.Addr() != nil {
		t.Fatal("Addr before Start")
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Start: %v; want ErrStarted", err)
	}
	other := New(Config{Addr: s.Addr().String(), Log: quietLog(), Site: assets.Site})
	if err := other.Start(); !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("Start on a used address: %v; want EADDRINUSE", err)
	}
	other.Close()

	// Traffic of every kind, left open: keep-alive, a held request, a hijacked connection.
	c := newTapClient()
	if resp, _ := get(t, c.Client, "http://"+s.Addr().String()+"/"); resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	idle, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /style.css HTTP/1.1\r\nHost: x\r\n") // half a request
	// Dial returns before the server accepts: wait, or Close may come first.
	waitFor(t, "the second connection accepted", func() bool { return rec.count(netassist.EvConnect) == 2 })

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Start(); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	c.close()
	idle.Close()
	waitFor(t, "goroutines to return to the baseline", func() bool { return runtime.NumGoroutine() <= base })
	if rec.count(netassist.EvOpen) != 1 || rec.count(netassist.EvClose) != 1 {
		t.Fatalf("open/close events: %d/%d", rec.count(netassist.EvOpen), rec.count(netassist.EvClose))
	}
	if rec.count(netassist.EvConnect) != 2 || rec.count(netassist.EvDisconnect) != 2 {
		t.Fatalf("connect/disconnect events: %d/%d", rec.count(netassist.EvConnect), rec.count(netassist.EvDisconnect))
	}
}

func TestStartErrors(t *testing.T) {
	if err := New(Config{Addr: "127.0.0.1:0", Log: quietLog()}).Start(); err == nil {
		t.Fatal("started with neither a folder nor a sample site")
	}
	s := New(Config{Addr: "127.0.0.1:0", Root: t.TempDir() + "/missing", Log: quietLog()})
	if err := s.Start(); err == nil {
		t.Fatal("started on a missing folder")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	ln.Close()
	root, _ := makeTree(t)
	s := startServer(t, Config{Addr: "[::1]:0", Root: root})
	c := newTapClient()
	defer c.close()
	resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/hello.txt")
	if resp.StatusCode != 200 || string(body) != "hello, world\n" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	raw := rawExchange(t, s.Addr().String(), "GET /..%2fsecret.txt HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
	if !strings.HasPrefix(raw, "HTTP/1.1 400 ") {
		t.Fatalf("traversal over IPv6: %.40q", raw)
	}
	ex := waitSettled(t, s, 2)
	if !strings.HasPrefix(ex[0].Client, "[::1]:") {
		t.Fatalf("client %q", ex[0].Client)
	}
	checkRawMatchesClient(t, s, c)
}

// TestPipelined sends three requests in one write; each gets its own
// exchange whose raw bytes are exactly its message.
func TestPipelined(t *testing.T) {
	root, _ := makeTree(t)
	s := startServer(t, Config{Root: root})
	reqs := []string{
		"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /sub/a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab\r\nc",
		"GET /sub/a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	}
	got := rawExchange(t, s.Addr().String(), strings.Join(reqs, ""))
	ex := waitSettled(t, s, 4)
	if len(ex) != 4 {
		t.Fatalf("%d exchanges; want 4", len(ex))
	}
	var resp string
	wantStatus := []int{200, 200, 405, 200}
	for i, e := range ex {
		if string(e.RawRequest) != reqs[i] {
			t.Errorf("exchange %d raw request %q; want %q", i, e.RawRequest, reqs[i])
		}
		if e.Status != wantStatus[i] || e.Bytes != int64(len(e.RawResponse)) || e.State != StateAnswered {
			t.Errorf("exchange %d: status %d bytes %d/%d state %v", i, e.Status, e.Bytes, len(e.RawResponse), e.State)
		}
		if e.Conn != ex[0].Conn {
			t.Errorf("exchange %d on connection %d; want %d", i, e.Conn, ex[0].Conn)
		}
		resp += string(e.RawResponse)
	}
	if resp != got {
		t.Fatalf("raw responses\n%q\nwant what the client read\n%q", resp, got)
	}
	if !strings.HasSuffix(string(ex[1].RawResponse), "\r\n\r\n") || strings.Contains(string(ex[1].RawResponse), "hello") {
		t.Errorf("HEAD response has a body: %q", ex[1].RawResponse)
	}
}

// TestRecorderTotals: the Recorder sees exactly the bytes the clients sent
// and received, on a mix of normal, keep-alive, bad and big requests.
func TestRecorderTotals(t *testing.T) {
	root, _ := makeTree(t)
	rec := newRecorder()
	s := New(Config{Addr: "127.0.0.1:0", Root: root, Recorder: rec, Log: quietLog(), Session: "http-1"})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c := newTapClient()
	for i := 0; i < 5; i++ {
		get(t, c.Client, "http://"+s.Addr().String()+"/hello.txt")
		get(t, c.Client, "http://"+s.Addr().String()+"/sub/")
	}
	var sent, received int
	for _, req := range []string{
		"GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"GARBAGE\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX: " + strings.Repeat("b", 20<<10) + "\r\n\r\n",
	} {
		sent += len(req)
		received += len(rawExchange(t, s.Addr().String(), req))
	}
	ex := waitSettled(t, s, 14)
	checkRawMatchesClient(t, s, c)
	c.close()
	s.Close()
	w, r := c.bytes()
	rx, tx := rec.totals()
	if rx != w+sent || tx != r+received {
		t.Fatalf("recorder rx %d tx %d; clients sent %d received %d", rx, tx, w+sent, r+received)
	}
	var resp int64
	for _, e := range ex {
		resp += e.Bytes
	}
	if resp != int64(tx) {
		t.Fatalf("exchange bytes %d; recorder tx %d", resp, tx)
	}
}

// TestBigResponseTruncated: a response over MaxRaw is kept cut with a flag
// while Bytes and the Recorder count all of it, and the next exchange on
// the same connection is exact again.
func TestBigResponseTruncated(t *testing.T) {
	root, _ := makeTree(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), (3*MaxRaw)/16)
	must(t, writeFile(root, "big.bin", big))
	rec := newRecorder()
	s := startServer(t, Config{Root: root, Recorder: rec})
	c := newTapClient()
	defer c.close()
	resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/big.bin")
	if resp.StatusCode != 200 || !bytes.Equal(body, big) {
		t.Fatalf("got %d, %d bytes", resp.StatusCode, len(body))
	}
	get(t, c.Client, "http://"+s.Addr().String()+"/hello.txt")
	ex := waitSettled(t, s, 2)
	_, read := c.bytes()
	if !ex[0].Truncated || len(ex[0].RawResponse) != MaxRaw || ex[0].Bytes != int64(read)-ex[1].Bytes {
		t.Fatalf("big: truncated %v, kept %d, bytes %d (read %d)", ex[0].Truncated, len(ex[0].RawResponse), ex[0].Bytes, read)
	}
	if ex[1].Truncated || !strings.HasSuffix(string(ex[1].RawResponse), "hello, world\n") || ex[1].Conn != ex[0].Conn {
		t.Fatalf("after big: %+v", ex[1])
	}
	_, tx := rec.totals()
	if tx != read {
		t.Fatalf("recorder tx %d; client read %d", tx, read)
	}
}

func writeFile(dir, name string, b []byte) error {
	return osWriteFile(dir+"/"+name, b)
}

var _ = http.StatusOK
