package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// Many keep-alive connections are answered by the one event loop: no
// goroutine each, every answer right, every socket the loop's.
func TestEventLoopServesManyConnections(t *testing.T) {
	s := startServer(t, Config{Root: fastTree(t)}, warmCache)
	before := runtime.NumGoroutine()
	const n = 200
	conns := make([]net.Conn, n)
	for i := range conns {
		conns[i] = dialServer(t, s)
	}
	for i, c := range conns {
		br := bufio.NewReader(c)
		raw := oneResponse(t, c, br, "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
		if !bytes.HasSuffix(raw, []byte("p { color: red }")) || !bytes.HasPrefix(raw, []byte("HTTP/1.1 200 OK\r\n")) {
			t.Fatalf("connection %d got %q", i, raw)
		}
	}
	if got := s.fastServed.Load(); got != n {
		t.Fatalf("fast lane answered %d of %d", got, n)
	}
	if grew := runtime.NumGoroutine() - before; grew > n/10 {
		t.Fatalf("%d open connections added %d goroutines; the loop should serve them", n, grew)
	}
	s.mu.Lock()
	owned := 0
	for c := range s.conns {
		if _, ok := c.Conn.(*loopFD); ok {
			owned++
		}
	}
	s.mu.Unlock()
	if owned != n {
		t.Fatalf("the loop owns %d of %d sockets", owned, n)
	}
}

// A client that stops reading fills its socket: the loop does not wait
// for it (another client is answered meanwhile), the connection goes on
// in a goroutine of its own, and every byte arrives and is recorded once.
func TestEventLoopFullSocketMovesOn(t *testing.T) {
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 200<<10/16) // under cacheMaxFile
	must(t, os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644))
	must(t, os.WriteFile(filepath.Join(root, "small.txt"), []byte("small"), 0o644))
	rec := newRecorder()
	s := startServer(t, Config{Root: root, Recorder: rec}, warmCache)

	slow := dialServer(t, s)
	const reqs = 40 // 8 MB of answers, far over the socket buffers
	if _, err := io.WriteString(slow, strings.Repeat("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n", reqs)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the loop writes until the socket is full

	other := dialServer(t, s)
	raw := oneResponse(t, other, bufio.NewReader(other), "GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
	if !bytes.HasSuffix(raw, []byte("\r\n\r\nsmall")) {
		t.Fatalf("the other client got %q while one did not read", raw)
	}

	br := bufio.NewReader(slow)
	read := 0
	for i := range reqs {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || !bytes.Equal(body, big) {
			t.Fatalf("response %d: %d bytes, %v", i, len(body), err)
		}
		read += len(body)
	}
	waitFor(t, "the recorder to hold every byte sent", func() bool {
		_, tx := rec.totals()
		return tx >= read
	})
	slow.Close()
	other.Close()
	waitFor(t, "both disconnects", func() bool { return rec.count(netassist.EvDisconnect) == 2 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for id, b := range rec.tx {
		if want := bytes.Count(b, []byte("HTTP/1.1 200 OK\r\n")); want != reqs && want != 1 {
			t.Errorf("connection %d: %d responses recorded", id, want)
		}
	}
	if got := s.fastServed.Load(); got != reqs+1 {
		t.Errorf("fast lane answered %d of %d", got, reqs+1)
	}
}

// The loop keeps net/http's timeouts: a connection that sends nothing is
// closed after the header timeout, an idle keep-alive after the idle one.
func TestEventLoopTimeouts(t *testing.T) {
	rec := newRecorder()
	s := startServer(t, Config{Root: fastTree(t), Recorder: rec}, warmCache, func(s *Server) {
		s.readHeaderTimeout = 150 * time.Millisecond
		s.idleTimeout = 300 * time.Millisecond
	})
	silent := dialServer(t, s)
	idle := dialServer(t, s)
	oneResponse(t, idle, bufio.NewReader(idle), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
	for name, c := range map[string]net.Conn{"silent": silent, "idle": idle} {
		start := time.Now()
		n, err := c.Read(make([]byte, 1))
		if n != 0 || err != io.EOF {
			t.Fatalf("%s connection: read %d, %v; want the server's close", name, n, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s connection closed after %v", name, d)
		}
	}
	waitFor(t, "two disconnects", func() bool { return rec.count(netassist.EvDisconnect) == 2 })
}

// Closing the session closes the loop's connections, records each
// disconnect, and ends the loop (Close returns).
func TestEventLoopSessionClose(t *testing.T) {
	rec := newRecorder()
	s := New(Config{Addr: "127.0.0.1:0", Root: fastTree(t), Recorder: rec, Log: quietLog()})
	warmCache(s)
	must(t, s.Start())
	var conns []net.Conn
	for range 20 {
		c := dialServer(t, s)
		oneResponse(t, c, bufio.NewReader(c), "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
		conns = append(conns, c)
	}
	before := runtime.NumGoroutine()
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
	for i, c := range conns {
		if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Fatalf("connection %d still open after Close", i)
		}
	}
	if got := rec.count(netassist.EvDisconnect); got != 20 {
		t.Fatalf("%d disconnects recorded, want 20", got)
	}
	waitFor(t, "the loop's goroutine to end", func() bool { return runtime.NumGoroutine() < before })
}

// How the peer ended is recorded from the loop's reads: FIN or reset.
func TestEventLoopDisconnectReasons(t *testing.T) {
	rec := &reasonRecorder{recorder: newRecorder(), reasons: map[uint64]string{}}
	s := startServer(t, Config{Root: fastTree(t), Recorder: rec}, warmCache)
	fin := dialServer(t, s)
	oneResponse(t, fin, bufio.NewReader(fin), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
	rst := dialServer(t, s)
	oneResponse(t, rst, bufio.NewReader(rst), "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
	rst.(*net.TCPConn).SetLinger(0)
	rst.Close()
	fin.Close()
	waitFor(t, "two disconnects", func() bool { return rec.count(netassist.EvDisconnect) == 2 })
	rec.mu.Lock()
	defer rec.mu.Unlock()
	got := fmt.Sprint(rec.sorted())
	if got != "[fin rst]" {
		t.Fatalf("reasons %s, want [fin rst]", got)
	}
}

// The loop accepts itself: the connection's addresses are what Go's
// accept gives, also on a server listening on every address, and
// net/http, which takes a connection over, sees them.
func TestEventLoopAcceptsWithAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "0.0.0.0:0", "[::1]:0"} {
		s := startServer(t, Config{Addr: addr, Root: fastTree(t)}, warmCache)
		_, port, _ := net.SplitHostPort(s.Addr().String())
		host := "127.0.0.1"
		if strings.HasPrefix(addr, "[") {
			host = "::1"
		}
		c, err := net.Dial("tcp", net.JoinHostPort(host, port))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		br := bufio.NewReader(c)
		oneResponse(t, c, br, "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
		s.lis.loopOnce.Do(func() {}) // the first Accept set the loop up: wait for it
		if !s.lis.loop.accepts() {
			t.Fatalf("%s: the event loop does not accept", addr)
		}
		// A range goes to net/http on the same connection.
		if raw := oneResponse(t, c, br, "GET /style.css HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n", "GET"); !bytes.HasPrefix(raw, []byte("HTTP/1.1 206 ")) {
			t.Fatalf("%s: range answered %q", addr, raw)
		}
		s.mu.Lock()
		var got net.Conn
		for sc := range s.conns {
			got = sc.Conn
		}
		s.mu.Unlock()
		if got == nil || got.LocalAddr().String() != c.RemoteAddr().String() || got.RemoteAddr().String() != c.LocalAddr().String() {
			t.Fatalf("%s: server side %v -> %v; client %v -> %v", addr, got.RemoteAddr(), got.LocalAddr(), c.LocalAddr(), c.RemoteAddr())
		}
		c.Close()
	}
}

// While the loop accepts, Go's listener is closed (the loop's duplicate
// keeps the socket). When the loop stops, accepting goes on through a
// listener made again from that socket, and closing the session frees
// the port.
func TestEventLoopHandsAcceptingBack(t *testing.T) {
	fail := make(chan struct{})
	s := startServer(t, Config{Root: fastTree(t)}, warmCache, func(s *Server) { s.loopFail = fail })
	get := func() {
		t.Helper()
		c := dialServer(t, s)
		defer c.Close()
		raw := oneResponse(t, c, bufio.NewReader(c), "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n", "GET")
		if !bytes.HasSuffix(raw, []byte("p { color: red }")) {
			t.Fatalf("got %q", raw)
		}
	}
	get()
	s.lis.loopOnce.Do(func() {})
	lp := s.lis.loop.(*eventLoop)
	if !lp.accepts() {
		t.Fatal("the event loop does not accept")
	}
	gl := s.lis.Listener.(*net.TCPListener)
	gl.SetDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := gl.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Go's listener is open beside the loop (accept: %v)", err)
	}
	close(fail) // its epoll fails: the loop hands everything back
	waitFor(t, "the loop to hand accepting back", func() bool {
		s.lis.mu.Lock()
		defer s.lis.mu.Unlock()
		return s.lis.again != nil
	})
	for range 3 {
		get()
	}
	addr := s.Addr().String()
	must(t, s.Close())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the port is still taken after Close: %v", err)
	}
	ln.Close()
}

// A connection whose request comes after the loop accepted it goes into
// the epoll and is answered when the request comes; one whose request was
// there at once is answered without it, and each is recorded once.
func TestEventLoopAnswersLateAndEarlyFirstRequests(t *testing.T) {
	rec := newRecorder()
	s := startServer(t, Config{Root: fastTree(t), Recorder: rec}, warmCache)
	late := dialServer(t, s)
	waitFor(t, "the connection accepted", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.conns) == 1
	})
	time.Sleep(20 * time.Millisecond) // the loop has read nothing and waits
	raw := oneResponse(t, late, bufio.NewReader(late), "GET /style.css HTTP/1.0\r\nHost: x\r\n\r\n", "GET")
	if !bytes.HasSuffix(raw, []byte("p { color: red }")) {
		t.Fatalf("late request answered %q", raw)
	}
	for range 20 { // most of these are there when the loop accepts
		c := dialServer(t, s)
		if _, err := io.WriteString(c, "GET /style.css HTTP/1.0\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(c)
		if err != nil || !bytes.HasSuffix(b, []byte("p { color: red }")) {
			t.Fatalf("early request answered %q (%v)", b, err)
		}
	}
	if n := s.fastServed.Load(); n != 21 {
		t.Errorf("the fast lane answered %d of 21", n)
	}
	ex := waitSettled(t, s, 21)
	if len(ex) != 21 {
		t.Errorf("%d exchanges listed, want 21", len(ex))
	}
	late.Close()
	waitFor(t, "every connection recorded as ended", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return rec.kinds[netassist.EvDisconnect] == 21
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.kinds[netassist.EvConnect] != 21 || len(rec.rx) != 21 {
		t.Errorf("%d connects, %d connections with bytes; want 21 each", rec.kinds[netassist.EvConnect], len(rec.rx))
	}
	for id, b := range rec.rx {
		if string(b) != "GET /style.css HTTP/1.0\r\nHost: x\r\n\r\n" {
			t.Errorf("connection %d received %q", id, b)
		}
	}
}
