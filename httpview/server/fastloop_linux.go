package server

import (
	"io"
	"net"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// eventLoop answers the fast lane's requests for a folder from one
// goroutine waiting in epoll, the way an nginx worker does, instead of a
// goroutine per connection. Measured beside wrk on two cores, goroutines
// spread the small requests over both cores, the client's thread then
// queued behind them and the p99 was 3-4x nginx's while the median was
// lower; one goroutine answering every ready connection in turn keeps the
// tail even. A connection leaves the loop, for a goroutine of its own,
// whenever it needs something the loop must not wait for: net/http for
// anything but the simple request, the goroutine lane for a response the
// socket cannot take at once.
type eventLoop struct {
	s    *Server
	l    *listener
	ep   int
	wake [2]int // a pipe: stop writes, epoll_wait returns
	// lfd is a duplicate of the listening socket when the loop accepts
	// (loopaccept_linux.go), else -1; laddr is its address, nil when it
	// listens on every address.
	lfd   int
	laddr net.Addr

	// free holds read buffers of connections the loop closed, for the
	// ones it accepts: one connection per request otherwise made one
	// each. Loop goroutine only.
	free [][]byte

	mu      sync.Mutex
	conns   map[uint64]*loopConn
	next    uint64 // key of the next connection; 0 is the wake pipe
	stopped bool
}

// loopConn is a connection the loop serves.
type loopConn struct {
	key      uint64
	c        *conn
	fd       *loopFD
	buf      []byte    // what was read and not yet answered
	unsent   []byte    // set by send: the rest of a response the socket did not take
	deadline time.Time // close when idle past this
	closing  bool      // half-closed after an answer that closes: read, never answered
}

// loopSweep is how often the loop looks for idle connections to close.
const loopSweep = 250 * time.Millisecond

// startLoop starts the listener's event loop; nil when epoll is not
// available, and each connection then gets its goroutine.
func startLoop(s *Server, l *listener) connLoop {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	lp := &eventLoop{s: s, l: l, ep: ep, conns: map[uint64]*loopConn{}, next: 1, lfd: -1}
	if err := unix.Pipe2(lp.wake[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		unix.Close(ep)
		return nil
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, lp.wake[0], &ev); err != nil {
		unix.Close(ep)
		unix.Close(lp.wake[0])
		unix.Close(lp.wake[1])
		return nil
	}
	lp.listen(l.Listener)
	s.handlers.Add(1)
	go lp.run()
	return lp
}

// own takes nc's socket out of Go's poller for the loop: a duplicate
// descriptor that only the loop's epoll watches, and nc closed. With both
// watching, each request also woke an idle thread of the Go runtime for
// nothing, beside the client, and that cost the tail. nc itself when it
// stays as it is.
func (lp *eventLoop) own(nc net.Conn) net.Conn {
	fd := dupSocket(nc)
	if fd < 0 {
		return nc
	}
	lf := &loopFD{fd: fd, ep: lp.ep, laddr: nc.LocalAddr(), raddr: nc.RemoteAddr()}
	nc.Close() // the duplicate keeps the socket open; closing one sends nothing
	return lf
}

// dupSocket is a duplicate descriptor of x's socket (a connection or a
// listener of Go's), or -1.
func dupSocket(x any) int {
	sc, ok := x.(syscall.Conn)
	if !ok {
		return -1
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	if err := rc.Control(func(s uintptr) {
		fd, _ = unix.FcntlInt(s, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1
	}
	return fd
}

// keyEvent is an epoll registration for events carrying key, which the
// loop reads back from the event's Fd and Pad halves.
func keyEvent(events uint32, key uint64) unix.EpollEvent {
	return unix.EpollEvent{Events: events, Fd: int32(uint32(key)), Pad: int32(uint32(key >> 32))}
}

// add hands c, whose socket the loop owns, to the loop; false when it
// cannot take it, and c then needs its own goroutine (its socket is back
// in Go's poller).
func (lp *eventLoop) add(c *conn) bool {
	lf, ok := c.Conn.(*loopFD)
	if !ok {
		return false
	}
	if lp.register(c, lf, nil, true) == nil {
		_ = lf.giveBack()
		return false
	}
	return true
}

// register makes c a connection of the loop, in its epoll when watch is
// set; nil when the loop has stopped or the epoll refused it.
func (lp *eventLoop) register(c *conn, lf *loopFD, buf []byte, watch bool) *loopConn {
	if buf == nil {
		buf = make([]byte, 0, fastMaxHead)
	}
	lc := &loopConn{c: c, fd: lf, buf: buf}
	if lp.s.readHeaderTimeout > 0 {
		lc.deadline = time.Now().Add(lp.s.readHeaderTimeout)
	}
	// Under the lock: run closes the epoll under it once stopped, and its
	// number must not be reused under us.
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if lp.stopped || (watch && lf.watch(lp.next) != nil) {
		return nil
	}
	lc.key = lp.next
	lp.next++
	lp.conns[lc.key] = lc
	return lc
}

// owns reports whether lc is still the loop's.
func (lp *eventLoop) owns(lc *loopConn) bool {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	return lp.conns[lc.key] == lc
}

// stop ends the loop; the server closes the connections.
func (lp *eventLoop) stop() {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if !lp.stopped {
		lp.stopped = true
		lp.closeListen()
		_, _ = unix.Write(lp.wake[1], []byte{1})
	}
}

func (lp *eventLoop) forget(lc *loopConn) {
	lp.mu.Lock()
	delete(lp.conns, lc.key)
	lp.mu.Unlock()
}

// detach takes lc out of the loop and gives its socket back to Go so
// that a goroutine may serve it; false when that failed and c is closed.
func (lp *eventLoop) detach(lc *loopConn) bool {
	lp.forget(lc)
	if err := lc.fd.giveBack(); err != nil {
		lp.s.log.WithError(err).Warn("http server: a connection could not leave the event loop")
		lc.c.Close()
		return false
	}
	return true
}

func (lp *eventLoop) run() {
	// Its own thread: the Go scheduler does not move it between threads
	// around every wait, which cost the tail in the measurements.
	runtime.LockOSThread()
	defer lp.s.handlers.Done()
	defer func() {
		lp.mu.Lock()
		defer lp.mu.Unlock()
		lp.stopped = true // add takes no more
		lp.closeListen()
		unix.Close(lp.ep)
		unix.Close(lp.wake[0])
		unix.Close(lp.wake[1])
	}()
	evs := make([]unix.EpollEvent, 128)
	ready := make([]*loopConn, 0, 128)
	var out []byte // the response being written, reused
	sweep := time.Now().Add(loopSweep)
	for {
		n, err := unix.EpollWait(lp.ep, evs, int(loopSweep/time.Millisecond))
		select {
		case <-lp.s.loopFail:
			err = unix.EIO
		default:
		}
		if err != nil && err != unix.EINTR {
			lp.s.log.WithError(err).Error("http server: event loop ended")
			lp.handBackAll()
			return
		}
		ready = ready[:0]
		accept := false
		lp.mu.Lock()
		if lp.stopped {
			lp.mu.Unlock()
			return
		}
		for _, ev := range evs[:max(n, 0)] {
			key := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			if key == keyListen {
				accept = true
			} else if lc := lp.conns[key]; lc != nil {
				ready = append(ready, lc)
			}
		}
		lp.mu.Unlock()
		if accept {
			lp.acceptReady(&out)
		}
		for _, lc := range ready {
			lp.serve(lc, &out)
			if cap(out) > 64<<10 {
				out = nil
			}
		}
		if now := time.Now(); now.After(sweep) {
			lp.closeIdle(now)
			sweep = now.Add(loopSweep)
		}
	}
}

// serve reads what lc's socket has and answers it, as fastLane does.
func (lp *eventLoop) serve(lc *loopConn, out *[]byte) {
	c := lc.c
	if !c.beginIO() {
		lp.forget(lc) // closed by the session
		return
	}
	n, rerr := lc.fd.read(lc.buf[len(lc.buf):cap(lc.buf)])
	if rerr == unix.EAGAIN {
		c.endIO()
		return
	}
	if n == 0 && rerr == nil {
		rerr = io.EOF
	}
	c.readDone(lc.buf[len(lc.buf):len(lc.buf)+n], rerr)
	c.endIO()
	lc.buf = lc.buf[:len(lc.buf)+n]
	if lc.closing {
		lc.buf = lc.buf[:0] // recorded by readDone; the client closing is what we wait for
		if rerr != nil {
			lp.closeConn(lc)
		}
		return
	}
	if rerr != nil {
		if len(lc.buf) > 0 {
			lp.handOver(lc) // net/http answers or times out what came
			return
		}
		lp.closeConn(lc)
		return
	}
	for len(lc.buf) > 0 {
		used, closing, ok := lp.s.fastServe(c, lc.buf, out, lc.send)
		if !ok {
			lp.handOver(lc)
			return
		}
		lc.buf = lc.buf[:copy(lc.buf, lc.buf[used:])]
		more := len(lc.buf) > 0
		if closing {
			lc.buf = lc.buf[:0] // nothing after a request that closes is answered
		}
		if lc.unsent != nil {
			// The socket is full: a goroutine of its own waits for it.
			lp.toLane(lc, lc.unsent, closing)
			return
		}
		if closing {
			if more {
				lp.linger(lc) // closed now, the unread bytes would reset it
			} else {
				lp.closeConn(lc) // nothing unread: closed at once, as nginx does
			}
			return
		}
	}
	if lp.s.idleTimeout > 0 {
		lc.deadline = time.Now().Add(lp.s.idleTimeout)
	}
}

// send writes a response without waiting; what the socket does not take
// is left in lc.unsent for a goroutine. A failed write closes the
// connection, as writeOrClose does.
func (lc *loopConn) send(c *conn, resp []byte) {
	if !c.beginIO() {
		return
	}
	written, werr := lc.fd.write(resp)
	if werr == unix.EAGAIN {
		werr = nil
		lc.unsent = append([]byte(nil), resp[written:]...)
	}
	c.wrote(resp[:written], werr)
	c.endIO()
	if werr != nil {
		c.Close() // the next event finds it closed
	}
}

// closeConn closes lc from the loop; its read buffer goes to the next
// connection the loop accepts. Loop goroutine only.
func (lp *eventLoop) closeConn(lc *loopConn) {
	lp.forget(lc)
	lc.c.Close()
	if len(lp.free) < maxFreeBufs {
		lp.free = append(lp.free, lc.buf[:0])
	}
	lc.buf = nil
}

// maxFreeBufs bounds the read buffers kept for new connections (1 MiB).
const maxFreeBufs = 256

// linger half-closes lc after an answer that closes it; the loop closes
// it when the client does, or after closeLinger (as lingerClose does).
func (lp *eventLoop) linger(lc *loopConn) {
	if err := lc.c.CloseWrite(); err != nil {
		lp.forget(lc)
		lc.c.Close()
		return
	}
	lc.closing = true
	lc.deadline = time.Now().Add(closeLinger)
}

// handOver gives lc to net/http with what was read and not answered.
func (lp *eventLoop) handOver(lc *loopConn) {
	if !lp.detach(lc) {
		return
	}
	lp.s.handlers.Add(1)
	go func() {
		defer lp.s.handlers.Done()
		lp.l.handOver(lc.c, lc.buf) // copies it; the loop has forgotten lc
	}()
}

// closeIdle closes connections idle past their deadline, as the
// goroutine lane's read deadline does, and forgets closed ones.
func (lp *eventLoop) closeIdle(now time.Time) {
	var idle []*loopConn
	lp.mu.Lock()
	for _, lc := range lp.conns {
		if lc.c.isClosing() || (!lc.deadline.IsZero() && now.After(lc.deadline)) {
			idle = append(idle, lc)
		}
	}
	lp.mu.Unlock()
	for _, lc := range idle {
		lp.forget(lc)
		lc.c.Close()
	}
}

// handBackAll gives every connection its own goroutine when the loop
// cannot go on.
func (lp *eventLoop) handBackAll() {
	lp.mu.Lock()
	lp.stopped = true
	var again net.Listener
	if lp.accepts() {
		again = lp.goListener()
	}
	lp.closeListen()
	all := make([]*loopConn, 0, len(lp.conns))
	for _, lc := range lp.conns {
		all = append(all, lc)
	}
	lp.mu.Unlock()
	if again != nil {
		lp.l.acceptOn(again) // each new connection on a goroutine of its own
	}
	for _, lc := range all {
		lp.toLane(lc, nil, lc.closing)
	}
}

// toLane takes lc out of the loop to a goroutine of its own (fastLane),
// with unsent, what it read and closing as the loop leaves them.
func (lp *eventLoop) toLane(lc *loopConn, unsent []byte, closing bool) {
	if !lp.detach(lc) {
		return
	}
	lp.s.handlers.Add(1)
	go lp.s.fastLane(lc.c, lp.l, unsent, lc.buf, closing)
}
