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
type listener struct {
	net.Listener
	s *Server
}

func (l *listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		// Linux lets a socket's send buffer grow to 4 MiB. A thousand
		// slow readers each holding that much pushed the kernel into TCP
		// memory pressure, and then a normal request waited seconds; a
		// fixed buffer bounds what each can pin and is ample on loopback
		// and a LAN.
		_ = tc.SetWriteBuffer(sendBuffer)
	}
	return l.s.newConn(nc), nil
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

	reason    atomic.Value // string: how the peer ended it, set by Read
	closeOnce sync.Once
}

func (s *Server) newConn(nc net.Conn) *conn {
	id := s.nextConn.Add(1)
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
	n, err := c.Conn.Read(p)
	if n > 0 {
		now := time.Now() // one reading for the event and the capture
		c.s.record(netassist.EvRx, c, p[:n], "", now)
		c.cap.onRx(p[:n], now)
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
	return n, err
}

// Write gives each write its own deadline: a client that stops reading
// (slow-read attack) loses the connection, while a big download on a slow
// link that keeps moving is not cut off as a whole-response timeout would.
func (c *conn) Write(p []byte) (int, error) {
	if d := c.s.writeIdle; d > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(d))
	}
	n, err := c.Conn.Write(p)
	if n > 0 {
		now := time.Now()
		c.s.record(netassist.EvTx, c, p[:n], "", now)
		c.cap.onTx(p[:n], now)
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		// The peer reset while we wrote; Linux then reports a plain EOF to
		// the next read, which must not read as a FIN.
		c.reason.CompareAndSwap(nil, netassist.ReasonRST)
	}
	return n, err
}

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
		err = c.Conn.Close()
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
