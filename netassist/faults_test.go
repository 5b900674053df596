package netassist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Fault tests: what a misbehaving peer, a busy port or a failing disk does
// to a session, on real loopback sockets over IPv4 and IPv6. Each asserts
// what the user sees (the event, its Code or disconnect reason), that the
// counters are exact, and that no goroutine is left behind.

// await is waitFor with a short summary of the events on failure (the
// payloads of these tests run to megabytes).
func (w *watcher) await(t *testing.T, what string, pred func([]Event) bool) []Event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		evs, _ := w.h.Feed.Drain()
		w.evs = append(w.evs, evs...)
		if pred(w.evs) {
			return w.evs
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, e := range w.evs[max(0, len(w.evs)-40):] {
				fmt.Fprintf(&b, "\n  %s conn %d %s %d bytes %q", e.Kind, e.Conn, e.Peer, len(e.Data), e.Detail)
			}
			t.Fatalf("timed out waiting for %s; %d events, the last:%s", what, len(w.evs), b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// connectedClient starts a TCP client session to a fresh listener on host
// and returns it with the server's side of the connection.
func connectedClient(t *testing.T, host string) (*TCPClient, *Hub, *watcher, net.Listener, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", hostPort(host))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	h, w := newHub("cli")
	c := NewTCPClient(Config{Remote: ln.Addr().String()}, h)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	return c, h, w, ln, peer.(*net.TCPConn)
}

// loopbacks runs f once for 127.0.0.1 and once for ::1.
func loopbacks(t *testing.T, f func(t *testing.T, host string)) {
	t.Helper()
	for _, host := range []string{"127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			if host == "::1" {
				ln, err := net.Listen("tcp", "[::1]:0")
				if err != nil {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				ln.Close()
			}
			f(t, host)
		})
	}
}

func hostPort(host string) string { return net.JoinHostPort(host, "0") }

// closedPort returns an address on host where nothing listens (TCP or UDP).
func closedPort(t *testing.T, network, host string) string {
	t.Helper()
	var addr string
	switch network {
	case "tcp":
		ln, err := net.Listen("tcp", hostPort(host))
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr().String()
		ln.Close()
	default:
		pc, err := net.ListenPacket("udp", hostPort(host))
		if err != nil {
			t.Fatal(err)
		}
		addr = pc.LocalAddr().String()
		pc.Close()
	}
	return addr
}

// count is how many events of kind (and detail, if not "") evs holds.
func count(evs []Event, kind EventKind, detail string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && (detail == "" || e.Detail == detail) {
			n++
		}
	}
	return n
}

// sumData adds up the payload bytes of kind in evs (for conn, or all if 0).
func sumData(evs []Event, kind EventKind, conn uint64) uint64 {
	var n uint64
	for _, e := range evs {
		if e.Kind == kind && (conn == 0 || e.Conn == conn) {
			n += uint64(len(e.Data))
		}
	}
	return n
}

// checkCounters asserts that the hub's counters equal the traffic events
// it delivered: nothing counted twice, nothing counted that was not shown.
func checkCounters(t *testing.T, h *Hub, evs []Event) {
	t.Helper()
	s := h.Counters.Snapshot()
	if rx, tx := sumData(evs, EvRx, 0), sumData(evs, EvTx, 0); s.RxBytes != rx || s.TxBytes != tx {
		t.Fatalf("counters rx %d tx %d; events carry rx %d tx %d", s.RxBytes, s.TxBytes, rx, tx)
	}
}

func connByPeer(t *testing.T, s *TCPServer, peer string) *Conn {
	t.Helper()
	for _, ci := range s.Conns() {
		if ci.Peer == peer {
			return s.Conn(ci.ID)
		}
	}
	t.Fatalf("no connection from %s in %+v", peer, s.Conns())
	return nil
}

func waitConns(t *testing.T, s *TCPServer, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for s.ConnCount() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections; want %d", s.ConnCount(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// A client that has sent a request and is being answered resets the
// connection (SO_LINGER 0) with our answer unread: the user sees one
// "rst" disconnect, no error, and the bytes that did arrive are counted.
func TestFaultPeerResetsWithUnreadData(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		s, w := startServer(t, hostPort(host), false)
		c := dial(t, s.LocalAddr())
		c.SetReadBuffer(4096)
		const req = "GET /big HTTP/1.1\r\n\r\n"
		c.Write([]byte(req))
		w.await(t, "request", func(evs []Event) bool { return string(rxBytes(evs, 0)) == req })
		conn := connByPeer(t, s, c.LocalAddr().String())
		// A small answer that sits unread in the client's buffer, then a
		// big one that blocks our write until the reset.
		if _, err := s.Send(nil, bytes.Repeat([]byte("x"), 1000)); err != nil {
			t.Fatal(err)
		}
		w.await(t, "small answer written", func([]Event) bool { return conn.Counters.Snapshot().TxBytes == 1000 })
		if _, err := s.Send(nil, bytes.Repeat([]byte("y"), 32<<20)); err != nil {
			t.Fatal(err)
		}
		c.SetLinger(0)
		c.Close()
		evs := w.await(t, "rst", has(EvDisconnect, ReasonRST))
		if n := count(evs, EvDisconnect, ""); n != 1 {
			t.Fatalf("%d disconnects; want 1", n)
		}
		if n := count(evs, EvError, ""); n != 0 {
			t.Fatalf("a reset is a disconnect, not an error: %+v", evs)
		}
		if st := conn.State(); st != StateClosed {
			t.Fatalf("state %v", st)
		}
		if n := s.ConnCount(); n != 0 {
			t.Fatalf("%d connections listed after the reset", n)
		}
		if err := conn.Send([]byte("late")); CodeOf(err) != CodeClosed {
			t.Fatalf("send after reset: %v; want closed", err)
		}
		if got := conn.Counters.Snapshot(); got.RxBytes != uint64(len(req)) || got.TxBytes < 1000 || got.TxBytes >= 1000+32<<20 {
			t.Fatalf("conn counters %+v", got)
		}
		// The window drains events until the session closes.
		s.Close()
		evs = w.await(t, "close", has(EvClose, ""))
		checkCounters(t, s.hub, evs)
		waitGoroutines(t, base)
	})
}

// The server we are a client of resets with our request unread.
func TestFaultServerResetsClient(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		c, h, w, ln, peer := connectedClient(t, host)
		peer.Write([]byte("banner\r\n"))
		w.await(t, "banner", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "banner\r\n" })
		if err := c.Send([]byte("never read by the peer")); err != nil {
			t.Fatal(err)
		}
		w.await(t, "tx", has(EvTx, ""))
		peer.SetLinger(0)
		peer.Close()
		evs := w.await(t, "rst", has(EvDisconnect, ReasonRST))
		<-c.Done()
		if err := c.Send([]byte("x")); CodeOf(err) != CodeClosed {
			t.Fatalf("send after reset: %v; want closed", err)
		}
		if s := h.Counters.Snapshot(); s.RxBytes != 8 || s.TxBytes != 22 {
			t.Fatalf("counters %+v", s)
		}
		checkCounters(t, h, evs)
		c.Close()
		ln.Close()
		waitGoroutines(t, base)
	})
}

// The server half-closes (FIN) but goes on reading: the client session
// shows "peer_fin", can still send, and the server reads it all.
func TestFaultPeerHalfClosesClientStillSends(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		c, h, w, ln, nc := connectedClient(t, host)
		peer := nc
		defer peer.Close()
		peer.Write([]byte("last words"))
		peer.CloseWrite()
		w.await(t, "peer_fin", has(EvInfo, "peer_fin"))
		if st := c.Conn().State(); st != StatePeerClosed {
			t.Fatalf("state %v; want peer_closed", st)
		}
		want := bytes.Repeat([]byte("after FIN\x00\r\n"), 10000)
		if err := c.Send(want); err != nil {
			t.Fatalf("send after peer FIN: %v", err)
		}
		if err := c.Conn().HalfClose(); err != nil {
			t.Fatal(err)
		}
		peer.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(peer)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("peer read %d bytes, %v; want %d", len(got), err, len(want))
		}
		evs := w.await(t, "disconnect", has(EvDisconnect, ReasonLocal))
		if s := h.Counters.Snapshot(); s.RxBytes != 10 || s.TxBytes != uint64(len(want)) {
			t.Fatalf("counters %+v", s)
		}
		checkCounters(t, h, evs)
		c.Close()
		ln.Close()
		waitGoroutines(t, base)
	})
}

// The IPv6 half of TestTCPPeerHalfCloseStillReads (server side).
func TestFaultPeerHalfClosesServerStillSendsIPv6(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		if host != "::1" {
			t.Skip("IPv4 is TestTCPPeerHalfCloseStillReads")
		}
		s, w := startServer(t, hostPort(host), false)
		c := dial(t, s.LocalAddr())
		c.Write([]byte("request"))
		c.CloseWrite()
		w.await(t, "peer FIN", has(EvInfo, "peer_fin"))
		conn := connByPeer(t, s, c.LocalAddr().String())
		if _, err := s.Send(nil, []byte("answer")); err != nil {
			t.Fatal(err)
		}
		if err := conn.HalfClose(); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if got, err := io.ReadAll(c); err != nil || string(got) != "answer" {
			t.Fatalf("peer read %q, %v", got, err)
		}
		evs := w.await(t, "disconnect", has(EvDisconnect, ReasonLocal))
		checkCounters(t, s.hub, evs)
	})
}

// Connecting where nothing listens: Start says "refused" and names the
// address; the session records nothing and leaves nothing running.
func TestFaultConnectClosedPort(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		addr := closedPort(t, "tcp", host)
		h, w := newHub("cli")
		c := NewTCPClient(Config{Remote: addr, ConnectTimeout: 5 * time.Second}, h)
		err := c.Start()
		if CodeOf(err) != CodeRefused {
			t.Fatalf("err = %v (%q); want refused", err, CodeOf(err))
		}
		if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "nothing is listening") {
			t.Fatalf("message %q should name %s and say nothing listens", err, addr)
		}
		if err := c.Send([]byte("x")); CodeOf(err) != CodeNotConnected {
			t.Fatalf("send: %v; want not_connected", err)
		}
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		if evs, _ := w.h.Feed.Drain(); len(evs) != 0 {
			t.Fatalf("events after a refused connect: %+v", evs)
		}
		if s := h.Counters.Snapshot(); s != (CounterSnapshot{}) {
			t.Fatalf("counters %+v", s)
		}
		waitGoroutines(t, base)
	})
}

// Binding a port that is taken, TCP and UDP, over IPv6 (IPv4 is in
// tcpserver_test.go and udp_test.go): addr_in_use, and the session that
// holds the port keeps working.
func TestFaultPortInUseIPv6(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		if host != "::1" {
			t.Skip("IPv4 is TestTCPServerPortInUse and TestUDPPortInUse")
		}
		s, w := startServer(t, hostPort(host), false)
		err := NewTCPServer(Config{Local: s.LocalAddr()}, NewHub("b", nil)).Start()
		if CodeOf(err) != CodeAddrInUse {
			t.Fatalf("tcp: %v; want addr_in_use", err)
		}
		_, port, _ := net.SplitHostPort(s.LocalAddr())
		if !strings.Contains(err.Error(), "port "+port+" is already in use") {
			t.Fatalf("message %q", err)
		}
		c := dial(t, s.LocalAddr())
		c.Write([]byte("still serving"))
		w.await(t, "rx", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "still serving" })

		u, uw := startUDP(t, hostPort(host))
		if err := NewUDP(Config{Local: u.LocalAddr()}, NewHub("b", nil)).Start(); CodeOf(err) != CodeAddrInUse {
			t.Fatalf("udp: %v; want addr_in_use", err)
		}
		pc, err := net.ListenPacket("udp", hostPort(host))
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
		pc.WriteTo([]byte("still bound"), to)
		uw.await(t, "udp rx", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "still bound" })
	})
}

// Stopping a server with 1,000 clients: every client sees EOF, the user
// sees 1,000 "local" disconnects then one close, and every goroutine ends.
func TestFaultStopServerWith1000Clients(t *testing.T) {
	const n = 1000
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		h, w := newHub("srv")
		s := NewTCPServer(Config{Local: hostPort(host)}, h)
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		clients := make([]net.Conn, 0, n)
		defer func() {
			for _, c := range clients {
				c.Close()
			}
		}()
		sent := 0
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", s.LocalAddr())
			if err != nil {
				t.Fatalf("client %d: %v", i, err)
			}
			clients = append(clients, c)
			m, _ := fmt.Fprintf(c, "client %d\n", i)
			sent += m
		}
		waitConns(t, s, n)
		w.await(t, "every byte", func([]Event) bool { return h.Counters.Snapshot().RxBytes == uint64(sent) })
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for i, c := range clients {
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if b, err := io.ReadAll(c); err != nil || len(b) != 0 {
				t.Fatalf("client %d: read %q, %v; want EOF", i, b, err)
			}
		}
		evs := w.await(t, "close", has(EvClose, ""))
		if got := count(evs, EvConnect, ""); got != n {
			t.Fatalf("%d connects; want %d", got, n)
		}
		if got := count(evs, EvDisconnect, ReasonLocal); got != n {
			t.Fatalf("%d local disconnects; want %d", got, n)
		}
		if evs[len(evs)-1].Kind != EvClose || count(evs, EvClose, "") != 1 || count(evs, EvError, "") != 0 {
			t.Fatalf("the session should end with one close and no error; last %+v", evs[len(evs)-1])
		}
		if s.ConnCount() != 0 {
			t.Fatalf("%d connections listed after close", s.ConnCount())
		}
		checkCounters(t, h, evs)
		if got := h.Counters.Snapshot(); got.RxBytes != uint64(sent) || got.TxBytes != 0 {
			t.Fatalf("counters %+v; want rx %d", got, sent)
		}
		for _, c := range clients {
			c.Close()
		}
		clients = nil
		waitGoroutines(t, base)
	})
}

// "Send to all" while one client never reads: Send never blocks, the
// reading client gets every byte, the stuck one first refuses more with
// queue_full, then its write times out and it is disconnected with a
// "did not answer in time" error. Its counter equals what it can read.
func TestFaultStuckReaderSendToAll(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		s, w := startServer(t, hostPort(host), false)
		stuck := dial(t, s.LocalAddr())
		fast := dial(t, s.LocalAddr())
		waitConns(t, s, 2)
		stuckConn := connByPeer(t, s, stuck.LocalAddr().String())
		fastConn := connByPeer(t, s, fast.LocalAddr().String())

		chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, shared by both queues
		buf := make([]byte, len(chunk))
		// Fill the stuck client's queue (64 MiB) first. Filling it only by
		// "send to all" would need 64 MiB through the other client before
		// the stuck write's 10 s deadline, which a loaded machine under
		// -race does not manage; its write would time out first.
		for i := 0; ; i++ {
			if err := stuckConn.Send(chunk); CodeOf(err) == CodeQueueFull {
				break
			} else if err != nil || i == 200 {
				t.Fatalf("filling the stuck client's queue, chunk %d: %v", i, err)
			}
		}
		fastWant := 0
		var full error
		for i := 0; i < 200 && full == nil; i++ { // its writes may have made room for a few more
			took, err := s.Send(nil, chunk)
			switch {
			case err == nil && took == 2:
			case CodeOf(err) == CodeQueueFull && took == 1:
				full = err
			default:
				t.Fatalf("send %d: took %d, %v", i, took, err)
			}
			fast.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, err := io.ReadFull(fast, buf); err != nil || !bytes.Equal(buf, chunk) {
				t.Fatalf("fast client, chunk %d: %v", i, err)
			}
			fastWant += len(chunk)
		}
		if full == nil {
			t.Fatal("the stuck client's queue never filled")
		}
		if oe := full.(*OpError); oe.Addr != stuck.LocalAddr().String() {
			t.Fatalf("queue_full names %s; want the stuck client %s", oe.Addr, stuck.LocalAddr())
		}
		// The stuck client's write times out (10 s) and it is dropped.
		evs := w.await(t, "stuck client dropped", func(evs []Event) bool {
			for _, e := range evs {
				if e.Kind == EvDisconnect && e.Conn == stuckConn.ID {
					return true
				}
			}
			return false
		})
		var reason, errText string
		for _, e := range evs {
			if e.Conn == stuckConn.ID && e.Kind == EvDisconnect {
				reason = e.Detail
			}
			if e.Conn == stuckConn.ID && e.Kind == EvError {
				errText = e.Detail
			}
		}
		if reason != ReasonError || !strings.Contains(errText, "did not answer in time") {
			t.Fatalf("stuck client: disconnect %q, error %q; want error / did not answer in time", reason, errText)
		}
		// The other client is still served.
		if took, err := s.Send(nil, []byte("after")); took != 1 || err != nil {
			t.Fatalf("send after the drop: %d %v", took, err)
		}
		fast.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(fast, buf[:5]); err != nil || string(buf[:5]) != "after" {
			t.Fatalf("fast after: %q %v", buf[:5], err)
		}
		fastWant += 5
		// What the stuck client can still read is exactly what we counted.
		stuck.SetReadDeadline(time.Now().Add(20 * time.Second))
		got, err := io.ReadAll(stuck)
		if err != nil {
			t.Fatalf("stuck client read: %v", err)
		}
		if sc := stuckConn.Counters.Snapshot().TxBytes; uint64(len(got)) != sc {
			t.Fatalf("stuck client read %d bytes; its counter says %d", len(got), sc)
		}
		for off := 0; off < len(got); off += len(chunk) {
			if !bytes.HasPrefix(chunk, got[off:min(off+len(chunk), len(got))]) {
				t.Fatalf("stuck client data differs at %d", off)
			}
		}
		w.await(t, "fast tx counted", func([]Event) bool { return fastConn.Counters.Snapshot().TxBytes == uint64(fastWant) })
		s.Close()
		evs = w.await(t, "close", has(EvClose, ""))
		checkCounters(t, s.hub, evs)
		if tx := s.hub.Counters.Snapshot().TxBytes; tx != uint64(fastWant+len(got)) {
			t.Fatalf("session tx %d; want %d + %d", tx, fastWant, len(got))
		}
		stuck.Close()
		fast.Close()
		waitGoroutines(t, base)
	})
}

// Writing to a peer that has closed: the first write may still be taken
// by the system, the peer answers with RST, and the user sees an "rst"
// disconnect; a later Send is refused with "closed". Never a crash.
func TestFaultWriteAfterPeerClosed(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		t.Run("server", func(t *testing.T) {
			base := runtime.NumGoroutine()
			s, w := startServer(t, hostPort(host), false)
			c := dial(t, s.LocalAddr())
			w.await(t, "connect", has(EvConnect, ""))
			conn := connByPeer(t, s, c.LocalAddr().String())
			c.Close()
			w.await(t, "peer_fin", has(EvInfo, "peer_fin"))
			evs := w.await(t, "rst after writing to a closed peer", func(evs []Event) bool {
				conn.Send([]byte("anyone there?")) // refused once the connection is gone
				return has(EvDisconnect, "")(evs)
			})
			if d := evs[len(evs)-1]; d.Kind != EvDisconnect || d.Detail != ReasonRST {
				t.Fatalf("last event %+v; want an rst disconnect", d)
			}
			if count(evs, EvError, "") != 0 {
				t.Fatalf("errors shown: %+v", evs)
			}
			if err := conn.Send([]byte("x")); CodeOf(err) != CodeClosed {
				t.Fatalf("send after: %v; want closed", err)
			}
			if _, err := s.Send(nil, []byte("x")); CodeOf(err) != CodeNotConnected {
				t.Fatalf("send to all after: %v; want not_connected", err)
			}
			s.Close()
			evs = w.await(t, "close", has(EvClose, ""))
			checkCounters(t, s.hub, evs)
			if conn.Counters.Snapshot().TxBytes != sumData(evs, EvTx, conn.ID) {
				t.Fatal("connection counter differs from its events")
			}
			waitGoroutines(t, base)
		})
		t.Run("client", func(t *testing.T) {
			base := runtime.NumGoroutine()
			c, h, w, ln, peer := connectedClient(t, host)
			peer.Close()
			w.await(t, "peer_fin", has(EvInfo, "peer_fin"))
			evs := w.await(t, "rst", func(evs []Event) bool {
				c.Send([]byte("anyone there?"))
				return has(EvDisconnect, "")(evs)
			})
			if d := evs[len(evs)-1]; d.Detail != ReasonRST {
				t.Fatalf("disconnect %q; want rst", d.Detail)
			}
			<-c.Done()
			if err := c.Send([]byte("x")); CodeOf(err) != CodeClosed {
				t.Fatalf("send after: %v; want closed", err)
			}
			c.Close()
			evs = w.await(t, "close", has(EvClose, ""))
			checkCounters(t, h, evs)
			ln.Close()
			waitGoroutines(t, base)
		})
	})
}

// Datagrams to a port where nothing listens: whatever the system reports
// (nothing on Linux for an unconnected socket; "refused" on Windows on the
// next read) the socket keeps sending and receiving.
func TestFaultUDPToClosedPort(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		u, w := startUDP(t, hostPort(host))
		dead := closedPort(t, "udp", host)
		var taken uint64
		for i := 0; i < 3; i++ {
			err := u.SendTo(dead, []byte("hello?"))
			switch {
			case err == nil:
				taken++
			case CodeOf(err) != CodeRefused || runtime.GOOS == "linux":
				t.Fatalf("send %d to a closed port: %v", i, err)
			}
		}
		peer, err := net.ListenPacket("udp", hostPort(host))
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
		peer.WriteTo([]byte("still here"), to)
		evs := w.await(t, "rx after ICMP", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "still here" })
		if err := u.ReplyLast([]byte("yes")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 16)
		peer.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, _, err := peer.ReadFrom(b); err != nil || string(b[:n]) != "yes" {
			t.Fatalf("peer got %q, %v", b[:n], err)
		}
		for _, e := range evs {
			if e.Kind == EvError && (runtime.GOOS == "linux" || !strings.Contains(e.Detail, "refused")) {
				t.Fatalf("unexpected error event: %+v", e)
			}
		}
		u.Close()
		evs = w.await(t, "close", has(EvClose, ""))
		checkCounters(t, u.hub, evs)
		if s := u.hub.Counters.Snapshot(); s.RxBytes != 10 || s.RxChunks != 1 || s.TxBytes != 6*taken+3 || s.TxChunks != taken+1 {
			t.Fatalf("counters %+v", s)
		}
		peer.Close()
		waitGoroutines(t, base)
	})
}

// A 65,508-byte datagram is refused as too_large before it reaches the
// socket, nothing is counted or shown, and the session goes on.
func TestFaultUDPDatagramTooLarge(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		u, w := startUDP(t, hostPort(host))
		peer, err := net.ListenPacket("udp", hostPort(host))
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
		peer.WriteTo([]byte("hi"), to)
		w.await(t, "rx", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "hi" })
		big := make([]byte, 65508)
		if err := u.SendTo(peer.LocalAddr().String(), big); CodeOf(err) != CodeTooLarge {
			t.Fatalf("SendTo: %v; want too_large", err)
		}
		if err := u.ReplyLast(big); CodeOf(err) != CodeTooLarge || !strings.Contains(err.Error(), "65,507") {
			t.Fatalf("ReplyLast: %v; want too_large naming 65,507", err)
		}
		if s := u.hub.Counters.Snapshot(); s.TxBytes != 0 || s.TxChunks != 0 {
			t.Fatalf("a refused datagram was counted: %+v", s)
		}
		if err := u.ReplyLast(big[:MaxDatagram]); err != nil {
			t.Fatalf("65,507 bytes: %v", err)
		}
		b := make([]byte, 70000)
		peer.SetReadDeadline(time.Now().Add(10 * time.Second))
		if n, _, err := peer.ReadFrom(b); err != nil || n != MaxDatagram {
			t.Fatalf("peer got %d bytes, %v", n, err)
		}
		u.Close()
		evs := w.await(t, "close", has(EvClose, ""))
		if count(evs, EvTx, "") != 1 || count(evs, EvError, "") != 0 {
			t.Fatalf("events: %d tx, %d errors", count(evs, EvTx, ""), count(evs, EvError, ""))
		}
		checkCounters(t, u.hub, evs)
		if s := u.hub.Counters.Snapshot(); s.TxBytes != MaxDatagram || s.TxChunks != 1 {
			t.Fatalf("counters %+v", s)
		}
	})
}

// The save folder is moved away while a session saves: creating the next
// raw file fails, the user sees "saving stopped" (even though no further
// traffic arrives), saving is off, the display goes on, and what was saved
// is readable where the folder went and is a prefix of what was sent.
func TestFaultSaveFolderDisappears(t *testing.T) {
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		s, w := startServer(t, hostPort(host), false)
		folder, err := s.hub.StartSaving(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		c1 := dial(t, s.LocalAddr())
		part1 := []byte("first part\x00\r\n")
		c1.Write(part1)
		w.await(t, "part 1", func(evs []Event) bool { return bytes.Equal(rxBytes(evs, 0), part1) })
		// The saver writes behind the display: wait until part 1 is on
		// disk, or the move takes the folder away before it was saved (and
		// the moved folder rightly lacks it).
		raw1 := RawFileName(1, c1.LocalAddr().String(), EvRx)
		w.await(t, "part 1 saved", func([]Event) bool {
			b, _ := os.ReadFile(filepath.Join(folder, raw1))
			return bytes.Equal(b, part1)
		})
		moved := folder + ".moved"
		if err := os.Rename(folder, moved); err != nil {
			t.Fatal(err)
		}
		c2 := dial(t, s.LocalAddr())
		c2.Write([]byte("new connection"))
		evs := w.await(t, "saving stopped", func(evs []Event) bool {
			for _, e := range evs {
				if e.Kind == EvError && strings.HasPrefix(e.Detail, "saving stopped: ") {
					return true
				}
			}
			return false
		})
		if _, on := s.hub.Saving(); on {
			t.Fatal("saving still on")
		}
		part2 := []byte("second part")
		c1.Write(part2)
		w.await(t, "display after the failure", func(evs []Event) bool {
			return bytes.HasSuffix(rxBytes(evs, 0), part2)
		})
		_ = evs
		s.Close()
		evs = w.await(t, "close", has(EvClose, ""))
		checkCounters(t, s.hub, evs)
		sent := append(append([]byte(nil), part1...), part2...)
		if rx := s.hub.Counters.Snapshot().RxBytes; rx != uint64(len(sent)+len("new connection")) {
			t.Fatalf("rx counter %d", rx)
		}
		raw, err := os.ReadFile(filepath.Join(moved, raw1))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(sent, raw) || len(raw) < len(part1) {
			t.Fatalf("saved %q; want a prefix of %q holding %q", raw, sent, part1)
		}
		checkJSONL(t, filepath.Join(moved, "events.jsonl"), sent)
		waitGoroutines(t, base)
	})
}

// checkJSONL asserts that every complete line of an events.jsonl parses,
// that the rx events of connection 1 follow each other in its raw file,
// and that the bytes they point to (as far as the file holds them: the
// disk may have failed between a line and its payload) are a prefix of
// sent.
func checkJSONL(t *testing.T, name string, sent []byte) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(b, []byte("\n"))
	lines = lines[:len(lines)-1] // the last is empty or cut short by the failure
	var data []byte
	var next int64
	for _, l := range lines {
		var je jsonEvent
		if err := json.Unmarshal(l, &je); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if je.Event != "rx" || je.Conn != 1 {
			continue
		}
		if je.Offset != next {
			t.Fatalf("rx event at offset %d; the one before ended at %d", je.Offset, next)
		}
		next += int64(je.Bytes)
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(name), je.File))
		if err != nil {
			t.Fatal(err)
		}
		end := min(int(je.Offset)+je.Bytes, len(raw))
		if int(je.Offset) < end {
			data = append(data, raw[je.Offset:end]...)
		}
	}
	if !bytes.HasPrefix(sent, data) {
		t.Fatalf("events.jsonl rx data (%d bytes) is not a prefix of what was sent", len(data))
	}
}

// randomTraffic is n bytes with 0x00, CR, LF, invalid UTF-8 and GBK in it.
func randomTraffic(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	pieces := [][]byte{{0}, []byte("\r\n"), {'\n'}, {0xff, 0xfe}, {0xc0, 0xaf}, {0xc4, 0xe3, 0xba, 0xc3}, []byte("中文")}
	var b bytes.Buffer
	for b.Len() < n {
		if rng.IntN(4) == 0 {
			b.Write(pieces[rng.IntN(len(pieces))])
		} else {
			b.WriteByte(byte(rng.IntN(256)))
		}
	}
	return b.Bytes()[:n]
}

// writeRandomly writes data in random sizes, as a real peer would.
func writeRandomly(t *testing.T, w io.Writer, data []byte, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	for len(data) > 0 {
		n := min(len(data), 1+rng.IntN(70000))
		if _, err := w.Write(data[:n]); err != nil {
			t.Fatal(err)
		}
		data = data[n:]
	}
}
