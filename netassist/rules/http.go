package rules

import (
	"bytes"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"netassist/netassist/codec"
)

// HTTP server rules. The file is the same (version 1); a rule of an HTTP
// server session matches a request by its method, path, a header and its
// body instead of match.kind/pattern, and answers with a status, header
// lines and a body, each written like the send box with the same
// placeholders (the path's regex groups are ${1}, ${name}; ${msg} is the
// request body):
//
//	{"name": "user", "match": {"method": "GET", "path": "^/users/(?P<id>\\d+)$"},
//	 "reply": {"status": 200, "headers": "Content-Type: application/json",
//	           "template": "{\"id\": ${id}}"}}
//
// Content-Length is filled in. then.wait_ms waits after the answer went
// out; then.after closes the connection (half-close, close or reset) after
// that. fire and max_per_second work as for byte rules.

// HTTPMatch is what an HTTP rule matches; every field given must match.
type HTTPMatch struct {
	Method       string `json:"method,omitempty"`        // "GET"; "" any (case-insensitive)
	Path         string `json:"path,omitempty"`          // RE2 on the path (no query); "" any
	Header       string `json:"header,omitempty"`        // a header the request must have
	HeaderValue  string `json:"header_value,omitempty"`  // RE2 its value must match; "" any value
	BodyContains string `json:"body_contains,omitempty"` // text with the send box's escapes
}

// HTTPReply is an HTTP rule's answer beside its body (Reply.Template).
type HTTPReply struct {
	Status int `json:"status,omitempty"` // 200 when 0; 200 … 599
	// Headers are "Name: value" lines (separated by \n), each value a
	// template. A string rather than a list keeps Rule comparable.
	Headers string `json:"headers,omitempty"`
}

// Error codes of HTTP rules.
const (
	CodeHTTPStatus  = "http.status"  // Arg: the status
	CodeHTTPHeader  = "http.header"  // Arg: the line that is not "Name: value"
	CodeHTTPPattern = "http.pattern" // a byte rule's match.pattern in an HTTP server's rule
)

// HTTPSet is a compiled list of HTTP rules with live counters, safe for
// concurrent use.
type HTTPSet struct {
	file  File
	rules []httpCompiled
	limit int64
}

type httpCompiled struct {
	c       compiled // fire, rate, then and counters, and the body template
	method  string
	path    *regexp.Regexp
	header  string
	hvalue  *regexp.Regexp
	body    []byte
	status  int
	headers []httpHeader
}

type httpHeader struct {
	name  string
	value *template
}

// CompileHTTP checks every rule as an HTTP server's rule; the first
// problem is an *Error and nothing is applied.
func CompileHTTP(f File) (*HTTPSet, error) {
	s := &HTTPSet{file: f, limit: rateLimit(f.MaxPerSecond)}
	for i, r := range f.Rules {
		h, err := compileHTTP(r)
		if err != nil {
			err.Rule, err.Name = i, r.Name
			return nil, err
		}
		s.rules = append(s.rules, h)
	}
	return s, nil
}

// LoadHTTP parses and compiles a rules file for an HTTP server.
func LoadHTTP(data []byte) (*HTTPSet, error) {
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return CompileHTTP(f)
}

func compileHTTP(r Rule) (httpCompiled, *Error) {
	var h httpCompiled
	if r.Match.Pattern != "" {
		return h, &Error{Field: "match.pattern", Code: CodeHTTPPattern}
	}
	g := groupNames{}
	if r.Match.Path != "" {
		re, err := regexp.Compile(r.Match.Path)
		if err != nil {
			e := regexError(err, r.Match.Path)
			e.Field = "match.path"
			return h, e
		}
		h.path = re
		g = groupNames{n: re.NumSubexp(), regex: true, names: map[string]int{}}
		for k, n := range re.SubexpNames() {
			if n != "" {
				g.names[n] = k
			}
		}
	}
	if r.Match.Header != "" && !httpguts.ValidHeaderFieldName(r.Match.Header) {
		return h, &Error{Field: "match.header", Code: CodeHTTPHeader, Arg: r.Match.Header}
	}
	h.header = textproto.CanonicalMIMEHeaderKey(r.Match.Header)
	if r.Match.HeaderValue != "" {
		re, err := regexp.Compile(r.Match.HeaderValue)
		if err != nil {
			e := regexError(err, r.Match.HeaderValue)
			e.Field = "match.header_value"
			return h, e
		}
		h.hvalue = re
	}
	if r.Match.BodyContains != "" {
		b, err := codec.Encode(r.Match.BodyContains, codec.SendOptions{Escapes: true, Charset: orDefault(r.Reply.Charset, codec.UTF8)})
		if err != nil {
			return h, inputErr(err, "match.body_contains")
		}
		h.body = b
	}
	h.method = strings.ToUpper(strings.TrimSpace(r.Match.Method))
	h.status = r.Reply.Status
	if h.status == 0 {
		h.status = http.StatusOK
	}
	if h.status < 200 || h.status > 599 {
		return h, &Error{Field: "reply.status", Code: CodeHTTPStatus, Arg: strconv.Itoa(r.Reply.Status)}
	}
	for _, line := range strings.Split(r.Reply.Headers, "\n") {
		if line = strings.TrimRight(line, "\r"); strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !httpguts.ValidHeaderFieldName(name) {
			return h, &Error{Field: "reply.headers", Code: CodeHTTPHeader, Arg: line}
		}
		t, err := compileTemplate(Reply{Template: strings.TrimSpace(value), Format: codec.ModeText, Charset: codec.UTF8, Checksum: codec.ChecksumNone}, g)
		if err != nil {
			err.Field = "reply.headers"
			return h, err
		}
		h.headers = append(h.headers, httpHeader{name: name, value: t})
	}
	// The rest (body template, then, fire) is a byte rule's: compile it as
	// one whose groups are the path's.
	br := r
	br.Match = Match{Kind: KindContains, On: OnText}
	br.Reply.Template = ""
	c, err := compileRule(br)
	if err != nil {
		return h, err
	}
	t, err := compileTemplate(withDefaults(r.Reply), g)
	if err != nil {
		return h, err
	}
	c.tmpl = t
	h.c = c
	return h, nil
}

func withDefaults(r Reply) Reply {
	r.Format = orDefault(r.Format, codec.ModeText)
	r.Charset = orDefault(r.Charset, codec.UTF8)
	r.Checksum = orDefault(r.Checksum, codec.ChecksumNone)
	return r
}

// HTTPRequest is what an HTTP rule looks at.
type HTTPRequest struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte // as much of it as was read
	Peer   string
}

// HTTPAnswer is what the rules say about one request.
type HTTPAnswer struct {
	Rule       int // -1: no rule matched
	Name       string
	Status     int
	Header     http.Header // Content-Length is the caller's to fill in
	Body       []byte
	Wait       time.Duration
	After      After
	Paused     bool // matched while paused: the request goes on as the mode says
	JustPaused bool
}

// File returns the rules as written.
func (s *HTTPSet) File() File { return s.file }

// Len is the number of rules.
func (s *HTTPSet) Len() int { return len(s.rules) }

// Stats returns rule i's counters.
func (s *HTTPSet) Stats(i int) Stats {
	c := &s.rules[i].c
	st := Stats{Hits: c.st.hits.Load(), Paused: c.st.paused.Load()}
	if ns := c.st.last.Load(); ns != 0 {
		st.Last = time.Unix(0, ns)
	}
	st.Spent = c.times > 0 && st.Hits >= c.times
	return st
}

// Resume lets a paused rule answer again.
func (s *HTTPSet) Resume(i int) {
	c := &s.rules[i].c
	c.st.winN.Store(0)
	c.st.paused.Store(false)
}

// Respond finds the first enabled rule that matches req (first match
// wins, in order) and returns its answer, counting the hit.
func (s *HTTPSet) Respond(req HTTPRequest, now time.Time) HTTPAnswer {
	return s.respond(req, now, true)
}

// Test is Respond without side effects.
func (s *HTTPSet) Test(req HTTPRequest, now time.Time) HTTPAnswer {
	return s.respond(req, now, false)
}

func (s *HTTPSet) respond(req HTTPRequest, now time.Time, live bool) HTTPAnswer {
	if s == nil {
		return HTTPAnswer{Rule: -1}
	}
	for i := range s.rules {
		h := &s.rules[i]
		c := &h.c
		if !c.enabled || (c.times > 0 && c.st.hits.Load() >= c.times) {
			continue
		}
		e := env{msg: req.Body, peer: req.Peer, now: now}
		if !h.match(req, &e) {
			continue
		}
		a := HTTPAnswer{Rule: i, Name: c.name, Status: h.status, Wait: c.wait, After: c.after}
		if live {
			if c.st.paused.Load() {
				a.Paused, a.Wait, a.After = true, 0, AfterNone
				return a
			}
			if ok, just := c.allow(s.limit, now); !ok {
				a.Paused, a.JustPaused, a.Wait, a.After = true, just, 0, AfterNone
				return a
			}
			n, ok := c.hit()
			if !ok {
				continue
			}
			c.st.last.Store(now.UnixNano())
			e.counter = n
		} else {
			e.counter = c.st.hits.Load() + 1
		}
		a.Header = http.Header{}
		for _, hd := range h.headers {
			a.Header.Add(hd.name, string(hd.value.expand(nil, &e)))
		}
		a.Body = c.tmpl.expand(nil, &e)
		return a
	}
	return HTTPAnswer{Rule: -1}
}

func (h *httpCompiled) match(req HTTPRequest, e *env) bool {
	if h.method != "" && !strings.EqualFold(req.Method, h.method) {
		return false
	}
	if h.header != "" {
		vs, ok := req.Header[h.header]
		if !ok {
			return false
		}
		if h.hvalue != nil {
			found := false
			for _, v := range vs {
				found = found || h.hvalue.MatchString(v)
			}
			if !found {
				return false
			}
		}
	}
	if h.body != nil && !bytes.Contains(req.Body, h.body) {
		return false
	}
	if h.path != nil {
		subject := []byte(req.Path)
		g := h.path.FindSubmatchIndex(subject)
		if g == nil {
			return false
		}
		e.groups, e.subject = g, subject
	}
	return true
}
