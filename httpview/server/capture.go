package server

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"netassist/httpview"
)

// capture cuts one connection's read stream and write stream into messages
// with httpview.FrameLength and hands them to exchanges.
//
// Pairing relies on how net/http serves a connection: one request at a
// time, the response of request k completely written before request k+1's
// handler starts. So complete requests queue up (pipelined ones are read
// ahead) and are claimed in order by handlers, while the bytes written
// between two handler starts are the earlier handler's response. A response
// written with no handler running is net/http answering by itself (431, 400,
// OPTIONS *): it gets an exchange of its own.
type capture struct {
	st   *store
	id   uint64
	peer string

	mu      sync.Mutex
	rx, tx  []byte    // bytes not cut into messages yet
	rxStart time.Time // arrival of rx[0]
	rxLost  bool      // a request outgrew MaxRaw: the read stream is out of step for good
	reqs    []message // complete requests no handler has claimed yet
	waitReq uint64    // the running handler's exchange, still waiting for its raw request

	owner       uint64 // exchange whose response is being written; 0 for none
	ownerMethod string
	ownerBytes  int64  // bytes written for owner so far
	interim     []byte // 1xx responses, kept to prefix the final one
	rawTx       bool   // verbatim reply: the owner's response is whatever is written, unframed
	txOver      bool   // the owner's response outgrew MaxRaw: bytes are counted, not kept
	hijacked    bool   // no handler will run on this connection any more
	closed      bool

	// tunnel is the exchange whose 101 Switching Protocols made the
	// connection a tunnel (a WebSocket through the reverse proxy): what
	// crosses it afterwards is not HTTP, and goes on that exchange's raw
	// request and response as it came, like its upstream leg.
	tunnel         uint64
	tunRx, tunTx   []byte // the exchange's raw request and response; only appended to
	tunRxN, tunTxN int64  // bytes of each, kept or not

	// The last request and response kept, shared by the next message
	// that is the same bytes (see keep).
	lastReq, lastResp []byte
}

type message struct {
	raw       []byte
	size      int64
	truncated bool
	start     time.Time
}

const maxQueued = 256 // complete requests waiting for a handler; net/http reads only 4 KiB ahead

func newCapture(st *store, id uint64, peer string) *capture {
	return &capture{st: st, id: id, peer: peer}
}

func (c *capture) onRx(p []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	if c.tunnel != 0 {
		c.tunRx = c.tunnelAdd(c.tunRx, &c.tunRxN, p, true)
		return
	}
	if c.rxLost {
		return
	}
	if len(c.rx) == 0 {
		// A read usually holds whole requests: frame them where they are
		// and keep only the rest.
		c.rxStart = now
		n := c.cutRequests(p, now, false)
		c.rx = append(c.rx, p[n:]...)
	} else {
		c.rx = append(c.rx, p...)
		c.rx = shift(c.rx, c.cutRequests(c.rx, now, false))
	}
	c.rxOverflow(now)
}

// cutRx takes every complete request off rx; eof frames what is left.
func (c *capture) cutRx(now time.Time, eof bool) {
	c.rx = shift(c.rx, c.cutRequests(c.rx, now, eof))
	c.rxOverflow(now)
}

// cutRequests hands on every complete request at the start of b (rx, or
// bytes just read when rx is empty) and returns how many bytes they took.
func (c *capture) cutRequests(b []byte, now time.Time, eof bool) int {
	off := 0
	for off < len(b) {
		n, ok := httpview.FrameLength(b[off:], true, "", eof)
		if !ok {
			break
		}
		m := message{raw: c.keep(b[off:off+n], &c.lastReq, &c.st.lastReq), size: int64(n), truncated: n > MaxRaw, start: c.rxStart}
		c.gotRequest(m, now)
		off += n
		c.rxStart = now
	}
	return off
}

// rxOverflow gives up on a request that outgrew MaxRaw.
func (c *capture) rxOverflow(now time.Time) {
	if len(c.rx) > MaxRaw {
		// Only a body the handler reads can get here (net/http discards at
		// most 256 KiB of an unread one, and the manual handler closes the
		// connection after a body it did not read whole), so the
		// connection ends after this request and losing step is harmless.
		c.gotRequest(newMessage(c.rx, c.rxStart), now)
		c.rx, c.rxLost = nil, true
	}
}

func newMessage(b []byte, start time.Time) message {
	m := message{size: int64(len(b)), start: start}
	if len(b) > MaxRaw {
		b, m.truncated = b[:MaxRaw], true
	}
	m.raw = bytes.Clone(b)
	return m
}

// keepShared is the largest message keep shares: an idle keep-alive
// connection pins at most twice this.
const keepShared = 4 << 10

// keep returns a copy of b (at most MaxRaw bytes) for an exchange, or *last
// when that holds the same bytes. A client polling one URL sends the same
// request again and again and gets the same answer (until its Date
// changes): sharing them, instead of a copy per request, was half of what
// the server allocated under wrk, and the GC cycles it cost showed in the
// tail latency. Exchanges never modify their raw bytes, so sharing is safe.
//
// The same goes across connections (shared, the server's last): a client
// that connects for each request (ab, siege) sends the same request on
// each, and gets the same answer within a second.
func (c *capture) keep(b []byte, last *[]byte, shared *atomic.Pointer[[]byte]) []byte {
	if len(b) <= keepShared {
		if len(b) == len(*last) && bytes.Equal(b, *last) {
			return *last
		}
		if p := shared.Load(); p != nil && len(*p) == len(b) && bytes.Equal(*p, b) {
			*last = *p
			return *p
		}
	}
	cp := bytes.Clone(b[:min(len(b), MaxRaw)])
	if len(cp) <= keepShared {
		*last = cp
		shared.Store(&cp)
	}
	return cp
}

// shift drops the first n bytes of b, keeping its storage unless it grew big.
func shift(b []byte, n int) []byte {
	if n == 0 {
		return b
	}
	rest := copy(b, b[n:])
	if rest == 0 && cap(b) > 64<<10 {
		return nil
	}
	return b[:rest]
}

func (c *capture) gotRequest(m message, now time.Time) {
	if len(bytes.TrimSpace(m.raw)) == 0 && !m.truncated {
		return // stray CRLFs between messages
	}
	switch {
	case c.waitReq != 0:
		id := c.waitReq
		c.waitReq = 0
		c.st.update(id, func(e *Exchange) {
			e.RawRequest = m.raw
			e.Truncated = e.Truncated || m.truncated
		})
	case c.hijacked:
		c.orphanRequest(m, FailTakenOver)
	case len(c.reqs) < maxQueued:
		c.reqs = append(c.reqs, m)
	default:
		c.orphanRequest(m, FailTooMany)
	}
}

// popRequest takes the oldest queued request, moving the rest down so the
// queue keeps its storage instead of allocating anew for every request.
func (c *capture) popRequest() message {
	m := c.reqs[0]
	n := copy(c.reqs, c.reqs[1:])
	c.reqs[n] = message{}
	c.reqs = c.reqs[:n]
	return m
}

// orphanRequest lists a request that no handler answered.
func (c *capture) orphanRequest(m message, why FailWhy) {
	method, target := requestLine(m.raw)
	c.st.add(Exchange{Conn: c.id, Client: c.peer, Start: m.start, Method: method, Target: target,
		RawRequest: m.raw, Truncated: m.truncated, State: StateFailed, Note: why.note(nil), FailWhy: why})
}

// begin is called when a handler starts; it lists the exchange and makes it
// the owner of what is written next.
func (c *capture) begin(r *http.Request, now time.Time) uint64 {
	return c.beginRequest(r.Method, r.RequestURI, now)
}

// beginRequest is begin for a request the fast lane answers.
func (c *capture) beginRequest(method, target string, now time.Time) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.held(len(c.tx)) // runs before the unlock
	c.endResponse(now)      // whatever was written so far belongs to the one before
	e := Exchange{Conn: c.id, Client: c.peer, Start: now, Method: method, Target: target}
	wait := false
	switch {
	case len(c.reqs) > 0:
		m := c.popRequest()
		e.RawRequest, e.Truncated, e.Start = m.raw, m.truncated, m.start
	case c.rxLost:
		e.Note = "raw request not captured: an earlier message on this connection was larger than 1 MiB"
	default:
		wait = true
		if len(c.rx) > 0 {
			e.Start = c.rxStart
		}
	}
	id := c.st.add(e)
	if wait {
		c.waitReq = id
	}
	c.owner, c.ownerMethod = id, method
	return id
}

func (c *capture) onTx(p []byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.held(len(c.tx)) // runs before the unlock
	if c.closed {
		return
	}
	if c.tunnel != 0 {
		c.tunTx = c.tunnelAdd(c.tunTx, &c.tunTxN, p, false)
		return
	}
	if c.txOver {
		c.ownerBytes += int64(len(p))
		n := c.ownerBytes
		c.st.update(c.owner, func(e *Exchange) { e.Bytes = n })
		return
	}
	if c.owner != 0 && !c.rawTx && c.st.txHeld.Load() > MaxTxHeld {
		// Many responses are being written slowly at once (a slow-read
		// attack): keep what this one has so far and only count the rest.
		c.tx = append(c.tx, p...)
		c.overflowTx(now)
		return
	}
	switch {
	case c.rawTx:
		c.tx = append(c.tx, p...)
	case len(c.tx) == 0:
		// A write usually holds whole responses: frame them where they
		// are and keep only the rest.
		n := c.cutResponses(p, now, false)
		c.tx = append(c.tx, p[n:]...)
	default:
		c.tx = append(c.tx, p...)
		c.cutTx(now, false)
	}
	if len(c.tx) > MaxRaw {
		c.overflowTx(now)
	}
}

// cutTx takes every complete response off tx; eof frames what is left.
func (c *capture) cutTx(now time.Time, eof bool) {
	c.tx = shift(c.tx, c.cutResponses(c.tx, now, eof))
}

// cutResponses hands on every complete response at the start of b (tx, or
// bytes just written when tx is empty) and returns how many bytes they took.
func (c *capture) cutResponses(b []byte, now time.Time, eof bool) int {
	off := 0
	for off < len(b) {
		n, ok := httpview.FrameLength(b[off:], false, c.ownerMethod, eof)
		if !ok {
			break
		}
		msg := b[off : off+n]
		off += n
		st := httpview.StatusCode(msg)
		if st >= 100 && st < 200 && st != http.StatusSwitchingProtocols {
			c.interim = append(c.interim, msg...)
			continue
		}
		c.finishResponse(msg, false, now, st)
		if c.tunnel != 0 {
			// What follows the 101 in this write is the tunnel's already.
			c.tunTx = c.tunnelAdd(c.tunTx, &c.tunTxN, b[off:], false)
			return len(b)
		}
	}
	return off
}

// finishResponse gives one complete response (after any interim ones) to
// the owner, or to an exchange of its own when no handler wrote it. msg
// may be the caller's buffer: what is kept is a copy. status is
// httpview.StatusCode(msg) when the caller has it, else -1.
func (c *capture) finishResponse(msg []byte, truncated bool, now time.Time, status int) {
	raw := msg
	if len(c.interim) > 0 {
		raw = append(c.interim, msg...)
		status = -1
	}
	c.interim = nil
	size := int64(len(raw))
	if len(raw) > MaxRaw {
		raw, truncated = raw[:MaxRaw], true
		status = -1
	}
	raw = c.keep(raw, &c.lastResp, &c.st.lastResp)
	if status < 200 {
		status = httpview.StatusCode(raw)
		for status >= 100 && status < 200 && len(raw) > 0 {
			// skip interim responses to read the final status
			n, ok := httpview.FrameLength(raw, false, "", true)
			if !ok || n >= len(raw) {
				break
			}
			status = httpview.StatusCode(raw[n:])
		}
	}
	if c.owner == 0 {
		c.orphanResponse(raw, size, truncated, status, now)
		return
	}
	id := c.owner
	c.owner, c.ownerBytes, c.rawTx = 0, 0, false
	if status == http.StatusSwitchingProtocols && !truncated {
		c.startTunnel(id, raw, size)
	}
	c.st.update(id, func(e *Exchange) {
		e.RawResponse, e.Bytes, e.Status = raw, size, status
		e.Truncated = e.Truncated || truncated
		e.Duration = now.Sub(e.Start)
		if e.State == StateServing || e.State == StatePending {
			e.State = StateAnswered
		}
	})
}

// startTunnel makes the connection a tunnel after exchange id's 101
// response: the request and the 101 start the raw bytes the tunnel's
// traffic is appended to. Requests already read after the upgrade one
// were the tunnel's first bytes.
func (c *capture) startTunnel(id uint64, resp []byte, size int64) {
	c.tunnel = id
	c.tunTx, c.tunTxN = append([]byte(nil), resp...), size
	c.st.update(id, func(e *Exchange) {
		c.tunRx, c.tunRxN = append([]byte(nil), e.RawRequest...), int64(len(e.RawRequest))
	})
	for _, m := range c.reqs {
		c.tunRx = c.tunnelAdd(c.tunRx, &c.tunRxN, m.raw, true)
	}
	c.reqs = nil
	if len(c.rx) > 0 {
		c.tunRx = c.tunnelAdd(c.tunRx, &c.tunRxN, c.rx, true)
		c.rx = c.rx[:0]
	}
	c.hijacked = true // no handler runs on it any more
}

// tunnelAdd appends p to one side of the tunnel's exchange (at most MaxRaw
// kept, the rest counted) and shows it there. The exchange gets the
// bytes so far by a capped slice: they are never changed, only appended
// after, so no copy is needed.
func (c *capture) tunnelAdd(buf []byte, n *int64, p []byte, rx bool) []byte {
	*n += int64(len(p))
	over := len(buf)+len(p) > MaxRaw
	buf = append(buf, p[:min(len(p), max(MaxRaw-len(buf), 0))]...)
	shown, total := buf[:len(buf):len(buf)], *n
	c.st.update(c.tunnel, func(e *Exchange) {
		if rx {
			e.RawRequest = shown
		} else {
			e.RawResponse, e.Bytes = shown, total
		}
		e.Truncated = e.Truncated || over
	})
	return buf
}

// orphanResponse lists a response net/http sent without a handler, paired
// with the request it answers: the next queued one, else whatever was read.
func (c *capture) orphanResponse(raw []byte, size int64, truncated bool, status int, now time.Time) {
	var m message
	switch {
	case len(c.reqs) > 0:
		m = c.popRequest()
	case len(c.rx) > 0:
		m = newMessage(c.rx, c.rxStart)
		c.rx, c.rxLost = nil, true // the connection is closing; its read stream is no longer framed
	default:
		m.start = now
	}
	method, target := requestLine(m.raw)
	c.st.add(Exchange{Conn: c.id, Client: c.peer, Start: m.start, Method: method, Target: target,
		Status: status, Bytes: size, Duration: now.Sub(m.start),
		RawRequest: m.raw, RawResponse: raw, Truncated: truncated || m.truncated,
		State: StateAnswered, Note: "answered by net/http itself: the request did not reach a handler"})
}

// overflowTx keeps the first MaxRaw bytes of an over-long response and only
// counts the rest, up to the next handler start or the end of the connection.
func (c *capture) overflowTx(now time.Time) {
	if c.owner == 0 {
		c.finishResponse(c.tx, true, now, -1)
		c.tx = nil
		return
	}
	raw := append(c.interim, c.tx...)
	c.interim, c.tx = nil, nil
	c.ownerBytes = int64(len(raw))
	raw = bytes.Clone(raw[:min(len(raw), MaxRaw)])
	status, n := httpview.StatusCode(raw), c.ownerBytes
	c.txOver = true
	c.st.update(c.owner, func(e *Exchange) {
		e.RawResponse, e.Status, e.Bytes, e.Truncated = raw, status, n, true
	})
}

// endResponse closes the response slot of the owner: an unframed or
// over-long response ends where the next handler starts or the connection
// ends.
func (c *capture) endResponse(now time.Time) {
	switch {
	case c.txOver:
		id, n := c.owner, c.ownerBytes
		c.st.update(id, func(e *Exchange) {
			e.Bytes = n
			e.Duration = now.Sub(e.Start)
			if e.State == StateServing || e.State == StatePending {
				e.State = StateAnswered
			}
		})
	case len(c.tx) > 0 || len(c.interim) > 0:
		c.finishResponse(c.tx, false, now, -1)
	}
	c.tx, c.txOver, c.owner, c.ownerBytes, c.rawTx, c.interim = c.tx[:0], false, 0, 0, false, nil
}

// verbatim makes everything written from now on the owner's response as is.
func (c *capture) verbatim() {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.held(len(c.tx)) // runs before the unlock
	c.rawTx, c.hijacked = true, true
	for _, m := range c.reqs {
		c.orphanRequest(m, FailTakenOver)
	}
	c.reqs = nil
}

// endVerbatim ends the verbatim response once its bytes are written.
func (c *capture) endVerbatim(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.held(len(c.tx)) // runs before the unlock
	c.endResponse(now)
}

// onClose frames what is left with eof and settles every exchange of the
// connection.
func (c *capture) onClose(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.held(len(c.tx)) // runs before the unlock
	if c.closed {
		return
	}
	if !c.rxLost {
		c.cutRx(now, true)
	}
	if !c.txOver && !c.rawTx {
		c.cutTx(now, true)
	}
	c.endResponse(now)
	for _, m := range c.reqs {
		c.orphanRequest(m, FailNoResponse)
	}
	c.reqs = nil
	c.closed = true
	c.lastReq, c.lastResp = nil, nil
}

// readAhead is how many bytes past the head of the request being read
// have arrived with it; 0 when the read stream is no longer framed.
func (c *capture) readAhead() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := headEnd(c.rx); n >= 0 && !c.rxLost {
		return len(c.rx) - n
	}
	return 0
}

// lineUnended reports whether the request being read has not finished
// its request line.
func (c *capture) lineUnended() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	rest := bytes.TrimLeft(c.rx, "\r\n")
	return !c.rxLost && len(rest) > 0 && bytes.IndexByte(rest, '\n') < 0
}

// fail marks an exchange that ends without a response; a response already
// on its way wins.
func (c *capture) fail(id uint64, why FailWhy, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.update(id, func(e *Exchange) {
		if e.State == StateServing || e.State == StatePending {
			e.State, e.FailWhy, e.FailErr = StateFailed, why, err
			if why != FailUpstream { // upFailed wrote the upstream's note
				e.Note = why.note(err)
			}
			e.Deadline = time.Time{}
		}
	})
}

// requestLine reads method and target from a request start line, bounded
// so that garbage cannot make a huge list entry.
func requestLine(b []byte) (method, target string) {
	b = bytes.TrimLeft(b, "\r\n")
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if len(line) > 8<<10 {
		line = line[:8<<10]
	}
	f := strings.Fields(strings.ToValidUTF8(string(line), "\uFFFD"))
	if len(f) > 0 {
		method = f[0]
		if len(method) > 32 {
			method = method[:32]
		}
	}
	if len(f) > 1 {
		target = f[1]
	}
	return method, target
}

// MaxTxHeld bounds the response bytes all connections together hold while
// their responses are still being written; past it, responses are counted
// but no longer kept whole.
const MaxTxHeld = 32 << 20

// held adds the change in this connection's unframed response bytes to the
// server-wide total; deferred by the methods that change c.tx.
func (c *capture) held(before int) { c.st.txHeld.Add(int64(len(c.tx) - before)) }
