package server

import (
	"bytes"
	"testing"
	"time"
)

// serveOne runs one request and its response through a capture as the
// fast lane does: read, handler start, write.
func serveOne(c *capture, req, resp string, now time.Time) {
	c.onRx([]byte(req), now)
	c.beginRequest("GET", "/", now)
	c.onTx([]byte(resp), now)
}

// A client polling one URL sends the same request and gets the same answer
// again and again: the exchanges share one copy of those bytes instead of
// each holding its own, and a message that differs gets its own.
func TestCaptureSharesRepeatedMessages(t *testing.T) {
	st := newStore()
	c := newCapture(st, 1, "127.0.0.1:1")
	now := time.Now()
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	resp := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: A\r\n\r\nhello"
	resp2 := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nDate: B\r\n\r\nhello"
	for range 3 {
		serveOne(c, req, resp, now)
	}
	serveOne(c, req, resp2, now)
	c.onClose(now)

	ex := st.snapshot()
	if len(ex) != 4 {
		t.Fatalf("%d exchanges, want 4", len(ex))
	}
	for i, e := range ex {
		want := resp
		if i == 3 {
			want = resp2
		}
		if string(e.RawRequest) != req || string(e.RawResponse) != want || e.Status != 200 || e.Bytes != int64(len(want)) {
			t.Fatalf("exchange %d: %q → %q (%d, %d bytes)", i, e.RawRequest, e.RawResponse, e.Status, e.Bytes)
		}
	}
	same := func(a, b []byte) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }
	if !same(ex[0].RawRequest, ex[3].RawRequest) || !same(ex[0].RawResponse, ex[2].RawResponse) {
		t.Error("repeated messages are copied for each exchange; want one shared copy")
	}
	if same(ex[2].RawResponse, ex[3].RawResponse) {
		t.Error("a different response shares the earlier one's bytes")
	}
	if c.lastReq != nil || c.lastResp != nil {
		t.Error("a closed connection still holds its last messages")
	}
}

// Large messages are never shared, so an idle connection pins little.
func TestCaptureDoesNotShareLargeMessages(t *testing.T) {
	st := newStore()
	c := newCapture(st, 1, "127.0.0.1:1")
	now := time.Now()
	body := string(bytes.Repeat([]byte("x"), keepShared))
	req := "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
	resp := "HTTP/1.1 200 OK\r\nContent-Length: 8192\r\n\r\n" + body + body
	serveOne(c, req, resp, now)
	serveOne(c, req, resp, now)
	ex := st.snapshot()
	if len(ex) != 2 || string(ex[1].RawResponse) != resp {
		t.Fatalf("got %d exchanges", len(ex))
	}
	if &ex[0].RawResponse[0] == &ex[1].RawResponse[0] || len(c.lastResp) != 0 {
		t.Error("a response over keepShared is shared or kept")
	}
}

// A client that connects for each request (ab, siege) sends the same
// request on every connection and gets the same answer: those share one
// copy across connections too.
func TestCaptureSharesAcrossConnections(t *testing.T) {
	st := newStore()
	now := time.Now()
	req := "GET / HTTP/1.0\r\nHost: x\r\n\r\n"
	resp := "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nDate: A\r\n\r\nhello"
	for i := range 3 {
		c := newCapture(st, uint64(i+1), "127.0.0.1:1")
		serveOne(c, req, resp, now)
		c.onClose(now)
	}
	ex := st.snapshot()
	if len(ex) != 3 {
		t.Fatalf("%d exchanges, want 3", len(ex))
	}
	for i, e := range ex {
		if string(e.RawRequest) != req || string(e.RawResponse) != resp {
			t.Fatalf("exchange %d: %q → %q", i, e.RawRequest, e.RawResponse)
		}
		if &e.RawRequest[0] != &ex[0].RawRequest[0] || &e.RawResponse[0] != &ex[0].RawResponse[0] {
			t.Errorf("exchange %d has its own copy; want the first connection's", i)
		}
	}
}
