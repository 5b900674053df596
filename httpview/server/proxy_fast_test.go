package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fast lane forwards plain GETs itself: each exchange has both legs'
// exact bytes, the upstream gets what ReverseProxy would send, and the
// upstream connection is used again for the next request.
func TestProxyFastLaneForwardsOnOneUpstreamConnection(t *testing.T) {
	var mu sync.Mutex
	remotes := map[string]bool{}
	sn := &seen{}
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sn.mu.Lock()
		sn.reqs, sn.body = append(sn.reqs, r), append(sn.body, "")
		sn.mu.Unlock()
		w.Header().Set("X-Up", "1")
		io.WriteString(w, "hello from upstream")
	}))
	up.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			remotes[c.RemoteAddr().String()] = true
			mu.Unlock()
		}
	}
	up.Start()
	t.Cleanup(up.Close)
	s, rec := startProxy(t, up.URL)
	c, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 3 {
		req := "GET /n" + string(rune('0'+i)) + " HTTP/1.1\r\nHost: example.test\r\nConnection: keep-alive\r\nX-Forwarded-For: 10.9.9.9\r\nX-Forwarded-Host: forged\r\nKeep-Alive: 5\r\n\r\n"
		io.WriteString(c, req)
		resp, err := http.ReadResponse(br, nil)
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello from upstream" || resp.Header.Get("X-Up") != "1" || resp.Header.Get("Date") == "" {
			t.Fatalf("got %d %q %v", resp.StatusCode, body, resp.Header)
		}
		r, _ := sn.last(t)
		if r.URL.Path != "/n"+string(rune('0'+i)) || r.Host != strings.TrimPrefix(up.URL, "http://") {
			t.Errorf("upstream got %s for host %q", r.URL, r.Host)
		}
		if got := r.Header.Get("X-Forwarded-For"); got != "10.9.9.9, 127.0.0.1" {
			t.Errorf("X-Forwarded-For = %q", got)
		}
		if r.Header.Get("X-Forwarded-Host") != "example.test" || r.Header.Get("X-Forwarded-Proto") != "http" {
			t.Errorf("X-Forwarded-Host %q, -Proto %q", r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"))
		}
		if r.Header.Get("Keep-Alive") != "" || r.Header.Get("Connection") != "" {
			t.Errorf("hop-by-hop fields went upstream: %v", r.Header)
		}
	}
	if n := s.fastServed.Load(); n != 3 {
		t.Errorf("the fast lane forwarded %d of 3", n)
	}
	mu.Lock()
	if len(remotes) != 1 {
		t.Errorf("the upstream saw %d connections; want 1 used again", len(remotes))
	}
	mu.Unlock()
	exs := waitSettled(t, s, 3)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var upTx, upRx string
	for i, ex := range exs {
		want := "GET /n" + string(rune('0'+i)) + " HTTP/1.1\r\n"
		if !strings.HasPrefix(string(ex.RawRequest), want) || !strings.HasPrefix(string(ex.UpRequest), want) {
			t.Errorf("exchange %d: request %q, upstream request %q", i, ex.RawRequest, ex.UpRequest)
		}
		if !strings.HasSuffix(string(ex.RawResponse), "hello from upstream") || !strings.HasSuffix(string(ex.UpResponse), "hello from upstream") || ex.UpStatus != 200 || ex.Status != 200 {
			t.Errorf("exchange %d: response %q, upstream response %q", i, ex.RawResponse, ex.UpResponse)
		}
		if ex.UpConn == 0 || ex.UpConn != exs[0].UpConn {
			t.Errorf("exchange %d: upstream connection %d; want %d", i, ex.UpConn, exs[0].UpConn)
		}
		upTx += string(ex.UpRequest)
		upRx += string(ex.UpResponse)
	}
	// The recorder has the upstream connection's bytes, the same as the legs.
	if got := string(rec.tx[exs[0].UpConn]); got != upTx {
		t.Errorf("recorded upstream tx %q; legs %q", got, upTx)
	}
	if got := string(rec.rx[exs[0].UpConn]); got != upRx {
		t.Errorf("recorded upstream rx %q; legs %q", got, upRx)
	}
	// The client leg as recorded is what the exchanges hold.
	var cTx string
	for _, ex := range exs {
		cTx += string(ex.RawResponse)
	}
	if got := string(rec.tx[exs[0].Conn]); got != cTx {
		t.Errorf("recorded client tx %q; exchanges %q", got, cTx)
	}
}

// Answers the lane reads itself: chunked, framed by the upstream's close,
// HTTP/1.0, longer than what it reads whole, with hop-by-hop fields.
func TestProxyFastLaneAnswerShapes(t *testing.T) {
	long := strings.Repeat("x", fastRespMax+12345)
	cases := []struct {
		name, answer, body string
		closes             bool // the upstream closes after answering
	}{
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", false},
		{"close-delimited", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", "all of it", true},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nold", "old", true},
		{"long", "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(long)) + "\r\n\r\n" + long, long, false},
		{"hop-by-hop", "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok", "ok", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := rawUpstream(t, func(c *net.TCPConn) {
				readHead(c)
				io.WriteString(c, tc.answer)
				if tc.closes {
					c.CloseWrite()
				}
				io.Copy(io.Discard, c)
			})
			s, _ := startProxy(t, "http://"+up)
			resp, body := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			if resp.StatusCode != 200 || string(body) != tc.body {
				t.Fatalf("got %d, %d bytes %.40q", resp.StatusCode, len(body), body)
			}
			if resp.Header.Get("X-Secret") != "" || resp.Header.Get("Keep-Alive") != "" {
				t.Errorf("hop-by-hop fields came back: %v", resp.Header)
			}
			if s.fastServed.Load() != 1 {
				t.Errorf("not forwarded by the fast lane")
			}
			ex := waitSettled(t, s, 1)[0]
			if !strings.HasPrefix(string(ex.UpResponse), tc.answer[:15]) || ex.UpStatus != 200 || ex.Status != 200 {
				t.Errorf("upstream response %.40q status %d/%d", ex.UpResponse, ex.UpStatus, ex.Status)
			}
			if len(ex.UpResponse) != len(tc.answer) && !ex.Truncated {
				t.Errorf("upstream leg has %d of %d bytes", len(ex.UpResponse), len(tc.answer))
			}
		})
	}
}

// Holding needs the standard path: the lane stays off.
func TestProxyFastLaneOffWhileHolding(t *testing.T) {
	up, _ := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.HoldResponses = true; c.ManualPaths = []string{"/held"} })
	resp, body := rawRoundTrip(t, s.Addr().String(), "GET /free HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != "hello from upstream" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if n := s.fastServed.Load(); n != 0 {
		t.Errorf("the fast lane forwarded %d while holding is on", n)
	}
}

// An idle upstream connection that the upstream closed meanwhile is
// replaced by a new one, and the request stays in the fast lane.
func TestProxyFastLaneRetriesClosedIdleConnection(t *testing.T) {
	closed := make(chan struct{}, 4)
	up := rawUpstream(t, func(c *net.TCPConn) {
		readHead(c)
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.Close() // keep-alive said, yet closed: as an idle timeout does
		closed <- struct{}{}
	})
	s, _ := startProxy(t, "http://"+up)
	c, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	defer c.Close()
	br := bufio.NewReader(c)
	for i := range 2 {
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(br, nil)
		must(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
		<-closed
	}
	if n := s.fastServed.Load(); n != 2 {
		t.Errorf("the fast lane forwarded %d of 2", n)
	}
	exs := waitSettled(t, s, 2)
	if exs[0].UpConn == exs[1].UpConn || !strings.HasSuffix(string(exs[1].UpResponse), "ok") {
		t.Errorf("upstream connections %d, %d; second leg %q", exs[0].UpConn, exs[1].UpConn, exs[1].UpResponse)
	}
}

// An upstream that does not answer in time gets the request once: the
// lane answers 504 itself instead of trying again the standard way.
func TestProxyFastLaneTimeoutAsksOnce(t *testing.T) {
	var mu sync.Mutex
	asked := 0
	up := rawUpstream(t, func(c *net.TCPConn) {
		readHead(c)
		mu.Lock()
		asked++
		mu.Unlock()
		io.Copy(io.Discard, c)
	})
	rec := newRecorder()
	s := startServer(t, Config{Upstream: "http://" + up, Recorder: rec}, func(s *Server) {
		s.upstreamHeaders = 100 * time.Millisecond
	})
	resp, body := rawRoundTrip(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "did not answer in time") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	ex := waitSettled(t, s, 1)[0]
	if ex.UpError != UpTimeout || ex.Status != http.StatusGatewayTimeout || !strings.HasPrefix(string(ex.UpRequest), "GET / HTTP/1.1\r\n") {
		t.Errorf("exchange: %v %d %q", ex.UpError, ex.Status, ex.UpRequest)
	}
	mu.Lock()
	defer mu.Unlock()
	if asked != 1 {
		t.Errorf("the upstream was asked %d times", asked)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.errors) != 1 {
		t.Errorf("error events %q", rec.errors)
	}
}

// A long answer the upstream cuts in its streamed part: the client's
// connection is cut (never a whole response), and the exchange says the
// upstream cut it short, with the bytes that came.
func TestProxyFastLaneLongAnswerCutShort(t *testing.T) {
	head := "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(2*fastRespMax) + "\r\n\r\n"
	sent := strings.Repeat("y", fastRespMax+4096)
	up := rawUpstream(t, func(c *net.TCPConn) {
		readHead(c)
		io.WriteString(c, head+sent)
		time.Sleep(50 * time.Millisecond) // the lane has started streaming
		reset(c)
	})
	s, _ := startProxy(t, "http://"+up)
	got := rawExchange(t, s.Addr().String(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || len(got) >= len(head)+2*fastRespMax {
		t.Fatalf("client got %d bytes %.30q", len(got), got)
	}
	if s.fastServed.Load() != 1 {
		t.Errorf("not forwarded by the fast lane")
	}
	ex := waitSettled(t, s, 1)[0]
	if ex.UpError != UpCutShort || ex.State != StateFailed || string(ex.UpResponse) != head+sent {
		t.Errorf("UpError %v, state %v, upstream leg %d of %d bytes", ex.UpError, ex.State, len(ex.UpResponse), len(head+sent))
	}
}
