package netassist

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// TCPRelay listens on Config.Local; for every client it connects to
// Config.Remote (the upstream) and passes bytes both ways. Each client and
// its upstream connection are one pair: one connection id, two legs.
type TCPRelay struct {
	relayCore
	cfg Config

	ln       net.Listener
	started  atomic.Bool
	wg       sync.WaitGroup
	ctx      context.Context // ends upstream connects in progress at Close
	cancel   context.CancelFunc
	done     chan struct{}
	doneOnce sync.Once
}

// NewTCPRelay makes a relay that will listen on cfg.Local and connect to
// cfg.Remote.
func NewTCPRelay(cfg Config, hub *Hub) *TCPRelay {
	r := &TCPRelay{cfg: cfg, done: make(chan struct{})}
	r.hub = hub
	r.pairs = map[uint64]relayPair{}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.initRules(cfg, r.ctx.Done())
	return r
}

// Start listens; the error says why not at once (port in use…).
func (r *TCPRelay) Start() (err error) {
	if !r.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer func() {
		if err != nil {
			r.started.Store(false)
		}
	}()
	ln, err := net.Listen(listenNetwork("tcp", r.cfg.Local), r.cfg.Local)
	if err != nil {
		return wrapErr("listen", r.cfg.Local, err)
	}
	r.ln = ln
	r.hub.Record(Event{Kind: EvOpen, Detail: ln.Addr().String()})
	r.wg.Add(1)
	go r.acceptLoop()
	return nil
}

// LocalAddr is where the relay listens.
func (r *TCPRelay) LocalAddr() string {
	if r.ln == nil {
		return ""
	}
	return r.ln.Addr().String()
}

// Done is closed once Close has ended the relay.
func (r *TCPRelay) Done() <-chan struct{} { return r.done }

func (r *TCPRelay) acceptLoop() {
	defer r.wg.Done()
	var backoff time.Duration
	for {
		c, err := r.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			backoff = min(max(backoff*2, 5*time.Millisecond), time.Second)
			r.hub.Record(Event{Kind: EvError, Detail: wrapErr("accept", r.LocalAddr(), err).Error()})
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		p := r.newPair(c.(*net.TCPConn))
		r.mu.Lock()
		if r.pairs == nil { // closed meanwhile
			r.mu.Unlock()
			c.Close()
			return
		}
		r.pairs[p.id] = p
		r.mu.Unlock()
		r.version.Add(1)
		r.wg.Add(1)
		go p.run()
	}
}

// Close stops listening and ends every pair.
func (r *TCPRelay) Close() error {
	if !r.started.Load() || r.ln == nil {
		return nil
	}
	if err := r.ln.Close(); errors.Is(err, net.ErrClosed) {
		return nil
	}
	r.cancel()
	r.mu.Lock()
	pairs := r.pairs
	r.pairs = nil
	r.mu.Unlock()
	for _, p := range pairs {
		p.(*tcpPair).end(ReasonLocal, ReasonLocal, false, false)
	}
	r.wg.Wait()
	r.version.Add(1)
	r.hub.Record(Event{Kind: EvClose})
	r.doneOnce.Do(func() { close(r.done) })
	return nil
}

// ResetCounters zeroes the session's counters and every pair's.
func (r *TCPRelay) ResetCounters() {
	r.hub.Counters.Reset()
	for _, p := range r.list() {
		tp := p.(*tcpPair)
		tp.cnt[0].Reset()
		tp.cnt[1].Reset()
	}
}

func (r *TCPRelay) forget(id uint64) {
	r.mu.Lock()
	if r.pairs != nil {
		delete(r.pairs, id)
	}
	r.mu.Unlock()
	r.version.Add(1)
}

// Relay read buffers start small, so 1,000 idle pairs stay cheap, and
// grow to this under a flood.
const relayMaxBuf = 256 << 10

// tcpPair is a client connection and its upstream connection.
type tcpPair struct {
	r      *TCPRelay
	id     uint64
	opened time.Time
	conns  [2]*net.TCPConn // by leg: 0 client, 1 server (set once connected)
	peers  [2]string
	cnt    [2]Counters // by leg: rx received from that side, tx sent to it
	dirs   [2]*relayDir

	mu       sync.Mutex
	state    string
	readDone [2]bool // by direction
	finOut   [2]bool // by direction
	ended    bool
}

func legIndex(leg string) int {
	if leg == LegServer {
		return 1
	}
	return 0
}

func (r *TCPRelay) newPair(c *net.TCPConn) *tcpPair {
	p := &tcpPair{r: r, id: r.hub.NextConn(), opened: time.Now(), state: "connecting"}
	p.conns[0] = c
	p.peers = [2]string{c.RemoteAddr().String(), r.cfg.Remote}
	for _, d := range []Dir{ClientToServer, ServerToClient} {
		src, dst := legIndex(d.srcLeg()), legIndex(d.dstLeg())
		rd := &relayDir{core: &r.relayCore, d: d, pairID: p.id, srcPeer: p.peers[src], dstPeer: p.peers[dst],
			srcCnt: &p.cnt[src], dstCnt: &p.cnt[dst], wg: &r.wg,
			closed: true} // until the upstream is connected
		rd.framer = framing.New(r.cfg.Framing)
		dd := d
		rd.write = func(b []byte) (int, error) {
			c := p.conns[dst]
			c.SetWriteDeadline(time.Now().Add(writeDeadline))
			return c.Write(b)
		}
		rd.closeWrite = func() error { return p.conns[dst].CloseWrite() }
		rd.onWriteErr = func(err error) { p.writeFailed(dd, err) }
		rd.onFIN = func() { p.finPassed(dd) }
		rd.ruleAfter = func(a rules.After) { p.ruleAfter(dd, a) }
		p.dirs[d] = rd
	}
	p.dirs[0].back, p.dirs[1].back = p.dirs[1], p.dirs[0]
	return p
}

func (p *tcpPair) dir(d Dir) *relayDir { return p.dirs[d] }

func (p *tcpPair) record(leg string, kind EventKind, detail string) {
	p.r.hub.Record(Event{Kind: kind, Conn: p.id, Peer: p.peers[legIndex(leg)], Leg: leg, Detail: detail})
}

func (p *tcpPair) info() PairInfo {
	p.mu.Lock()
	st := p.state
	p.mu.Unlock()
	return PairInfo{ID: p.id, Client: p.peers[0], Upstream: p.peers[1], Opened: p.opened, State: st,
		Client2: p.cnt[0].Snapshot(), Server: p.cnt[1].Snapshot(),
		Held: [2]int{p.dirs[0].heldCount(), p.dirs[1].heldCount()}}
}

// run connects upstream, then passes bytes both ways until both sides
// have closed.
func (p *tcpPair) run() {
	defer p.r.wg.Done()
	p.record(LegClient, EvConnect, "")
	timeout := p.r.cfg.ConnectTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	dialer := net.Dialer{Timeout: timeout}
	c, err := dialer.DialContext(p.r.ctx, "tcp", p.r.cfg.Remote)
	if err != nil {
		if p.r.ctx.Err() != nil {
			return // the relay is closing; Close ends the pair
		}
		p.r.hub.Record(Event{Kind: EvError, Conn: p.id, Peer: p.peers[1], Leg: LegServer}.withErr(wrapErr("connect", p.r.cfg.Remote, err)))
		if p.r.cfg.ResetOnFail {
			p.end(ReasonAbort, "", true, false)
		} else {
			p.end(ReasonLocal, "", false, false)
		}
		return
	}
	up := c.(*net.TCPConn)
	p.mu.Lock()
	if p.ended {
		p.mu.Unlock()
		up.Close()
		return
	}
	p.conns[1] = up
	p.state = "open"
	p.mu.Unlock()
	for _, rd := range p.dirs {
		rd.mu.Lock()
		rd.closed = false
		rd.mu.Unlock()
	}
	p.r.version.Add(1)
	p.r.hub.Record(Event{Kind: EvConnect, Conn: p.id, Peer: p.peers[1], Leg: LegServer, Detail: up.LocalAddr().String()})
	p.r.wg.Add(2)
	go p.readLoop(ClientToServer)
	go p.readLoop(ServerToClient)
}

func (p *tcpPair) readLoop(d Dir) {
	defer p.r.wg.Done()
	rd := p.dirs[d]
	leg := d.srcLeg()
	src := p.conns[legIndex(leg)]
	cnt := &p.cnt[legIndex(leg)]
	buf := make([]byte, 16<<10)
	for {
		if rd.framer != nil && rd.framer.Gap() > 0 {
			if rd.framer.Pending() > 0 {
				src.SetReadDeadline(time.Now().Add(rd.framer.Gap()))
			} else {
				src.SetReadDeadline(time.Time{})
			}
		}
		n, err := src.Read(buf)
		if n > 0 {
			at := time.Now()
			cnt.addRx(n)
			rd.arrived(buf[:n], at) // records it too
			if n == len(buf) && len(buf) < relayMaxBuf {
				buf = make([]byte, len(buf)*4)
			}
		}
		if err == nil {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && rd.framer != nil && rd.framer.Gap() > 0 {
			rd.idleFlush()
			continue
		}
		switch {
		case errors.Is(err, io.EOF):
			p.record(leg, EvInfo, "peer_fin")
			rd.sourceEnded()
			p.mu.Lock()
			p.readDone[d] = true
			p.mu.Unlock()
			p.maybeEnd()
		case errors.Is(err, syscall.ECONNRESET):
			// Passed on as it came: the other side is reset too.
			if d == ClientToServer {
				p.end(ReasonRST, ReasonAbort, false, true)
			} else {
				p.end(ReasonAbort, ReasonRST, true, false)
			}
		case errors.Is(err, net.ErrClosed):
			// Ended by us; end has been or will be called.
		default:
			p.r.hub.Record(Event{Kind: EvError, Conn: p.id, Peer: rd.srcPeer, Leg: leg}.withErr(wrapErr("read", rd.srcPeer, err)))
			p.end(ReasonError, ReasonError, false, false)
		}
		return
	}
}

// writeFailed ends the pair when a side cannot take what is passed to it:
// that side reset, and the other is reset too, as it would be without us.
func (p *tcpPair) writeFailed(d Dir, err error) {
	dstRsn := ReasonError
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		dstRsn = ReasonRST
	} else if !errors.Is(err, net.ErrClosed) {
		p.r.hub.Record(Event{Kind: EvError, Conn: p.id, Peer: p.dirs[d].dstPeer, Leg: d.dstLeg()}.withErr(wrapErr("send", p.dirs[d].dstPeer, err)))
	}
	if d == ClientToServer {
		go p.end(ReasonAbort, dstRsn, true, false)
	} else {
		go p.end(dstRsn, ReasonAbort, false, true)
	}
}

// finPassed notes that direction d's FIN went out.
func (p *tcpPair) finPassed(d Dir) {
	p.mu.Lock()
	p.finOut[d] = true
	if p.state == "open" {
		p.state = "half-closed"
	}
	p.mu.Unlock()
	p.r.version.Add(1)
	p.maybeEnd()
}

// maybeEnd ends the pair once both sides have sent FIN and both FINs were
// passed on: the four-way close through the relay is complete.
func (p *tcpPair) maybeEnd() {
	p.mu.Lock()
	done := p.readDone[0] && p.readDone[1] && p.finOut[0] && p.finOut[1]
	p.mu.Unlock()
	if done {
		p.end(ReasonFIN, ReasonFIN, false, false)
	}
}

// ruleAfter does a rule's action to the side that sent direction d's
// message: half-close sends it FIN; close ends the pair quietly; reset
// resets that side (and closes the other).
func (p *tcpPair) ruleAfter(d Dir, a rules.After) {
	leg := d.srcLeg()
	switch a {
	case rules.AfterHalfClose:
		_ = p.halfClose(leg) // an error means it is closed already
	case rules.AfterClose:
		p.end(ReasonLocal, ReasonLocal, false, false)
	case rules.AfterReset:
		_ = p.reset(leg)
	}
}

// halfClose sends FIN to one side; what that side sends still passes.
func (p *tcpPair) halfClose(leg string) error {
	d := DirOfLeg(leg) ^ 1 // the direction whose bytes go to leg
	rd := p.dirs[d]
	rd.mu.Lock()
	if rd.finSent || rd.closed || p.conns[1] == nil {
		rd.mu.Unlock()
		return &OpError{Code: CodeClosed, Op: "shutdown", Addr: rd.dstPeer}
	}
	rd.finSent = true
	rd.mu.Unlock()
	go rd.sendFIN()
	return nil
}

// reset resets one side and closes the other.
func (p *tcpPair) reset(leg string) error {
	if leg == LegClient {
		p.end(ReasonAbort, ReasonLocal, true, false)
	} else {
		p.end(ReasonLocal, ReasonAbort, false, true)
	}
	return nil
}

// end closes both legs once (abort: with RST) and reports how each ended;
// an empty reason is a leg that never connected.
func (p *tcpPair) end(clientRsn, serverRsn string, abortClient, abortServer bool) {
	p.mu.Lock()
	if p.ended {
		p.mu.Unlock()
		return
	}
	p.ended = true
	p.state = "closed"
	up := p.conns[1]
	p.mu.Unlock()
	for _, rd := range p.dirs {
		rd.shut()
	}
	if abortClient {
		p.conns[0].SetLinger(0)
	}
	p.conns[0].Close()
	if up != nil {
		if abortServer {
			up.SetLinger(0)
		}
		up.Close()
		p.record(LegServer, EvDisconnect, serverRsn)
	}
	p.record(LegClient, EvDisconnect, clientRsn)
	p.r.forget(p.id)
}
