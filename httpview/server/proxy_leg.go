package server

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"netassist/netassist"
)

// upLeg is the proxy↔upstream leg of one exchange: the bytes sent upstream
// and received back while the exchange had the connection.
type upLeg struct {
	upstream  string // the upstream's host:port, for Exchange.Upstream
	mu        sync.Mutex
	conn      uint64
	req, resp []byte // at most MaxRaw each
	over      bool   // a message outgrew MaxRaw
	sealed    bool   // the exchange ended: its slices belong to it now
}

func (l *upLeg) setConn(id uint64) {
	l.mu.Lock()
	l.conn = id
	l.mu.Unlock()
}

// add appends p to dst (at most MaxRaw kept) and says how many bytes it kept.
func (l *upLeg) add(dst *[]byte, p []byte) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sealed {
		return 0
	}
	room := MaxRaw - len(*dst)
	if len(p) > room {
		p, l.over = p[:max(room, 0)], true
	}
	*dst = append(*dst, p...)
	return len(p)
}

// unadd takes back the last n bytes add kept, which were not sent after all.
func (l *upLeg) unadd(dst *[]byte, n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.sealed && n > 0 && n <= len(*dst) {
		*dst = (*dst)[:len(*dst)-n]
	}
}

// seal ends the leg and hands its bytes to e, without copying.
func (l *upLeg) seal(e *Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sealed = true
	l.put(e, false)
}

// publish shows the leg so far in e (a copy: the leg may still grow).
func (l *upLeg) publish(e *Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.put(e, true)
}

func (l *upLeg) put(e *Exchange, clone bool) {
	req, resp := l.req, l.resp
	e.Upstream = l.upstream
	if clone {
		req, resp = append([]byte(nil), req...), append([]byte(nil), resp...)
	}
	if len(req) > 0 || l.conn != 0 {
		e.UpConn, e.UpRequest, e.UpResponse = l.conn, req, resp
		e.UpStatus = upStatus(resp)
		e.Truncated = e.Truncated || l.over
	}
}

// upConn is a connection to the upstream that reports every byte to the
// Recorder (a connection of the session like a client's, Peer the
// upstream) and to the leg of the exchange that is using it.
type upConn struct {
	net.Conn
	s    *Server
	id   uint64
	peer string
	leg  atomic.Pointer[upLeg]

	reason    atomic.Value // string: how the upstream ended it
	closeOnce sync.Once
}

// UpstreamDetail is the Detail of the connect event of an upstream leg's
// connection, so a saved session tells it from a client's.
const UpstreamDetail = "upstream"

func (s *Server) newUpConn(nc net.Conn, addr string) *upConn {
	uc := &upConn{Conn: nc, s: s, id: s.connID(), peer: addr}
	if ra := nc.RemoteAddr(); ra != nil {
		uc.peer = ra.String()
	}
	s.rec.Record(netassist.Event{Time: time.Now(), Session: s.cfg.Session, Kind: netassist.EvConnect,
		Conn: uc.id, Peer: uc.peer, Detail: UpstreamDetail})
	return uc
}

func (uc *upConn) record(kind netassist.EventKind, data []byte, detail string) {
	uc.s.rec.Record(netassist.Event{Time: time.Now(), Session: uc.s.cfg.Session, Kind: kind,
		Conn: uc.id, Peer: uc.peer, Data: data, Detail: detail})
}

func (uc *upConn) Read(p []byte) (int, error) {
	n, err := uc.Conn.Read(p)
	if n > 0 {
		uc.record(netassist.EvRx, p[:n], "")
		if l := uc.leg.Load(); l != nil {
			l.add(&l.resp, p[:n])
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		uc.reason.CompareAndSwap(nil, netassist.ReasonFIN)
	case errors.Is(err, syscall.ECONNRESET):
		uc.reason.CompareAndSwap(nil, netassist.ReasonRST)
	}
	return n, err
}

func (uc *upConn) Write(p []byte) (int, error) {
	// The leg gets the bytes before they go: the answer can be read (and
	// a 101's exchange shown) before this write returns.
	l := uc.leg.Load()
	kept := 0
	if l != nil {
		kept = l.add(&l.req, p)
	}
	n, err := uc.Conn.Write(p)
	if l != nil && n < kept {
		l.unadd(&l.req, kept-n)
	}
	if n > 0 {
		uc.record(netassist.EvTx, p[:n], "")
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		uc.reason.CompareAndSwap(nil, netassist.ReasonRST)
	}
	return n, err
}

func (uc *upConn) Close() error {
	err := net.ErrClosed
	uc.closeOnce.Do(func() {
		err = uc.Conn.Close()
		reason, _ := uc.reason.Load().(string)
		if reason == "" {
			reason = netassist.ReasonLocal
		}
		uc.record(netassist.EvDisconnect, nil, reason)
	})
	return err
}
