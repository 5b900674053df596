package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// Reply is a hand-written answer to a held request.
type Reply struct {
	// Raw is status line, headers, blank line and body as typed, escapes
	// already decoded. Bare LF line endings are accepted.
	Raw []byte

	// Verbatim sends Raw exactly as it is, malformed or not, on the
	// hijacked connection. With Close false the connection then stays open
	// (reading, not answering) until the client closes it or it is idle for
	// the idle timeout, so the learner can watch a browser wait for a body
	// that was promised and never sent; with Close it is closed at once.
	Verbatim bool

	// The rest applies when Verbatim is false: Raw is parsed and written
	// through net/http, which keeps the connection usable and the framing
	// correct. Content-Length is set to the body's length (or, when turned
	// off and not typed, the body goes chunked); Date is added unless
	// turned off; Close adds "Connection: close".
	FillContentLength bool
	FillDate          bool
	Close             bool
}

// parked is a request waiting in manual mode.
type parked struct {
	answer chan answer // buffered: Respond never blocks
	held   Held        // reverse proxy: what is held; HeldNone in manual mode
}

type answer struct {
	reply Reply
	typed *typedResponse // parsed, when not verbatim

	// Reverse proxy holds only: pass on (an edited request when edited is
	// not nil) or drop instead of answering.
	kind   answerKind
	edited *http.Request
	close  bool // drop: close the connection instead of answering 502
}

// Respond answers the held request id. A non-verbatim reply that cannot be
// parsed is refused with an error and the request keeps waiting, so the
// learner can fix it. Write errors later show in the exchange's state.
func (s *Server) Respond(id uint64, r Reply) error {
	r.Raw = bytes.Clone(r.Raw)
	a := answer{reply: r}
	if r.Verbatim {
		if len(r.Raw) == 0 {
			return &ReplyError{Code: ReplyEmpty, Line: 1}
		}
	} else {
		t, err := parseTyped(r.Raw)
		if err != nil {
			return err
		}
		a.typed = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[id]
	if p == nil {
		return ErrNotPending
	}
	delete(s.pending, id)
	p.answer <- a
	return nil
}

// unpark removes id from the held requests; false means Respond took it
// first and its answer is in the channel.
func (s *Server) unpark(id uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.pending[id]
	delete(s.pending, id)
	return ok
}

// serveManual holds the request for Respond. Where it gives up without an
// answer it aborts the connection (http.ErrAbortHandler), since a handler
// that just returned would make net/http send an empty 200.
func (s *Server) serveManual(w http.ResponseWriter, r *http.Request, c *conn, id uint64) {
	// The whole body first, so the raw view shows it while the learner
	// composes and the capture holds it.
	if !s.readBody(w, r, c, id, 0) {
		return
	}

	// The whole-request read deadline must not cut the wait short; a client
	// that goes away still cancels the request's context.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})

	p := &parked{answer: make(chan answer, 1)}
	deadline := time.Now().Add(s.cfg.Timeout)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.cap.fail(id, FailServerClosed, nil)
		panic(http.ErrAbortHandler)
	}
	s.pending[id] = p
	s.mu.Unlock()
	s.store.update(id, func(e *Exchange) {
		e.Manual = true
		if e.State == StateServing {
			e.State, e.Deadline = StatePending, deadline
		}
	})

	timer := time.NewTimer(s.cfg.Timeout)
	defer timer.Stop()
	var a answer
	select {
	case a = <-p.answer:
	case <-timer.C:
		if s.unpark(id) {
			s.store.update(id, func(e *Exchange) {
				e.State, e.Deadline = StateTimedOut, time.Time{}
				e.Note = "nobody answered within " + s.cfg.Timeout.String() + ": sent 504"
			})
			errorPage(w, http.StatusGatewayTimeout)
			return
		}
		a = <-p.answer
	case <-r.Context().Done():
		if s.unpark(id) {
			c.cap.fail(id, FailClientClosed, nil)
			panic(http.ErrAbortHandler)
		}
		a = <-p.answer
	case <-s.done:
		s.unpark(id)
		c.cap.fail(id, FailServerClosed, nil)
		panic(http.ErrAbortHandler)
	}
	s.store.update(id, func(e *Exchange) { e.Deadline = time.Time{} })

	if a.reply.Verbatim {
		s.writeVerbatim(w, c, id, a.reply)
		return
	}
	if err := writeTyped(w, rc, a); err != nil {
		c.cap.fail(id, FailReplyNotSent, err)
	}
}

// writeVerbatim hijacks the connection and writes exactly the typed bytes.
// net/http cannot serve the connection after that, so with keep-alive it
// is only read (further requests are listed as not answered) until the
// client closes it or it idles out.
func (s *Server) writeVerbatim(w http.ResponseWriter, c *conn, id uint64, r Reply) {
	c.cap.verbatim()
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		c.cap.fail(id, FailNoTakeOver, err)
		return
	}
	defer nc.Close()
	_, err = nc.Write(r.Raw)
	c.cap.endVerbatim(time.Now())
	if err != nil {
		c.cap.fail(id, FailReplyNotSent, err)
		return
	}
	if r.Close {
		return
	}
	buf := make([]byte, 4096)
	for {
		_ = nc.SetReadDeadline(time.Now().Add(s.idleTimeout))
		if _, err := brw.Read(buf); err != nil {
			return
		}
	}
}

// typedResponse is a hand-written response split into its parts.
type typedResponse struct {
	status int
	header http.Header
	body   []byte
}

// parseTyped reads what the learner typed: a status line, header lines,
// a blank line, the body. Without a blank line it is all head and no body.
func parseTyped(raw []byte) (*typedResponse, error) {
	head, body := splitTyped(raw)
	lines := strings.Split(strings.TrimRight(string(head), "\r\n"), "\n")
	status := strings.TrimSuffix(lines[0], "\r")
	if strings.TrimSpace(status) == "" {
		return nil, &ReplyError{Code: ReplyNoStatus, Line: 1}
	}
	proto, rest, _ := strings.Cut(status, " ")
	code, _, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	if !strings.HasPrefix(proto, "HTTP/") {
		return nil, &ReplyError{Code: ReplyBadProto, Line: 1, Text: status}
	}
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 200 {
		return nil, &ReplyError{Code: ReplyBadStatus, Line: 1, Text: code}
	}
	if re := checkHeaderLines(lines[1:]); re != nil {
		return nil, re
	}
	tr := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(head), strings.NewReader("\r\n\r\n"))))
	tr.ReadLine() // the status line, checked above
	h, err := tr.ReadMIMEHeader()
	if err != nil {
		// checkHeaderLines passes what textproto takes; keep a line anyway.
		return nil, &ReplyError{Code: ReplyBadHeader, Line: 2, Text: err.Error()}
	}
	t := &typedResponse{status: n, header: http.Header(h), body: body}
	if te := t.header.Values("Transfer-Encoding"); len(te) > 0 {
		if len(te) != 1 || !strings.EqualFold(strings.TrimSpace(te[0]), "chunked") {
			return nil, &ReplyError{Code: ReplyBadTE, Line: headerLine(lines, "Transfer-Encoding"), Text: strings.Join(te, ", ")}
		}
		// net/http does the chunking; hand it the data, framing checked.
		data, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
		if err != nil {
			return nil, &ReplyError{Code: ReplyBadChunked, Line: len(lines) + 2}
		}
		t.body = data
	}
	return t, nil
}

// headerLine is the 1-based line of the first header named name.
func headerLine(lines []string, name string) int {
	for i, l := range lines[1:] {
		if n, _, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(n), name) {
			return i + 2
		}
	}
	return 2
}

// writeTyped sends a parsed reply through net/http: headers as typed (net/
// http writes them sorted by name and uses its own reason phrase), with the
// fills the learner asked for.
func writeTyped(w http.ResponseWriter, rc *http.ResponseController, a answer) error {
	t, r := a.typed, a.reply
	h := w.Header()
	for k, v := range t.header {
		h[k] = v
	}
	chunked := h.Get("Transfer-Encoding") != ""
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffed type the learner did not write
	}
	if _, ok := h["Date"]; !ok && !r.FillDate {
		h["Date"] = nil
	}
	noBody := t.status == http.StatusNoContent || t.status == http.StatusNotModified
	if r.FillContentLength && !chunked && !noBody {
		h.Set("Content-Length", strconv.Itoa(len(t.body)))
	}
	if r.Close {
		h.Set("Connection", "close")
	}
	w.WriteHeader(t.status)
	if _, ok := h["Content-Length"]; !ok && !noBody {
		// Commit the head now so net/http does not add a Content-Length
		// the learner turned off; the body then goes chunked (or until close
		// for an HTTP/1.0 client).
		if err := rc.Flush(); err != nil {
			return err
		}
	}
	if len(t.body) > 0 && !noBody {
		if _, err := w.Write(t.body); err != nil && !errors.Is(err, http.ErrBodyNotAllowed) {
			return err
		}
	}
	return nil
}

// splitTyped cuts at the first blank line (CRLF or bare LF).
func splitTyped(raw []byte) (head, body []byte) {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\n' {
			continue
		}
		switch rest := raw[i+1:]; {
		case bytes.HasPrefix(rest, []byte("\n")):
			return raw[:i+1], raw[i+2:]
		case bytes.HasPrefix(rest, []byte("\r\n")):
			return raw[:i+1], raw[i+3:]
		}
	}
	return raw, nil
}

// errText is for the exchange's note, shown to the local user only.
func errText(err error) string { return err.Error() }
