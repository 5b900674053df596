package netassist

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// ConnState is where a TCP connection is in its close handshake.
type ConnState int32

const (
	StateOpen       ConnState = iota
	StatePeerClosed           // peer sent FIN; we can still send
	StateHalfClosed           // we sent FIN; we can still receive
	StateClosed
)

func (s ConnState) String() string {
	switch s {
	case StateOpen:
		return "open"
	case StatePeerClosed:
		return "peer_closed"
	case StateHalfClosed:
		return "half_closed"
	}
	return "closed"
}

// Limits of a connection's send queue: a peer that does not read makes
// its own queue fill and its own writes time out, never anyone else's.
const (
	maxQueuedBytes = 64 << 20
	writeDeadline  = 10 * time.Second
	minReadBuf     = 4 << 10
	maxReadBuf     = 256 << 10
)

// Conn is one TCP connection of a session, with its own exact counters.
type Conn struct {
	ID       uint64
	Peer     string
	Local    string
	Opened   time.Time
	Counters Counters

	c        *net.TCPConn
	hub      *Hub // the session's recorder; its saver may keep a read buffer
	session  string
	closeFIN atomic.Bool     // close when the peer sends FIN; the user may change it while open
	framer   *framing.Framer // nil: reads are shown as they come; read loop only
	rules    *ruleHolder     // the session's rules; nil for none
	onGone   func(*Conn)
	gone     chan struct{} // closed by finish: ends a rule's wait

	state atomic.Int32
	mu    sync.Mutex // guards queue, queued, writing, closing
	// writeRec is held by the writer from before a socket write until
	// its tx event is recorded; finish takes it before recording the
	// disconnect, so a write that returned just before a reset is never
	// recorded after the connection's end (an export put it past the RST).
	writeRec         sync.Mutex
	queue            []outgoing
	queued           int
	wrote            chan struct{} // signalled when the writer drains the queue
	writing, closing bool
	closeOnce        sync.Once
	wg               *sync.WaitGroup
}

func newConn(id uint64, c *net.TCPConn, hub *Hub, session string, closeFIN bool, wg *sync.WaitGroup, onGone func(*Conn)) *Conn {
	conn := &Conn{
		ID: id, Peer: c.RemoteAddr().String(), Local: c.LocalAddr().String(), Opened: time.Now(),
		c: c, hub: hub, session: session, wg: wg, onGone: onGone,
		wrote: make(chan struct{}, 1), gone: make(chan struct{}),
	}
	conn.closeFIN.Store(closeFIN)
	return conn
}

// SetCloseOnFIN says whether a FIN from the peer from now on ends the
// connection (a FIN already seen is not acted on again).
func (c *Conn) SetCloseOnFIN(on bool) { c.closeFIN.Store(on) }

// State is the connection's close-handshake state.
func (c *Conn) State() ConnState { return ConnState(c.state.Load()) }

// handOff records what was read. A full-size buffer goes to the saver
// without a copy when saving is on: in a saved flood that copy was a
// gigabyte of memmove on the read path. It reports whether the saver kept
// buf.
func (c *Conn) handOff(buf []byte, at time.Time) bool {
	ev := Event{Time: at, Session: c.session, Kind: EvRx, Conn: c.ID, Peer: c.Peer, Data: buf, Framed: c.framer != nil}
	if cap(buf) == poolBufSize {
		return c.hub.recordOwned(ev)
	}
	c.hub.Record(ev)
	return false
}

func (c *Conn) record(kind EventKind, data []byte, detail string) {
	c.hub.Record(Event{Time: time.Now(), Session: c.session, Kind: kind, Conn: c.ID, Peer: c.Peer, Data: data, Detail: detail})
}

// start announces the connection and starts its read loop.
func (c *Conn) start() {
	c.record(EvConnect, nil, "")
	c.wg.Add(1)
	go c.readLoop()
}

func (c *Conn) readLoop() {
	defer c.wg.Done()
	// Start small so 10,000 idle clients stay cheap; grow under a flood.
	buf := make([]byte, minReadBuf)
	for {
		c.armIdleGap()
		n, err := c.c.Read(buf)
		if n > 0 {
			at := time.Now()
			c.Counters.addRx(n)
			set := c.rules.active()
			frames, skipped := c.frame(buf[:n], set != nil) // before the saver may take buf
			var answers []rules.Answer
			var first nowWrite
			if set != nil {
				answers = c.answers(set, frames, buf[:n])
				first = c.replyFirst(answers) // recorded after the read, stamped after at
			}
			if c.handOff(buf[:n], at) {
				buf = getBuf(poolBufSize)[:poolBufSize] // the saver keeps the old one
			} else if n == len(buf) && len(buf) < maxReadBuf {
				buf = make([]byte, len(buf)*4)
			}
			if set != nil {
				frames, skipped = c.displayTail(frames, skipped)
			}
			c.recordFramesAt(frames, skipped, at)
			c.endWrite(first)
			if len(answers) > 0 && !c.act(answers) {
				continue // a rule closed it: the next read ends the loop
			}
		}
		if err == nil {
			continue
		}
		if c.idleGapPassed(err) {
			continue
		}
		c.flushFrames() // what is left is shown before the close
		switch {
		case errors.Is(err, io.EOF):
			c.onPeerFIN()
		case errors.Is(err, syscall.ECONNRESET):
			c.finish(ReasonRST, nil)
		case c.isClosing(), errors.Is(err, net.ErrClosed):
			// We closed it; finish has been or will be called by the closer.
		default:
			c.finish(ReasonError, wrapErr("read", c.Peer, err))
		}
		return
	}
}

func (c *Conn) onPeerFIN() {
	switch c.State() {
	case StateHalfClosed:
		c.finish(ReasonFIN, nil) // both sides are done: the four-way close is complete
		return
	case StateClosed:
		// A write met the peer's reset first and finished the connection;
		// Linux then reports EOF to the next read. Not a FIN to show.
		return
	}
	if !c.state.CompareAndSwap(int32(StateOpen), int32(StatePeerClosed)) {
		c.onPeerFIN() // half-closed or closed meanwhile: decide again
		return
	}
	if c.closeFIN.Load() {
		c.waitQueued(writeDeadline)
		c.finish(ReasonFIN, nil)
		return
	}
	c.record(EvInfo, nil, "peer_fin")
}

func (c *Conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}

// outgoing is one piece of the send queue; rule names the rule whose
// reply it is ("" for the user's sends).
type outgoing struct {
	data []byte
	rule string
}

// Send queues data for this connection and returns at once. data must not
// be changed afterwards; it may be shared by many connections.
func (c *Conn) Send(data []byte) error { return c.send(data, "") }

func (c *Conn) send(data []byte, rule string) error {
	if len(data) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.State()
	if c.closing || st == StateClosed {
		return &OpError{Code: CodeClosed, Op: "send", Addr: c.Peer}
	}
	if st == StateHalfClosed {
		return &OpError{Code: CodeClosed, Op: "send", Addr: c.Peer}
	}
	if c.queued+len(data) > maxQueuedBytes {
		return &OpError{Code: CodeQueueFull, Op: "send", Addr: c.Peer}
	}
	c.queue = append(c.queue, outgoing{data, rule})
	c.queued += len(data)
	if !c.writing {
		c.writing = true
		c.wg.Add(1)
		go c.writeLoop()
	}
	return nil
}

// writeLoop runs only while there is something to send, so idle
// connections cost no goroutine.
func (c *Conn) writeLoop() {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(c.queue) == 0 || c.closing {
			c.writing = false
			c.queue, c.queued = nil, 0
			c.mu.Unlock()
			select {
			case c.wrote <- struct{}{}:
			default:
			}
			return
		}
		data, rule := c.queue[0].data, c.queue[0].rule
		c.queue[0] = outgoing{}
		c.queue = c.queue[1:]
		c.mu.Unlock()

		// Stamped before the write: the peer's answer may be read and
		// recorded before Write returns, and the view orders by time.
		c.writeRec.Lock()
		at := time.Now()
		c.c.SetWriteDeadline(at.Add(writeDeadline))
		n, err := c.c.Write(data)
		if testHookAfterWrite != nil {
			testHookAfterWrite(c)
		}
		if n > 0 {
			c.Counters.addTx(n)
			c.hub.Record(Event{Time: at, Session: c.session, Kind: EvTx, Conn: c.ID, Peer: c.Peer, Data: data[:n], Rule: rule})
		}
		c.writeRec.Unlock()
		c.mu.Lock()
		c.queued -= len(data)
		c.mu.Unlock()
		if err != nil {
			switch {
			case c.isClosing():
			case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
				go c.finish(ReasonRST, nil)
			default:
				go c.finish(ReasonError, wrapErr("send", c.Peer, err))
			}
			c.mu.Lock()
			c.writing = false
			c.queue, c.queued = nil, 0
			c.mu.Unlock()
			return
		}
	}
}

// Queued is how many bytes were handed to Send and are not yet written to
// the socket (the piece being written counts until its write returns).
func (c *Conn) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.queued
}

// waitQueued waits until the send queue is empty or d passes.
func (c *Conn) waitQueued(d time.Duration) {
	deadline := time.After(d)
	for {
		c.mu.Lock()
		idle := !c.writing
		c.mu.Unlock()
		if idle {
			return
		}
		select {
		case <-c.wrote:
		case <-deadline:
			return
		}
	}
}

// testHookAfterWrite lets a test act between a socket write returning and
// its event being recorded.
var testHookAfterWrite func(*Conn)

// testHookBeforeHalfClosed lets a test deliver the peer's FIN at the
// moment HalfClose is about to record its own.
var testHookBeforeHalfClosed func(*Conn)

// HalfClose sends FIN after what is queued: we stop sending, the peer may
// go on sending (the first half of the four-way close).
func (c *Conn) HalfClose() error {
	switch c.State() {
	case StateClosed, StateHalfClosed:
		return &OpError{Code: CodeClosed, Op: "shutdown", Addr: c.Peer}
	}
	c.waitQueued(writeDeadline)
	if err := c.c.CloseWrite(); err != nil {
		return wrapErr("shutdown", c.Peer, err)
	}
	if testHookBeforeHalfClosed != nil {
		testHookBeforeHalfClosed(c)
	}
	// One atomic step: a peer FIN read meanwhile has moved the state to
	// PeerClosed, and then both sides are done. A plain store here could
	// overwrite that FIN and leave the connection open for ever.
	if c.state.CompareAndSwap(int32(StateOpen), int32(StateHalfClosed)) {
		c.record(EvInfo, nil, "local_fin")
		return nil
	}
	if c.State() == StatePeerClosed {
		c.finish(ReasonLocal, nil)
	}
	return nil
}

// Close ends the connection. abort sends RST (SO_LINGER 0) instead of FIN
// and discards anything still queued.
func (c *Conn) Close(abort bool) {
	if abort {
		c.c.SetLinger(0)
		c.finish(ReasonAbort, nil)
		return
	}
	c.waitQueued(writeDeadline)
	c.finish(ReasonLocal, nil)
}

// finish closes the socket once and reports how the connection ended.
func (c *Conn) finish(reason string, err error) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closing = true
		c.mu.Unlock()
		c.state.Store(int32(StateClosed))
		close(c.gone)
		c.c.Close()       // also ends a write in progress
		c.writeRec.Lock() // a write that returned is recorded first
		c.writeRec.Unlock()
		if err != nil {
			c.record(EvError, nil, err.Error())
		}
		c.record(EvDisconnect, nil, reason)
		if c.onGone != nil {
			c.onGone(c)
		}
	})
}

// ConnInfo is a copy of a connection's figures for the connection list.
type ConnInfo struct {
	ID       uint64
	Peer     string
	Local    string
	Opened   time.Time
	State    ConnState
	Counters CounterSnapshot
	Framed   bool // its stream is split into messages: the counters count them
}

// Info copies the connection's current figures.
func (c *Conn) Info() ConnInfo {
	return ConnInfo{ID: c.ID, Peer: c.Peer, Local: c.Local, Opened: c.Opened, State: c.State(), Counters: c.Counters.Snapshot(), Framed: c.framer != nil}
}
