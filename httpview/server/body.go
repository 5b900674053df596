package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"netassist/netassist"
)

// MaxBody is how much of one request body the server reads before it
// answers, so that what a client sends (a refused PUT, an upload in manual
// mode) is in the capture and in --save. A body declared longer is refused
// with 413 unread; a chunked one that grows past it gets 413 there. Either
// way an error event and the request list say how many bytes were left
// unread.
const MaxBody = 64 << 20

// BodyLeftUnknown in Exchange.BodyLeft: a chunked body was cut off, so how
// much more the client meant to send is not known.
const BodyLeftUnknown = -1

// readBody reads r's body, up to MaxBody, before the answer is written. It
// reports false when it has answered itself (413: the body is over the
// bound) and the handler must not write. refused is the status the
// handler answers whatever the body holds (405), or 0: a body that is
// malformed or late then still gets that answer, as nginx gives it.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, c *conn, id uint64, refused int) bool {
	if r.ContentLength > s.maxBody {
		// Nothing of the body has been asked for: only what arrived with
		// the head was read.
		ahead := c.cap.readAhead()
		s.bodyLeft(w, r, c, id, r.ContentLength-int64(ahead))
		return false
	}
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	if r.ContentLength != 0 && expectsContinue(r) && refused != 0 {
		// The client waits for "100 Continue" before it sends the body;
		// a refusal then costs it nothing and loses nothing.
		return true
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, s.maxBody+1))
	if err != nil {
		s.bodyFailed(w, c, id, err, refused)
		return false
	}
	if n > s.maxBody {
		s.bodyLeft(w, r, c, id, BodyLeftUnknown)
		return false
	}
	return true
}

func expectsContinue(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("Expect")), "100-continue")
}

// bodyLeft answers 413, closes the connection after it (the unread rest
// cannot be told from a next request) and says what was left unread: in
// an error event that --save keeps, and in the exchange.
func (s *Server) bodyLeft(w http.ResponseWriter, r *http.Request, c *conn, id uint64, left int64) {
	detail := fmt.Sprintf("request body not read: %d bytes left unread (declared %d, over the %d-byte bound); answered 413 and closed the connection",
		left, r.ContentLength, s.maxBody)
	if left == BodyLeftUnknown {
		detail = fmt.Sprintf("request body not read past the %d-byte bound: the rest of the chunked body was left unread; answered 413 and closed the connection", s.maxBody)
	}
	s.record(netassist.EvError, c, nil, detail, time.Now())
	s.store.update(id, func(e *Exchange) { e.BodyLeft = left })
	w.Header().Set("Connection", "close")
	errorPage(w, http.StatusRequestEntityTooLarge)
}

// bodyFailed answers a body that could not be read whole as nginx does:
// the refusal when there is one, else 408 when it did not arrive in time
// and 400 when its chunked framing is broken; a client that went away
// gets nothing. The connection closes after the answer.
func (s *Server) bodyFailed(w http.ResponseWriter, c *conn, id uint64, err error, refused int) {
	var ne net.Error
	code := http.StatusBadRequest
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		code = http.StatusRequestTimeout
		if refused != 0 {
			code = refused
		}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.As(err, &ne),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed):
		c.cap.fail(id, FailBodyLost, err)
		panic(http.ErrAbortHandler)
	}
	if refused != 0 {
		code = refused
	}
	w.Header().Set("Connection", "close")
	errorPage(w, code)
}

// headEnd is the length of the message head at the start of b (through
// its blank line), or -1 when b does not hold all of it.
func headEnd(b []byte) int {
	crlf, lf := bytes.Index(b, []byte("\r\n\r\n")), bytes.Index(b, []byte("\n\n"))
	switch {
	case crlf >= 0 && (lf < 0 || crlf < lf):
		return crlf + 4
	case lf >= 0:
		return lf + 2
	}
	return -1
}
