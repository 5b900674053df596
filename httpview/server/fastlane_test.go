package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// fastTree is a served folder whose files the cache takes at once.
func fastTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"index.html":     "<!DOCTYPE html><p>home</p>",
		"style.css":      "p { color: red }",
		"app.js":         "console.log(1)",
		"data.bin":       "\x00\x01\x02\xff binary",
		"README":         "plain words, no extension",
		"sub/index.html": "<p>sub</p>",
		"sub/note.txt":   "note\n",
		"empty.txt":      "",
	}
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return root
}

// oneResponse writes req on c and returns the raw bytes of one response.
func oneResponse(t *testing.T, c net.Conn, br *bufio.Reader, req, method string) []byte {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(br, &raw)), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("response to %q: %v", req, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return raw.Bytes()
}

var dateLine = regexp.MustCompile(`(?m)^Date: [^\r]*\r$`)

// The fast lane's answers are byte for byte net/http's (but for the time
// in Date), for every kind of file, for GET and HEAD.
func TestFastLaneMatchesNetHTTP(t *testing.T) {
	root := fastTree(t)
	fast := startServer(t, Config{Root: root}, warmCache)
	slow := startServer(t, Config{Root: root}, warmCache, func(s *Server) { s.noFastLane = true })
	dial := func(s *Server) (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// One byte at a time through a bufio of 1: the tee sees exactly
		// one response, never the start of the next.
		return c, bufio.NewReaderSize(c, 16)
	}
	fc, fbr := dial(fast)
	sc, sbr := dial(slow)
	n := 0
	for _, target := range []string{"/", "/index.html", "/style.css", "/app.js", "/data.bin", "/README", "/sub/", "/sub/note.txt", "/empty.txt"} {
		for _, method := range []string{"GET", "HEAD"} {
			req := method + " " + target + " HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n"
			got := oneResponse(t, fc, fbr, req, method)
			want := oneResponse(t, sc, sbr, req, method)
			n++
			if g, w := dateLine.ReplaceAll(got, nil), dateLine.ReplaceAll(want, nil); !bytes.Equal(g, w) {
				t.Errorf("%s %s:\nfast lane %q\nnet/http  %q", method, target, got, want)
			}
		}
	}
	if f, s := fast.fastServed.Load(), slow.fastServed.Load(); f != uint64(n) || s != 0 {
		t.Fatalf("fast lane answered %d of %d (and %d with it off)", f, n, s)
	}
}

// HTTP/1.0 and "Connection: close" too: the same bytes as net/http, and
// the connection ends after the answer (or, asked to, stays open for the
// next request) the same way.
func TestFastLaneMatchesNetHTTPOldAndClosing(t *testing.T) {
	root := fastTree(t)
	fast := startServer(t, Config{Root: root}, warmCache)
	slow := startServer(t, Config{Root: root}, warmCache, func(s *Server) { s.noFastLane = true })
	// exchange sends req on a new connection and returns everything the
	// server sent until it closed, or one response and whether a second
	// request on the same connection was answered.
	exchange := func(s *Server, req, method string, keep bool) []byte {
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if !keep {
			io.WriteString(c, req)
			all, err := io.ReadAll(c) // to the server's FIN
			if err != nil {
				t.Fatalf("%q: %v after %q", req, err, all)
			}
			return all
		}
		br := bufio.NewReaderSize(c, 16)
		first := oneResponse(t, c, br, req, method)
		oneResponse(t, c, br, req, method) // the connection stayed open
		return first
	}
	n := 0
	for _, target := range []string{"/", "/style.css", "/data.bin", "/empty.txt"} {
		for _, method := range []string{"GET", "HEAD"} {
			for _, v := range []struct {
				head string
				keep bool
			}{
				{" HTTP/1.0\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n", false},
				{" HTTP/1.0\r\nHost: x\r\n\r\n", false},
				{" HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\nUser-Agent: ApacheBench/2.3\r\nAccept: */*\r\n\r\n", true},
				{" HTTP/1.0\r\nConnection: close\r\n\r\n", false},
				{" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: */*\r\n\r\n", false},
			} {
				req := method + " " + target + v.head
				got := exchange(fast, req, method, v.keep)
				want := exchange(slow, req, method, v.keep)
				n++
				if g, w := dateLine.ReplaceAll(got, nil), dateLine.ReplaceAll(want, nil); !bytes.Equal(g, w) {
					t.Errorf("%q:\nfast lane %q\nnet/http  %q", req, got, want)
				}
			}
		}
	}
	if f := fast.fastServed.Load(); f != uint64(n+8) { // the keep-alive variant asks twice
		t.Fatalf("fast lane answered %d of %d", f, n+8)
	}
}

// A connection that asked to close gets its answer, nothing for what it
// sent after, and is closed: at once when the client closes too (fin),
// after closeLinger when it does not (local). On the event loop and on a
// goroutine of its own.
func TestFastLaneClosesWhenAsked(t *testing.T) {
	for _, lane := range []string{"loop", "goroutine"} {
		t.Run(lane, func(t *testing.T) {
			rec := &reasonRecorder{recorder: newRecorder(), reasons: map[uint64]string{}}
			s := startServer(t, Config{Root: fastTree(t), Recorder: rec}, warmCache, func(s *Server) { s.noLoop = lane == "goroutine" })
			old := dialServer(t, s) // HTTP/1.0, and a request after it that must go unanswered
			io.WriteString(old, "GET /style.css HTTP/1.0\r\n\r\nGET /app.js HTTP/1.1\r\nHost: x\r\n\r\n")
			all, err := io.ReadAll(old)
			if err != nil || !bytes.HasPrefix(all, []byte("HTTP/1.0 200 OK\r\n")) || !bytes.HasSuffix(all, []byte("\r\n\r\np { color: red }")) {
				t.Fatalf("HTTP/1.0: %q, %v", all, err)
			}
			old.Close()
			waitFor(t, "the HTTP/1.0 connection's end", func() bool { return rec.count(netassist.EvDisconnect) == 1 })
			stays := dialServer(t, s) // asks to close, then neither sends nor closes
			io.WriteString(stays, "HEAD /app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			all, err = io.ReadAll(stays) // the FIN comes with the answer
			if err != nil || !bytes.HasPrefix(all, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(all, []byte("\r\nConnection: close\r\n\r\n")) {
				t.Fatalf("Connection: close: %q, %v", all, err)
			}
			waitFor(t, "the lingering connection's end", func() bool { return rec.count(netassist.EvDisconnect) == 2 })
			rec.mu.Lock()
			got := fmt.Sprint(rec.sorted())
			rec.mu.Unlock()
			if got != "[fin local]" {
				t.Fatalf("reasons %s, want [fin local]", got)
			}
			if n := s.fastServed.Load(); n != 2 {
				t.Fatalf("fast lane answered %d, want 2", n)
			}
			// The request after the HTTP/1.0 one is listed, unanswered.
			ex := waitSettled(t, s, 3)
			if ex[0].Status != 200 || ex[0].Target != "/style.css" || ex[1].Target != "/app.js" || ex[1].State != StateFailed ||
				ex[2].Status != 200 || ex[2].Method != "HEAD" {
				t.Fatalf("exchanges %+v", ex)
			}
		})
	}
}

// A connection moves to net/http for a request the fast lane does not
// take, keeping order and every byte; the capture lists both exchanges
// with their raw messages.
func TestFastLaneHandsOver(t *testing.T) {
	s := startServer(t, Config{Root: fastTree(t)}, warmCache)
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	plain := "GET /sub/note.txt HTTP/1.1\r\nHost: x\r\n\r\n"
	ranged := "GET /sub/note.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n"
	io.WriteString(c, plain+ranged) // pipelined in one write
	br := bufio.NewReader(c)
	for _, want := range []struct {
		status int
		body   string
	}{{200, "note\n"}, {206, "no"}} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want.status || string(body) != want.body {
			t.Fatalf("got %d %q; want %d %q", resp.StatusCode, body, want.status, want.body)
		}
	}
	// A request that arrives in pieces is net/http's to finish.
	io.WriteString(c, "GET /style.css HT")
	time.Sleep(30 * time.Millisecond)
	io.WriteString(c, "TP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "p { color: red }" {
		t.Fatalf("split request: %d %q", resp.StatusCode, body)
	}
	if n := s.fastServed.Load(); n != 1 {
		t.Fatalf("fast lane answered %d; want 1 (the plain GET)", n)
	}
	ex := waitSettled(t, s, 3)
	for i, want := range []string{plain, ranged, "GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n"} {
		if string(ex[i].RawRequest) != want || ex[i].Method != "GET" {
			t.Fatalf("exchange %d request %q; want %q", i, ex[i].RawRequest, want)
		}
	}
	if ex[0].Status != 200 || ex[1].Status != 206 || ex[2].Status != 200 ||
		!strings.HasSuffix(string(ex[0].RawResponse), "\r\n\r\nnote\n") || ex[0].Target != "/sub/note.txt" {
		t.Fatalf("exchanges %d %d %d, first response %q", ex[0].Status, ex[1].Status, ex[2].Status, ex[0].RawResponse)
	}
}

// What the fast lane must leave to net/http.
func TestSimpleRequestParsing(t *testing.T) {
	ok := "GET /a.txt HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"
	if r, used, good := parseSimpleRequest([]byte(ok + "GET")); !good || used != len(ok) || r.method != "GET" || r.target != "/a.txt" || r.close || r.http10 {
		t.Fatalf("plain GET: %+v %d %v", r, used, good)
	}
	for req, want := range map[string]simpleRequest{
		"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n":      {"GET", "/a", false, true},
		"GET /a HTTP/1.1\r\nHost: x\r\nconnection: Keep-Alive\r\n\r\n": {"GET", "/a", false, false},
		"GET /a HTTP/1.0\r\n\r\n":                                      {"GET", "/a", true, true},
		"HEAD /a HTTP/1.0\r\nHost: x\r\n\r\n":                          {"HEAD", "/a", true, true},
		"GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\n\r\n": {"GET", "/a", true, false},
		"GET /a HTTP/1.0\r\nConnection: close\r\n\r\n":                 {"GET", "/a", true, true},
	} {
		if r, used, good := parseSimpleRequest([]byte(req)); !good || used != len(req) || r != want {
			t.Errorf("%q: %+v %d %v; want %+v", req, r, used, good, want)
		}
	}
	for _, req := range []string{
		"GET /a.txt HTTP/1.1\r\nHost: x\r\n",                             // incomplete
		"POST /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",                        // a method with a body
		"GET /a.txt?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",                     // a query
		"GET /%2e%2e/a HTTP/1.1\r\nHost: x\r\n\r\n",                      // percent-encoding
		"GET http://x/a.txt HTTP/1.1\r\nHost: x\r\n\r\n",                 // absolute form
		"GET /a.txt HTTP/1.1\r\n\r\n",                                    // no Host
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",              // two Hosts
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",     // a range
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n",     // conditional
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close, x\r\n\r\n", // a list
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nConnection: close\r\n\r\n",
		"GET /a.txt HTTP/1.2\r\nHost: x\r\n\r\n",                         // another version
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",    // a body, however short
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: x\r\n\r\n", // smuggling material
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n",          // invalid field name
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",            // NUL in a value
		"GET /a.txt HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",              // obsolete line folding
		"GET  /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",                        // two spaces
		"GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n",                          // backslash
	} {
		if _, _, good := parseSimpleRequest([]byte(req)); good {
			t.Errorf("fast lane would take %q", req)
		}
	}
}

// Whatever the fast lane takes, net/http reads the same way: same method,
// same target, same version, same length, a Host for HTTP/1.1, the same
// way for the connection, and nothing that would make net/http answer
// differently (a body).
func FuzzSimpleRequest(f *testing.F) {
	f.Add([]byte("GET /a.txt HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"))
	f.Add([]byte("HEAD /sub/ HTTP/1.1\r\nhost: x\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\nX: \t v \r\n\r\n"))
	f.Add([]byte("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
	f.Add([]byte("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
	f.Add([]byte("HEAD /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, used, ok := parseSimpleRequest(b)
		if !ok {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:used])))
		if err != nil {
			t.Fatalf("fast lane took %q; net/http: %v", b[:used], err)
		}
		http10 := req.ProtoMinor == 0
		if req.Method != r.method || req.RequestURI != r.target || req.Host == "" && !http10 || req.ContentLength != 0 ||
			req.Close != r.close || req.ProtoMajor != 1 || http10 != r.http10 {
			t.Fatalf("fast lane %+v; net/http %s %s host %q length %d close %v for %q", r, req.Method, req.RequestURI, req.Host, req.ContentLength, req.Close, b[:used])
		}
	})
}
