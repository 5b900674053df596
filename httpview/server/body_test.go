package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sendRequest writes head and body on a fresh connection from its own
// goroutine, as curl does, while it reads the response; the connection is
// returned open so the test can look at what the server kept first.
func sendRequest(t *testing.T, addr, head string, body []byte) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	go func() {
		// Errors are expected when the server stops reading.
		if _, err := io.WriteString(c, head); err == nil {
			c.Write(body)
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, b
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// A request the static server refuses still has its whole body read, so
// the capture and --save hold every byte the client sent.
func TestRefusedBodyIsCaptured(t *testing.T) {
	root := t.TempDir()
	must(t, osWriteFile(filepath.Join(root, "x.txt"), []byte("x")))
	rec := newRecorder()
	s := startServer(t, Config{Root: root, Recorder: rec})
	body := pattern(300_000)
	head := "PUT /x.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 300000\r\n\r\n"
	resp, _ := sendRequest(t, s.Addr().String(), head, body)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("status %d; want 405", resp.StatusCode)
	}
	rec.mu.Lock()
	got := rec.rx[1]
	rec.mu.Unlock()
	if want := append([]byte(head), body...); !bytes.Equal(got, want) {
		t.Fatalf("captured %d bytes; want all %d the client sent", len(got), len(want))
	}
	if resp.Close {
		t.Errorf("the connection closes after a body that was read whole")
	}
}

// A manual request's body is read whole before it is held.
func TestManualBodyIsCaptured(t *testing.T) {
	rec := newRecorder()
	s := startServer(t, Config{Manual: true, Recorder: rec})
	body := pattern(2_000_000)
	head := "POST /up HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: 2000000\r\n\r\n"
	done := make(chan *http.Response, 1)
	go func() {
		resp, _ := sendRequest(t, s.Addr().String(), head, body)
		done <- resp
	}()
	held := waitPending(t, s, 1)
	rec.mu.Lock()
	got := rec.rx[1]
	rec.mu.Unlock()
	if want := append([]byte(head), body...); !bytes.Equal(got, want) {
		t.Fatalf("captured %d bytes while held; want all %d the client sent", len(got), len(want))
	}
	if err := s.Respond(held[0].ID, Reply{Raw: []byte("HTTP/1.1 201 Created\r\n\r\n"), FillContentLength: true}); err != nil {
		t.Fatal(err)
	}
	if resp := <-done; resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d; want 201", resp.StatusCode)
	}
}

var leftRE = regexp.MustCompile(`(\d+) bytes left unread`)

// A body declared over the bound is refused unread, and the error event
// says exactly how many of its bytes never left the client's side: the
// declared length minus what arrived with the head.
func TestBodyOverBoundSaysWhatWasLeft(t *testing.T) {
	for _, manual := range []bool{false, true} {
		t.Run(fmt.Sprintf("manual=%v", manual), func(t *testing.T) {
			root := t.TempDir()
			rec := newRecorder()
			s := startServer(t, Config{Root: root, Manual: manual, Recorder: rec}, func(s *Server) { s.maxBody = 1 << 20 })
			const declared = 3 << 20
			head := "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: " + strconv.Itoa(declared) + "\r\n\r\n"
			resp, _ := sendRequest(t, s.Addr().String(), head, pattern(declared))
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
				t.Fatalf("status %d, close %v; want 413 and close", resp.StatusCode, resp.Close)
			}
			ex := waitSettled(t, s, 1)
			waitFor(t, "the disconnect", func() bool { return rec.count("disconnect") == 1 })
			rec.mu.Lock()
			got, errs := len(rec.rx[1]), append([]string(nil), rec.errors...)
			rec.mu.Unlock()
			if len(errs) != 1 {
				t.Fatalf("error events %q; want one", errs)
			}
			m := leftRE.FindStringSubmatch(errs[0])
			if m == nil {
				t.Fatalf("error event %q does not say how many bytes were left", errs[0])
			}
			left, _ := strconv.Atoi(m[1])
			if read := got - len(head); read+left != declared {
				t.Fatalf("event says %d left, capture holds %d body bytes: %d, want %d", left, read, read+left, declared)
			}
			if ex[0].BodyLeft != int64(left) {
				t.Errorf("exchange BodyLeft %d; want %d", ex[0].BodyLeft, left)
			}
		})
	}
}

// A chunked body that grows past the bound is read up to it, then 413.
func TestChunkedBodyOverBound(t *testing.T) {
	rec := newRecorder()
	s := startServer(t, Config{Root: t.TempDir(), Recorder: rec}, func(s *Server) { s.maxBody = 64 << 10 })
	var body bytes.Buffer
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&body, "1000\r\n%s\r\n", pattern(0x1000))
	}
	body.WriteString("0\r\n\r\n")
	resp, _ := sendRequest(t, s.Addr().String(), "PUT /f HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", body.Bytes())
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d; want 413", resp.StatusCode)
	}
	ex := waitSettled(t, s, 1)
	if ex[0].BodyLeft != BodyLeftUnknown {
		t.Errorf("BodyLeft %d; want BodyLeftUnknown", ex[0].BodyLeft)
	}
	rec.mu.Lock()
	errs := append([]string(nil), rec.errors...)
	rec.mu.Unlock()
	if len(errs) != 1 || !strings.Contains(errs[0], "chunked") {
		t.Fatalf("error events %q; want one about the chunked body", errs)
	}
}

// A held request whose body is malformed or late is answered as nginx
// would (400, 408) instead of being held.
func TestManualBodyMalformedOrLate(t *testing.T) {
	s := startServer(t, Config{Manual: true}, func(s *Server) { s.readTimeout = 200 * time.Millisecond })
	resp, _ := rawRoundTrip(t, s.Addr().String(), "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
	if resp.StatusCode != http.StatusBadRequest || !resp.Close {
		t.Fatalf("bad chunk: status %d, close %v; want 400 and close", resp.StatusCode, resp.Close)
	}
	resp, _ = rawRoundTrip(t, s.Addr().String(), "POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
	if resp.StatusCode != http.StatusRequestTimeout || !resp.Close {
		t.Fatalf("late body: status %d, close %v; want 408 and close", resp.StatusCode, resp.Close)
	}
	for _, e := range waitSettled(t, s, 2) {
		if e.Manual || e.State != StateAnswered {
			t.Errorf("%s %s: manual %v, state %v; want answered without being held", e.Method, e.Target, e.Manual, e.State)
		}
	}
}
