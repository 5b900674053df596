package server

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// wsAccept is the Sec-WebSocket-Accept answer to key (RFC 6455).
func wsAccept(key string) string {
	h := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h[:])
}

// wsFrame is one final text frame; a client's is masked.
func wsFrame(payload string, mask bool) []byte {
	b := []byte{0x81, byte(len(payload))}
	p := []byte(payload)
	if mask {
		b[1] |= 0x80
		key := []byte{1, 2, 3, 4}
		b = append(b, key...)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(b, p...)
}

// readWSFrame reads one short frame and unmasks it.
func readWSFrame(r io.Reader) (string, error) {
	h := make([]byte, 2)
	if _, err := io.ReadFull(r, h); err != nil {
		return "", err
	}
	n := int(h[1] & 0x7f)
	var key []byte
	if h[1]&0x80 != 0 {
		key = make([]byte, 4)
		if _, err := io.ReadFull(r, key); err != nil {
			return "", err
		}
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return "", err
	}
	for i := range p {
		if key != nil {
			p[i] ^= key[i%4]
		}
	}
	return string(p), nil
}

// A WebSocket through the reverse proxy: the Upgrade passes both ways,
// frames flow both ways, and every byte of both legs is recorded; the
// exchange is the handshake.
func TestProxyWebSocket(t *testing.T) {
	up := rawUpstream(t, func(c *net.TCPConn) {
		br := bufio.NewReader(c)
		req, err := http.ReadRequest(br)
		if err != nil || !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
			return
		}
		io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "+wsAccept(req.Header.Get("Sec-WebSocket-Key"))+"\r\n\r\n")
		for {
			msg, err := readWSFrame(br)
			if err != nil {
				return
			}
			c.Write(wsFrame("echo: "+msg, false))
		}
	})
	s, rec := startProxy(t, "http://"+up)
	c, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	key := "dGhlIHNhbXBsZSBub25jZQ=="
	io.WriteString(c, "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "+key+"\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	must(t, err)
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != wsAccept(key) || !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") {
		t.Fatalf("handshake: %d %v", resp.StatusCode, resp.Header)
	}
	// While the tunnel is open, the exchange shows the upstream's handshake.
	var last string
	defer func() {
		if t.Failed() {
			t.Log(last)
		}
	}()
	waitFor(t, "the upstream handshake in the exchange", func() bool {
		ex := s.Exchanges()
		if len(ex) > 0 {
			last = fmt.Sprintf("%d exchanges; first: upstatus %d up request %q", len(ex), ex[0].UpStatus, ex[0].UpRequest)
		}
		return len(ex) == 1 && ex[0].UpStatus == http.StatusSwitchingProtocols && strings.HasPrefix(string(ex[0].UpRequest), "GET /chat HTTP/1.1\r\n")
	})
	for _, m := range []string{"hello", "again"} {
		c.Write(wsFrame(m, true))
		got, err := readWSFrame(br)
		if err != nil || got != "echo: "+m {
			t.Fatalf("got %q, %v", got, err)
		}
	}
	c.Close()
	// The upstream leg is whole once the tunnel has ended on both sides.
	in, back := string(wsFrame("hello", true))+string(wsFrame("again", true)), string(wsFrame("echo: hello", false))+string(wsFrame("echo: again", false))
	var ex Exchange
	waitFor(t, "the exchange to get its whole upstream leg", func() bool {
		ex = waitSettled(t, s, 1)[0]
		return strings.HasSuffix(string(ex.UpRequest), in)
	})
	if n := len(s.Exchanges()); n != 1 {
		t.Errorf("%d exchanges; want 1: the frames after the 101 are no requests of their own", n)
	}
	if ex.Status != http.StatusSwitchingProtocols || ex.UpStatus != http.StatusSwitchingProtocols {
		t.Errorf("exchange status %d, upstream %d", ex.Status, ex.UpStatus)
	}
	// Each leg's raw bytes are the handshake, then that side's frames.
	if !strings.HasPrefix(string(ex.RawRequest), "GET /chat HTTP/1.1\r\n") || !strings.HasSuffix(string(ex.RawRequest), "\r\n\r\n"+in) {
		t.Errorf("client leg request %q", ex.RawRequest)
	}
	if !strings.HasPrefix(string(ex.RawResponse), "HTTP/1.1 101 ") || !strings.HasSuffix(string(ex.RawResponse), "\r\n\r\n"+back) {
		t.Errorf("client leg response %q", ex.RawResponse)
	}
	if !strings.HasSuffix(string(ex.UpRequest), "\r\n\r\n"+in) || !strings.HasSuffix(string(ex.UpResponse), "\r\n\r\n"+back) {
		t.Errorf("upstream leg %q / %q", ex.UpRequest, ex.UpResponse)
	}
	// What the recorder has (and --save writes) is the same bytes.
	waitFor(t, "the recorder to have the upstream leg", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return string(rec.rx[ex.UpConn]) == string(ex.UpResponse)
	})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if string(rec.rx[ex.Conn]) != string(ex.RawRequest) || string(rec.tx[ex.Conn]) != string(ex.RawResponse) || string(rec.tx[ex.UpConn]) != string(ex.UpRequest) {
		t.Errorf("recorded bytes differ from the exchange's legs")
	}
}
