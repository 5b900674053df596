// Package client is the HTTP client session's engine: a TCP or TLS
// connection that sends the bytes the user composed, exactly, and records
// every byte both ways so the window can split and parse the responses.
package client

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"netassist/netassist"
)

// Config says where to connect.
type Config struct {
	Addr     string // host:port
	TLS      bool
	Insecure bool          // TLS without certificate checks ("do not verify")
	Timeout  time.Duration // connect (and TLS handshake) timeout; 0 = 10 s
}

// Client is one connection; it implements netassist.Session.
type Client struct {
	cfg     Config
	hub     *netassist.Hub
	conn    net.Conn
	peer    string
	id      uint64 // the connection's id, from the hub
	started atomic.Bool
	once    sync.Once
	wg      sync.WaitGroup
	done    chan struct{}
	wmu     sync.Mutex
}

// New makes an unstarted client recording into hub.
func New(cfg Config, hub *netassist.Hub) *Client {
	return &Client{cfg: cfg, hub: hub, done: make(chan struct{})}
}

// Hub is the session's recorder.
func (c *Client) Hub() *netassist.Hub { return c.hub }

// Start connects (and for TLS completes the handshake) synchronously.
func (c *Client) Start() error { return c.StartContext(context.Background()) }

// StartContext is Start that gives up when ctx ends (the window's Cancel
// while connecting).
func (c *Client) StartContext(ctx context.Context) error {
	if !c.started.CompareAndSwap(false, true) {
		return netassist.ErrStarted
	}
	timeout := c.cfg.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := net.Dialer{}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return netassist.WrapError("connect", c.cfg.Addr, err)
	}
	c.peer = nc.RemoteAddr().String()
	c.id = c.hub.NextConn()
	if c.cfg.TLS {
		host, _, _ := net.SplitHostPort(c.cfg.Addr)
		tc := tls.Client(nc, &tls.Config{ServerName: host, InsecureSkipVerify: c.cfg.Insecure})
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return &netassist.OpError{Code: netassist.CodeTLS, Op: "tls", Addr: c.cfg.Addr, Err: err}
		}
		nc = tc
	}
	c.conn = nc
	c.hub.Record(netassist.Event{Kind: netassist.EvOpen, Peer: c.peer, Detail: nc.LocalAddr().String()})
	c.hub.Record(netassist.Event{Kind: netassist.EvConnect, Conn: c.id, Peer: c.peer})
	c.wg.Add(1)
	go c.readLoop()
	return nil
}

// LocalAddr is the local end of the connection.
func (c *Client) LocalAddr() string {
	if c.conn == nil {
		return ""
	}
	return c.conn.LocalAddr().String()
}

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

func (c *Client) readLoop() {
	defer c.wg.Done()
	buf := make([]byte, 64<<10)
	for {
		n, err := c.conn.Read(buf)
		if n > 0 {
			c.hub.Record(netassist.Event{Kind: netassist.EvRx, Conn: c.id, Peer: c.peer, Data: buf[:n]})
		}
		if err != nil {
			reason := netassist.ReasonError
			switch {
			case errors.Is(err, io.EOF):
				reason = netassist.ReasonFIN
			case errors.Is(err, syscall.ECONNRESET):
				reason = netassist.ReasonRST
			case errors.Is(err, net.ErrClosed):
				reason = netassist.ReasonLocal
			default:
				c.hub.Record(netassist.Event{Kind: netassist.EvError, Conn: c.id, Peer: c.peer, Detail: netassist.WrapError("read", c.peer, err).Error()})
			}
			c.finish(reason)
			return
		}
	}
}

func (c *Client) finish(reason string) {
	c.once.Do(func() {
		c.conn.Close()
		c.hub.Record(netassist.Event{Kind: netassist.EvDisconnect, Conn: c.id, Peer: c.peer, Detail: reason})
		close(c.done)
	})
}

// Send writes data whole (or fails); requests are small, so this is
// synchronous with a deadline.
func (c *Client) Send(data []byte) error {
	if c.conn == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send", Addr: c.cfg.Addr}
	}
	select {
	case <-c.done:
		return &netassist.OpError{Code: netassist.CodeClosed, Op: "send", Addr: c.peer}
	default:
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	at := time.Now() // before the write: the answer may be recorded first
	c.conn.SetWriteDeadline(at.Add(10 * time.Second))
	n, err := c.conn.Write(data)
	if n > 0 {
		c.hub.Record(netassist.Event{Time: at, Kind: netassist.EvTx, Conn: c.id, Peer: c.peer, Data: data[:n]})
	}
	if err != nil {
		return netassist.WrapError("send", c.peer, err)
	}
	return nil
}

// Close ends the connection and waits for the read loop.
func (c *Client) Close() error {
	if c.conn == nil {
		return nil
	}
	c.finish(netassist.ReasonLocal)
	c.wg.Wait()
	c.hub.Record(netassist.Event{Kind: netassist.EvClose})
	return nil
}

// ConnCount is 1 while the connection is open, else 0.
func (c *Client) ConnCount() int {
	if c.conn == nil {
		return 0
	}
	select {
	case <-c.done:
		return 0
	default:
		return 1
	}
}

// SendConns is Send: a client has one connection, whatever ids say.
func (c *Client) SendConns(_ []uint64, data []byte) error { return c.Send(data) }

// ResetCounters zeroes the session's counters (the client keeps no
// per-connection ones).
func (c *Client) ResetCounters() { c.hub.Counters.Reset() }

var _ netassist.Session = (*Client)(nil)
