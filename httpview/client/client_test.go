package client

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// collect drains the hub's feed until pred holds over the rx bytes.
func collect(t *testing.T, h *netassist.Hub, pred func(rx []byte) bool) []byte {
	t.Helper()
	var rx []byte
	deadline := time.Now().Add(10 * time.Second)
	for !pred(rx) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out; rx so far %q", rx)
		}
		evs, _ := h.Feed.Drain()
		for _, e := range evs {
			if e.Kind == netassist.EvRx {
				rx = append(rx, e.Data...)
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return rx
}

func TestPlainAndTLS(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello "+r.Host) })
	for _, tc := range []struct {
		name string
		srv  *httptest.Server
		tls  bool
	}{
		{"plain", httptest.NewServer(h), false},
		{"tls", httptest.NewTLSServer(h), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.srv.Close()
			base := runtime.NumGoroutine()
			addr := strings.TrimPrefix(strings.TrimPrefix(tc.srv.URL, "https://"), "http://")
			hub := netassist.NewHub("c", nil)
			c := New(Config{Addr: addr, TLS: tc.tls, Insecure: true}, hub)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			req := "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
			if err := c.Send([]byte(req)); err != nil {
				t.Fatal(err)
			}
			rx := collect(t, hub, func(rx []byte) bool { return bytes.HasSuffix(rx, []byte("hello x")) })
			if !bytes.HasPrefix(rx, []byte("HTTP/1.1 200 OK\r\n")) {
				t.Fatalf("response %q", rx)
			}
			<-c.Done() // Connection: close
			if s := hub.Counters.Snapshot(); s.TxBytes != uint64(len(req)) || s.RxBytes != uint64(len(rx)) {
				t.Fatalf("counters %+v", s)
			}
			c.Close()
			tc.srv.Close()
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}

func TestTLSVerifies(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	c := New(Config{Addr: strings.TrimPrefix(srv.URL, "https://"), TLS: true}, netassist.NewHub("c", nil))
	err := c.Start()
	if netassist.CodeOf(err) != netassist.CodeTLS {
		t.Fatalf("self-signed certificate accepted without 'do not verify': %v", err)
	}
}

func TestRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	err := New(Config{Addr: addr}, netassist.NewHub("c", nil)).Start()
	if netassist.CodeOf(err) != netassist.CodeRefused {
		t.Fatalf("err %v", err)
	}
}
