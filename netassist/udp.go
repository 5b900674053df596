package netassist

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// MaxDatagram is the largest UDP payload over IPv4 (65,535 − 8 − 20).
const MaxDatagram = 65507

// UDP is a bound UDP socket: every datagram is one event, in and out.
type UDP struct {
	cfg Config
	hub *Hub
	ruleHolder
	stop    chan struct{} // closed by Close before it waits: ends a rule's wait
	started atomic.Bool
	closed  atomic.Bool
	wg      sync.WaitGroup
	pc      *net.UDPConn

	mu         sync.Mutex
	lastSender *net.UDPAddr
	groups     []Membership

	doneOnce sync.Once
	done     chan struct{} // closed by Close; made on first use
}

// NewUDP makes a UDP session that will bind cfg.Local.
func NewUDP(cfg Config, hub *Hub) *UDP {
	u := &UDP{cfg: cfg, hub: hub, stop: make(chan struct{})}
	u.SetRules(cfg.Rules)
	return u
}

func (u *UDP) Hub() *Hub { return u.hub }

// Start binds the socket with broadcast allowed and a large receive buffer,
// so bursts are not lost in the kernel.
func (u *UDP) Start() (err error) {
	if !u.started.CompareAndSwap(false, true) {
		return ErrStarted
	}
	defer func() {
		if err != nil {
			u.started.Store(false) // a failed Start may be tried again
		}
	}()
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) { serr = setBroadcast(fd) }); err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(context.Background(), listenNetwork("udp", u.cfg.Local), u.cfg.Local)
	if err != nil {
		return wrapErr("bind", u.cfg.Local, err)
	}
	u.pc = pc.(*net.UDPConn)
	u.pc.SetReadBuffer(8 << 20)
	u.pc.SetWriteBuffer(4 << 20)
	u.hub.Record(Event{Kind: EvOpen, Detail: u.pc.LocalAddr().String()})
	for _, g := range u.cfg.Groups {
		if err := u.JoinGroup(g, u.cfg.Iface); err != nil {
			u.pc.Close()
			u.pc = nil
			u.hub.Record(Event{Kind: EvClose})
			return err
		}
	}
	u.wg.Add(1)
	go u.readLoop()
	return nil
}

// LocalAddr is the bound address.
func (u *UDP) LocalAddr() string {
	if u.pc == nil {
		return ""
	}
	return u.pc.LocalAddr().String()
}

func (u *UDP) readLoop() {
	defer u.wg.Done()
	// 64 KiB holds any datagram but IPv6 jumbograms, so none is cut short.
	buf := make([]byte, 64<<10)
	for {
		n, from, err := u.pc.ReadFromUDP(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) || u.closed.Load() {
				return
			}
			// Windows reports an earlier send's ICMP "port unreachable"
			// here; it is news for the user, not the end of the socket.
			u.hub.Record(Event{Kind: EvError, Detail: wrapErr("receive", u.LocalAddr(), err).Error()})
			time.Sleep(time.Millisecond)
			continue
		}
		u.mu.Lock()
		u.lastSender = from
		u.mu.Unlock()
		peer := from.String()
		u.hub.Record(Event{Kind: EvRx, Peer: peer, Data: buf[:n]})
		if set := u.active(); set != nil {
			u.answerDatagram(set, buf[:n], peer, from)
		}
	}
}

// LastSender is the address of the last datagram's sender, or "".
func (u *UDP) LastSender() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.lastSender == nil {
		return ""
	}
	return u.lastSender.String()
}

// SendTo sends one datagram to addr ("host:port"); names are resolved.
func (u *UDP) SendTo(addr string, data []byte) error {
	if u.pc == nil || u.closed.Load() {
		return &OpError{Code: CodeClosed, Op: "send", Addr: addr}
	}
	if len(data) > MaxDatagram {
		return &OpError{Code: CodeTooLarge, Op: "send", Addr: addr}
	}
	if err := CheckHostPort(addr, true); err != nil {
		return err
	}
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return wrapErr("send", addr, err)
	}
	return u.send(ua, data)
}

// ReplyLast sends one datagram to whoever sent the last one.
func (u *UDP) ReplyLast(data []byte) error {
	u.mu.Lock()
	to := u.lastSender
	u.mu.Unlock()
	if to == nil {
		return &OpError{Code: CodeNotConnected, Op: "send"}
	}
	if len(data) > MaxDatagram {
		return &OpError{Code: CodeTooLarge, Op: "send", Addr: to.String()}
	}
	return u.send(to, data)
}

func (u *UDP) send(to *net.UDPAddr, data []byte) error { return u.sendAs(to, data, "") }

// sendAs sends one datagram; rule names the rule whose reply it is.
func (u *UDP) sendAs(to *net.UDPAddr, data []byte, rule string) error {
	if len(data) > MaxDatagram {
		return &OpError{Code: CodeTooLarge, Op: "send", Addr: to.String()}
	}
	at := time.Now() // before the write, as for TCP
	n, err := u.pc.WriteToUDP(data, to)
	if err != nil {
		if (errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM)) && isBroadcast(to.IP) {
			return &OpError{Code: CodeBroadcastDeny, Op: "send", Addr: to.String(), Err: err}
		}
		if errors.Is(err, syscall.EMSGSIZE) {
			return &OpError{Code: CodeTooLarge, Op: "send", Addr: to.String(), Err: err}
		}
		return wrapErr("send", to.String(), err)
	}
	u.hub.Record(Event{Time: at, Kind: EvTx, Peer: to.String(), Data: data[:n], Rule: rule})
	return nil
}

func isBroadcast(ip net.IP) bool {
	ip4 := ip.To4()
	if ip4 == nil {
		return false
	}
	if ip4.Equal(net.IPv4bcast) {
		return true
	}
	for _, b := range BroadcastAddrs() {
		if b.Addr == ip4.String() {
			return true
		}
	}
	return false
}

// Close closes the socket and waits for the read loop.
func (u *UDP) Close() error {
	if u.pc == nil || !u.closed.CompareAndSwap(false, true) {
		return nil
	}
	if u.stop != nil { // nil when not made by NewUDP
		close(u.stop)
	}
	err := u.pc.Close()
	u.wg.Wait()
	u.hub.Record(Event{Kind: EvClose})
	close(u.doneCh())
	return err
}

// Done is closed once Close has ended the session.
func (u *UDP) Done() <-chan struct{} { return u.doneCh() }

func (u *UDP) doneCh() chan struct{} {
	u.doneOnce.Do(func() { u.done = make(chan struct{}) })
	return u.done
}

// ConnCount is 0: UDP has no connections.
func (u *UDP) ConnCount() int { return 0 }

// ResetCounters zeroes the session's counters.
func (u *UDP) ResetCounters() { u.hub.Counters.Reset() }

// SendConns sends one datagram to Config.Remote (UDP has no connections,
// so ids are not used).
func (u *UDP) SendConns(_ []uint64, data []byte) error {
	if u.cfg.Remote == "" {
		return &OpError{Code: CodeNotConnected, Op: "send"}
	}
	return u.SendTo(u.cfg.Remote, data)
}
