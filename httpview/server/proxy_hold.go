package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"strings"
	"time"
)

// Holding in reverse proxy mode: a request waits before it goes upstream,
// a response before it goes back, with the same parking as manual mode.
// The user then forwards it (a request possibly edited), answers it by
// hand with Respond (in place of the upstream, or of its response), or
// drops it with Drop.

type answerKind uint8

const (
	answerReply   answerKind = iota // Respond: the user's answer goes to the client
	answerForward                   // Forward: pass on
	answerDrop                      // Drop: 502, or close the connection
)

// ReplyBadRequest: an edited request cannot be read as an HTTP request.
const ReplyBadRequest = "bad_request"

var (
	// ErrNotHeld is returned by Forward and Drop for an exchange that the
	// reverse proxy does not hold (a manual mode request is answered with
	// Respond).
	ErrNotHeld = errors.New("http server: the exchange is not held by the reverse proxy")
	// ErrEditResponse is returned by Forward given an edited response: an
	// edited response is sent with Respond.
	ErrEditResponse = errors.New("http server: send an edited response with Respond")
)

// Forward passes the held exchange id on: a held request goes upstream,
// as it came when edited is nil, else as edited (a whole request as typed,
// with its Content-Length set to the edited body's length); a held
// response goes to the client as the upstream sent it (edited must be
// nil). An edited request that cannot be read is refused with a
// *ReplyError and keeps waiting.
func (s *Server) Forward(id uint64, edited []byte) error {
	var req *http.Request
	s.mu.Lock()
	p := s.pending[id]
	s.mu.Unlock()
	if p != nil && p.held == HeldResponse && edited != nil {
		return ErrEditResponse
	}
	if edited != nil {
		r, err := parseEditedRequest(edited)
		if err != nil {
			return err
		}
		req = r
	}
	return s.decide(id, answer{kind: answerForward, edited: req})
}

// Drop ends the held exchange id without passing it on: the client gets
// 502, or with closeConn its connection is closed with no answer.
func (s *Server) Drop(id uint64, closeConn bool) error {
	return s.decide(id, answer{kind: answerDrop, close: closeConn})
}

func (s *Server) decide(id uint64, a answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[id]
	switch {
	case p == nil:
		return ErrNotPending
	case p.held == HeldNone:
		return ErrNotHeld
	case p.held == HeldResponse && a.edited != nil:
		return ErrEditResponse
	}
	delete(s.pending, id)
	p.answer <- a
	return nil
}

// holdEnd is how a hold ended.
type holdEnd uint8

const (
	holdDecided  holdEnd = iota // the user decided: see the answer
	holdTimedOut                // nobody did in time; the exchange says so, the caller sends 504
	holdGone                    // the client or the server went away; the exchange says so
)

// hold parks exchange id until the user decides, the hold times out, the
// client goes away (ctx ends) or the server closes.
func (s *Server) hold(r *http.Request, c *conn, id uint64, held Held) (answer, holdEnd) {
	p := &parked{answer: make(chan answer, 1), held: held}
	deadline := time.Now().Add(s.cfg.Timeout)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.cap.fail(id, FailHeldServerClosed, nil)
		return answer{}, holdGone
	}
	s.pending[id] = p
	s.mu.Unlock()
	s.store.update(id, func(e *Exchange) {
		e.Held, e.State, e.Deadline = held, StatePending, deadline
	})
	timer := time.NewTimer(s.cfg.Timeout)
	defer timer.Stop()
	var a answer
	select {
	case a = <-p.answer:
	case <-timer.C:
		if s.unpark(id) {
			s.store.update(id, func(e *Exchange) {
				e.State, e.Deadline, e.Held = StateTimedOut, time.Time{}, HeldNone
				e.Note = "nobody passed it on within " + s.cfg.Timeout.String() + ": sent 504"
			})
			return answer{}, holdTimedOut
		}
		a = <-p.answer
	case <-r.Context().Done():
		if s.unpark(id) {
			s.store.update(id, func(e *Exchange) { e.Held = HeldNone })
			c.cap.fail(id, FailHeldClientClosed, nil)
			return answer{}, holdGone
		}
		a = <-p.answer
	case <-s.done:
		s.unpark(id)
		s.store.update(id, func(e *Exchange) { e.Held = HeldNone })
		c.cap.fail(id, FailHeldServerClosed, nil)
		return answer{}, holdGone
	}
	s.store.update(id, func(e *Exchange) {
		e.Deadline, e.Held = time.Time{}, HeldNone
		if e.State == StatePending {
			e.State = StateServing
		}
		switch {
		case a.kind == answerReply && held == HeldRequest:
			e.Note = "answered by hand; nothing went upstream"
		case a.kind == answerReply:
			e.Note = "the upstream's response was replaced by a hand-written one"
		case a.kind == answerForward && a.edited != nil:
			e.Note = "edited by hand before it went upstream"
		case a.kind == answerDrop:
			e.Note = "dropped by hand"
		}
	})
	return a, holdDecided
}

// holdRequest reads the request's body and holds it. It returns the
// request to forward (the edited one, if so), or false when the exchange
// was answered here.
func (s *Server) holdRequest(w http.ResponseWriter, r *http.Request, c *conn, id uint64) (*http.Request, bool) {
	if r.ContentLength > s.maxBody {
		s.bodyLeft(w, r, c, id, r.ContentLength-int64(c.cap.readAhead()))
		return nil, false
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(r.Body, s.maxBody+1))
		if err != nil {
			s.bodyFailed(w, c, id, err, 0)
			return nil, false
		}
		if int64(len(b)) > s.maxBody {
			s.bodyLeft(w, r, c, id, BodyLeftUnknown)
			return nil, false
		}
		body = b
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // the wait is not the client being slow
	a, end := s.hold(r, c, id, HeldRequest)
	switch end {
	case holdTimedOut:
		errorPage(w, http.StatusGatewayTimeout)
		return nil, false
	case holdGone:
		panic(http.ErrAbortHandler)
	}
	switch a.kind {
	case answerReply:
		s.writeAnswer(w, c, id, a)
		return nil, false
	case answerDrop:
		s.drop(w, c, id, a.close)
		return nil, false
	}
	if a.edited == nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) == 0 {
			r.Body = http.NoBody
		}
		return r, true
	}
	er := a.edited.WithContext(r.Context())
	er.RemoteAddr, er.TLS = r.RemoteAddr, r.TLS
	return er, true
}

// holdResponse reads the upstream's response body and holds the response.
// nil lets it go on to the client; errHeld makes onError write what was
// decided instead.
func (s *Server) holdResponse(resp *http.Response, fl *flight) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxBody+1))
	if err != nil {
		return err
	}
	if int64(len(body)) > s.maxBody {
		// Too big to hold in memory: it goes on as it comes.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		fl.cut = true
		return nil
	}
	resp.Body.Close()
	s.store.update(fl.id, fl.leg.publish)
	a, end := s.hold(resp.Request, fl.c, fl.id, HeldResponse)
	switch end {
	case holdTimedOut:
		fl.timeout = true
		return errHeld
	case holdGone:
		panic(http.ErrAbortHandler)
	}
	if a.kind == answerForward {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		fl.cut = true
		return nil
	}
	fl.held = &a
	return errHeld
}

// finishHeldResponse writes what was decided for a held response.
func (s *Server) finishHeldResponse(w http.ResponseWriter, r *http.Request, fl *flight) {
	switch {
	case fl.timeout:
		errorPage(w, http.StatusGatewayTimeout)
	case fl.held.kind == answerDrop:
		s.drop(w, fl.c, fl.id, fl.held.close)
	default:
		s.writeAnswer(w, fl.c, fl.id, *fl.held)
	}
}

// writeAnswer sends a hand-written answer as manual mode does.
func (s *Server) writeAnswer(w http.ResponseWriter, c *conn, id uint64, a answer) {
	if a.reply.Verbatim {
		s.writeVerbatim(w, c, id, a.reply)
		return
	}
	if err := writeTyped(w, http.NewResponseController(w), a); err != nil {
		c.cap.fail(id, FailReplyNotSent, err)
	}
}

// drop answers 502, or closes the connection with no answer.
func (s *Server) drop(w http.ResponseWriter, c *conn, id uint64, closeConn bool) {
	if closeConn {
		c.cap.fail(id, FailDroppedClosed, nil)
		panic(http.ErrAbortHandler)
	}
	errorPageText(w, http.StatusBadGateway, "NetAssist 的用户丢弃了这个请求。The NetAssist user dropped this request.")
}

type readCloser struct {
	io.Reader
	io.Closer
}

// parseEditedRequest reads a request as the user typed it: request line,
// headers, a blank line, the body. Content-Length is set to the body's
// length; a chunked body is decoded and sent with its length.
func parseEditedRequest(raw []byte) (*http.Request, error) {
	head, body := splitTyped(raw)
	h := strings.TrimRight(string(head), "\r\n")
	lines := strings.Split(h, "\n")
	if strings.TrimSpace(lines[0]) == "" {
		return nil, &ReplyError{Code: ReplyBadRequest, Line: 1}
	}
	if re := checkHeaderLines(lines[1:]); re != nil {
		return nil, re
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(h + "\r\n\r\n")))
	if err != nil {
		return nil, &ReplyError{Code: ReplyBadRequest, Line: 1, Text: strings.TrimSuffix(lines[0], "\r")}
	}
	if len(req.TransferEncoding) > 0 {
		data, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
		if err != nil {
			return nil, &ReplyError{Code: ReplyBadChunked, Line: len(lines) + 2}
		}
		body = data
	}
	req.Header.Del("Content-Length")
	req.Header.Del("Transfer-Encoding")
	req.TransferEncoding = nil
	req.ContentLength = int64(len(body))
	req.Body = http.NoBody
	if len(body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return req, nil
}
