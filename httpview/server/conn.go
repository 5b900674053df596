package server

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"netassist/netassist"
)

// listener hands net/http connections that report every byte to the
// Recorder and the capture, so the raw views are what crossed the socket.
// Its own goroutine accepts them; with the fast lane on, each starts there
// and reaches net/http's Accept only when the lane hands it over.
type listener struct {
	// net.Listener is Go's listener. While the event loop accepts, it is
	// closed: the loop's duplicate keeps the socket listening, and Go's
	// descriptor, left in Go's poller, woke an idle runtime thread at
	// every new connection for nothing.
	net.Listener
	s        *Server
	fast     bool
	loop     connLoop      // serves fast-lane connections; nil: a goroutine each
	handoff  chan net.Conn // connections for net/http
	errs     chan error    // accept errors for net/http
	closed   chan struct{} // closed by Close
	loopOnce sync.Once
	shutOnce sync.Once

	goClosed bool // Listener was closed for the loop; set under loopOnce

	mu    sync.Mutex
	again net.Listener // made again from the loop's socket when the loop stopped accepting
}

func newListener(ln net.Listener, s *Server, fast bool) *listener {
	return &listener{Listener: ln, s: s, fast: fast, handoff: make(chan net.Conn), errs: make(chan error), closed: make(chan struct{})}
}

// Close stops accepting; net/http's Serve, waiting in Accept, returns.
func (l *listener) Close() error {
	l.shutOnce.Do(func() {
		l.loopOnce.Do(func() {}) // waits for Accept's start; none after
		l.mu.Lock()
		close(l.closed)
		again := l.again
		l.mu.Unlock()
		if l.loop != nil {
			l.loop.stop()
		}
		if again != nil {
			again.Close()
		}
	})
	if l.goClosed { // loopOnce has run: shutOnce waited for it
		return nil
	}
	return l.Listener.Close()
}

func (l *listener) Accept() (net.Conn, error) {
	l.loopOnce.Do(func() {
		if l.fast && l.s.proxy == nil && !l.s.noLoop {
			// The proxy lane waits on its upstream, so only the folder's
			// answers go through the event loop.
			l.loop = startLoop(l.s, l)
		}
		if l.loop != nil && l.loop.accepts() {
			l.goClosed = true
			l.Listener.Close()
		} else {
			l.s.handlers.Add(1)
			go l.acceptLoop(l.Listener)
		}
	})
	select {
	case c := <-l.handoff:
		return c, nil
	case err := <-l.errs:
		return nil, err
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// acceptOn accepts on ln, made again from the loop's socket when the
// loop stopped accepting; ln is closed if the listener already is.
func (l *listener) acceptOn(ln net.Listener) {
	l.mu.Lock()
	select {
	case <-l.closed:
		l.mu.Unlock()
		ln.Close()
		return
	default:
	}
	l.again = ln
	l.mu.Unlock()
	l.s.handlers.Add(1)
	go l.acceptLoop(ln)
}

// acceptLoop accepts on ln; errors go to net/http's Serve, which retries
// temporary ones and returns on the others.
func (l *listener) acceptLoop(ln net.Listener) {
	defer l.s.handlers.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			select {
			case l.errs <- err:
			case <-l.closed:
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(5 * time.Millisecond) // e.g. out of file descriptors
			continue
		}
		nc = tuned(nc)
		if l.loop != nil {
			nc = l.loop.own(nc)
		}
		c := l.s.newConn(nc)
		if !l.fast {
			l.handOver(c, nil)
			continue
		}
		if l.loop != nil && l.loop.add(c) {
			continue
		}
		l.s.handlers.Add(1)
		go l.s.fastLane(c, l, nil, nil, false)
	}
}

// connLoop serves many connections' fast lanes from one goroutine
// (fastloop_linux.go).
type connLoop interface {
	own(nc net.Conn) net.Conn // the socket the loop owns, or nc
	accepts() bool            // the loop accepts new connections itself
	add(c *conn) bool         // false: c needs its own goroutine
	stop()
}

// handOver gives c to net/http; pending are bytes already read (and
// captured) that net/http must read first.
func (l *listener) handOver(c *conn, pending []byte) {
	_ = c.SetDeadline(time.Time{})
	rc := net.Conn(c)
	if len(pending) > 0 {
		rc = &replayConn{conn: c, pending: append([]byte(nil), pending...)}
	}
	select {
	case l.handoff <- rc:
	case <-l.closed:
		c.Close()
	}
}

// replayConn serves bytes the fast lane read before reading on; they were
// captured when first read, so they are not recorded again.
type replayConn struct {
	*conn
	pending []byte
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.pending) > 0 {
		n := copy(p, r.pending)
		r.pending = r.pending[n:]
		return n, nil
	}
	return r.conn.Read(p)
}

// tuned fixes the socket's send buffer. Linux lets it grow to 4 MiB; a
// thousand slow readers each holding that much pushed the kernel into TCP
// memory pressure, and then a normal request waited seconds. A fixed
// buffer bounds what each can pin and is ample on loopback and a LAN.
func tuned(nc net.Conn) net.Conn {
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(sendBuffer)
	}
	return nc
}

// sendBuffer is each connection's socket send buffer.
const sendBuffer = 256 << 10

// conn tees a connection. It deliberately does not implement io.ReaderFrom,
// so net/http cannot sendfile past the tee.
type conn struct {
	net.Conn
	s    *Server
	id   uint64
	peer string
	cap  *capture

	reason    atomic.Value           // string: how the peer ended it, set by Read
	rule      atomic.Pointer[string] // the rule answering the request in hand; nil: none
	closeOnce sync.Once

	// Reads and writes in flight, so that Close records the disconnect
	// only after each has recorded its bytes: a client that read its
	// response can close, and the session close at once, before the
	// write that sent it returned. No lock is held across the socket call.
	ioMu    sync.Mutex
	inIO    int
	closing bool
	ioDone  chan struct{} // made by Close when I/O is in flight; closed by the last one
}

// beginIO counts a read or write in; false once Close has begun, when
// nothing may be read or written that would be recorded after the close.
func (c *conn) beginIO() bool {
	c.ioMu.Lock()
	defer c.ioMu.Unlock()
	if c.closing {
		return false
	}
	c.inIO++
	return true
}

// isClosing says whether Close has begun.
func (c *conn) isClosing() bool {
	c.ioMu.Lock()
	defer c.ioMu.Unlock()
	return c.closing
}

// endIO counts a read or write out once its bytes are recorded.
func (c *conn) endIO() {
	c.ioMu.Lock()
	defer c.ioMu.Unlock()
	c.inIO--
	if c.inIO == 0 && c.ioDone != nil {
		close(c.ioDone)
		c.ioDone = nil
	}
}

// stopIO refuses new reads and writes and returns a channel closed when
// those in flight have recorded their bytes (nil when none is).
func (c *conn) stopIO() chan struct{} {
	c.ioMu.Lock()
	defer c.ioMu.Unlock()
	c.closing = true
	if c.inIO > 0 {
		c.ioDone = make(chan struct{})
	}
	return c.ioDone
}

// connID numbers a new connection: from the recorder when it keeps the
// numbers (a Hub does, so a reopened server does not reuse them), else here.
func (s *Server) connID() uint64 {
	if n, ok := s.rec.(netassist.ConnNumberer); ok {
		return n.NextConn()
	}
	return s.nextConn.Add(1)
}

func (s *Server) newConn(nc net.Conn) *conn {
	id := s.connID()
	c := &conn{Conn: nc, s: s, id: id, peer: nc.RemoteAddr().String()}
	c.cap = newCapture(s.store, id, c.peer)
	s.record(netassist.EvConnect, c, nil, "", time.Now())
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.conns[c] = struct{}{}
	}
	s.mu.Unlock()
	if closed {
		c.Close()
	}
	return c
}

func (c *conn) Read(p []byte) (int, error) {
	if !c.beginIO() {
		return 0, net.ErrClosed
	}
	defer c.endIO()
	n, err := c.Conn.Read(p)
	c.readDone(p[:n], err)
	return n, err
}

// readDone records what a read got and, from its error, how the peer
// ended the connection. Called inside beginIO/endIO.
func (c *conn) readDone(p []byte, err error) {
	if len(p) > 0 {
		now := time.Now() // one reading for the event and the capture
		c.s.record(netassist.EvRx, c, p, "", now)
		c.cap.onRx(p, now)
	}
	if err != nil {
		switch {
		case errors.Is(err, io.EOF):
			c.reason.CompareAndSwap(nil, netassist.ReasonFIN)
		case errors.Is(err, syscall.ECONNRESET):
			c.reason.CompareAndSwap(nil, netassist.ReasonRST)
		case errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded):
			// ours: a timeout or Close
		default:
			c.reason.CompareAndSwap(nil, netassist.ReasonError)
		}
	}
}

// Write gives each write its own deadline: a client that stops reading
// (slow-read attack) loses the connection, while a big download on a slow
// link that keeps moving is not cut off as a whole-response timeout would.
func (c *conn) Write(p []byte) (int, error) {
	if len(p) == len(headTooLarge) && string(p) == headTooLarge && c.cap.lineUnended() {
		// net/http says 431 for any head over its limit; when the request
		// line itself never ended, the URI is what is too long (nginx: 414).
		p = []byte(uriTooLong)
	}
	if !c.beginIO() {
		return 0, net.ErrClosed
	}
	defer c.endIO()
	if d := c.s.writeIdle; d > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	n, err := c.Conn.Write(p)
	c.wrote(p[:n], err)
	return n, err
}

// wrote records what a write sent and a reset it met. Called inside
// beginIO/endIO.
func (c *conn) wrote(p []byte, err error) {
	if len(p) > 0 {
		now := time.Now()
		ev := netassist.Event{Time: now, Session: c.s.cfg.Session, Kind: netassist.EvTx, Conn: c.id, Peer: c.peer, Data: p}
		if r := c.rule.Load(); r != nil {
			ev.Rule = *r
		}
		c.s.rec.Record(ev)
		c.cap.onTx(p, now)
	}
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		// The peer reset while we wrote. Linux hands the reset's error to
		// one call only: a read waiting beside this write (net/http's
		// background read) then gets a plain EOF and may have set "fin"
		// before we got here. It was no FIN: Linux reports a reset after
		// a FIN as EPIPE, so ECONNRESET means the reset came first.
		c.reason.Store(netassist.ReasonRST)
	case errors.Is(err, syscall.EPIPE):
		// A reset after the peer's FIN, or one a read took first: keep
		// what the read saw.
		c.reason.CompareAndSwap(nil, netassist.ReasonRST)
	}
}

// headTooLarge is net/http's own answer to a request head over its limit;
// uriTooLong is the same for a request line that is.
const (
	headTooLarge = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large"
	uriTooLong   = "HTTP/1.1 414 URI Too Long\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n414 URI Too Long"
)

// CloseWrite lets net/http half-close before it closes after an error
// response (431, 400), so the client reads the response instead of a reset.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *conn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		done := c.stopIO()
		err = c.Conn.Close() // ends a read or write still in the socket
		if done != nil {
			<-done // every byte that crossed the socket is recorded first
		}
		now := time.Now()
		c.cap.onClose(now)
		reason, _ := c.reason.Load().(string)
		if reason == "" {
			reason = netassist.ReasonLocal
		}
		c.s.record(netassist.EvDisconnect, c, nil, reason, now)
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
	})
	return err
}
