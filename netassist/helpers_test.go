package netassist

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// watcher collects a hub's events through its feed, as the window would.
type watcher struct {
	h   *Hub
	evs []Event
}

func newHub(name string) (*Hub, *watcher) {
	h := NewHub(name, nil)
	h.Feed = NewFeed(256<<20, 1<<22) // big enough that tests lose nothing
	return h, &watcher{h: h}
}

// waitFor waits until pred holds over the events so far.
func (w *watcher) waitFor(t *testing.T, what string, pred func([]Event) bool) []Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		evs, _ := w.h.Feed.Drain()
		w.evs = append(w.evs, evs...)
		if pred(w.evs) {
			return w.evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; events: %+v", what, w.evs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func rxBytes(evs []Event, conn uint64) []byte {
	var b []byte
	for _, e := range evs {
		if e.Kind == EvRx && (conn == 0 || e.Conn == conn) {
			b = append(b, e.Data...)
		}
	}
	return b
}

func has(kind EventKind, detail string) func([]Event) bool {
	return func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == kind && (detail == "" || e.Detail == detail) {
				return true
			}
		}
		return false
	}
}

// waitGoroutines waits until the goroutine count is back to base.
func waitGoroutines(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d, want %d\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

func startServer(t *testing.T, addr string, closeOnFIN bool) (*TCPServer, *watcher) {
	t.Helper()
	h, w := newHub("srv")
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: addr, CloseOnFIN: closeOnFIN}, h)
	if err := s.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, w
}
