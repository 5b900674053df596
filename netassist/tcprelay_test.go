package netassist

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"runtime"
	"syscall"
	"testing"
	"time"

	"netassist/netassist/framing"
)

// upstream is a plain TCP server on loopback that hands each accepted
// connection to the test.
func upstream(t *testing.T) (string, chan *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan *net.TCPConn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
			ch <- c.(*net.TCPConn)
		}
	}()
	return ln.Addr().String(), ch
}

func startRelay(t *testing.T, cfg Config) (*TCPRelay, *watcher) {
	t.Helper()
	h, w := newHub("relay")
	cfg.Kind = KindTCPRelay
	if cfg.Local == "" {
		cfg.Local = "127.0.0.1:0"
	}
	r := NewTCPRelay(cfg, h)
	if err := r.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r, w
}

func accepted(t *testing.T, ch chan *net.TCPConn) *net.TCPConn {
	t.Helper()
	select {
	case c := <-ch:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("the relay did not connect upstream")
	}
	return nil
}

func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v (got %q)", n, err, b)
	}
	return b
}

// readEnd reads until the peer closes and returns the error that ended it
// (io.EOF for FIN).
func readEnd(t *testing.T, c net.Conn) ([]byte, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			return got, err
		}
	}
}

func legRx(evs []Event, leg string) []byte {
	var b []byte
	for _, e := range evs {
		if e.Kind == EvRx && e.Leg == leg {
			b = append(b, e.Data...)
		}
	}
	return b
}

func hasLeg(kind EventKind, leg, detail string) func([]Event) bool {
	return func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == kind && e.Leg == leg && (detail == "" || e.Detail == detail) {
				return true
			}
		}
		return false
	}
}

func TestTCPRelayPassesBothWays(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("hello\x00\r\n"))
	if got := readN(t, s, 8); string(got) != "hello\x00\r\n" {
		t.Fatalf("upstream got %q", got)
	}
	s.Write([]byte("answer"))
	if got := readN(t, c, 6); string(got) != "answer" {
		t.Fatalf("client got %q", got)
	}
	evs := w.waitFor(t, "both directions shown", func(evs []Event) bool {
		return string(legRx(evs, LegClient)) == "hello\x00\r\n" && string(legRx(evs, LegServer)) == "answer"
	})
	for _, e := range evs {
		if e.Kind == EvTx {
			t.Fatalf("bytes passed as they came are shown again as sent: %+v", e)
		}
	}
	ps := r.Pairs()
	if len(ps) != 1 || ps[0].Client != c.LocalAddr().String() || ps[0].Upstream != up {
		t.Fatalf("pairs %+v", ps)
	}
	p := ps[0]
	if p.Client2.RxBytes != 8 || p.Server.TxBytes != 8 || p.Server.RxBytes != 6 || p.Client2.TxBytes != 6 {
		t.Fatalf("per-direction counters %+v / %+v", p.Client2, p.Server)
	}
	if hc := r.hub.Counters.Snapshot(); hc.RxBytes != 14 || hc.TxBytes != 14 {
		t.Fatalf("session counters %+v", hc)
	}
}

// A FIN from one side is passed on and the other direction stays open;
// the pair ends once both sides have closed.
func TestTCPRelayHalfClosePropagates(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("request"))
	c.CloseWrite()
	got, err := readEnd(t, s)
	if string(got) != "request" || err != io.EOF {
		t.Fatalf("upstream read %q, %v; want the request then FIN", got, err)
	}
	s.Write([]byte("late answer"))
	if got := readN(t, c, 11); string(got) != "late answer" {
		t.Fatalf("client got %q after its FIN", got)
	}
	s.CloseWrite()
	if got, err := readEnd(t, c); len(got) != 0 || err != io.EOF {
		t.Fatalf("client read %q, %v; want FIN", got, err)
	}
	w.waitFor(t, "both legs ended by FIN", func(evs []Event) bool {
		return hasLeg(EvDisconnect, LegClient, ReasonFIN)(evs) && hasLeg(EvDisconnect, LegServer, ReasonFIN)(evs)
	})
	if r.ConnCount() != 0 {
		t.Fatalf("pairs left: %d", r.ConnCount())
	}
}

func TestTCPRelayUpstreamRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	for _, reset := range []bool{false, true} {
		r, w := startRelay(t, Config{Remote: dead, ResetOnFail: reset})
		var err error
		if c, derr := net.Dial("tcp", r.LocalAddr()); derr != nil {
			err = derr // the reset can come before connect returns
		} else {
			defer c.Close()
			_, err = readEnd(t, c)
		}
		if reset && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("reset chosen: client read ended with %v, want a reset", err)
		}
		if !reset && err != io.EOF {
			t.Fatalf("close chosen: client read ended with %v, want FIN", err)
		}
		evs := w.waitFor(t, "refused shown on the pair", hasLeg(EvError, LegServer, ""))
		for _, e := range evs {
			if e.Kind == EvError && e.Conn == 0 {
				t.Fatalf("error not on the pair: %+v", e)
			}
		}
		if !has(EvError, (&OpError{Code: CodeRefused, Op: "connect", Addr: dead}).Error())(evs) {
			t.Fatalf("no refused error in %+v", evs)
		}
	}
}

func TestTCPRelayUpstreamResetReachesClient(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	s.SetLinger(0)
	s.Close()
	if _, err := readEnd(t, c); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("client read ended with %v, want a reset", err)
	}
	w.waitFor(t, "rst on the server leg", hasLeg(EvDisconnect, LegServer, ReasonRST))
}

func TestTCPRelayExactBytesLarge(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	want := make([]byte, 16<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range want {
		want[i] = byte(rng.IntN(256))
	}
	go func() {
		c.Write(want)
		c.CloseWrite()
	}()
	got, err := readEnd(t, s)
	if err != io.EOF || sha256.Sum256(got) != sha256.Sum256(want) {
		t.Fatalf("upstream got %d bytes (%v), want the %d sent exactly", len(got), err, len(want))
	}
}

func waitHeld(t *testing.T, r Relay, n int) []HeldMsg {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h := r.Held()
		if len(h) == n {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("held %d messages, want %d: %+v", len(h), n, h)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Held messages wait in order; each can be forwarded, edited or dropped;
// nothing passes while they wait.
func TestTCPRelayHoldForwardEditDrop(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up, Framing: framing.Config{Kind: framing.Delim, Delim: []byte("\n")}})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetHold(ClientToServer, true)
	c.Write([]byte("one\ntwo\nthr"))
	c.Write([]byte("ee\nfour\n"))
	h := waitHeld(t, r, 4)
	for i, want := range []string{"one\n", "two\n", "three\n", "four\n"} {
		if string(h[i].Data) != want || h[i].Dir != ClientToServer {
			t.Fatalf("held[%d] = %q, want %q", i, h[i].Data, want)
		}
	}
	// The other direction is not held.
	s.Write([]byte("pong"))
	if got := readN(t, c, 4); string(got) != "pong" {
		t.Fatalf("client got %q", got)
	}
	r.Forward(h[1].ID, nil)
	if got := readN(t, s, 4); string(got) != "two\n" {
		t.Fatalf("upstream got %q, want the second message first", got)
	}
	r.Drop(h[0].ID)
	r.Forward(h[2].ID, []byte("THREE!\n"))
	if got := readN(t, s, 7); string(got) != "THREE!\n" {
		t.Fatalf("upstream got %q, want the edited message", got)
	}
	if r.Forward(h[0].ID, nil) {
		t.Fatal("a dropped message was forwarded")
	}
	r.ForwardAll()
	if got := readN(t, s, 5); string(got) != "four\n" {
		t.Fatalf("upstream got %q", got)
	}
	evs := w.waitFor(t, "the edited message shown as sent", hasLeg(EvTx, LegServer, DetailEdited))
	if !hasLeg(EvTx, LegServer, DetailForwarded)(evs) || !hasLeg(EvInfo, LegClient, InfoDropped+"4")(evs) {
		t.Fatalf("forwarded/dropped not shown: %+v", evs)
	}
	// Held bytes count as received; what was forwarded counts as sent.
	w.waitFor(t, "counters", func([]Event) bool {
		p := r.Pairs()[0]
		return p.Client2.RxBytes == 19 && p.Server.TxBytes == 4+7+5
	})
}

// A read is one held message without framing; stopping the hold passes
// on everything held, in order, and then passes as before.
func TestTCPRelayReleaseKeepsOrder(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetHold(ServerToClient, true)
	s.Write([]byte("a"))
	waitHeld(t, r, 1)
	s.Write([]byte("b"))
	waitHeld(t, r, 2)
	r.SetHold(ServerToClient, false)
	s.Write([]byte("c"))
	if got := readN(t, c, 3); string(got) != "abc" {
		t.Fatalf("client got %q", got)
	}
}

// A message's part that passed before holding began is not sent again.
func TestTCPRelayHoldMidMessage(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up, Framing: framing.Config{Kind: framing.Delim, Delim: []byte("\n")}})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("hel"))
	readN(t, s, 3)
	r.SetHold(ClientToServer, true)
	c.Write([]byte("lo\nnext"))
	h := waitHeld(t, r, 1)
	if string(h[0].Data) != "lo\n" {
		t.Fatalf("held %q, want the unsent rest of the message", h[0].Data)
	}
	r.SetHold(ClientToServer, false) // passes "lo\n" and the pending "next"
	if got := readN(t, s, 7); string(got) != "lo\nnext" {
		t.Fatalf("upstream got %q", got)
	}
}

// The client's FIN waits behind held messages.
func TestTCPRelayFINWaitsForHeld(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetHold(ClientToServer, true)
	c.Write([]byte("last words"))
	h := waitHeld(t, r, 1)
	c.CloseWrite()
	s.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, err := s.Read(make([]byte, 16)); n != 0 || !errors.Is(err, errTimeout(err)) {
		t.Fatalf("upstream read %d, %v while the message is held; want nothing", n, err)
	}
	r.Forward(h[0].ID, nil)
	if got, err := readEnd(t, s); string(got) != "last words" || err != io.EOF {
		t.Fatalf("upstream got %q, %v; want the message then FIN", got, err)
	}
}

// errTimeout is err when it is a timeout, so errors.Is checks for it.
func errTimeout(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	return errors.New("not a timeout")
}

func TestTCPRelayInjectBothSides(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	w.waitFor(t, "upstream connected", hasLeg(EvConnect, LegServer, ""))
	id := r.Pairs()[0].ID
	if err := r.Inject([]uint64{id}, ClientToServer, []byte("to server")); err != nil {
		t.Fatal(err)
	}
	if err := r.Inject(nil, ServerToClient, []byte("to client")); err != nil {
		t.Fatal(err)
	}
	if got := readN(t, s, 9); string(got) != "to server" {
		t.Fatalf("upstream got %q", got)
	}
	if got := readN(t, c, 9); string(got) != "to client" {
		t.Fatalf("client got %q", got)
	}
	evs := w.waitFor(t, "injections shown", func(evs []Event) bool {
		return hasLeg(EvTx, LegServer, DetailInjected)(evs) && hasLeg(EvTx, LegClient, DetailInjected)(evs)
	})
	_ = evs
}

func TestTCPRelayFaultHalfCloseAndReset(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	w.waitFor(t, "upstream connected", hasLeg(EvConnect, LegServer, ""))
	id := r.Pairs()[0].ID
	// FIN to the client: it reads EOF but may still send.
	if err := r.HalfClose(id, LegClient); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnd(t, c); err != io.EOF {
		t.Fatalf("client read %v, want FIN", err)
	}
	c.Write([]byte("still here"))
	if got := readN(t, s, 10); string(got) != "still here" {
		t.Fatalf("upstream got %q", got)
	}
	// What the server sends now has nowhere to go: it is noted, and the
	// pair stays (writing it would have reset both sides).
	s.Write([]byte("too late"))
	w.waitFor(t, "the note", hasLeg(EvInfo, LegClient, InfoNotPassed))
	c.Write([]byte("more"))
	if got := readN(t, s, 4); string(got) != "more" {
		t.Fatalf("upstream got %q after the note", got)
	}
	// Reset the server side: the upstream sees a reset, the client a close.
	if err := r.Reset(id, LegServer); err != nil {
		t.Fatal(err)
	}
	if _, err := readEnd(t, s); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("upstream read %v, want a reset", err)
	}
	w.waitFor(t, "abort on the server leg", hasLeg(EvDisconnect, LegServer, ReasonAbort))
}

func TestTCPRelayDelay(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetDelay(ClientToServer, 300*time.Millisecond)
	start := time.Now()
	c.Write([]byte("x"))
	readN(t, s, 1)
	// A lower bound only: the delay is at least what was asked.
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("passed after %v, want at least the 300 ms delay", d)
	}
}

func TestTCPRelayCloseEndsEverything(t *testing.T) {
	up, ups := upstream(t)
	time.Sleep(10 * time.Millisecond) // the accept loop has started
	base := runtime.NumGoroutine()
	h, _ := newHub("relay")
	r := NewTCPRelay(Config{Kind: KindTCPRelay, Local: "127.0.0.1:0", Remote: up}, h)
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	var cs []net.Conn
	for range 20 {
		c := dial(t, r.LocalAddr())
		accepted(t, ups)
		cs = append(cs, c)
	}
	r.SetHold(ClientToServer, true)
	cs[0].Write([]byte("held at close"))
	waitHeld(t, r, 1)
	r.Close()
	if r.ConnCount() != 0 || len(r.Held()) != 0 {
		t.Fatalf("after Close: %d pairs, %d held", r.ConnCount(), len(r.Held()))
	}
	for _, c := range cs {
		if _, err := readEnd(t, c); err != io.EOF {
			t.Fatalf("client read %v, want FIN at Close", err)
		}
	}
	waitGoroutines(t, base)
}

// Past the held-bytes bound the relay stops reading, so the sender waits
// instead of the relay's memory growing; everything still passes, in
// order, once released.
func TestTCPRelayHoldIsBounded(t *testing.T) {
	old := relayMaxHeld
	relayMaxHeld = 64 << 10
	t.Cleanup(func() { relayMaxHeld = old })
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetHold(ClientToServer, true)
	want := make([]byte, 64<<20) // far more than the bound and the socket buffers
	for i := range want {
		want[i] = byte(i * 7)
	}
	wrote := make(chan error, 1)
	go func() { _, err := c.Write(want); wrote <- err }()
	heldBytes := func() (n int) {
		for _, m := range r.Held() {
			n += len(m.Data)
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for heldBytes() <= relayMaxHeld && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // room for a relay that would go on reading
	if n := heldBytes(); n > relayMaxHeld+relayMaxBuf {
		t.Fatalf("held %d bytes; the bound is %d (plus one read)", n, relayMaxHeld)
	}
	select {
	case err := <-wrote:
		t.Fatalf("the sender finished (%v) while the relay held its bytes: nothing pushed back", err)
	default:
	}
	r.SetHold(ClientToServer, false)
	if got := readN(t, s, len(want)); !bytes.Equal(got, want) {
		t.Fatal("the upstream did not get the bytes in order once released")
	}
}
