package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"syscall"
	"time"

	"netassist/httpview"
	"netassist/netassist"
)

// Reverse proxy mode: every request is forwarded to one upstream with the
// standard library's httputil.ReverseProxy. The client↔proxy leg is
// captured as in the other modes; the proxy↔upstream leg goes over
// connections that tee their bytes into the exchange (upLeg) and into the
// Recorder, each as a connection of its own.
//
// As a proxy must, ReverseProxy drops hop-by-hop headers (Connection and
// the headers it names, Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding,
// Upgrade) from both directions and adds X-Forwarded-For (the client's
// address, after any the client sent), X-Forwarded-Host and
// X-Forwarded-Proto; Host becomes the upstream's, as nginx's proxy_pass
// does by default.

// Timeouts of the upstream leg.
const (
	upstreamDial    = 10 * time.Second
	upstreamHeaders = 60 * time.Second // from the request sent to the response head
)

// Held is what a pending exchange holds in reverse proxy mode.
type Held uint8

const (
	HeldNone     Held = iota // not held (or manual mode)
	HeldRequest              // the request, before it goes upstream
	HeldResponse             // the upstream's response, before it goes back
)

// UpError is why the upstream gave no (whole) answer.
type UpError uint8

const (
	UpOK        UpError = iota
	UpRefused           // nothing listens there: 502
	UpReset             // it reset the connection before answering: 502
	UpClosed            // it closed the connection before answering: 502
	UpTimeout           // no connection or no answer in time: 504
	UpNoHost            // its name is not known: 502
	UpTLS               // the TLS handshake failed (certificate not trusted, not TLS): 502
	UpCutShort          // the response broke off after its head went to the client
	UpBadAnswer         // not an HTTP response: 502
	UpOther             // anything else: 502
)

// String is the reason in words, for events and the log.
func (e UpError) String() string {
	switch e {
	case UpOK:
		return ""
	case UpRefused:
		return "the upstream refused the connection (nothing listens there)"
	case UpReset:
		return "the upstream reset the connection before answering"
	case UpClosed:
		return "the upstream closed the connection before answering"
	case UpTimeout:
		return "the upstream did not answer in time"
	case UpNoHost:
		return "the upstream's host name is not known"
	case UpTLS:
		return "the TLS handshake with the upstream failed (certificate not trusted, or not TLS)"
	case UpCutShort:
		return "the upstream's response broke off; the client's connection was cut"
	case UpBadAnswer:
		return "the upstream did not answer with HTTP"
	}
	return "the upstream could not be reached"
}

// status is what the client gets for e.
func (e UpError) status() int {
	if e == UpTimeout {
		return http.StatusGatewayTimeout
	}
	return http.StatusBadGateway
}

// pageText is the error page's line for e.
func (e UpError) pageText() string {
	switch e {
	case UpRefused:
		return "上游服务器拒绝了连接。The upstream server refused the connection."
	case UpReset:
		return "上游服务器在应答前重置了连接。The upstream server reset the connection before answering."
	case UpClosed:
		return "上游服务器在应答前关闭了连接。The upstream server closed the connection before answering."
	case UpTimeout:
		return "上游服务器没有及时应答。The upstream server did not answer in time."
	case UpNoHost:
		return "找不到上游服务器的主机名。The upstream server's host name is not known."
	case UpTLS:
		return "与上游服务器的 TLS 握手失败。The TLS handshake with the upstream server failed."
	case UpBadAnswer:
		return "上游服务器的应答不是 HTTP。The upstream server did not answer with HTTP."
	}
	return "无法连到上游服务器。The upstream server could not be reached."
}

// classify tells why a round trip failed.
func classify(err error) UpError {
	var (
		ne      net.Error
		dns     *net.DNSError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		record  tls.RecordHeaderError
		alert   tls.AlertError
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return UpRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return UpReset
	case errors.As(err, &dns):
		return UpNoHost
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &record), errors.As(err, &alert):
		return UpTLS
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return UpTimeout
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return UpClosed
	}
	if s := err.Error(); containsAny(s, "malformed HTTP", "bad status", "unexpected") {
		return UpBadAnswer
	}
	return UpOther
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}

// proxy is the reverse proxy of a server in that mode.
type proxy struct {
	s      *Server
	target *url.URL
	rp     *httputil.ReverseProxy
	tr     *http.Transport
	fast   upPool // the fast lane's upstream connections (proxy_fast.go)
}

func (s *Server) newProxy() (*proxy, error) {
	u, err := netassist.CheckUpstream(s.cfg.Upstream)
	if err != nil {
		return nil, err
	}
	px := &proxy{s: s, target: u}
	px.tr = &http.Transport{
		DialContext:           px.dial,
		DialTLSContext:        px.dialTLS,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: s.upstreamHeaders,
		ExpectContinueTimeout: time.Second,
		// The client's Accept-Encoding goes upstream as it is and the body
		// comes back as the upstream sent it.
		DisableCompression: true,
	}
	px.rp = &httputil.ReverseProxy{
		Rewrite:        px.rewrite,
		Transport:      px.tr,
		ModifyResponse: px.onResponse,
		ErrorHandler:   px.onError,
		BufferPool:     bufferPool{},
		ErrorLog:       log.New(logWriter{s.log}, "", 0),
	}
	return px, nil
}

func (px *proxy) close() {
	px.tr.CloseIdleConnections()
	px.fast.close()
}

func (px *proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(px.target)
	// X-Forwarded-For lists the addresses the client's request passed,
	// then the client's: the ones it sent are kept, as nginx's
	// $proxy_add_x_forwarded_for does.
	if prior := pr.In.Header["X-Forwarded-For"]; len(prior) > 0 {
		pr.Out.Header["X-Forwarded-For"] = prior
	}
	pr.SetXForwarded()
}

// dial connects to the upstream over plain TCP.
func (px *proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: upstreamDial}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return px.s.newUpConn(nc, addr), nil
}

// dialTLS connects over TLS; the leg captures the plain HTTP inside it.
// Only HTTP/1.1 is offered, so the captured bytes read as text.
func (px *proxy) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: upstreamDial}
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{}
	if px.s.cfg.UpstreamTLS != nil {
		cfg = px.s.cfg.UpstreamTLS.Clone()
	}
	cfg.NextProtos = []string{"http/1.1"}
	if cfg.ServerName == "" {
		cfg.ServerName = px.target.Hostname()
	}
	tc := tls.Client(raw, cfg)
	hctx, cancel := context.WithTimeout(ctx, upstreamDial)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		raw.Close()
		return nil, err
	}
	return px.s.newUpConn(tc, addr), nil
}

// flight is one exchange on its way through the proxy.
type flight struct {
	id  uint64
	c   *conn
	leg *upLeg

	held    *answer // what the user decided for a held response
	timeout bool    // nobody decided for a held response in time
	cut     bool    // the response head went out: an error now cuts the connection
}

type flightKey struct{}

// serveProxy forwards one request, holding it first when asked to.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request, c *conn, id uint64) {
	px := s.proxy
	fl := &flight{id: id, c: c, leg: &upLeg{upstream: px.target.Host}}
	if s.cfg.HoldResponses {
		// A held response's wait is not the client being slow.
		_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	}
	if s.cfg.HoldRequests && s.pathHeld(r.URL.Path) {
		var ok bool
		if r, ok = s.holdRequest(w, r, c, id); !ok {
			return
		}
	}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if uc, ok := info.Conn.(*upConn); ok {
			uc.leg.Store(fl.leg)
			fl.leg.setConn(uc.id)
		}
	}}
	ctx := httptrace.WithClientTrace(context.WithValue(r.Context(), flightKey{}, fl), trace)
	defer func() {
		s.store.update(id, fl.leg.seal)
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler && fl.cut {
				s.upFailed(c, id, UpCutShort, nil)
				c.cap.fail(id, FailUpstream, nil)
			}
			panic(v)
		}
	}()
	px.rp.ServeHTTP(w, r.WithContext(ctx))
}

// onResponse holds a response when asked to; it runs before anything of
// the response goes to the client.
func (px *proxy) onResponse(resp *http.Response) error {
	fl, _ := resp.Request.Context().Value(flightKey{}).(*flight)
	if fl == nil {
		return nil
	}
	s := px.s
	if resp.StatusCode == http.StatusSwitchingProtocols {
		// A tunnel (WebSocket) may stay open for hours: its upstream
		// handshake is shown now, the rest when it ends.
		s.store.update(fl.id, fl.leg.publish)
	}
	if !s.cfg.HoldResponses || resp.StatusCode == http.StatusSwitchingProtocols || !s.pathHeld(resp.Request.URL.Path) {
		fl.cut = true
		return nil
	}
	return s.holdResponse(resp, fl)
}

// errHeld ends a round trip whose held response the user answered,
// dropped or let time out; onError then writes what was decided.
var errHeld = errors.New("held response decided")

// onError answers a failed round trip with 502 or 504 and says why.
func (px *proxy) onError(w http.ResponseWriter, r *http.Request, err error) {
	fl, _ := r.Context().Value(flightKey{}).(*flight)
	if fl == nil {
		errorPage(w, http.StatusBadGateway)
		return
	}
	s := px.s
	if errors.Is(err, errHeld) {
		s.finishHeldResponse(w, r, fl)
		return
	}
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		fl.c.cap.fail(fl.id, FailClientLeft, nil)
		panic(http.ErrAbortHandler)
	}
	why := classify(err)
	s.upFailed(fl.c, fl.id, why, err)
	errorPageText(w, why.status(), why.pageText())
}

// upFailed records why the upstream gave no answer: in the exchange, in an
// error event that --save keeps, and in the log with the system's words.
func (s *Server) upFailed(c *conn, id uint64, why UpError, err error) {
	s.store.update(id, func(e *Exchange) {
		e.UpError = why
		if e.Note == "" {
			e.Note = why.String()
		}
	})
	s.record(netassist.EvError, c, nil, "reverse proxy: "+why.String(), time.Now())
	if err != nil {
		s.log.WithField("peer", c.peer).WithError(err).Info("reverse proxy: " + why.String())
	}
}

// bufferPool lends ReverseProxy its copy buffers.
type bufferPool struct{}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *copyBufs.Get().(*[]byte) }
func (bufferPool) Put(b []byte) { copyBufs.Put(&b) }

// upStatus is the status of the final response in raw (after any 1xx).
func upStatus(raw []byte) int {
	st := httpview.StatusCode(raw)
	for st >= 100 && st < 200 && st != http.StatusSwitchingProtocols && len(raw) > 0 {
		n, ok := httpview.FrameLength(raw, false, "", true)
		if !ok || n >= len(raw) {
			break
		}
		raw = raw[n:]
		st = httpview.StatusCode(raw)
	}
	return st
}
