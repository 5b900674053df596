package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"netassist/netassist"
	"netassist/netassist/rules"
)

func httpRules(t *testing.T, js string) *rules.HTTPSet {
	t.Helper()
	s, err := rules.LoadHTTP([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const testRules = `{"version":1,"rules":[
 {"name":"user","match":{"method":"GET","path":"^/users/(?P<id>\\d+)$"},
  "reply":{"status":200,"headers":"Content-Type: application/json","template":"{\"id\": ${id}}"}},
 {"name":"echo","match":{"method":"POST","body_contains":"ping"},"reply":{"status":201,"template":"got ${msg}"}},
 {"name":"bye","match":{"path":"^/bye$"},"reply":{"template":"bye"},"then":{"after":"close"}},
 {"name":"rst","match":{"path":"^/rst$"},"reply":{"template":"rst"},"then":{"after":"reset"}},
 {"name":"fin","match":{"path":"^/fin$"},"reply":{"template":"fin"},"then":{"after":"half-close"}}]}`

func TestRulesAnswerBeforeTheFolder(t *testing.T) {
	s := startServer(t, Config{Rules: httpRules(t, testRules)})
	addr := s.Addr().String()
	resp, body := rawRoundTrip(t, addr, "GET /users/42 HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != `{"id": 42}` || resp.Header.Get("Content-Type") != "application/json" || resp.ContentLength != 10 {
		t.Fatalf("rule answer: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	resp, body = rawRoundTrip(t, addr, "POST /any HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nping pong")
	if resp.StatusCode != 201 || string(body) != "got ping pong" || resp.Header["Content-Type"] != nil {
		t.Fatalf("echo: %d %q %v (no Content-Type the rule did not write)", resp.StatusCode, body, resp.Header)
	}
	resp, _ = rawRoundTrip(t, addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("the sample site was not served for a request no rule matches: %d %v", resp.StatusCode, resp.Header)
	}
	ex := waitSettled(t, s, 3)
	if ex[0].Rule != "user" || ex[1].Rule != "echo" || ex[2].Rule != "" {
		t.Errorf("rules marked: %q %q %q", ex[0].Rule, ex[1].Rule, ex[2].Rule)
	}
	if !strings.HasPrefix(string(ex[0].RawResponse), "HTTP/1.1 200 OK\r\n") {
		t.Errorf("captured %q", ex[0].RawResponse)
	}
}

func TestRulesThenHangUp(t *testing.T) {
	s := startServer(t, Config{Rules: httpRules(t, testRules)})
	addr := s.Addr().String()
	if got := rawExchange(t, addr, "GET /bye HTTP/1.1\r\nHost: x\r\n\r\n"); !strings.Contains(got, "Connection: close\r\n") || !strings.HasSuffix(got, "bye") {
		t.Errorf("close: %q", got)
	}

	c, err := net.Dial("tcp", addr)
	must(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "GET /fin HTTP/1.1\r\nHost: x\r\n\r\n")
	got, err := io.ReadAll(c) // ends at the FIN
	if err != nil || !strings.HasSuffix(string(got), "fin") {
		t.Errorf("half-close: %q %v", got, err)
	}
	if _, err := io.WriteString(c, "still open for writing"); err != nil {
		t.Errorf("after the half-close the client cannot write: %v", err)
	}

	c2, err := net.Dial("tcp", addr)
	must(t, err)
	defer c2.Close()
	c2.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c2, "GET /rst HTTP/1.1\r\nHost: x\r\n\r\n")
	var all []byte
	buf := make([]byte, 4096)
	for {
		n, err := c2.Read(buf)
		all = append(all, buf[:n]...)
		if err != nil {
			if !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("reset: read ended with %v, want a reset", err)
			}
			break
		}
	}
	if !strings.HasSuffix(string(all), "rst") {
		t.Errorf("reset: the answer did not arrive first: %q", all)
	}
}

func TestRulesBeforeTheProxyAndHolding(t *testing.T) {
	up, sn := newUpstream(t)
	s, _ := startProxy(t, up.URL, func(c *Config) { c.Rules = httpRules(t, testRules) })
	addr := s.Addr().String()
	resp, body := rawRoundTrip(t, addr, "GET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || string(body) != `{"id": 7}` {
		t.Fatalf("rule: %d %q", resp.StatusCode, body)
	}
	// Not matched ("pong" only): forwarded with its whole body.
	resp, body = rawRoundTrip(t, addr, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\npong")
	if resp.StatusCode != 200 || string(body) != "hello from upstream" {
		t.Fatalf("forward: %d %q", resp.StatusCode, body)
	}
	r, b := sn.last(t)
	if r.URL.Path != "/p" || b != "pong" {
		t.Errorf("upstream got %s %q", r.URL.Path, b)
	}
	sn.mu.Lock()
	n := len(sn.reqs)
	sn.mu.Unlock()
	if n != 1 {
		t.Errorf("the upstream got %d requests; want only the one no rule answered", n)
	}

	// Manual mode: a request no rule answers waits for a hand-written answer.
	m := startServer(t, Config{Manual: true, Rules: httpRules(t, testRules)})
	if resp, _ := rawRoundTrip(t, m.Addr().String(), "GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n"); resp.StatusCode != 200 {
		t.Errorf("rule in manual mode: %d", resp.StatusCode)
	}
	ch := goRaw(m.Addr().String(), "GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	ex := waitPending(t, m, 1)[0]
	must(t, m.Respond(ex.ID, Reply{Raw: []byte("HTTP/1.1 204 No Content\r\n\r\n")}))
	if got := <-ch; !strings.HasPrefix(got, "HTTP/1.1 204") {
		t.Errorf("held: %q", got)
	}
}

func TestRulesFireOnceThenTheMode(t *testing.T) {
	s := startServer(t, Config{Rules: httpRules(t, `{"version":1,"rules":[{"name":"first","match":{"path":"^/$"},"reply":{"status":503,"template":"busy"},"fire":{"mode":"once"}}]}`)})
	c := &http.Client{}
	for i, want := range []int{503, 200} {
		resp, err := c.Get("http://" + s.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("request %d: %d; want %d", i+1, resp.StatusCode, want)
		}
	}
}

// ruleTx collects the tx bytes each rule name marked (""; none).
type ruleTx struct {
	mu sync.Mutex
	tx map[string]string
}

func (r *ruleTx) Record(ev netassist.Event) {
	if ev.Kind != netassist.EvTx {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tx[ev.Rule] += string(ev.Data)
}

func (r *ruleTx) get(name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tx[name]
}

// The window hands a server that is already serving (fast lane and all)
// its rules; the next request is answered by them, one connection's
// keep-alive too, and only the answer's bytes name the rule.
func TestSetRulesWhileServingAndTxNamesTheRule(t *testing.T) {
	rec := &ruleTx{tx: map[string]string{}}
	s := startServer(t, Config{Recorder: rec})
	addr := s.Addr().String()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	roundTrip := func(path string) (*http.Response, string) {
		t.Helper()
		if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, _ := roundTrip("/"); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("sample site: %d %v", resp.StatusCode, resp.Header)
	}
	s.SetRules(httpRules(t, testRules))
	if resp, body := roundTrip("/users/7"); resp.StatusCode != 200 || body != `{"id": 7}` {
		t.Fatalf("after SetRules: %d %q", resp.StatusCode, body)
	}
	if resp, _ := roundTrip("/"); resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("no rule matches /: %d %v", resp.StatusCode, resp.Header)
	}
	waitSettled(t, s, 3)
	if got := rec.get("user"); !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(got, `{"id": 7}`) {
		t.Errorf("tx named \"user\": %q", got)
	}
	if got := rec.get(""); strings.Count(got, "HTTP/1.1 200 OK") != 2 || strings.Contains(got, `"id"`) {
		t.Errorf("tx with no rule: %d answers, %q…", strings.Count(got, "HTTP/1.1 200 OK"), got[:min(len(got), 80)])
	}
	s.SetRules(nil)
	if resp, _ := roundTrip("/users/7"); resp.StatusCode != 404 {
		t.Errorf("rules removed: %d", resp.StatusCode)
	}
}

// The window always gives the server a set, empty when there are no
// rules: an empty set keeps the fast lane, a rule turns it off.
func TestEmptyRulesKeepTheFastLane(t *testing.T) {
	empty, err := rules.CompileHTTP(rules.File{Version: rules.Version})
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, Config{Root: fastTree(t), Rules: empty}, warmCache)
	addr := s.Addr().String()
	rawRoundTrip(t, addr, "GET /sub/note.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if n := s.fastServed.Load(); n != 1 {
		t.Fatalf("fast lane served %d; want 1 with an empty rule set", n)
	}
	s.SetRules(httpRules(t, testRules))
	rawRoundTrip(t, addr, "GET /sub/note.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if n := s.fastServed.Load(); n != 1 {
		t.Fatalf("fast lane served %d; want still 1 with rules", n)
	}
}
