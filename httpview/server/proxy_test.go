package server

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"netassist/netassist"
)

// seen is what an upstream received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func (s *seen) last(t *testing.T) (*http.Request, string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		t.Fatal("the upstream got no request")
	}
	return s.reqs[len(s.reqs)-1], s.body[len(s.body)-1]
}

// newUpstream is a Go upstream that answers "hello from upstream" and
// remembers each request.
func newUpstream(t *testing.T) (*httptest.Server, *seen) {
	sn := &seen{}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sn.mu.Lock()
		sn.reqs, sn.body = append(sn.reqs, r), append(sn.body, string(b))
		sn.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Up", "1")
		io.WriteString(w, "hello from upstream")
	}))
	t.Cleanup(up.Close)
	return up, sn
}

func startProxy(t *testing.T, upstream string, tweak ...func(*Config)) (*Server, *recorder) {
	t.Helper()
	rec := newRecorder()
	cfg := Config{Upstream: upstream, Recorder: rec}
	for _, f := range tweak {
		f(&cfg)
	}
	return startServer(t, cfg), rec
}

func TestProxyForwardsAndCapturesBothLegs(t *testing.T) {
	up, sn := newUpstream(t)
	s, rec := startProxy(t, up.URL+"/base")
	addr := s.Addr().String()
	resp, body := rawRoundTrip(t, addr, "GET /a?x=1 HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive, X-Hop\r\nX-Hop: secret\r\nX-Forwarded-For: 10.9.9.9\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != "hello from upstream" || resp.Header.Get("X-Up") != "1" {
		t.Fatalf("got %d %q %v", resp.StatusCode, body, resp.Header)
	}
	r, _ := sn.last(t)
	if r.URL.Path != "/base/a" || r.URL.RawQuery != "x=1" {
		t.Errorf("upstream got %s; want /base/a?x=1", r.URL)
	}
	if r.Header.Get("X-Hop") != "" {
		t.Errorf("the hop-by-hop header named by Connection went upstream")
	}
	if got := r.Header.Get("X-Forwarded-For"); got != "10.9.9.9, 127.0.0.1" {
		t.Errorf("X-Forwarded-For = %q; want the client's address after the one it sent", got)
	}
	if got := r.Header.Get("X-Forwarded-Host"); got != "example.test" {
		t.Errorf("X-Forwarded-Host = %q", got)
	}
	ex := waitSettled(t, s, 1)[0]
	if !strings.HasPrefix(string(ex.RawRequest), "GET /a?x=1 HTTP/1.1\r\n") || !strings.HasPrefix(string(ex.RawResponse), "HTTP/1.1 200 OK\r\n") {
		t.Errorf("client leg: %q / %q", ex.RawRequest, ex.RawResponse)
	}
	if !strings.HasPrefix(string(ex.UpRequest), "GET /base/a?x=1 HTTP/1.1\r\n") || !strings.Contains(string(ex.UpRequest), "X-Forwarded-For: 10.9.9.9, 127.0.0.1\r\n") {
		t.Errorf("upstream request: %q", ex.UpRequest)
	}
	if !strings.HasPrefix(string(ex.UpResponse), "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(string(ex.UpResponse), "hello from upstream") || ex.UpStatus != 200 {
		t.Errorf("upstream response %d: %q", ex.UpStatus, ex.UpResponse)
	}
	if ex.UpConn == 0 || ex.UpConn == ex.Conn || ex.Upstream != strings.TrimPrefix(up.URL, "http://") {
		t.Errorf("UpConn %d Conn %d Upstream %q", ex.UpConn, ex.Conn, ex.Upstream)
	}
	// The Recorder has the upstream leg as a connection of its own.
	rec.mu.Lock()
	gotTx, gotRx := string(rec.tx[ex.UpConn]), string(rec.rx[ex.UpConn])
	rec.mu.Unlock()
	if gotTx != string(ex.UpRequest) || gotRx != string(ex.UpResponse) {
		t.Errorf("recorded upstream leg %q / %q", gotTx, gotRx)
	}
}

func TestProxyKeepAliveLegsStayApart(t *testing.T) {
	up, _ := newUpstream(t)
	s, _ := startProxy(t, up.URL)
	c := &http.Client{}
	for i := range 5 {
		resp, err := c.Get("http://" + s.Addr().String() + "/n" + string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for i, ex := range waitSettled(t, s, 5) {
		want := "GET /n" + string(rune('0'+i)) + " "
		if !strings.HasPrefix(string(ex.UpRequest), want) || strings.Count(string(ex.UpResponse), "HTTP/1.1") != 1 {
			t.Errorf("exchange %d: upstream leg %q / %q", i, ex.UpRequest, ex.UpResponse)
		}
	}
}

func TestProxyUpstreamRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	dead := ln.Addr().String()
	ln.Close()
	s, rec := startProxy(t, "http://"+dead)
	resp, body := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "refused") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	ex := waitSettled(t, s, 1)[0]
	if ex.UpError != UpRefused || ex.Note != UpRefused.String() || ex.Status != 502 {
		t.Errorf("exchange: %v %q %d", ex.UpError, ex.Note, ex.Status)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "refused") {
		t.Errorf("error events %q", rec.errors)
	}
}

// rawUpstream accepts connections and hands each to serve.
func rawUpstream(t *testing.T, serve func(c *net.TCPConn)) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c.(*net.TCPConn))
			}()
		}
	}()
	return ln.Addr().String()
}

// readHead reads a request head off c.
func readHead(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		l, err := br.ReadString('\n')
		if err != nil || l == "\r\n" {
			return
		}
	}
}

func reset(c *net.TCPConn) {
	c.SetLinger(0)
	c.Close()
}

func TestProxyUpstreamFaults(t *testing.T) {
	cases := []struct {
		name  string
		serve func(c *net.TCPConn)
		want  UpError
		code  int
	}{
		{"reset before answering", func(c *net.TCPConn) { readHead(c); reset(c) }, UpReset, 502},
		{"half-close before answering", func(c *net.TCPConn) {
			readHead(c)
			c.CloseWrite()
			io.Copy(io.Discard, c)
		}, UpClosed, 502},
		{"not HTTP", func(c *net.TCPConn) { readHead(c); io.WriteString(c, "SSH-2.0-hello\r\n\r\n") }, UpBadAnswer, 502},
		{"no answer in time", func(c *net.TCPConn) { readHead(c); io.Copy(io.Discard, c) }, UpTimeout, 504},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := rawUpstream(t, tc.serve)
			rec := newRecorder()
			s := startServer(t, Config{Upstream: "http://" + up, Recorder: rec}, func(s *Server) {
				s.upstreamHeaders = 200 * time.Millisecond
			})
			resp, _ := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if resp.StatusCode != tc.code {
				t.Errorf("status %d; want %d", resp.StatusCode, tc.code)
			}
			ex := waitSettled(t, s, 1)[0]
			if ex.UpError != tc.want {
				t.Errorf("UpError %v (%q); want %v", ex.UpError, ex.Note, tc.want)
			}
		})
	}
}

func TestProxyUpstreamResetMidResponse(t *testing.T) {
	up := rawUpstream(t, func(c *net.TCPConn) {
		readHead(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
		time.Sleep(50 * time.Millisecond) // let the head reach the proxy first
		reset(c)
	})
	s, _ := startProxy(t, "http://"+up)
	got := rawExchange(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	// The head may or may not have reached the client; never a whole response.
	if resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(got)), nil); err == nil {
		if b, err := io.ReadAll(resp.Body); err == nil {
			t.Errorf("the client got a whole response %q", b)
		}
	}
	ex := waitSettled(t, s, 1)[0]
	if ex.UpError != UpCutShort || ex.State != StateFailed || !strings.HasSuffix(string(ex.UpResponse), "0123456789") {
		t.Errorf("UpError %v, upstream response %q", ex.UpError, ex.UpResponse)
	}
}

func TestProxyUpstreamHalfClosesAfterBody(t *testing.T) {
	// A response framed by the close: the client must get all of it.
	up := rawUpstream(t, func(c *net.TCPConn) {
		readHead(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
		c.CloseWrite()
		io.Copy(io.Discard, c)
	})
	s, _ := startProxy(t, "http://"+up)
	resp, body := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != "all of it" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestProxyHTTPSUpstream(t *testing.T) {
	up := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret hello")
	}))
	t.Cleanup(up.Close)
	pool := x509.NewCertPool()
	pool.AddCert(up.Certificate())

	s, _ := startProxy(t, up.URL, func(c *Config) { c.UpstreamTLS = &tls.Config{RootCAs: pool} })
	resp, body := rawRoundTrip(t, s.Addr().String(), "GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != "secret hello" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	ex := waitSettled(t, s, 1)[0]
	if !strings.HasPrefix(string(ex.UpRequest), "GET /s HTTP/1.1\r\n") || !strings.HasSuffix(string(ex.UpResponse), "secret hello") {
		t.Errorf("the upstream leg is not the plain HTTP inside TLS: %q / %q", ex.UpRequest, ex.UpResponse)
	}

	// Not trusted: 502 saying so.
	s2, _ := startProxy(t, up.URL)
	resp, _ = rawRoundTrip(t, s2.Addr().String(), "GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 502 {
		t.Errorf("untrusted upstream: %d", resp.StatusCode)
	}
	if ex := waitSettled(t, s2, 1)[0]; ex.UpError != UpTLS {
		t.Errorf("UpError %v; want UpTLS", ex.UpError)
	}
}

// heldOne waits for one exchange held as h.
func heldOne(t *testing.T, s *Server, h Held) Exchange {
	t.Helper()
	var got Exchange
	waitFor(t, "a held exchange", func() bool {
		for _, e := range s.Exchanges() {
			if e.State == StatePending && e.Held == h {
				got = e
				return true
			}
		}
		return false
	})
	return got
}

func TestProxyHeldRequestEditedThenForwarded(t *testing.T) {
	up, sn := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.HoldRequests = true })
	ch := goRaw(s.Addr().String(), "POST /orig HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
	ex := heldOne(t, s, HeldRequest)
	if !strings.HasSuffix(string(ex.RawRequest), "abc") || len(ex.UpRequest) != 0 {
		t.Fatalf("held: %q, upstream %q", ex.RawRequest, ex.UpRequest)
	}
	if err := s.Forward(ex.ID, []byte("PUT /edited HTTP/1.1\nHost: x\nContent-Length: 3\nX-Edit: yes\n\nchanged body")); err != nil {
		t.Fatal(err)
	}
	got := <-ch
	if !strings.Contains(got, "hello from upstream") {
		t.Fatalf("client got %q", got)
	}
	r, body := sn.last(t)
	if r.Method != "PUT" || r.URL.Path != "/edited" || r.Header.Get("X-Edit") != "yes" || body != "changed body" {
		t.Errorf("upstream got %s %s %v %q", r.Method, r.URL, r.Header, body)
	}
	ex = waitSettled(t, s, 1)[0]
	if !strings.HasPrefix(string(ex.UpRequest), "PUT /edited HTTP/1.1\r\n") || !strings.Contains(string(ex.UpRequest), "Content-Length: 12\r\n") {
		t.Errorf("upstream leg %q", ex.UpRequest)
	}
	if ex.Note != "edited by hand before it went upstream" {
		t.Errorf("note %q", ex.Note)
	}
}

func TestProxyHeldRequestAsIsAnsweredDropped(t *testing.T) {
	up, sn := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.HoldRequests = true })
	addr := s.Addr().String()
	send := func() chan string {
		return goRaw(addr, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
	}

	ch := send()
	ex := heldOne(t, s, HeldRequest)
	if err := s.Forward(ex.ID, []byte("not a request\n\n")); err == nil {
		t.Fatal("an unreadable edited request was taken")
	}
	must(t, s.Forward(ex.ID, nil))
	if got := <-ch; !strings.Contains(got, "hello from upstream") {
		t.Fatalf("as is: %q", got)
	}
	if _, body := sn.last(t); body != "hi" {
		t.Errorf("upstream body %q", body)
	}

	ch = send()
	ex = heldOne(t, s, HeldRequest)
	must(t, s.Respond(ex.ID, Reply{Raw: []byte("HTTP/1.1 201 Created\r\n\r\nby hand"), FillContentLength: true}))
	if got := <-ch; !strings.HasPrefix(got, "HTTP/1.1 201 Created") || !strings.HasSuffix(got, "by hand") {
		t.Fatalf("answered: %q", got)
	}

	ch = send()
	ex = heldOne(t, s, HeldRequest)
	must(t, s.Drop(ex.ID, false))
	if got := <-ch; !strings.HasPrefix(got, "HTTP/1.1 502 Bad Gateway") {
		t.Fatalf("dropped: %q", got)
	}

	ch = send()
	ex = heldOne(t, s, HeldRequest)
	must(t, s.Drop(ex.ID, true))
	if got := <-ch; got != "" {
		t.Fatalf("dropped with close: %q", got)
	}
	sn.mu.Lock()
	n := len(sn.reqs)
	sn.mu.Unlock()
	if n != 1 {
		t.Errorf("the upstream got %d requests; want only the one forwarded", n)
	}
}

func TestProxyHeldResponse(t *testing.T) {
	up, _ := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.HoldResponses = true })
	addr := s.Addr().String()
	send := func() chan string {
		return goRaw(addr, "GET /r HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	}

	ch := send()
	ex := heldOne(t, s, HeldResponse)
	if !strings.HasSuffix(string(ex.UpResponse), "hello from upstream") || len(ex.RawResponse) != 0 {
		t.Fatalf("held response: upstream %q, client %q", ex.UpResponse, ex.RawResponse)
	}
	if err := s.Forward(ex.ID, []byte("HTTP/1.1 200 OK\r\n\r\n")); err != ErrEditResponse {
		t.Errorf("Forward of an edited response: %v", err)
	}
	must(t, s.Forward(ex.ID, nil))
	if got := <-ch; !strings.HasSuffix(got, "hello from upstream") {
		t.Fatalf("as is: %q", got)
	}

	ch = send()
	ex = heldOne(t, s, HeldResponse)
	must(t, s.Respond(ex.ID, Reply{Raw: []byte("HTTP/1.1 200 OK\nContent-Type: text/plain\n\nedited answer"), FillContentLength: true}))
	if got := <-ch; !strings.HasSuffix(got, "edited answer") || !strings.Contains(got, "Content-Length: 13\r\n") {
		t.Fatalf("edited: %q", got)
	}

	ch = send()
	ex = heldOne(t, s, HeldResponse)
	must(t, s.Drop(ex.ID, false))
	if got := <-ch; !strings.HasPrefix(got, "HTTP/1.1 502") {
		t.Fatalf("dropped: %q", got)
	}
	for _, e := range waitSettled(t, s, 3) {
		if !strings.HasSuffix(string(e.UpResponse), "hello from upstream") {
			t.Errorf("exchange %d lost its upstream leg: %q", e.ID, e.UpResponse)
		}
	}
}

func TestProxyHoldTimesOut(t *testing.T) {
	up, _ := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.HoldResponses = true; c.Timeout = 50 * time.Millisecond })
	resp, _ := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 504 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if ex := waitSettled(t, s, 1)[0]; ex.State != StateTimedOut {
		t.Errorf("state %v", ex.State)
	}
}

func TestProxyNotHeldInManualMode(t *testing.T) {
	s := startServer(t, Config{Manual: true})
	goRaw(s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	ex := waitPending(t, s, 1)[0]
	if err := s.Forward(ex.ID, nil); err != ErrNotHeld {
		t.Errorf("Forward in manual mode: %v", err)
	}
	must(t, s.Respond(ex.ID, Reply{Raw: []byte("HTTP/1.1 204 No Content\r\n\r\n")}))
}

func TestProxyBadUpstreamRefusedAtStart(t *testing.T) {
	s := New(Config{Addr: "127.0.0.1:0", Upstream: "ftp://127.0.0.1:21", Log: quietLog()})
	err := s.Start()
	if !netassist.IsUpstreamError(err) {
		t.Fatalf("Start: %v", err)
	}
}

// goRaw is rawExchange on its own goroutine; a failure shows as "ERROR …".
func goRaw(addr, req string) chan string {
	ch := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			ch <- "ERROR " + err.Error()
			return
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, req)
		b, _ := io.ReadAll(c)
		ch <- string(b)
	}()
	return ch
}
