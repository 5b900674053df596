package server

import (
	"bytes"
	"errors"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// The fast lane answers the commonest request of all, a plain GET or HEAD
// of a small file of the served folder that the file cache holds, without
// net/http: parsing it into an http.Request, its header maps, response
// writer and background read cost more than twice what the answer itself
// does. The bytes still go through the capturing conn, so the raw views,
// the request list and --save see exactly what crossed the socket.
//
// It is deliberately narrow. Anything else on a connection, or a request
// that has not arrived whole in what was read, hands the connection with
// the bytes read so far to net/http, which then serves it to the end as
// before: ranges and conditional requests, folders, errors, manual mode,
// bodies, odd or oversized headers and slow clients all keep net/http's
// handling. HTTP/1.0 and "Connection: close" are the fast lane's (ab and
// siege send them): a connection that asked to close is closed after its
// answer; if the client sent more after that request, it is half-closed
// first, as net/http does, and closed when the client closes or after
// closeLinger.

// fastMaxHead is the longest request head the fast lane reads itself.
const fastMaxHead = 4 << 10

// closeLinger is how long a connection that asked to close stays open,
// half-closed, for the client to read the answer and close first: a close
// with unread bytes would send a reset that can destroy the answer in
// flight. net/http waits as long (its rstAvoidanceDelay).
const closeLinger = 500 * time.Millisecond

// fastLane serves c until it ends or needs net/http. Runs on its own
// goroutine, counted in s.handlers. unsent is the rest of a response the
// event loop could not write at once, read what it had read after that
// response's request: both come first; closing says that response's
// request asked to close.
func (s *Server) fastLane(c *conn, l *listener, unsent, read []byte, closing bool) {
	defer s.handlers.Done()
	wait := s.readHeaderTimeout
	if len(unsent) > 0 {
		if _, err := c.Write(unsent); err != nil {
			c.Close()
			return
		}
		wait = s.idleTimeout
	}
	if closing {
		lingerClose(c)
		return
	}
	buf := append(make([]byte, 0, fastMaxHead), read...)
	var out []byte // the response being written, reused
	for {
		for len(buf) > 0 {
			used, closing, ok := s.fastServe(c, buf, &out, writeOrClose)
			if !ok {
				l.handOver(c, buf)
				return
			}
			if closing {
				if len(buf) > used {
					lingerClose(c) // closed now, the unread bytes would reset it
				} else {
					c.Close() // nothing unread: closed at once, as nginx does
				}
				return
			}
			if cap(out) > 64<<10 {
				out = nil // a thousand idle keep-alives must not each hold a big file
			}
			buf = buf[:copy(buf, buf[used:])]
		}
		if wait > 0 {
			_ = c.SetReadDeadline(time.Now().Add(wait))
		}
		n, err := c.Read(buf[:cap(buf)])
		buf = buf[:n]
		if err != nil {
			if len(buf) > 0 && !errors.Is(err, net.ErrClosed) {
				l.handOver(c, buf) // net/http answers or times out what came
				return
			}
			c.Close() // an idle connection ended or timed out, as net/http would
			return
		}
		wait = s.idleTimeout
	}
}

// lingerClose half-closes c and closes it once the client has closed, or
// after closeLinger; what the client still sends is read (and captured),
// not answered.
func lingerClose(c *conn) {
	if err := c.CloseWrite(); err == nil {
		_ = c.SetReadDeadline(time.Now().Add(closeLinger))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				break
			}
		}
	}
	c.Close()
}

// writeOrClose sends a response from a connection's own goroutine; a
// failed write closes it, and the lane's next read ends the lane.
func writeOrClose(c *conn, resp []byte) {
	if _, err := c.Write(resp); err != nil {
		c.Close()
	}
}

// fastServe answers the request at the start of b and says how many bytes
// it took; ok is false when net/http must do it (nothing was written then).
// closing says the request asked to close: the caller closes c once the
// answer is out (with lingerClose when more was read), and answers
// nothing after it.
// out is scratch space for the response: the capture and the recorder copy
// what they keep. send writes the response.
func (s *Server) fastServe(c *conn, b []byte, out *[]byte, send func(*conn, []byte)) (used int, closing, ok bool) {
	if s.activeRules() != nil {
		return 0, false, false // rules answer first, in net/http's handler
	}
	req, used, ok := parseSimpleRequest(b)
	if !ok {
		return 0, false, false
	}
	if s.proxy != nil {
		if req.http10 || req.close {
			return 0, false, false // the proxy's fast lane keeps its connections
		}
		return used, false, s.fastProxy(c, b, req, used)
	}
	resp, ok := s.fastResponse(req, (*out)[:0])
	if !ok {
		return 0, false, false
	}
	*out = resp
	s.mu.Lock()
	closed := s.closed // the lane itself is counted in s.handlers
	s.mu.Unlock()
	if closed {
		return 0, false, false
	}
	s.fastServed.Add(1)
	c.cap.beginRequest(req.method, req.target, time.Now())
	send(c, resp)
	return used, req.close, true
}

// simpleRequest is a request the fast lane may answer.
type simpleRequest struct {
	method, target string
	http10         bool // HTTP/1.0: the answer says HTTP/1.0 and which way the connection goes
	close          bool // the connection closes after the answer
}

// parseSimpleRequest reads a complete request head at the start of b that
// the fast lane can answer; anything unusual, or a head not complete in b,
// is not ok.
func parseSimpleRequest(b []byte) (r simpleRequest, used int, ok bool) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return r, 0, false
	}
	head := b[:end+2] // each line ends with CRLF
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	method, line, _ := bytes.Cut(line, []byte(" "))
	target, proto, _ := bytes.Cut(line, []byte(" "))
	if (string(method) != http.MethodGet && string(method) != http.MethodHead) || !simpleTarget(target) {
		return r, 0, false
	}
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.http10 = true
	default:
		return r, 0, false
	}
	hosts, conns := 0, 0
	keepAlive := false
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found || len(name) == 0 || !tokenBytes(name) || !fieldValue(value) {
			return r, 0, false
		}
		switch strings.ToLower(string(name)) {
		case "host":
			hosts++
			if len(bytes.TrimSpace(value)) == 0 {
				return r, 0, false
			}
		case "connection":
			conns++
			switch v := string(bytes.TrimSpace(value)); {
			case strings.EqualFold(v, "keep-alive"):
				keepAlive = true
			case strings.EqualFold(v, "close"):
				r.close = true
			default:
				return r, 0, false
			}
		case "content-length", "transfer-encoding", "expect", "upgrade", "range", "if-range",
			"if-modified-since", "if-unmodified-since", "if-none-match", "if-match", "trailer", "te":
			return r, 0, false
		}
	}
	// HTTP/1.1 needs its Host (net/http answers 400 without); HTTP/1.0
	// may go without. One Connection field: net/http reads a list.
	if hosts > 1 || hosts == 0 && !r.http10 || conns > 1 {
		return r, 0, false
	}
	if r.http10 && !keepAlive {
		r.close = true // HTTP/1.0 closes unless asked to keep the connection
	}
	r.method, r.target = string(method), string(target)
	return r, end + 4, true
}

// simpleTarget accepts an origin-form path of unreserved characters and
// slashes: no query, no percent-encoding, nothing that needs decoding.
func simpleTarget(t []byte) bool {
	if len(t) == 0 || t[0] != '/' {
		return false
	}
	for _, c := range t {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '/', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

func tokenBytes(b []byte) bool {
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

func fieldValue(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// fastResponse appends the whole response to r to b when serveStatic would
// serve a regular file from the cache with a plain 200; otherwise ok is
// false.
// The header fields are those net/http and its ServeContent send, in
// their order (the test compares the two byte for byte).
func (s *Server) fastResponse(r simpleRequest, b []byte) (resp []byte, ok bool) {
	if s.files == nil || s.cfg.Manual || s.embedded {
		return nil, false
	}
	name, code := cleanPath(r.target, s.cfg.ShowDotfiles)
	if code != 0 {
		return nil, false
	}
	if strings.HasSuffix(r.target, "/") {
		name = indexOf(name)
	}
	fi, err := fs.Stat(s.fsys, name)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	data, ok := s.files.content(s.root, name, fi)
	if !ok {
		return nil, false
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(data[:min(len(data), 512)])
	}
	if r.http10 {
		b = append(b, "HTTP/1.0"...)
	} else {
		b = append(b, "HTTP/1.1"...)
	}
	b = append(b, " 200 OK\r\nAccept-Ranges: bytes\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, "\r\nContent-Type: "...)
	b = append(b, ctype...)
	b = append(b, "\r\nEtag: "...)
	b = appendETag(b, fi)
	if mt := fi.ModTime(); !mt.IsZero() && !mt.Equal(time.Unix(0, 0)) {
		b = append(b, "\r\nLast-Modified: "...)
		b = appendHTTPTime(b, mt, &lastModified)
	}
	b = append(b, "\r\nDate: "...) // net/http adds it after the handler's fields
	b = appendHTTPTime(b, time.Now(), &lastDate)
	switch { // net/http says which way the connection goes, after Date (HTTP/1.0 closes unsaid)
	case r.http10 && !r.close:
		b = append(b, "\r\nConnection: keep-alive"...)
	case r.close && !r.http10:
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\n\r\n"...)
	if r.method == http.MethodGet {
		b = append(b, data...)
	}
	return b, true
}
