package server

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
	if r, used, good := parseSimpleRequest([]byte(ok + "GET")); !good || used != len(ok) || r.method != "GET" || r.target != "/a.txt" {
		t.Fatalf("plain GET: %+v %d %v", r, used, good)
	}
	for _, req := range []string{
		"GET /a.txt HTTP/1.1\r\nHost: x\r\n",                             // incomplete
		"POST /a.txt HTTP/1.1\r\nHost: x\r\n\r\n",                        // a method with a body
		"GET /a.txt HTTP/1.0\r\nHost: x\r\n\r\n",                         // HTTP/1.0
		"GET /a.txt?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",                     // a query
		"GET /%2e%2e/a HTTP/1.1\r\nHost: x\r\n\r\n",                      // percent-encoding
		"GET http://x/a.txt HTTP/1.1\r\nHost: x\r\n\r\n",                 // absolute form
		"GET /a.txt HTTP/1.1\r\n\r\n",                                    // no Host
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",              // two Hosts
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n",     // a range
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n",     // conditional
		"GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",    // closes
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
// same target, same length, a Host, and nothing that would make net/http
// answer differently (a body, a close).
func FuzzSimpleRequest(f *testing.F) {
	f.Add([]byte("GET /a.txt HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n"))
	f.Add([]byte("HEAD /sub/ HTTP/1.1\r\nhost: x\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\nX: \t v \r\n\r\n"))
	f.Add([]byte("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, used, ok := parseSimpleRequest(b)
		if !ok {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:used])))
		if err != nil {
			t.Fatalf("fast lane took %q; net/http: %v", b[:used], err)
		}
		if req.Method != r.method || req.RequestURI != r.target || req.Host == "" || req.ContentLength != 0 || req.Close || req.ProtoMinor != 1 {
			t.Fatalf("fast lane %+v; net/http %s %s host %q length %d close %v for %q", r, req.Method, req.RequestURI, req.Host, req.ContentLength, req.Close, b[:used])
		}
	})
}
