package export

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"netassist/httpview"
	"netassist/netassist"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the fields
// NetAssist can fill.
type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	ServerIPAddress string      `json:"serverIPAddress,omitempty"`
	Connection      string      `json:"connection,omitempty"` // the server's port: see entry
	ConnID          uint64      `json:"_connectionId"`        // NetAssist's number of the connection
	Comment         string      `json:"comment,omitempty"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
}

type harPostData struct {
	MimeType string     `json:"mimeType"`
	Params   []harParam `json:"params,omitempty"`
	Text     string     `json:"text"`
	Encoding string     `json:"_encoding,omitempty"` // "base64" when the body is not text (HAR 1.2 has no field for it)
}

type harParam struct {
	Name        string `json:"name"`
	Value       string `json:"value,omitempty"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
}

type harContent struct {
	Size        int    `json:"size"`
	Compression int    `json:"compression,omitempty"`
	MimeType    string `json:"mimeType"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
}

type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// maxUnframed is how much of one direction a connection may hold without
// completing a message before it is taken for something other than HTTP
// and left out: it bounds the memory of the HAR export.
const maxUnframed = 64 << 20

// HAR is a Visitor that writes the HTTP exchanges of the folder's
// connections as HAR 1.2 entries, one per request, in the order their
// answers completed. Connections whose bytes are not HTTP are left out.
// Call Close to finish the file.
type HAR struct {
	fo      *Folder
	out     *bufio.Writer
	local   netip.AddrPort
	conns   map[uint64]*harConn
	entries int
	err     error
	sink    func(Exchange) // instead of writing entries (the window's reopened tab)
}

type harConn struct {
	id      uint64
	peer    netip.AddrPort
	reqDir  netassist.EventKind // the direction that carries requests; "" until known
	skip    bool
	split   *httpview.Conn
	pos     map[netassist.EventKind]int64
	spans   map[netassist.EventKind][]span
	unframe map[netassist.EventKind]int64
	pending []*harReq // requests not answered yet, oldest first
}

// span says when the stream bytes [start, end) of one direction were seen.
type span struct {
	start, end int64
	at         time.Time
}

type harReq struct {
	m           *httpview.Message
	first, last time.Time
}

// NewHAR starts a HAR file on w for fo's session.
func NewHAR(w io.Writer, fo *Folder, version string) (*HAR, error) {
	h := &HAR{fo: fo, out: bufio.NewWriterSize(w, 256<<10), conns: map[uint64]*harConn{}, local: sessionAddr(fo.Session)}
	creator, _ := json.Marshal(map[string]string{"name": "NetAssist", "version": version})
	comment, _ := json.Marshal("NetAssist session " + fo.Session + " (" + fo.Kind + ")")
	h.out.WriteString(`{"log":{"version":"1.2","creator":`)
	h.out.Write(creator)
	h.out.WriteString(`,"comment":`)
	h.out.Write(comment)
	_, err := h.out.WriteString(`,"entries":[`)
	return h, err
}

// Entries is how many entries were written so far.
func (h *HAR) Entries() int { return h.entries }

// Visit implements Visitor.
func (h *HAR) Visit(ev *Event, data []byte, last bool) error {
	switch ev.Kind {
	case netassist.EvOpen:
		if ap, ok := openAddr(ev.Detail); ok {
			h.local = ap
		}
	case netassist.EvRx, netassist.EvTx:
		// A relay's exchanges are taken from its client leg, as the client
		// saw them; the server leg would list each one again.
		if ev.Conn == 0 || len(data) == 0 || ev.Leg == netassist.LegServer {
			return nil
		}
		c := h.conn(ev)
		if c.skip {
			return nil
		}
		if c.reqDir == "" {
			c.reqDir = requestDir(ev.Kind, data)
			if c.reqDir == "" {
				c.skip = true
				return nil
			}
			c.split = httpview.NewConn()
		}
		h.feed(c, ev.Kind, ev.Time, data)
	case netassist.EvDisconnect:
		if c := h.conns[ev.Conn]; c != nil {
			h.finish(c)
			delete(h.conns, ev.Conn)
		}
	}
	return h.err
}

// requestDir tells from the first bytes of a connection which direction
// carries the requests: the one that starts with a request line, or the
// other one when these bytes start a response. "" when neither: not HTTP.
func requestDir(dir netassist.EventKind, first []byte) netassist.EventKind {
	other := netassist.EvRx
	if dir == netassist.EvRx {
		other = netassist.EvTx
	}
	if bytes.HasPrefix(first, []byte("HTTP/")) {
		return other
	}
	method, _, ok := bytes.Cut(first, []byte(" "))
	if !ok || len(method) == 0 || len(method) > 20 {
		return ""
	}
	for _, b := range method {
		if b < 'A' || b > 'Z' {
			return ""
		}
	}
	return dir
}

func (h *HAR) conn(ev *Event) *harConn {
	if c := h.conns[ev.Conn]; c != nil {
		return c
	}
	peer, _ := parseAddrPort(ev.Peer)
	c := &harConn{id: ev.Conn, peer: peer, pos: map[netassist.EventKind]int64{},
		spans: map[netassist.EventKind][]span{}, unframe: map[netassist.EventKind]int64{}}
	h.conns[ev.Conn] = c
	return c
}

func (h *HAR) feed(c *harConn, dir netassist.EventKind, at time.Time, data []byte) {
	start := c.pos[dir]
	c.pos[dir] += int64(len(data))
	c.spans[dir] = append(c.spans[dir], span{start, c.pos[dir], at})
	c.unframe[dir] += int64(len(data))
	if dir == c.reqDir {
		h.requests(c, c.split.ClientData(data))
	} else {
		h.responses(c, c.split.ServerData(data))
	}
	if c.unframe[dir] > maxUnframed {
		h.fo.warnOf(Warning{Code: WarnNotHTTP, Conn: c.id, N: maxUnframed >> 20})
		c.skip, c.split, c.spans = true, nil, nil
	}
}

// times are when the first and the last byte of m were seen.
func (c *harConn) times(dir netassist.EventKind, m *httpview.Message) (first, last time.Time) {
	end := m.Offset + int64(len(m.RawHead)+len(m.RawBody)) - 1
	spans := c.spans[dir]
	for _, s := range spans {
		if s.end > m.Offset && first.IsZero() {
			first = s.at
		}
		if s.end > end {
			last = s.at
			break
		}
	}
	if len(spans) > 0 {
		if first.IsZero() {
			first = spans[len(spans)-1].at
		}
		if last.IsZero() {
			last = spans[len(spans)-1].at
		}
	}
	// What lies before the end of m is needed no more.
	i := 0
	for i < len(spans)-1 && spans[i].end <= end+1 {
		i++
	}
	c.spans[dir] = spans[i:]
	c.unframe[dir] = 0
	return first, last
}

func (h *HAR) requests(c *harConn, ms []*httpview.Message) {
	for _, m := range ms {
		first, last := c.times(c.reqDir, m)
		c.pending = append(c.pending, &harReq{m: m, first: first, last: last})
	}
}

func (h *HAR) responses(c *harConn, ms []*httpview.Message) {
	resDir := netassist.EvRx
	if c.reqDir == netassist.EvRx {
		resDir = netassist.EvTx
	}
	for _, m := range ms {
		first, last := c.times(resDir, m)
		if m.Status/100 == 1 && m.Status != 101 {
			continue // interim: the final answer follows
		}
		if len(c.pending) == 0 {
			continue // an answer to a request from before saving began
		}
		req := c.pending[0]
		c.pending = c.pending[1:]
		h.entry(c, req, m, first, last)
	}
}

// finish writes what the connection's end completes, and the requests that
// got no answer.
func (h *HAR) finish(c *harConn) {
	if c.skip || c.split == nil {
		return
	}
	reqs, resps := c.split.Close()
	h.requests(c, reqs)
	h.responses(c, resps)
	for _, req := range c.pending {
		h.entry(c, req, nil, time.Time{}, time.Time{})
	}
	c.pending = nil
}

// server is the address the requests of c went to.
func (h *HAR) server(c *harConn) netip.AddrPort {
	if c.reqDir == netassist.EvTx {
		return c.peer
	}
	l := h.local
	if !l.Addr().IsValid() || l.Addr().IsUnspecified() {
		return netip.AddrPort{}
	}
	return l
}

func (h *HAR) entry(c *harConn, req *harReq, res *httpview.Message, first, last time.Time) {
	if h.err != nil {
		return
	}
	if h.sink != nil {
		x := Exchange{Conn: c.id, Request: req.m, Response: res, Start: req.first, End: req.last}
		if res != nil {
			x.End = last
		}
		if c.peer.IsValid() {
			x.Peer = c.peer.String()
		}
		h.sink(x)
		return
	}
	srv := h.server(c)
	e := harEntry{
		StartedDateTime: req.first.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Request:         harRequestOf(req.m, srv),
		ConnID:          c.id,
		Timings:         harTimings{Blocked: -1, DNS: -1, Connect: -1, Send: ms(req.last.Sub(req.first))},
	}
	if srv.Addr().IsValid() {
		e.ServerIPAddress = srv.Addr().String()
	}
	// HAR lets connection be the server's port number, and Chromium's
	// network panel reads it so: with our connection number there it
	// showed the remote address 127.0.0.1:1.
	if srv.Port() != 0 {
		e.Connection = strconv.Itoa(int(srv.Port()))
	}
	if res == nil {
		e.Response = harResponse{Cookies: []harCookie{}, Headers: []harNV{}, HeadersSize: -1, BodySize: -1,
			Content: harContent{MimeType: "x-unknown"}, Comment: "no answer was saved"}
	} else {
		e.Response = harResponseOf(res)
		e.Timings.Wait = ms(first.Sub(req.last))
		e.Timings.Receive = ms(last.Sub(first))
	}
	e.Time = e.Timings.Send + e.Timings.Wait + e.Timings.Receive
	b, err := json.Marshal(e)
	if err != nil {
		h.err = err
		return
	}
	if h.entries > 0 {
		h.out.WriteByte(',')
	}
	h.entries++
	if _, err := h.out.Write(b); err != nil {
		h.err = err
	}
}

// ms is d in milliseconds, never negative (events of one connection are
// in order, but the two directions' clocks are the same clock only).
func ms(d time.Duration) float64 {
	if d < 0 {
		return 0
	}
	return float64(d.Microseconds()) / 1000
}

func harRequestOf(m *httpview.Message, srv netip.AddrPort) harRequest {
	r := harRequest{Method: m.Method, URL: requestURL(m, srv), HTTPVersion: m.Proto,
		Cookies: []harCookie{}, Headers: harHeaders(m), QueryString: []harNV{},
		HeadersSize: len(m.RawHead), BodySize: len(m.RawBody) - len(m.Excess)}
	for _, c := range m.Cookies() {
		r.Cookies = append(r.Cookies, harCookie{Name: c.Name, Value: c.Value})
	}
	for _, q := range m.Query() {
		r.QueryString = append(r.QueryString, harNV{q.Name, q.Value})
	}
	if len(m.Body) > 0 {
		ct, _ := m.Header("Content-Type")
		pd := &harPostData{MimeType: ct}
		pd.Text, pd.Encoding = bodyText(m.Body)
		for _, f := range m.Form() {
			pd.Params = append(pd.Params, harParam{Name: f.Name, Value: f.Value, FileName: f.FileName, ContentType: f.ContentType})
		}
		r.PostData = pd
	}
	return r
}

// requestURL is the absolute URL of a request: its target when absolute,
// else http:// with its Host (or the server's address) and the target.
func requestURL(m *httpview.Message, srv netip.AddrPort) string {
	if strings.HasPrefix(m.Target, "http://") || strings.HasPrefix(m.Target, "https://") {
		return m.Target
	}
	host, _ := m.Header("Host")
	if host == "" && srv.IsValid() {
		host = srv.String()
	}
	if host == "" {
		host = "localhost"
	}
	target := m.Target
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	return "http://" + host + target
}

func harHeaders(m *httpview.Message) []harNV {
	hs := make([]harNV, 0, len(m.Headers))
	for _, h := range m.Headers {
		hs = append(hs, harNV{h.Name, h.Value})
	}
	return hs
}

func harResponseOf(m *httpview.Message) harResponse {
	r := harResponse{Status: m.Status, StatusText: m.Reason, HTTPVersion: m.Proto,
		Cookies: []harCookie{}, Headers: harHeaders(m),
		HeadersSize: len(m.RawHead), BodySize: len(m.RawBody) - len(m.Excess)}
	for _, v := range m.Values("Set-Cookie") {
		r.Cookies = append(r.Cookies, harSetCookie(v))
	}
	r.RedirectURL, _ = m.Header("Location")
	ct, _ := m.Header("Content-Type")
	if ct == "" {
		ct = "x-unknown"
	}
	r.Content = harContent{Size: len(m.Body), MimeType: ct}
	if d := len(m.Body) - len(m.Payload); d > 0 {
		r.Content.Compression = d
	}
	r.Content.Text, r.Content.Encoding = bodyText(m.Body)
	return r
}

// harSetCookie reads one Set-Cookie header with net/http; a cookie it
// rejects is still listed with its name and value as sent.
func harSetCookie(v string) harCookie {
	if c, err := http.ParseSetCookie(v); err == nil {
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = c.Expires.UTC().Format(time.RFC3339)
		}
		return hc
	}
	pair, _, _ := strings.Cut(v, ";")
	name, value, _ := strings.Cut(pair, "=")
	return harCookie{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
}

// bodyText is b as HAR text: itself when it is UTF-8 text, else base64.
func bodyText(b []byte) (text, encoding string) {
	if len(b) == 0 {
		return "", ""
	}
	if utf8.Valid(b) && bytes.IndexByte(b, 0) < 0 {
		return string(b), ""
	}
	return base64.StdEncoding.EncodeToString(b), "base64"
}

// Close writes the requests still waiting when the folder ended and ends
// the file.
func (h *HAR) Close() error {
	for _, id := range slices.Sorted(maps.Keys(h.conns)) {
		h.finish(h.conns[id])
		delete(h.conns, id)
	}
	if h.err != nil || h.sink != nil {
		return h.err
	}
	h.out.WriteString("]}}\n")
	return h.out.Flush()
}
