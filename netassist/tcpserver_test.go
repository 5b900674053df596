package netassist

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestTCPServerManyClients(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			s, w := startServer(t, addr, true)
			const n = 20
			clients := make([]*net.TCPConn, n)
			for i := range clients {
				clients[i] = dial(t, s.LocalAddr())
				fmt.Fprintf(clients[i], "hello from %d\n", i)
			}
			w.waitFor(t, "all data", func(evs []Event) bool {
				return s.hub.Counters.Snapshot().RxBytes == uint64(totalHello(n))
			})
			if got := len(s.Conns()); got != n {
				t.Fatalf("conns = %d; want %d", got, n)
			}
			for _, ci := range s.Conns() {
				if ci.Counters.RxBytes == 0 || ci.Counters.RxChunks == 0 {
					t.Errorf("conn %d counters %+v", ci.ID, ci.Counters)
				}
			}
			// Send to all, then to one.
			if sent, err := s.Send(nil, []byte("all")); err != nil || sent != n {
				t.Fatalf("send all: %d %v", sent, err)
			}
			for i, c := range clients {
				got := make([]byte, 3)
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.ReadFull(c, got); err != nil || string(got) != "all" {
					t.Fatalf("client %d got %q, %v", i, got, err)
				}
			}
			first := s.Conns()[0]
			if _, err := s.Send([]uint64{first.ID}, []byte("one")); err != nil {
				t.Fatal(err)
			}
			w.waitFor(t, "tx counted", func([]Event) bool {
				return s.hub.Counters.Snapshot().TxBytes == uint64(3*n+3)
			})
		})
	}
}

func totalHello(n int) int {
	t := 0
	for i := 0; i < n; i++ {
		t += len(fmt.Sprintf("hello from %d\n", i))
	}
	return t
}

func TestTCPServerPortInUse(t *testing.T) {
	s, _ := startServer(t, "127.0.0.1:0", true)
	s2 := NewTCPServer(Config{Local: s.LocalAddr()}, NewHub("b", nil))
	err := s2.Start()
	if CodeOf(err) != CodeAddrInUse || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("err = %v (code %q); want addr_in_use", err, CodeOf(err))
	}
	_, port, _ := net.SplitHostPort(s.LocalAddr())
	if want := "port " + port + " is already in use"; !bytes.Contains([]byte(err.Error()), []byte(want)) {
		t.Errorf("message %q lacks %q", err, want)
	}
}

func TestTCPPeerHalfCloseStillReads(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", false)
	c := dial(t, s.LocalAddr())
	c.Write([]byte("request"))
	c.CloseWrite() // FIN, but the peer still reads
	w.waitFor(t, "peer FIN", has(EvInfo, "peer_fin"))
	ci := s.Conns()[0]
	if ci.State != StatePeerClosed {
		t.Fatalf("state = %v", ci.State)
	}
	if _, err := s.Send(nil, []byte("answer")); err != nil {
		t.Fatal(err)
	}
	// Our half-close completes the four-way close.
	if err := s.Conn(ci.ID).HalfClose(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "answer" {
		t.Fatalf("peer read %q, %v", got, err)
	}
	w.waitFor(t, "disconnect", has(EvDisconnect, ReasonLocal))
}

func TestTCPCloseOnFIN(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	c := dial(t, s.LocalAddr())
	c.Write([]byte("bye"))
	c.CloseWrite()
	w.waitFor(t, "fin disconnect", has(EvDisconnect, ReasonFIN))
	if n := len(s.Conns()); n != 0 {
		t.Fatalf("%d conns left", n)
	}
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("peer read err = %v; want EOF", err)
	}
}

func TestTCPLocalHalfClose(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "connect", has(EvConnect, ""))
	conn := s.Conn(s.Conns()[0].ID)
	conn.Send([]byte("data"))
	if err := conn.HalfClose(); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(c) // EOF after our FIN
	if string(got) != "data" {
		t.Fatalf("got %q", got)
	}
	if err := conn.Send([]byte("x")); CodeOf(err) != CodeClosed {
		t.Fatalf("send after half-close: %v", err)
	}
	c.Write([]byte("still reading"))
	w.waitFor(t, "rx after half-close", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "still reading" })
	c.Close()
	w.waitFor(t, "disconnect", has(EvDisconnect, ""))
}

func TestTCPPeerReset(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "connect", has(EvConnect, ""))
	c.SetLinger(0)
	c.Close()
	w.waitFor(t, "rst", has(EvDisconnect, ReasonRST))
}

func TestTCPAbortSendsRST(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "connect", has(EvConnect, ""))
	s.Conn(s.Conns()[0].ID).Close(true)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("peer read err = %v; want connection reset", err)
	}
	w.waitFor(t, "abort", has(EvDisconnect, ReasonAbort))
}

func TestTCPSlowReaderDoesNotStallOthers(t *testing.T) {
	s, _ := startServer(t, "127.0.0.1:0", true)
	slow := dial(t, s.LocalAddr()) // never reads
	slow.SetReadBuffer(4096)
	fast := dial(t, s.LocalAddr())
	for len(s.Conns()) < 2 {
		time.Sleep(time.Millisecond)
	}
	chunk := bytes.Repeat([]byte("x"), 1<<20)
	total := 0
	deadline := time.Now().Add(5 * time.Second)
	for total < 16<<20 && time.Now().Before(deadline) {
		s.Send(nil, chunk)
		total += len(chunk)
		got := 0
		fast.SetReadDeadline(time.Now().Add(5 * time.Second))
		for got < len(chunk) {
			n, err := fast.Read(make([]byte, 1<<20))
			if err != nil {
				t.Fatalf("fast client stalled after %d bytes: %v", total, err)
			}
			got += n
		}
	}
}

func TestTCPStopWithClientsConnected(t *testing.T) {
	base := runtime.NumGoroutine()
	h, _ := newHub("srv")
	s := NewTCPServer(Config{Local: "127.0.0.1:0"}, h)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	var clients []net.Conn
	for i := 0; i < 50; i++ {
		c, err := net.Dial("tcp", s.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	for len(s.Conns()) < 50 {
		time.Sleep(time.Millisecond)
	}
	s.Send(nil, []byte("bye"))
	s.Close()
	for _, c := range clients {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.ReadAll(c) // must end: the server closed it
		c.Close()
	}
	waitGoroutines(t, base)
	if err := s.Start(); err != ErrStarted {
		t.Fatalf("second start: %v", err)
	}
}

// A peer that answers our FIN with its own at once: whichever side's FIN
// is seen first, the connection must end (with "close when peer closes"
// off, nothing else would end it, and its socket and row would leak).
func TestTCPHalfCloseAnsweredAtOnce(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", false)
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "connect", has(EvConnect, ""))
	conn := s.Conn(s.Conns()[0].ID)
	go func() {
		io.Copy(io.Discard, c) // until our FIN
		c.Close()              // answer it at once
	}()
	testHookBeforeHalfClosed = func(conn *Conn) {
		// Let the peer's FIN be read before HalfClose records its own.
		for conn.State() != StatePeerClosed {
			time.Sleep(time.Millisecond)
		}
	}
	defer func() { testHookBeforeHalfClosed = nil }()
	if err := conn.HalfClose(); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	if n := len(s.Conns()); n != 0 {
		t.Fatalf("%d conns left", n)
	}
}

// "Send to all" right after a connection finished, before it has left the
// list, goes to the live connections only and is no error.
func TestSendToAllSkipsFinished(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	a := dial(t, s.LocalAddr())
	dial(t, s.LocalAddr())
	waitConns(t, s, 2)
	w.waitFor(t, "two connects", func(evs []Event) bool {
		n := 0
		for _, e := range evs {
			if e.Kind == EvConnect {
				n++
			}
		}
		return n == 2
	})
	// The moment between finish and forget: closed, still listed.
	gone := connByPeer(t, s, a.LocalAddr().String())
	gone.state.Store(int32(StateClosed))
	if took, err := s.Send(nil, []byte("x")); took != 1 || err != nil {
		t.Fatalf("send to all took %d, %v; want 1, nil", took, err)
	}
	gone.state.Store(int32(StateOpen))
}
