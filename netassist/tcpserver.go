package netassist

import (
	"errors"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// TCPServer accepts many clients at once; each is a Conn with its own id
// and counters.
type TCPServer struct {
	cfg        Config
	hub        *Hub
	ruleHolder // SetRules, Rules: shared by every connection

	ln        net.Listener
	started   atomic.Bool
	keepOnFIN atomic.Bool // the inverse of "close when the peer closes", as set now
	wg        sync.WaitGroup

	mu    sync.Mutex
	conns map[uint64]*Conn
	// version changes whenever the connection list does, so the window
	// rebuilds its list only then.
	version atomic.Uint64

	done     chan struct{} // closed by Close
	doneOnce sync.Once
}

// NewTCPServer makes a server that will listen on cfg.Local.
func NewTCPServer(cfg Config, hub *Hub) *TCPServer {
	s := &TCPServer{cfg: cfg, hub: hub, conns: map[uint64]*Conn{}, done: make(chan struct{})}
	s.SetRules(cfg.Rules)
	s.keepOnFIN.Store(!cfg.CloseOnFIN)
	return s
}

// SetCloseOnFIN changes "close when the peer closes" while the server is
// open: for the connections it has and the ones it will accept.
func (s *TCPServer) SetCloseOnFIN(on bool) {
	s.keepOnFIN.Store(!on)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.SetCloseOnFIN(on)
	}
}

func (s *TCPServer) Hub() *Hub { return s.hub }

// Start listens; the error says why not at once (port in use…).
func (s *TCPServer) Start() (err error) {
	if !s.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer func() {
		if err != nil {
			s.started.Store(false) // a failed Start may be tried again
		}
	}()
	ln, err := net.Listen(listenNetwork("tcp", s.cfg.Local), s.cfg.Local)
	if err != nil {
		return wrapErr("listen", s.cfg.Local, err)
	}
	s.ln = ln
	s.hub.Record(Event{Kind: EvOpen, Detail: ln.Addr().String()})
	s.wg.Add(1)
	go s.acceptLoop()
	return nil
}

// LocalAddr is the address the server listens on.
func (s *TCPServer) LocalAddr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

func (s *TCPServer) acceptLoop() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Temporary trouble such as too many open files: wait and
			// retry, as net/http does, and tell the user once each time.
			if backoff == 0 {
				backoff = 5 * time.Millisecond
			} else if backoff *= 2; backoff > time.Second {
				backoff = time.Second
			}
			s.hub.Record(Event{Kind: EvError, Detail: wrapErr("accept", s.LocalAddr(), err).Error()})
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		tc := c.(*net.TCPConn)
		conn := newConn(s.hub.NextConn(), tc, s.hub, s.hub.Name(), !s.keepOnFIN.Load(), &s.wg, s.forget)
		s.mu.Lock()
		if s.conns == nil { // closed meanwhile
			s.mu.Unlock()
			tc.Close()
			return
		}
		conn.SetCloseOnFIN(!s.keepOnFIN.Load()) // as set now, under the lock SetCloseOnFIN takes
		conn.setFraming(s.cfg.Framing)
		conn.rules = &s.ruleHolder
		s.conns[conn.ID] = conn
		s.mu.Unlock()
		s.version.Add(1)
		conn.start()
	}
}

func (s *TCPServer) forget(c *Conn) {
	s.mu.Lock()
	if s.conns != nil {
		delete(s.conns, c.ID)
	}
	s.mu.Unlock()
	s.version.Add(1)
}

// Version changes whenever a connection comes or goes or changes state.
func (s *TCPServer) Version() uint64 { return s.version.Load() }

// Conns lists the open connections by id.
func (s *TCPServer) Conns() []ConnInfo {
	s.mu.Lock()
	out := make([]ConnInfo, 0, len(s.conns))
	for _, c := range s.conns {
		out = append(out, c.Info())
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Conn finds an open connection.
func (s *TCPServer) Conn(id uint64) *Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns[id]
}

// Send queues data to the connections with the given ids, or to all when
// ids is nil. It returns how many took it and the first error; a slow or
// dead connection never holds back the others.
func (s *TCPServer) Send(ids []uint64, data []byte) (int, error) {
	var targets []*Conn
	s.mu.Lock()
	if ids == nil {
		for _, c := range s.conns {
			// A connection that has finished leaves the list just after
			// its disconnect is recorded; "all" means the live ones.
			if c.State() != StateClosed {
				targets = append(targets, c)
			}
		}
	} else {
		for _, id := range ids {
			if c, ok := s.conns[id]; ok {
				targets = append(targets, c)
			}
		}
	}
	s.mu.Unlock()
	if len(targets) == 0 {
		return 0, &OpError{Code: CodeNotConnected, Op: "send"}
	}
	var first error
	sent := 0
	for _, c := range targets {
		if err := c.Send(data); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		sent++
	}
	return sent, first
}

// Close stops listening and closes every connection at once.
func (s *TCPServer) Close() error {
	if !s.started.Load() || s.ln == nil {
		return nil
	}
	err := s.ln.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil // closed before
	}
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range conns {
		c.finish(ReasonLocal, nil)
	}
	s.wg.Wait()
	s.version.Add(1)
	s.hub.Record(Event{Kind: EvClose})
	s.doneOnce.Do(func() { close(s.done) })
	return nil
}

// ConnCount is how many connections are open now.
func (s *TCPServer) ConnCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Queued is the bytes handed to Send that no connection has written yet
// (Queuer).
func (s *TCPServer) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		n += c.Queued()
	}
	return n
}

// Done is closed once Close has ended the server.
func (s *TCPServer) Done() <-chan struct{} { return s.done }

// SendConns is Send without the count (Session).
func (s *TCPServer) SendConns(ids []uint64, data []byte) error {
	_, err := s.Send(ids, data)
	return err
}

// ResetCounters zeroes the session's counters and each connection's.
func (s *TCPServer) ResetCounters() {
	s.hub.Counters.Reset()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Counters.Reset()
	}
}
