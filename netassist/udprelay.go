package netassist

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultUDPIdle is how long a UDP relay keeps a client's upstream socket
// when no datagram passed either way.
const DefaultUDPIdle = 60 * time.Second

// UDPRelay listens on Config.Local; for every client address it opens one
// socket to Config.Remote (the upstream) and passes datagrams both ways.
// A client address and its upstream socket are one pair, which ends after
// Config.UDPIdle without traffic.
type UDPRelay struct {
	relayCore
	cfg Config

	pc       *net.UDPConn
	upstream *net.UDPAddr
	byAddr   map[netip.AddrPort]*udpPair // guarded by relayCore.mu
	dropRate [2]atomic.Uint64            // in hundredths of a percent
	started  atomic.Bool
	wg       sync.WaitGroup
	stop     chan struct{}
	done     chan struct{}
	doneOnce sync.Once
}

// NewUDPRelay makes a relay that will bind cfg.Local and send to cfg.Remote.
func NewUDPRelay(cfg Config, hub *Hub) *UDPRelay {
	r := &UDPRelay{cfg: cfg, done: make(chan struct{}), stop: make(chan struct{}), byAddr: map[netip.AddrPort]*udpPair{}}
	r.hub = hub
	r.initRules(cfg, r.stop)
	r.pairs = map[uint64]relayPair{}
	return r
}

// Start binds the local socket.
func (r *UDPRelay) Start() (err error) {
	if !r.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer func() {
		if err != nil {
			r.started.Store(false)
		}
	}()
	up, err := net.ResolveUDPAddr("udp", r.cfg.Remote)
	if err != nil {
		return wrapErr("connect", r.cfg.Remote, err)
	}
	r.upstream = up
	pc, err := net.ListenPacket(listenNetwork("udp", r.cfg.Local), r.cfg.Local)
	if err != nil {
		return wrapErr("bind", r.cfg.Local, err)
	}
	r.pc = pc.(*net.UDPConn)
	r.pc.SetReadBuffer(8 << 20)
	r.pc.SetWriteBuffer(4 << 20)
	r.hub.Record(Event{Kind: EvOpen, Detail: r.pc.LocalAddr().String()})
	r.wg.Add(2)
	go r.readLoop()
	go r.expireLoop()
	return nil
}

// LocalAddr is where the relay is bound.
func (r *UDPRelay) LocalAddr() string {
	if r.pc == nil {
		return ""
	}
	return r.pc.LocalAddr().String()
}

// Done is closed once Close has ended the relay.
func (r *UDPRelay) Done() <-chan struct{} { return r.done }

// SetDropRate makes direction d lose pct percent of its datagrams, at
// random (a fault on demand); 0 loses none.
func (r *UDPRelay) SetDropRate(d Dir, pct float64) {
	r.dropRate[d].Store(uint64(max(0, min(pct, 100)) * 100))
}

// dropped tells whether the drop-rate fault takes this datagram.
func (r *UDPRelay) dropped(d Dir) bool {
	rate := r.dropRate[d].Load()
	return rate > 0 && rand.Uint64N(10000) < rate
}

func (r *UDPRelay) idle() time.Duration {
	if r.cfg.UDPIdle > 0 {
		return r.cfg.UDPIdle
	}
	return DefaultUDPIdle
}

func (r *UDPRelay) readLoop() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, from, err := r.pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // an ICMP error for an earlier datagram to a client
		}
		p := r.pairFor(from)
		if p == nil {
			continue
		}
		at := time.Now() // after the pair's connect events, which the view orders by time
		p.touch(at)
		p.cnt[0].addRx(n)
		p.pass(ClientToServer, buf[:n], at)
	}
}

// pairFor finds or makes the pair of a client address.
func (r *UDPRelay) pairFor(from netip.AddrPort) *udpPair {
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pairs == nil {
		return nil
	}
	if p, ok := r.byAddr[from]; ok {
		return p
	}
	up, err := net.DialUDP("udp", nil, r.upstream)
	id := r.hub.NextConn()
	peers := [2]string{from.String(), r.cfg.Remote}
	r.hub.Record(Event{Kind: EvConnect, Conn: id, Peer: peers[0], Leg: LegClient})
	if err != nil {
		r.hub.Record(Event{Kind: EvError, Conn: id, Peer: peers[1], Leg: LegServer}.withErr(wrapErr("connect", r.cfg.Remote, err)))
		r.hub.Record(Event{Kind: EvDisconnect, Conn: id, Peer: peers[0], Leg: LegClient, Detail: ReasonError})
		return nil
	}
	up.SetReadBuffer(4 << 20)
	p := &udpPair{r: r, id: id, opened: time.Now(), client: from, up: up, peers: peers}
	p.touch(p.opened)
	for _, d := range []Dir{ClientToServer, ServerToClient} {
		src, dst := legIndex(d.srcLeg()), legIndex(d.dstLeg())
		rd := &relayDir{core: &r.relayCore, d: d, pairID: id, srcPeer: peers[src], dstPeer: peers[dst],
			srcCnt: &p.cnt[src], dstCnt: &p.cnt[dst], wg: &r.wg}
		if d == ClientToServer {
			rd.write = up.Write
		} else {
			rd.write = func(b []byte) (int, error) { return r.pc.WriteToUDPAddrPort(b, from) }
		}
		dd := d
		rd.onWriteErr = func(err error) { p.sendFailed(dd, err) }
		p.dirs[d] = rd
	}
	p.dirs[0].back, p.dirs[1].back = p.dirs[1], p.dirs[0] // ruleAfter stays nil: no close actions on UDP
	r.byAddr[from] = p
	r.pairs[id] = p
	r.version.Add(1)
	r.hub.Record(Event{Kind: EvConnect, Conn: id, Peer: peers[1], Leg: LegServer, Detail: up.LocalAddr().String()})
	r.wg.Add(1)
	go p.readLoop()
	return p
}

// expireLoop ends pairs that were idle for longer than the idle time.
func (r *UDPRelay) expireLoop() {
	defer r.wg.Done()
	every := min(max(r.idle()/4, 10*time.Millisecond), 5*time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case now := <-t.C:
			for _, p := range r.list() {
				up := p.(*udpPair)
				if now.Sub(time.Unix(0, up.last.Load())) >= r.idle() {
					up.end("idle")
				}
			}
		}
	}
}

// Close ends every pair and unbinds.
func (r *UDPRelay) Close() error {
	if !r.started.Load() || r.pc == nil {
		return nil
	}
	if err := r.pc.Close(); errors.Is(err, net.ErrClosed) {
		return nil
	}
	close(r.stop)
	for _, p := range r.list() {
		p.(*udpPair).end(ReasonLocal)
	}
	r.mu.Lock()
	r.pairs = nil
	r.mu.Unlock()
	r.wg.Wait()
	r.version.Add(1)
	r.hub.Record(Event{Kind: EvClose})
	r.doneOnce.Do(func() { close(r.done) })
	return nil
}

// ResetCounters zeroes the session's counters and every pair's.
func (r *UDPRelay) ResetCounters() {
	r.hub.Counters.Reset()
	for _, p := range r.list() {
		up := p.(*udpPair)
		up.cnt[0].Reset()
		up.cnt[1].Reset()
	}
}

// udpPair is a client address and the socket that speaks for it upstream.
type udpPair struct {
	r      *UDPRelay
	id     uint64
	opened time.Time
	client netip.AddrPort
	up     *net.UDPConn
	peers  [2]string
	cnt    [2]Counters
	dirs   [2]*relayDir
	last   atomic.Int64 // unix nanoseconds of the last datagram either way
	ended  atomic.Bool
}

func (p *udpPair) touch(at time.Time)  { p.last.Store(at.UnixNano()) }
func (p *udpPair) dir(d Dir) *relayDir { return p.dirs[d] }

func (p *udpPair) info() PairInfo {
	st := "open"
	if p.ended.Load() {
		st = "closed"
	}
	return PairInfo{ID: p.id, Client: p.peers[0], Upstream: p.peers[1], Opened: p.opened, State: st,
		Client2: p.cnt[0].Snapshot(), Server: p.cnt[1].Snapshot(),
		Held: [2]int{p.dirs[0].heldCount(), p.dirs[1].heldCount()}}
}

// pass applies the drop-rate fault, then passes or holds the datagram
// (which records it as received).
func (p *udpPair) pass(d Dir, b []byte, at time.Time) {
	if p.r.dropped(d) {
		rd := p.dirs[d]
		p.r.hub.Record(Event{Time: at, Kind: EvRx, Conn: p.id, Peer: rd.srcPeer, Leg: d.srcLeg(), Data: b})
		p.r.hub.Record(Event{Kind: EvInfo, Conn: p.id, Peer: rd.srcPeer, Leg: d.srcLeg(), Detail: InfoFaultDrop})
		return
	}
	p.dirs[d].arrived(b, at)
}

func (p *udpPair) readLoop() {
	defer p.r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, err := p.up.Read(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || p.ended.Load() {
				return
			}
			// The upstream's port is closed (ICMP): say so on the pair, and
			// keep the socket, as the server may come back.
			p.r.hub.Record(Event{Kind: EvError, Conn: p.id, Peer: p.peers[1], Leg: LegServer}.withErr(wrapErr("send", p.peers[1], err)))
			continue
		}
		at := time.Now()
		p.touch(at)
		p.cnt[1].addRx(n)
		p.pass(ServerToClient, buf[:n], at)
	}
}

// sendFailed reports a datagram that could not be sent; the pair stays.
func (p *udpPair) sendFailed(d Dir, err error) {
	peer := p.dirs[d].dstPeer
	p.r.hub.Record(Event{Kind: EvError, Conn: p.id, Peer: peer, Leg: d.dstLeg()}.withErr(wrapErr("send", peer, err)))
}

// errNoHalfClose: UDP has no FIN to send.
var errNoHalfClose = &OpError{Code: CodeNetwork, Op: "shutdown"}

func (p *udpPair) halfClose(string) error { return errNoHalfClose }

// reset forgets the pair: its upstream socket is closed, and the client's
// next datagram makes a new pair.
func (p *udpPair) reset(string) error {
	p.end(ReasonLocal)
	return nil
}

func (p *udpPair) end(reason string) {
	if !p.ended.CompareAndSwap(false, true) {
		return
	}
	for _, rd := range p.dirs {
		rd.shut()
	}
	p.up.Close()
	r := p.r
	r.mu.Lock()
	if r.pairs != nil {
		delete(r.pairs, p.id)
	}
	delete(r.byAddr, p.client)
	r.mu.Unlock()
	r.version.Add(1)
	r.hub.Record(Event{Kind: EvDisconnect, Conn: p.id, Peer: p.peers[1], Leg: LegServer, Detail: reason})
	r.hub.Record(Event{Kind: EvDisconnect, Conn: p.id, Peer: p.peers[0], Leg: LegClient, Detail: reason})
}
