package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"netassist/httpview"
)

// The reverse proxy's fast lane forwards the commonest request, a plain
// GET or HEAD that the folder's fast lane would also take (parseSimpleRequest),
// on the lane's own goroutine: it writes the request to an idle upstream
// connection and reads the answer itself. httputil.ReverseProxy with
// net/http's Transport hands every request to two more goroutines (the
// connection's write and read loops) and builds header maps both ways;
// under wrk that was more than half of what the proxy cost.
//
// Both legs are captured exactly as on the standard path: the client's
// bytes by the capturing conn, the upstream's by upConn into the
// exchange's upLeg. The lane does what ReverseProxy does to the messages:
// Host becomes the upstream's, X-Forwarded-For/-Host/-Proto are set, and
// hop-by-hop fields are dropped both ways. The response's other header
// lines go back as the upstream wrote them (ReverseProxy's header map
// writes them sorted), a chunked body stays chunked as it came.
//
// Anything it does not expect (an upstream that refuses, closes or resets
// before a whole answer, a 1xx, a head it cannot read) ends the lane
// before anything went to the client: the connection goes to net/http
// with the request, which is then forwarded the standard way and fails
// or succeeds there, with the standard error pages. GET and HEAD are
// idempotent, as for the Transport's own retry of a request that met a
// closed keep-alive connection.

// fastRespMax is the largest response the lane reads whole before
// writing; a longer one with a Content-Length streams the rest, any other
// longer one goes the standard way.
const fastRespMax = 256 << 10

// fastUpIdle bounds the idle upstream connections the lane keeps.
const fastUpIdle = 256

// fastUp is an upstream connection of the lane.
type fastUp struct {
	uc  *upConn
	buf []byte // read buffer, reused
}

// upPool keeps the lane's idle upstream connections.
type upPool struct {
	mu     sync.Mutex
	idle   []*fastUp
	closed bool
}

func (p *upPool) get() *fastUp {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		u := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		return u
	}
	return nil
}

func (p *upPool) put(u *fastUp) {
	p.mu.Lock()
	if p.closed || len(p.idle) >= fastUpIdle {
		p.mu.Unlock()
		u.uc.Close()
		return
	}
	p.idle = append(p.idle, u)
	p.mu.Unlock()
}

func (p *upPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, u := range idle {
		u.uc.Close()
	}
}

// fastOK reports whether the lane may forward for this proxy: a plain
// http upstream without a path or query of its own (the request's target
// goes upstream as it is) and no holding.
func (px *proxy) fastOK() bool {
	t := px.target
	return t.Scheme == "http" && (t.Path == "" || t.Path == "/") && t.RawQuery == "" && t.User == nil &&
		!px.s.cfg.HoldRequests && !px.s.cfg.HoldResponses
}

// fastProxy forwards the request r, whose head is b[:used]; ok is false
// when net/http must do it (nothing went to the client then).
func (s *Server) fastProxy(c *conn, b []byte, r simpleRequest, used int) bool {
	px := s.proxy
	out, ok := px.upRequest(b[:used], r, c.peer)
	if !ok {
		return false
	}
	var (
		u                    *fastUp
		leg                  *upLeg
		resp                 []byte
		rest                 int64
		upClose, clientClose bool
	)
	// An idle connection the upstream closed meanwhile fails before any
	// answer: one new connection is tried then, as the Transport does.
	for attempt := 0; ; attempt++ {
		u = px.fast.get()
		reused := u != nil
		if !reused {
			ctx, cancel := context.WithTimeout(context.Background(), upstreamDial)
			nc, err := px.dial(ctx, "tcp", px.target.Host)
			cancel()
			if err != nil {
				return false
			}
			u = &fastUp{uc: nc.(*upConn)}
		}
		leg = &upLeg{upstream: px.target.Host}
		u.uc.leg.Store(leg)
		leg.setConn(u.uc.id)
		var err error
		resp, rest, upClose, clientClose, err = px.fastRoundTrip(u, out, r.method)
		if err == nil {
			break
		}
		u.uc.Close()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// Trying again the standard way would make the client wait
			// twice as long for the same 504.
			return s.fastGatewayTimeout(c, r, leg, err)
		}
		if !reused || !errors.Is(err, errStale) || attempt > 0 {
			return false
		}
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		u.uc.Close()
		return false
	}
	s.fastServed.Add(1)
	id := c.cap.beginRequest(r.method, r.target, time.Now())
	// The leg is sealed into the exchange before the answer's last bytes
	// go to the client: the exchange shows as done once they went, and by
	// then it must have both legs.
	sealed := false
	seal := func() {
		if !sealed {
			sealed = true
			u.uc.leg.Store(nil)
			s.store.update(id, leg.seal)
		}
	}
	if rest == 0 {
		seal()
	}
	_, werr := c.Write(resp)
	if werr == nil && rest > 0 {
		// The rest of a long body, as it comes.
		_ = u.uc.SetReadDeadline(time.Time{})
		if cerr := s.fastCopyRest(c, u, rest, seal); cerr != nil {
			upClose = true
			if !errors.Is(cerr, errClientWrite) {
				// The head went out: the client's connection is cut, as
				// the standard path does (UpCutShort).
				s.upFailed(c, id, UpCutShort, nil)
				c.cap.fail(id, FailUpstream, nil)
			}
			werr = cerr
		}
	}
	seal()
	if upClose {
		u.uc.Close()
	} else {
		_ = u.uc.SetDeadline(time.Time{})
		px.fast.put(u)
	}
	if werr != nil || clientClose {
		c.Close() // the next read ends the lane
	}
	return true
}

// errClientWrite is a long body's copy that stopped because the client's
// connection failed, not the upstream's.
var errClientWrite = errors.New("client write failed")

// fastCopyRest copies the last n body bytes of a long answer from u to c,
// calling last before it writes the final piece.
func (s *Server) fastCopyRest(c *conn, u *fastUp, n int64, last func()) error {
	buf := make([]byte, min(n, 32<<10))
	for n > 0 {
		m, rerr := u.uc.Read(buf[:min(n, int64(len(buf)))])
		n -= int64(m)
		if n == 0 {
			last()
		}
		if m > 0 {
			if _, werr := c.Write(buf[:m]); werr != nil {
				return errClientWrite
			}
		}
		if rerr != nil && n > 0 {
			if rerr == io.EOF {
				rerr = io.ErrUnexpectedEOF
			}
			return rerr
		}
	}
	return nil
}

// fastGatewayTimeout answers 504 when the upstream did not answer in
// time, as the standard path's onError does.
func (s *Server) fastGatewayTimeout(c *conn, r simpleRequest, leg *upLeg, err error) bool {
	id := c.cap.beginRequest(r.method, r.target, time.Now())
	s.fastServed.Add(1)
	s.upFailed(c, id, UpTimeout, err)
	var page pageWriter
	errorPageText(&page, UpTimeout.status(), UpTimeout.pageText())
	if _, werr := c.Write(page.bytes(r.method)); werr != nil {
		c.Close()
	}
	s.store.update(id, leg.seal)
	return true
}

// pageWriter keeps what a handler writes, to send it as raw bytes.
type pageWriter struct {
	h    http.Header
	code int
	body []byte
}

func (w *pageWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *pageWriter) WriteHeader(code int)        { w.code = code }
func (w *pageWriter) Write(p []byte) (int, error) { w.body = append(w.body, p...); return len(p), nil }

// bytes is the response as net/http would write it (no body for HEAD).
func (w *pageWriter) bytes(method string) []byte {
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(w.code) + " " + http.StatusText(w.code) + "\r\n")
	w.Header().Set("Date", time.Now().UTC().Format(http.TimeFormat))
	_ = w.h.Write(&b)
	b.WriteString("\r\n")
	if method != http.MethodHead {
		b.Write(w.body)
	}
	return b.Bytes()
}

// upRequest is the request head to send upstream: the client's head with
// the upstream's Host, without hop-by-hop fields, and with the
// X-Forwarded fields ReverseProxy's SetXForwarded sets.
func (px *proxy) upRequest(head []byte, r simpleRequest, peer string) ([]byte, bool) {
	ip, _, err := net.SplitHostPort(peer)
	if err != nil {
		return nil, false
	}
	out := make([]byte, 0, len(head)+128)
	out = append(out, r.method...)
	out = append(out, ' ')
	out = append(out, r.target...)
	out = append(out, " HTTP/1.1\r\nHost: "...)
	out = append(out, px.target.Host...)
	out = append(out, "\r\n"...)
	_, rest, _ := bytes.Cut(head, []byte("\r\n"))
	var host, prior []byte
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch strings.ToLower(string(name)) {
		case "host":
			host = value
			continue
		case "x-forwarded-for":
			if len(prior) > 0 {
				prior = append(prior, ", "...)
			}
			prior = append(prior, value...)
			continue
		case "x-forwarded-host", "x-forwarded-proto", "te", "trailer", "transfer-encoding":
			continue // set below, or framing of a body a GET/HEAD does not have
		}
		if hopByHop(string(name)) {
			continue
		}
		out = append(out, line...)
		out = append(out, "\r\n"...)
	}
	out = append(out, "X-Forwarded-For: "...)
	if len(prior) > 0 {
		out = append(out, prior...)
		out = append(out, ", "...)
	}
	out = append(out, ip...)
	out = append(out, "\r\nX-Forwarded-Host: "...)
	out = append(out, host...)
	out = append(out, "\r\nX-Forwarded-Proto: http\r\n\r\n"...)
	return out, true
}

// errFastLane is an answer the lane leaves to the standard path; errStale
// an upstream connection that ended before a byte of the answer came.
var (
	errFastLane = errors.New("not for the fast lane")
	errStale    = errors.New("upstream connection ended before answering")
)

// fastRoundTrip sends req on u and reads the response: resp is what goes
// to the client (the head rewritten, and the body or its first part),
// rest how many body bytes are still to be copied from u; upClose says u
// cannot be used again, clientClose that the client's connection must
// end after the response (its body ends where the upstream closed).
func (px *proxy) fastRoundTrip(u *fastUp, req []byte, method string) (resp []byte, rest int64, upClose, clientClose bool, err error) {
	_ = u.uc.SetDeadline(time.Now().Add(px.s.upstreamHeaders))
	if _, err = u.uc.Write(req); err != nil {
		return nil, 0, true, false, err
	}
	if u.buf == nil {
		u.buf = make([]byte, 0, 4<<10)
	}
	raw := u.buf[:0]
	defer func() {
		if cap(raw) <= 64<<10 {
			u.buf = raw[:0]
		} else {
			u.buf = nil // one big answer must not stay pinned by an idle connection
		}
	}()
	eof := false
	for {
		n, ok := httpview.FrameLength(raw, false, method, eof)
		if ok && n > 0 {
			if eof && !closeDelimited(raw) {
				return nil, 0, true, false, io.ErrUnexpectedEOF // cut short
			}
			if n != len(raw) {
				return nil, 0, true, false, errFastLane // bytes after the answer: not an answer we know
			}
			resp, upClose, err = rewriteResponse(raw, eof)
			return resp, 0, upClose || eof, eof, err
		}
		if eof {
			return nil, 0, true, false, io.ErrUnexpectedEOF
		}
		if len(raw) >= fastRespMax {
			resp, rest, err = longResponse(raw, method)
			if err != nil {
				return nil, 0, true, false, err
			}
			resp, upClose, err = rewriteResponse(resp, false)
			return resp, rest, upClose, false, err
		}
		if len(raw) == cap(raw) {
			raw = append(raw, make([]byte, min(cap(raw), fastRespMax))...)[:len(raw)]
		}
		m, rerr := u.uc.Read(raw[len(raw):cap(raw)])
		raw = raw[:len(raw)+m]
		switch {
		case rerr == nil:
		case errors.Is(rerr, io.EOF) && len(raw) > 0:
			eof = true // a body that ends where the upstream closes
		case len(raw) == 0 && (errors.Is(rerr, io.EOF) || errors.Is(rerr, syscall.ECONNRESET)):
			return nil, 0, true, false, errStale
		default:
			return nil, 0, true, false, rerr
		}
	}
}

// longResponse takes the head and the first body bytes of a response
// longer than fastRespMax: only one with a Content-Length can stream the
// rest.
func longResponse(raw []byte, method string) (resp []byte, rest int64, err error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 || method == http.MethodHead {
		return nil, 0, errFastLane
	}
	cl := int64(-1)
	lines := raw[:end+2]
	for len(lines) > 0 {
		var line []byte
		line, lines, _ = bytes.Cut(lines, []byte("\r\n"))
		name, value, _ := bytes.Cut(line, []byte(":"))
		switch strings.ToLower(string(name)) {
		case "content-length":
			if cl >= 0 {
				return nil, 0, errFastLane
			}
			if cl, err = strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64); err != nil || cl < 0 {
				return nil, 0, errFastLane
			}
		case "transfer-encoding":
			return nil, 0, errFastLane
		}
	}
	body := int64(len(raw) - end - 4)
	if cl < body {
		return nil, 0, errFastLane
	}
	return raw, cl - body, nil
}

// closeDelimited reports whether raw is a whole head whose body, having
// neither a Content-Length nor a Transfer-Encoding, ends where the
// upstream closes.
func closeDelimited(raw []byte) bool {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return false
	}
	for l := raw[:end+2]; len(l) > 0; {
		var h []byte
		h, l, _ = bytes.Cut(l, []byte("\r\n"))
		name, _, _ := bytes.Cut(h, []byte(":"))
		switch strings.ToLower(string(name)) {
		case "content-length", "transfer-encoding":
			return false
		}
	}
	return true
}

// rewriteResponse drops the hop-by-hop fields of a final response's head
// (and the fields its Connection names) and adds Date when the upstream
// sent none, as net/http would; closeDelimited adds "Connection: close"
// for a body that ends where the upstream closed. upClose says the
// upstream closes after it. A 1xx, or a head it cannot read, is left to
// the standard path.
func rewriteResponse(raw []byte, closeDelimited bool) (out []byte, upClose bool, err error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, true, errFastLane
	}
	line, rest, _ := bytes.Cut(raw[:end+2], []byte("\r\n"))
	proto, _, _ := bytes.Cut(line, []byte(" "))
	st := httpview.StatusCode(raw)
	if st < 200 || st > 999 || (string(proto) != "HTTP/1.1" && string(proto) != "HTTP/1.0") {
		return nil, true, errFastLane
	}
	upClose = string(proto) == "HTTP/1.0"
	// The fields Connection names are hop-by-hop too.
	var named []string
	for l := rest; len(l) > 0; {
		var h []byte
		h, l, _ = bytes.Cut(l, []byte("\r\n"))
		name, value, _ := bytes.Cut(h, []byte(":"))
		if strings.EqualFold(string(name), "connection") {
			for _, tok := range strings.Split(string(value), ",") {
				tok = strings.ToLower(strings.TrimSpace(tok))
				switch tok {
				case "close":
					upClose = true
				case "keep-alive":
					if string(proto) == "HTTP/1.0" {
						upClose = false
					}
				}
				named = append(named, tok)
			}
		}
	}
	out = make([]byte, 0, len(raw)+64)
	out = append(out, "HTTP/1.1"...)
	out = append(out, line[len(proto):]...)
	out = append(out, "\r\n"...)
	date := false
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		if len(h) == 0 {
			continue
		}
		if h[0] == ' ' || h[0] == '\t' {
			return nil, true, errFastLane // obs-fold: net/http's parser decides
		}
		name, _, found := bytes.Cut(h, []byte(":"))
		if !found {
			return nil, true, errFastLane
		}
		lname := strings.ToLower(string(name))
		if lname == "date" {
			date = true
		}
		if hopByHop(lname) || slices.Contains(named, lname) {
			continue
		}
		out = append(out, h...)
		out = append(out, "\r\n"...)
	}
	if !date {
		out = append(out, "Date: "...)
		out = time.Now().UTC().AppendFormat(out, http.TimeFormat)
		out = append(out, "\r\n"...)
	}
	if closeDelimited {
		out = append(out, "Connection: close\r\n"...)
	}
	out = append(out, "\r\n"...)
	out = append(out, raw[end+4:]...)
	return out, upClose, nil
}

// hopByHop says whether a header field (lower case) belongs to one
// connection and is dropped both ways, as ReverseProxy drops it. The body's
// framing fields are not here: a response keeps its own.
func hopByHop(name string) bool {
	switch strings.ToLower(name) {
	case "connection", "proxy-connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "upgrade":
		return true
	}
	return false
}
