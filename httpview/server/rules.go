package server

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// Rules answer requests by themselves before the mode does (folder,
// manual answers or the reverse proxy): the first rule that matches
// writes its status, headers and body with Content-Length filled in,
// then waits and hangs up as it says. A request no rule answers goes on
// to the mode with its body untouched.

// maxRuleBody is how much of a request body the rules look at (body
// contains, ${msg}); the mode still gets the whole body.
const maxRuleBody = 1 << 20

// serveRule answers r when a rule matches; false lets the mode answer.
func (s *Server) serveRule(w http.ResponseWriter, r *http.Request, c *conn, id uint64, set *rules.HTTPSet) bool {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength <= s.maxBody {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRuleBody))
		if err != nil {
			s.bodyFailed(w, c, id, err, 0)
			return true
		}
		body = b
		r.Body = readCloser{io.MultiReader(bytes.NewReader(b), r.Body), r.Body}
	}
	now := time.Now()
	a := set.Respond(rules.HTTPRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body, Peer: c.peer}, now)
	if a.JustPaused {
		// Said once, in no language: the window words it (as for the
		// byte sessions' rules).
		s.rec.Record(netassist.Event{Time: now, Session: s.cfg.Session, Kind: netassist.EvInfo,
			Conn: c.id, Peer: c.peer, Detail: netassist.InfoRulePaused, Rule: a.Name})
	}
	if a.Rule < 0 || a.Paused {
		return false
	}
	s.store.update(id, func(e *Exchange) { e.Rule = a.Name })
	name := a.Name
	c.rule.Store(&name) // events.jsonl names the rule on the answer's tx lines
	// The rest of the body is read as any answer's is, so the connection
	// stays in step (413 past MaxBody).
	if !s.readBody(w, r, c, id, 0) {
		return true
	}
	h := w.Header()
	for k, v := range ruleHeader(a) {
		h[k] = v
	}
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // no sniffed type the rule did not write
	}
	w.WriteHeader(a.Status)
	if !ruleNoBody(a.Status) && r.Method != http.MethodHead {
		w.Write(a.Body)
	}
	if a.Wait <= 0 && (a.After == rules.AfterNone || a.After == rules.AfterClose) {
		return true // net/http finishes (and closes for "close")
	}
	rc := http.NewResponseController(w)
	if err := rc.Flush(); err != nil {
		return true
	}
	if a.Wait > 0 {
		_ = rc.SetReadDeadline(time.Time{}) // the wait is the rule's, not the client being slow
		t := time.NewTimer(a.Wait)
		select {
		case <-t.C:
		case <-r.Context().Done():
		case <-s.done:
		}
		t.Stop()
	}
	if a.After == rules.AfterHalfClose || a.After == rules.AfterReset {
		s.hangUp(w, c, a.After)
	}
	return true
}

// lingerer is a socket whose close can reset: a *net.TCPConn, or the
// event loop's socket once given back (loopfd_linux.go).
type lingerer interface{ SetLinger(sec int) error }

// hangUp takes the connection over after a rule's answer and half-closes
// it (then reads until the client closes or idles out) or resets it.
func (s *Server) hangUp(w http.ResponseWriter, c *conn, after rules.After) {
	c.cap.verbatim() // no handler will run on the connection again
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer c.cap.endVerbatim(time.Now())
	defer nc.Close()
	if after == rules.AfterReset {
		if tc, ok := c.Conn.(lingerer); ok {
			_ = tc.SetLinger(0)
		}
		return
	}
	_ = c.CloseWrite()
	buf := make([]byte, 4096)
	for {
		_ = nc.SetReadDeadline(time.Now().Add(s.idleTimeout))
		if _, err := brw.Read(buf); err != nil {
			return
		}
	}
}
