package netassist

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// TCPClient connects to one server; its single connection is a Conn.
type TCPClient struct {
	cfg Config
	hub *Hub
	ruleHolder
	started   atomic.Bool
	cfgMu     sync.Mutex // CloseOnFIN may change while connecting
	closeOnce sync.Once
	wg        sync.WaitGroup
	conn      atomic.Pointer[Conn]
	gone      chan struct{} // closed when the connection has ended
}

// NewTCPClient makes a client that will connect to cfg.Remote.
func NewTCPClient(cfg Config, hub *Hub) *TCPClient {
	c := &TCPClient{cfg: cfg, hub: hub, gone: make(chan struct{})}
	c.SetRules(cfg.Rules)
	return c
}

func (c *TCPClient) Hub() *Hub { return c.hub }

// Start connects; host names are resolved and IPv6 works as IPv4 does.
func (c *TCPClient) Start() error { return c.StartContext(context.Background()) }

// StartContext is Start that gives up when ctx ends (the window's Cancel
// while connecting).
func (c *TCPClient) StartContext(ctx context.Context) (err error) {
	if !c.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer func() {
		if err != nil {
			c.started.Store(false) // a failed Start may be tried again
		}
	}()
	timeout := c.cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	if c.cfg.Local != "" {
		la, err := net.ResolveTCPAddr("tcp", c.cfg.Local)
		if err != nil {
			return wrapErr("bind", c.cfg.Local, err)
		}
		d.LocalAddr = la
	}
	nc, err := d.DialContext(ctx, "tcp", c.cfg.Remote)
	if err != nil {
		return wrapErr("connect", c.cfg.Remote, err)
	}
	tc := nc.(*net.TCPConn)
	c.cfgMu.Lock()
	conn := newConn(c.hub.NextConn(), tc, c.hub, c.hub.Name(), c.cfg.CloseOnFIN, &c.wg, func(*Conn) { close(c.gone) })
	conn.setFraming(c.cfg.Framing)
	conn.rules = &c.ruleHolder
	c.conn.Store(conn)
	c.cfgMu.Unlock()
	c.hub.Record(Event{Kind: EvOpen, Peer: conn.Peer, Detail: conn.Local})
	conn.start()
	return nil
}

// SetCloseOnFIN changes "close when the peer closes" for the connection,
// now or once it is made.
func (c *TCPClient) SetCloseOnFIN(on bool) {
	c.cfgMu.Lock()
	c.cfg.CloseOnFIN = on
	conn := c.conn.Load()
	c.cfgMu.Unlock()
	if conn != nil {
		conn.SetCloseOnFIN(on)
	}
}

// Conn is the connection, nil before Start.
func (c *TCPClient) Conn() *Conn { return c.conn.Load() }

// Done is closed when the connection has ended, for whatever reason.
func (c *TCPClient) Done() <-chan struct{} { return c.gone }

// LocalAddr is the local end of the connection.
func (c *TCPClient) LocalAddr() string {
	if conn := c.conn.Load(); conn != nil {
		return conn.Local
	}
	return ""
}

// Send queues data to the server.
func (c *TCPClient) Send(data []byte) error {
	conn := c.conn.Load()
	if conn == nil {
		return &OpError{Code: CodeNotConnected, Op: "send", Addr: c.cfg.Remote}
	}
	return conn.Send(data)
}

// Close closes the connection at once and waits for its goroutines.
func (c *TCPClient) Close() error {
	conn := c.conn.Load()
	if conn == nil {
		return nil
	}
	c.closeOnce.Do(func() {
		conn.finish(ReasonLocal, nil)
		c.wg.Wait()
		c.hub.Record(Event{Kind: EvClose})
	})
	return nil
}

// ConnCount is 1 while the connection is open, else 0.
func (c *TCPClient) ConnCount() int {
	if conn := c.conn.Load(); conn != nil && conn.State() != StateClosed {
		return 1
	}
	return 0
}

// Queued is the bytes handed to Send not yet written (Queuer).
func (c *TCPClient) Queued() int {
	if conn := c.conn.Load(); conn != nil {
		return conn.Queued()
	}
	return 0
}

// SendConns is Send: a client has one connection, whatever ids say.
func (c *TCPClient) SendConns(_ []uint64, data []byte) error { return c.Send(data) }

// ResetCounters zeroes the session's counters and the connection's.
func (c *TCPClient) ResetCounters() {
	c.hub.Counters.Reset()
	if conn := c.conn.Load(); conn != nil {
		conn.Counters.Reset()
	}
}
