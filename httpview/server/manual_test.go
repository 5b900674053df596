package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"netassist/assets"
)

// waitPending waits for n held requests and returns them.
func waitPending(t *testing.T, s *Server, n int) []Exchange {
	t.Helper()
	var held []Exchange
	waitFor(t, "held requests", func() bool {
		held = held[:0]
		for _, e := range s.Exchanges() {
			if e.State == StatePending {
				held = append(held, e)
			}
		}
		return len(held) >= n
	})
	return held
}

func template(t *testing.T, name string) string {
	for _, tp := range Templates() {
		if tp.Name == name {
			return tp.Raw
		}
	}
	t.Fatalf("no template %q", name)
	return ""
}

type result struct {
	resp *http.Response
	body []byte
	err  error
}

func goGet(c *http.Client, url string) chan result {
	ch := make(chan result, 1)
	go func() {
		resp, err := c.Get(url)
		if err != nil {
			ch <- result{err: err}
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		ch <- result{resp: resp, body: body, err: err}
	}()
	return ch
}

func TestManualRespond(t *testing.T) {
	s := startServer(t, Config{Manual: true})
	c := newTapClient()
	defer c.close()
	url := "http://" + s.Addr().String() + "/hello?x=1"
	cases := []struct {
		name  string
		reply Reply
		check func(t *testing.T, r result, raw string)
	}{
		{"200 HTML filled", Reply{Raw: []byte(template(t, "200 HTML")), FillContentLength: true, FillDate: true},
			func(t *testing.T, r result, raw string) {
				if r.resp.StatusCode != 200 || !strings.Contains(string(r.body), "Hello") || r.resp.ContentLength != int64(len(r.body)) || r.resp.Header.Get("Date") == "" {
					t.Fatalf("got %d len %d date %q: %s", r.resp.StatusCode, r.resp.ContentLength, r.resp.Header.Get("Date"), r.body)
				}
			}},
		{"no fills", Reply{Raw: []byte("HTTP/1.1 200 OK\nX-Typed: yes\n\nbody")},
			func(t *testing.T, r result, raw string) {
				if string(r.body) != "body" || r.resp.Header.Get("X-Typed") != "yes" || strings.Contains(raw, "Date:") || strings.Contains(raw, "Content-Length") || strings.Contains(raw, "Content-Type") {
					t.Fatalf("got %q; raw %q", r.body, raw)
				}
			}},
		{"chunked template", Reply{Raw: []byte(template(t, "200 chunked")), FillContentLength: true, FillDate: true},
			func(t *testing.T, r result, raw string) {
				if string(r.body) != "Hello, chunks!" || !strings.Contains(raw, "Transfer-Encoding: chunked") {
					t.Fatalf("got %q; raw %q", r.body, raw)
				}
			}},
		{"302 then close", Reply{Raw: []byte(template(t, "302 Found")), FillContentLength: true, Close: true},
			func(t *testing.T, r result, raw string) {
				if r.resp.StatusCode != 302 || r.resp.Header.Get("Location") != "/" || !strings.Contains(raw, "Connection: close") {
					t.Fatalf("got %d; raw %q", r.resp.StatusCode, raw)
				}
			}},
		{"304", Reply{Raw: []byte(template(t, "304 Not Modified")), FillContentLength: true, FillDate: true},
			func(t *testing.T, r result, raw string) {
				if r.resp.StatusCode != 304 || strings.Contains(raw, "Content-Length") {
					t.Fatalf("got %d; raw %q", r.resp.StatusCode, raw)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Exchanges())
			ch := goGet(c.Client, url)
			held := waitPending(t, s, 1)
			e := held[0]
			if e.Deadline.IsZero() || !e.Manual || e.Target != "/hello?x=1" {
				t.Fatalf("held: %+v", e)
			}
			if err := s.Respond(e.ID, tc.reply); err != nil {
				t.Fatalf("Respond: %v", err)
			}
			if err := s.Respond(e.ID, tc.reply); !errors.Is(err, ErrNotPending) {
				t.Fatalf("second Respond: %v; want ErrNotPending", err)
			}
			r := <-ch
			if r.err != nil {
				t.Fatal(r.err)
			}
			ex := waitSettled(t, s, before+1)
			got := ex[len(ex)-1]
			if got.State != StateAnswered || got.Status != r.resp.StatusCode || !got.Deadline.IsZero() {
				t.Fatalf("exchange: %v %d", got.State, got.Status)
			}
			tc.check(t, r, string(got.RawResponse))
		})
	}
	checkRawMatchesClient(t, s, c)
}

func TestManualRefusesUnparsableReply(t *testing.T) {
	s := startServer(t, Config{Manual: true})
	c := newTapClient()
	defer c.close()
	if s.Holding() {
		t.Fatal("holding before any request")
	}
	ch := goGet(c.Client, "http://"+s.Addr().String()+"/")
	id := waitPending(t, s, 1)[0].ID
	if !s.Holding() {
		t.Fatal("a held request is not held") // its countdown would not move
	}
	for _, bad := range []string{"", "200 OK\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"} {
		if err := s.Respond(id, Reply{Raw: []byte(bad)}); err == nil {
			t.Errorf("Respond(%q) accepted", bad)
		}
	}
	if e, _ := s.Exchange(id); e.State != StatePending {
		t.Fatalf("state after refused replies: %v", e.State)
	}
	if err := s.Respond(id, Reply{Raw: []byte("HTTP/1.1 204 No Content\r\n\r\n")}); err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r.err != nil || r.resp.StatusCode != 204 {
		t.Fatalf("got %v %v", r.resp, r.err)
	}
	if s.Holding() {
		t.Fatal("still holding once answered")
	}
}

func TestTemplatesAreWellFramed(t *testing.T) {
	want := []string{"200 HTML", "200 JSON", "204 No Content", "301 Moved Permanently", "302 Found", "304 Not Modified", "404 Not Found", "500 Internal Server Error", "200 chunked"}
	tps := Templates()
	if len(tps) != len(want) {
		t.Fatalf("%d templates; want %d", len(tps), len(want))
	}
	s := startServer(t, Config{Manual: true})
	for i, tp := range tps {
		if tp.Name != want[i] {
			t.Errorf("template %d is %q; want %q", i, tp.Name, want[i])
		}
		if _, err := parseTyped([]byte(tp.Raw)); err != nil {
			t.Errorf("%s: %v", tp.Name, err)
		}
		if (strings.HasPrefix(tp.Name, "301") || strings.HasPrefix(tp.Name, "302")) && !strings.Contains(tp.Raw, "\r\nLocation: ") {
			t.Errorf("%s has no Location", tp.Name)
		}
		// Sent verbatim, each one is a complete message a client can read.
		conn, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		id := waitPending(t, s, 1)[0].ID
		raw := tp.Raw
		if !strings.Contains(raw, "Transfer-Encoding") {
			// Verbatim means no fill: add the length the way the learner would.
			head, body := splitTyped([]byte(raw))
			if len(body) > 0 {
				raw = strings.TrimSuffix(string(head), "\r\n") + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body)
			}
		}
		if err := s.Respond(id, Reply{Raw: []byte(raw), Verbatim: true, Close: true}); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "GET"})
		if err != nil {
			t.Fatalf("%s: %v", tp.Name, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s body: %v", tp.Name, err)
		}
		if tp.Name == "200 chunked" {
			_, rawBody := splitTyped([]byte(tp.Raw))
			dec, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(rawBody)))
			if err != nil || string(dec) != "Hello, chunks!" || string(body) != string(dec) {
				t.Errorf("chunked template decodes to %q (%v), client read %q", dec, err, body)
			}
		}
		conn.Close()
		waitSettled(t, s, i+1)
	}
}

// TestVerbatim: a raw client receives exactly the typed bytes, malformed
// ones included; with keep-alive the connection stays open and a further
// request is listed as not answered.
func TestVerbatim(t *testing.T) {
	s := startServer(t, Config{Manual: true})
	typed := "HTTP/1.1 200 OK\nContent-Length: 100\r\nX-Odd:\x00\xff\r\n\r\n<h1>hi</h1>" // lies about its length
	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req1 := "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
	io.WriteString(conn, req1)
	id := waitPending(t, s, 1)[0].ID
	if err := s.Respond(id, Reply{Raw: []byte(typed), Verbatim: true}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(typed))
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != typed {
		t.Fatalf("got %q, %v; want %q", got, err, typed)
	}
	req2 := "GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
	io.WriteString(conn, req2)
	waitFor(t, "the unanswered request", func() bool { return len(s.Exchanges()) == 2 })
	conn.Close()
	ex := waitSettled(t, s, 2)
	if ex[0].State != StateAnswered || string(ex[0].RawResponse) != typed || string(ex[0].RawRequest) != req1 || ex[0].Status != 200 {
		t.Fatalf("verbatim exchange: %v %q %q", ex[0].State, ex[0].RawRequest, ex[0].RawResponse)
	}
	if ex[1].State != StateFailed || string(ex[1].RawRequest) != req2 || ex[1].Target != "/b" {
		t.Fatalf("second request: %+v", ex[1])
	}

	// With Close, the client reads exactly the bytes and then EOF.
	raw := "HTTP/1.0 418 I'm a teapot\r\n\r\nshort and stout"
	done := make(chan string, 1)
	go func() {
		// No t.Fatal off the test goroutine: errors show as a wrong answer.
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			done <- err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
		b, _ := io.ReadAll(c)
		done <- string(b)
	}()
	id = waitPending(t, s, 1)[0].ID
	if err := s.Respond(id, Reply{Raw: []byte(raw), Verbatim: true, Close: true}); err != nil {
		t.Fatal(err)
	}
	if got := <-done; got != raw {
		t.Fatalf("got %q; want %q", got, raw)
	}
	ex = waitSettled(t, s, 3)
	if ex[2].Status != 418 || string(ex[2].RawResponse) != raw {
		t.Fatalf("exchange: %+v", ex[2])
	}
}

func TestManualTimeout504(t *testing.T) {
	s := startServer(t, Config{Manual: true, Timeout: 20 * time.Millisecond})
	c := newTapClient()
	defer c.close()
	resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/slow")
	if resp.StatusCode != 504 || !strings.Contains(string(body), "504") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	ex := waitSettled(t, s, 1)
	if ex[0].State != StateTimedOut || ex[0].Status != 504 || ex[0].Note == "" {
		t.Fatalf("exchange: %+v", ex[0])
	}
	if err := s.Respond(ex[0].ID, Reply{Raw: []byte("HTTP/1.1 200 OK\r\n\r\n")}); !errors.Is(err, ErrNotPending) {
		t.Fatalf("Respond after timeout: %v", err)
	}
	checkRawMatchesClient(t, s, c)
}

// TestFaviconNotBlocked: while one request is held, others are served (or
// held and answered on their own).
func TestFaviconNotBlocked(t *testing.T) {
	s := startServer(t, Config{Manual: true, ManualPaths: []string{"/api/", "/login"}})
	c := newTapClient()
	defer c.close()
	base := "http://" + s.Addr().String()
	ch := goGet(c.Client, base+"/api/user")
	held := waitPending(t, s, 1)
	resp, body := get(t, c.Client, base+"/favicon.ico")
	if resp.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("favicon: %d", resp.StatusCode)
	}
	resp, _ = get(t, c.Client, base+"/login/x")
	if resp.StatusCode != 404 {
		t.Fatalf("/login/x is static: %d", resp.StatusCode)
	}
	if err := s.Respond(held[0].ID, Reply{Raw: []byte(template(t, "200 JSON")), FillContentLength: true, FillDate: true}); err != nil {
		t.Fatal(err)
	}
	if r := <-ch; r.err != nil || r.resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("held: %v %v", r.resp, r.err)
	}

	// All paths manual: two held at once, answered in the other order.
	s2 := startServer(t, Config{Manual: true})
	c2 := newTapClient()
	defer c2.close()
	page := goGet(c2.Client, "http://"+s2.Addr().String()+"/")
	icon := goGet(c2.Client, "http://"+s2.Addr().String()+"/favicon.ico")
	held = waitPending(t, s2, 2)
	for _, e := range []Exchange{held[1], held[0]} {
		if err := s2.Respond(e.ID, Reply{Raw: []byte("HTTP/1.1 200 OK\r\n\r\n" + e.Target), FillContentLength: true}); err != nil {
			t.Fatal(err)
		}
	}
	if r := <-icon; r.err != nil || string(r.body) != "/favicon.ico" {
		t.Fatalf("icon: %v %q", r.err, r.body)
	}
	if r := <-page; r.err != nil || string(r.body) != "/" {
		t.Fatalf("page: %v %q", r.err, r.body)
	}
	waitSettled(t, s2, 2)
	checkRawMatchesClient(t, s2, c2)
}

// TestManualPostBodyVisible: the body of a held POST is in the raw request
// while it waits.
func TestManualPostBodyVisible(t *testing.T) {
	s := startServer(t, Config{Manual: true})
	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\nname=%E5%B0%8F"
	io.WriteString(conn, req)
	e := waitPending(t, s, 1)[0]
	waitFor(t, "the raw request", func() bool { e, _ = s.Exchange(e.ID); return len(e.RawRequest) > 0 })
	if string(e.RawRequest) != req {
		t.Fatalf("raw request %q; want %q", e.RawRequest, req)
	}
}

// TestCloseWhileHeld: Close ends held requests, hijacked connections and
// all goroutines.
func TestCloseWhileHeld(t *testing.T) {
	base := runtime.NumGoroutine()
	s := New(Config{Addr: "127.0.0.1:0", Manual: true, Log: quietLog(), Site: assets.Site})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	c := newTapClient()
	ch := goGet(c.Client, "http://"+s.Addr().String()+"/held")
	waitPending(t, s, 1)
	// A hijacked keep-alive connection too.
	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET /v HTTP/1.1\r\nHost: x\r\n\r\n")
	var id uint64
	waitFor(t, "second held request", func() bool {
		for _, e := range s.Exchanges() {
			if e.Target == "/v" && e.State == StatePending {
				id = e.ID
				return true
			}
		}
		return false
	})
	if err := s.Respond(id, Reply{Raw: []byte("HTTP/1.1 200 OK\r\n\r\n"), Verbatim: true}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "verbatim sent", func() bool { e, _ := s.Exchange(id); return e.State == StateAnswered })

	s.Close()
	if r := <-ch; r.err == nil {
		t.Fatalf("held request got an answer after Close: %v", r.resp.Status)
	}
	for _, e := range s.Exchanges() {
		if e.Target == "/held" && (e.State != StateFailed || e.Note == "") {
			t.Fatalf("held exchange after Close: %+v", e)
		}
	}
	c.close()
	conn.Close()
	waitFor(t, "goroutines to return to the baseline", func() bool { return runtime.NumGoroutine() <= base })
}
