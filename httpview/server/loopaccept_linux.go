package server

import (
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The event loop also accepts: the listening socket sits in its epoll
// beside the connections. Before, a goroutine accepted through Go (a
// descriptor in Go's poller, keep-alive options), handed the socket to
// the loop (own: a duplicate made and the original closed) and woke it;
// with a client that connects once per request (ab without -k, siege)
// that cost more than the answer.

// keyListen is the listening socket's key in the loop's epoll.
const keyListen = ^uint64(0)

// acceptBurst is how many connections the loop accepts before it serves
// the ready ones again.
const acceptBurst = 64

// listen puts a duplicate of the listening socket in the loop's epoll;
// false leaves accepting to the listener's goroutine.
func (lp *eventLoop) listen(ln net.Listener) bool {
	fd := dupSocket(ln)
	if fd < 0 {
		return false
	}
	ev := keyEvent(unix.EPOLLIN, keyListen)
	if err := unix.EpollCtl(lp.ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		unix.Close(fd)
		return false
	}
	lp.lfd = fd
	lp.laddr = ln.Addr()
	if ta, ok := lp.laddr.(*net.TCPAddr); !ok || ta.IP.IsUnspecified() {
		lp.laddr = nil // listening on every address: each connection says which
	}
	return true
}

// listenOptions sets the listening socket as the loop's connections must
// be: Linux copies them to each accepted socket, which then needs no
// setsockopt of its own. As Go sets an accepted socket (no Nagle delay),
// with the send buffer tuned sets. Set before listen, so that the first
// connections have them too.
func listenOptions(_, _ string, rc syscall.RawConn) error {
	return rc.Control(func(fd uintptr) {
		_ = rawSetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		_ = rawSetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUF, sendBuffer)
	})
}

// closeListen takes the duplicate out, so that the port is free once the
// listener closes; lp.mu held.
func (lp *eventLoop) closeListen() {
	if lp.lfd >= 0 {
		_ = unix.EpollCtl(lp.ep, unix.EPOLL_CTL_DEL, lp.lfd, nil)
		unix.Close(lp.lfd)
		lp.lfd = -1
	}
}

func (lp *eventLoop) accepts() bool { return lp.lfd >= 0 }

// goListener is a listener of Go's on the loop's listening socket, for
// accepting without the loop; nil if it cannot be made. lp.mu held.
func (lp *eventLoop) goListener() net.Listener {
	var ln net.Listener
	fd, err := unix.FcntlInt(uintptr(lp.lfd), unix.F_DUPFD_CLOEXEC, 0)
	if err == nil {
		f := os.NewFile(uintptr(fd), "listener")
		ln, err = net.FileListener(f)
		f.Close()
	}
	if err != nil {
		lp.s.log.WithError(err).Error("http server: cannot accept any more")
		return nil
	}
	return ln
}

// acceptReady accepts the connections waiting, up to acceptBurst.
func (lp *eventLoop) acceptReady(out *[]byte) {
	for range acceptBurst {
		// Under the lock: stop closes the descriptor, whose number must
		// not be reused under us.
		lp.mu.Lock()
		if lp.stopped || lp.lfd < 0 {
			lp.mu.Unlock()
			return
		}
		fd, raddr, err := rawAccept4(lp.lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		lp.mu.Unlock()
		switch err {
		case nil:
			lp.take(fd, raddr, out)
		case unix.EAGAIN:
			return
		case unix.ECONNABORTED, unix.EINTR:
			// gone before it was taken, as Go's accept skips it
		default:
			// Out of descriptors, say: the epoll reports the waiting
			// connection again; pause as net/http's accept loop does.
			lp.s.log.WithError(err).Warn("http server: accept failed")
			time.Sleep(5 * time.Millisecond)
			return
		}
	}
}

// take makes an accepted socket a connection of the loop. Its options
// came from the listening socket (listen); TCP keep-alive stays off.
//
// The request is often there by now: it is read and answered at once,
// and the socket goes into the epoll only if it stays open. A client that
// connects for each request then costs no epoll_ctl and no wait of its
// own; one whose request is not there yet costs one read that finds
// nothing.
func (lp *eventLoop) take(fd int, raddr net.Addr, out *[]byte) {
	laddr := lp.laddr
	if laddr == nil {
		laddr = rawGetsockname(fd)
	}
	lf := &loopFD{fd: fd, ep: lp.ep, laddr: laddr, raddr: raddr}
	c := lp.s.newConn(lf)
	var buf []byte
	if n := len(lp.free); n > 0 {
		buf, lp.free = lp.free[n-1], lp.free[:n-1]
	}
	lc := lp.register(c, lf, buf, false)
	if lc == nil {
		_ = lf.giveBack()
		lp.s.handlers.Add(1)
		go lp.s.fastLane(c, lp.l, nil, nil, false)
		return
	}
	lp.serve(lc, out)
	if !lp.owns(lc) {
		return // answered and closed, or gone to a goroutine
	}
	if err := lf.watch(lc.key); err != nil {
		lp.toLane(lc, nil, lc.closing)
	}
}
