package export

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// saveSession saves events as a session of that name would, through the
// real saver, and returns the folder.
func saveSession(t *testing.T, session string, evs []netassist.Event) string {
	t.Helper()
	s, err := netassist.NewSaver(t.TempDir(), session)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for i, ev := range evs {
		ev.Time = at.Add(time.Duration(i) * time.Second)
		ev.Session = session
		if err := s.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s.Dir()
}

func tcpEvents(peer string) []netassist.Event {
	return []netassist.Event{
		{Kind: netassist.EvOpen, Detail: "127.0.0.1:5555"},
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("hello\r\n")},
		{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("hi!")},
		{Kind: netassist.EvConnect, Conn: 2, Peer: "127.0.0.1:40002"},
		{Kind: netassist.EvRx, Conn: 2, Peer: "127.0.0.1:40002", Data: []byte("second")},
		{Kind: netassist.EvDisconnect, Conn: 1, Peer: peer, Detail: netassist.ReasonFIN},
	}
}

func httpEvents(session string) []netassist.Event {
	const peer = "127.0.0.1:40000"
	req := "GET /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
	resp := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
	reqKind, respKind := netassist.EvRx, netassist.EvTx
	if session == "http-client-1" {
		reqKind, respKind = respKind, reqKind
	}
	return []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: reqKind, Conn: 1, Peer: peer, Data: []byte(req)},
		{Kind: respKind, Conn: 1, Peer: peer, Data: []byte(resp)},
		{Kind: reqKind, Conn: 1, Peer: peer, Data: []byte("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")},
		{Kind: netassist.EvDisconnect, Conn: 1, Peer: peer, Detail: netassist.ReasonFIN},
	}
}

// load reopens dir into a hub and returns both, failing on an error.
func load(t *testing.T, dir string) (*Reopened, *netassist.Hub) {
	t.Helper()
	r, err := OpenSaved(dir)
	if err != nil {
		t.Fatal(err)
	}
	hub := netassist.NewHub("reopened", nil)
	if err := r.Load(context.Background(), hub); err != nil {
		t.Fatal(err)
	}
	if done, _ := r.Loaded(); !done {
		t.Fatal("Loaded is false after Load")
	}
	return r, hub
}

func TestReopenTCPKinds(t *testing.T) {
	for _, session := range []string{"tcp-server-1", "tcp-client-3"} {
		t.Run(session, func(t *testing.T) {
			r, hub := load(t, saveSession(t, session, tcpEvents("127.0.0.1:40000")))
			if r.Folder.Kind != strings.TrimSuffix(session, session[len(session)-2:]) {
				t.Errorf("kind %q", r.Folder.Kind)
			}
			snap := hub.Counters.Snapshot()
			if snap.RxBytes != 13 || snap.TxBytes != 3 {
				t.Errorf("counters rx %d tx %d; want 13 and 3", snap.RxBytes, snap.TxBytes)
			}
			conns := r.Conns()
			if len(conns) != 2 {
				t.Fatalf("%d connections; want 2", len(conns))
			}
			c1, c2 := conns[0], conns[1]
			if c1.ID != 1 || c1.Peer != "127.0.0.1:40000" || c1.State != netassist.StateClosed ||
				c1.Counters.RxBytes != 7 || c1.Counters.TxBytes != 3 || c1.Counters.RxChunks != 1 {
				t.Errorf("connection 1: %+v", c1)
			}
			if c2.ID != 2 || c2.State != netassist.StateOpen || c2.Counters.RxBytes != 6 {
				t.Errorf("connection 2: %+v", c2)
			}
			if !c1.Opened.Equal(time.Date(2026, 12, 4, 10, 0, 1, 0, time.UTC)) {
				t.Errorf("connection 1 opened at %v; want the saved time", c1.Opened)
			}
			// The receive view gets the events with their saved times.
			evs, _ := hub.Feed.Drain()
			var rx []string
			for _, ev := range evs {
				if ev.Kind == netassist.EvRx {
					rx = append(rx, string(ev.Data))
					if ev.Time.Year() != 2026 {
						t.Errorf("event time %v; want the saved one", ev.Time)
					}
				}
			}
			if strings.Join(rx, "|") != "hello\r\n|second" {
				t.Errorf("rx events %q", rx)
			}
			if w := r.Warnings(); len(w) != 0 {
				t.Errorf("warnings %v", w)
			}
		})
	}
}

func TestReopenUDP(t *testing.T) {
	evs := []netassist.Event{
		{Kind: netassist.EvOpen, Detail: "127.0.0.1:6000"},
		{Kind: netassist.EvRx, Peer: "127.0.0.1:7001", Data: []byte("one")},
		{Kind: netassist.EvTx, Peer: "127.0.0.1:7001", Data: []byte("two!")},
		{Kind: netassist.EvRx, Peer: "[::1]:7002", Data: []byte("three")},
	}
	r, hub := load(t, saveSession(t, "udp-1", evs))
	if r.Folder.Kind != "udp" || r.IsHTTP() {
		t.Errorf("kind %q", r.Folder.Kind)
	}
	if s := hub.Counters.Snapshot(); s.RxBytes != 8 || s.TxBytes != 4 || s.RxChunks != 2 {
		t.Errorf("counters %+v", s)
	}
	if c := r.Conns(); len(c) != 0 {
		t.Errorf("UDP has connections: %+v", c)
	}
	// Each peer with its datagrams and bytes each way, in the order met.
	ps := r.Peers()
	if len(ps) != 2 {
		t.Fatalf("peers %+v; want 2", ps)
	}
	p1, p2 := ps[0], ps[1]
	if p1.ID != 1 || p1.Peer != "127.0.0.1:7001" || p1.Counters.RxChunks != 1 || p1.Counters.RxBytes != 3 ||
		p1.Counters.TxChunks != 1 || p1.Counters.TxBytes != 4 || !p1.Opened.Equal(time.Date(2026, 12, 4, 10, 0, 1, 0, time.UTC)) {
		t.Errorf("peer 1: %+v", p1)
	}
	if p2.ID != 2 || p2.Peer != "[::1]:7002" || p2.Counters.RxChunks != 1 || p2.Counters.RxBytes != 5 || p2.Counters.TxChunks != 0 {
		t.Errorf("peer 2: %+v", p2)
	}
	got, _ := hub.Feed.Drain()
	var peers []string
	for _, ev := range got {
		if ev.Kind == netassist.EvRx {
			peers = append(peers, ev.Peer)
		}
	}
	if strings.Join(peers, " ") != "127.0.0.1:7001 [::1]:7002" {
		t.Errorf("datagram peers %q", peers)
	}
}

func TestReopenHTTPKinds(t *testing.T) {
	for _, session := range []string{"http-server-1", "http-client-1"} {
		t.Run(session, func(t *testing.T) {
			r, _ := load(t, saveSession(t, session, httpEvents(session)))
			if !r.IsHTTP() {
				t.Fatalf("kind %q is not HTTP", r.Folder.Kind)
			}
			xs, trimmed := r.Exchanges()
			if len(xs) != 2 || trimmed != 0 {
				t.Fatalf("%d exchanges (%d trimmed); want 2", len(xs), trimmed)
			}
			a, b := xs[0], xs[1]
			if a.Request.Method != "GET" || a.Request.Target != "/a?x=1" || a.Response == nil || a.Response.Status != 200 ||
				string(a.Response.Body) != "ok" || a.Peer != "127.0.0.1:40000" {
				t.Errorf("first exchange %+v", a)
			}
			if !a.End.After(a.Start) {
				t.Errorf("first exchange from %v to %v", a.Start, a.End)
			}
			if b.Request.Method != "POST" || string(b.Request.Body) != "abc" || b.Response != nil {
				t.Errorf("second exchange (no answer saved) %+v", b)
			}
		})
	}
}

// Damaged folders open with what is intact and say what is not.
func TestReopenDamaged(t *testing.T) {
	peer := "127.0.0.1:40000"
	rx := netassist.RawFileName(1, peer, netassist.EvRx)
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []WarnCode
		rxLeft uint64
	}{
		{"cut last line", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "events.jsonl"), `{"time":"2026-12-04T10:00:09Z","session":"tcp-server-1","event":"rx","conn":2,"peer"`)
		}, []WarnCode{WarnCutLine}, 13},
		{"missing raw file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, rx))
		}, []WarnCode{WarnMissingFile}, 6},
		{"short raw file", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, rx), 2)
		}, []WarnCode{WarnShortFile}, 8},
		{"garbage line", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, "events.jsonl"), "\x00\x01 not json at all\n")
		}, []WarnCode{WarnBadLine}, 13},
		{"newer format", func(t *testing.T, dir string) {
			f := filepath.Join(dir, "events.jsonl")
			b, _ := os.ReadFile(f)
			os.WriteFile(f, []byte(strings.Replace(string(b), `"format":2`, `"format":7`, 1)), 0o644)
		}, []WarnCode{WarnNewerFormat}, 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := saveSession(t, "tcp-server-1", tcpEvents(peer))
			tc.damage(t, dir)
			r, hub := load(t, dir)
			var codes []WarnCode
			for _, w := range r.Warnings() {
				codes = append(codes, w.Code)
			}
			if strings.Join(strs(codes), ",") != strings.Join(strs(tc.want), ",") {
				t.Errorf("warnings %v; want %v", r.Warnings(), tc.want)
			}
			if got := hub.Counters.Snapshot().RxBytes; got != tc.rxLeft {
				t.Errorf("%d bytes received shown; want the %d intact", got, tc.rxLeft)
			}
			if len(r.Conns()) != 2 {
				t.Errorf("connections %+v; want both", r.Conns())
			}
		})
	}
}

// What is not a saved folder at all does not open, and says why.
func TestReopenNotAFolder(t *testing.T) {
	garbage := t.TempDir()
	os.WriteFile(filepath.Join(garbage, "events.jsonl"), []byte("\x89PNG garbage\n"), 0o644)
	for name, dir := range map[string]string{"garbage": garbage, "empty": t.TempDir(), "missing": filepath.Join(t.TempDir(), "nope")} {
		if _, err := OpenSaved(dir); err == nil {
			t.Errorf("%s: opened", name)
		} else if name != "missing" && !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v is not ErrFormat", name, err)
		}
	}
}

// Load stops when its context is done.
func TestReopenCancelled(t *testing.T) {
	r, err := OpenSaved(saveSession(t, "tcp-server-1", tcpEvents("127.0.0.1:40000")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Load(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Load after cancel: %v", err)
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(text)
}

func strs(cs []WarnCode) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// The kept exchanges are bounded in bytes too, the newest kept, and the
// dropped ones counted.
func TestReopenExchangesBounded(t *testing.T) {
	defer func(n int64) { maxExchangeBytes = n }(maxExchangeBytes)
	maxExchangeBytes = 4000
	const peer = "127.0.0.1:40000"
	body := strings.Repeat("x", 900)
	evs := []netassist.Event{{Kind: netassist.EvConnect, Conn: 1, Peer: peer}}
	for i := range 10 {
		evs = append(evs,
			netassist.Event{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte(fmt.Sprintf("GET /%d HTTP/1.1\r\nHost: x\r\n\r\n", i))},
			netassist.Event{Kind: netassist.EvTx, Conn: 1, Peer: peer, Data: []byte("HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n" + body)})
	}
	r, _ := load(t, saveSession(t, "http-server-1", evs))
	xs, trimmed := r.Exchanges()
	if len(xs)+trimmed != 10 || trimmed == 0 {
		t.Fatalf("%d kept, %d trimmed; want some trimmed of 10", len(xs), trimmed)
	}
	if last := xs[len(xs)-1].Request.Target; last != "/9" {
		t.Errorf("newest kept is %s; want /9", last)
	}
	var n int64
	for _, x := range xs {
		n += x.size()
	}
	if n > maxExchangeBytes {
		t.Errorf("kept %d bytes; bound %d", n, maxExchangeBytes)
	}
}
