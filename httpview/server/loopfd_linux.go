package server

import (
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// loopFD is a connection's socket while the event loop owns it (own in
// fastloop_linux.go). Once given back, every call goes to the net.Conn Go
// made of it. The lock keeps a descriptor number from being closed, and
// reused by another connection, under a read or write of the loop.
type loopFD struct {
	mu           sync.Mutex
	fd           int      // -1 once closed or given back
	ep           int      // the loop's epoll
	watched      bool     // in it
	goConn       net.Conn // after giveBack
	laddr, raddr net.Addr
}

// watch adds the socket to the loop's epoll under key.
func (f *loopFD) watch(key uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fd < 0 {
		return net.ErrClosed
	}
	ev := keyEvent(unix.EPOLLIN|unix.EPOLLRDHUP, key)
	err := unix.EpollCtl(f.ep, unix.EPOLL_CTL_ADD, f.fd, &ev)
	f.watched = err == nil
	return err
}

// read reads what is there without waiting: EAGAIN when nothing is.
func (f *loopFD) read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fd < 0 {
		return 0, net.ErrClosed
	}
	for {
		n, err := rawRead(f.fd, p)
		if err == unix.EINTR {
			continue
		}
		return max(n, 0), err
	}
}

// write writes what the socket takes without waiting; EAGAIN when it
// took less than p.
func (f *loopFD) write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fd < 0 {
		return 0, net.ErrClosed
	}
	done := 0
	for done < len(p) {
		n, err := rawWrite(f.fd, p[done:])
		if n > 0 {
			done += n
		}
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// giveBack hands the socket to Go's poller, out of the loop's epoll.
func (f *loopFD) giveBack() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fd < 0 {
		return net.ErrClosed
	}
	// Out of the epoll first: it would go on reporting the socket, open
	// under Go's new descriptor, after ours is closed.
	if f.watched {
		_ = unix.EpollCtl(f.ep, unix.EPOLL_CTL_DEL, f.fd, nil)
		f.watched = false
	}
	file := os.NewFile(uintptr(f.fd), "")
	nc, err := net.FileConn(file) // a duplicate in Go's poller
	file.Close()
	f.fd = -1
	if err != nil {
		return err
	}
	f.goConn = nc
	return nil
}

func (f *loopFD) given() net.Conn {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.goConn
}

func (f *loopFD) Read(p []byte) (int, error) {
	if nc := f.given(); nc != nil {
		return nc.Read(p)
	}
	return 0, net.ErrClosed // the loop reads with read
}

func (f *loopFD) Write(p []byte) (int, error) {
	if nc := f.given(); nc != nil {
		return nc.Write(p)
	}
	return 0, net.ErrClosed // the loop writes with write
}

func (f *loopFD) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.goConn != nil {
		return f.goConn.Close()
	}
	if f.fd < 0 {
		return net.ErrClosed
	}
	err := rawClose(f.fd) // the last descriptor: epoll forgets it too
	f.fd = -1
	return err
}

func (f *loopFD) CloseWrite() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if tc, ok := f.goConn.(interface{ CloseWrite() error }); ok {
		return tc.CloseWrite()
	}
	if f.fd < 0 {
		return net.ErrClosed
	}
	return unix.Shutdown(f.fd, unix.SHUT_WR)
}

// SetLinger is for a rule's reset (hangUp), on a connection net/http has.
func (f *loopFD) SetLinger(sec int) error {
	if tc, ok := f.given().(interface{ SetLinger(int) error }); ok {
		return tc.SetLinger(sec)
	}
	return nil
}

func (f *loopFD) LocalAddr() net.Addr  { return f.laddr }
func (f *loopFD) RemoteAddr() net.Addr { return f.raddr }

// The loop keeps its own idle deadlines; once given back, Go's apply.
func (f *loopFD) SetDeadline(t time.Time) error {
	if nc := f.given(); nc != nil {
		return nc.SetDeadline(t)
	}
	return nil
}

func (f *loopFD) SetReadDeadline(t time.Time) error {
	if nc := f.given(); nc != nil {
		return nc.SetReadDeadline(t)
	}
	return nil
}

func (f *loopFD) SetWriteDeadline(t time.Time) error {
	if nc := f.given(); nc != nil {
		return nc.SetWriteDeadline(t)
	}
	return nil
}
