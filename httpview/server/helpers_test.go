package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"netassist/assets"
	"netassist/netassist"
)

// recorder counts what the server reported, per connection.
type recorder struct {
	mu     sync.Mutex
	rx, tx map[uint64][]byte
	kinds  map[netassist.EventKind]int
	errors []string // Detail of each error event
}

func newRecorder() *recorder {
	return &recorder{rx: map[uint64][]byte{}, tx: map[uint64][]byte{}, kinds: map[netassist.EventKind]int{}}
}

func (r *recorder) Record(ev netassist.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.kinds[ev.Kind]++
	switch ev.Kind {
	case netassist.EvRx:
		r.rx[ev.Conn] = append(r.rx[ev.Conn], ev.Data...)
	case netassist.EvTx:
		r.tx[ev.Conn] = append(r.tx[ev.Conn], ev.Data...)
	case netassist.EvError:
		r.errors = append(r.errors, ev.Detail)
	}
}

func (r *recorder) totals() (rx, tx int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range r.rx {
		rx += len(b)
	}
	for _, b := range r.tx {
		tx += len(b)
	}
	return rx, tx
}

func (r *recorder) count(k netassist.EventKind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.kinds[k]
}

func quietLog() logrus.FieldLogger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

// startServer starts a server on 127.0.0.1:0 and closes it at the end.
func startServer(t *testing.T, cfg Config, tweak ...func(*Server)) *Server {
	t.Helper()
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Log == nil {
		cfg.Log = quietLog()
	}
	if cfg.Site == nil {
		cfg.Site = assets.Site
	}
	s := New(cfg)
	for _, f := range tweak {
		f(s)
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitFor polls cond; the limit only keeps a broken test from hanging.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitSettled waits until n exchanges exist and none is still serving.
func waitSettled(t *testing.T, s *Server, n int) []Exchange {
	t.Helper()
	var ex []Exchange
	waitFor(t, "exchanges to settle", func() bool {
		ex = s.Exchanges()
		if len(ex) < n {
			return false
		}
		for _, e := range ex {
			if e.State == StateServing || e.State == StatePending || (e.State == StateTimedOut && e.Status == 0) {
				return false
			}
		}
		return true
	})
	return ex
}

// tapConn records what a client wrote and read.
type tapConn struct {
	net.Conn
	mu          sync.Mutex
	wrote, read bytes.Buffer
}

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.read.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *tapConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.wrote.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

// tapClient is an http.Client whose connections are recorded.
type tapClient struct {
	*http.Client
	mu    sync.Mutex
	conns []*tapConn
}

func newTapClient() *tapClient {
	tc := &tapClient{}
	tr := &http.Transport{DisableCompression: true}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		t := &tapConn{Conn: c}
		tc.mu.Lock()
		tc.conns = append(tc.conns, t)
		tc.mu.Unlock()
		return t, nil
	}
	tc.Client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return tc
}

func (tc *tapClient) close() { tc.CloseIdleConnections() }

// wrote and read are everything all connections wrote and read.
func (tc *tapClient) bytes() (wrote, read int) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for _, c := range tc.conns {
		c.mu.Lock()
		wrote += c.wrote.Len()
		read += c.read.Len()
		c.mu.Unlock()
	}
	return wrote, read
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, c, req)
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, body
}

// rawExchange writes req on a fresh connection and reads until the server
// closes it (or the test's safety deadline).
func rawExchange(t *testing.T, addr string, req string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	return string(b)
}

// rawRoundTrip writes req and reads one response off the connection.
func rawRoundTrip(t *testing.T, addr, req string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response to %q: %v", req, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// makeTree builds base/root with content and base/secret.txt beside it.
func makeTree(t *testing.T) (root, secret string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	secret = "TOP-SECRET-" + t.Name()
	must(t, os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(base, "secret.txt"), []byte(secret), 0o644))
	must(t, os.MkdirAll(filepath.Join(base, "secretdir"), 0o755))
	must(t, os.WriteFile(filepath.Join(base, "secretdir", "inner.txt"), []byte(secret), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "hello.txt"), []byte("hello, world\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "page.html"), []byte("<p>page</p>"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "sub", "a.txt"), []byte("a\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, ".env"), []byte(secret), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, ".git", "config"), []byte(secret), 0o644))
	if runtime.GOOS != "windows" {
		must(t, os.Symlink(filepath.Join(base, "secret.txt"), filepath.Join(root, "link-out.txt")))
		must(t, os.Symlink("../secret.txt", filepath.Join(root, "rel-out.txt")))
		must(t, os.Symlink(filepath.Join(base, "secretdir"), filepath.Join(root, "dir-out")))
		must(t, os.Symlink("hello.txt", filepath.Join(root, "link-in.txt")))
	}
	return root, secret
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func osWriteFile(name string, b []byte) error { return os.WriteFile(name, b, 0o644) }

// reasonRecorder keeps how each connection ended.
type reasonRecorder struct {
	*recorder
	reasons map[uint64]string
}

func (r *reasonRecorder) Record(ev netassist.Event) {
	r.recorder.Record(ev)
	if ev.Kind == netassist.EvDisconnect {
		r.mu.Lock()
		r.reasons[ev.Conn] = ev.Detail
		r.mu.Unlock()
	}
}

// sorted lists the reasons by connection number; r.mu held.
func (r *reasonRecorder) sorted() []string {
	var out []string
	for id := uint64(0); len(out) < len(r.reasons); id++ {
		if v, ok := r.reasons[id]; ok {
			out = append(out, v)
		}
	}
	return out
}

// dialServer connects to s, closed at the test's end.
func dialServer(t *testing.T, s *Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c
}
