package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// Reset counters zeroes the session's figures and each connection's in
// the list, through the engine's session interface.
func TestResetCountersZeroesConnections(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	c := dialPeer(t, addr)
	if _, err := c.Write([]byte("seven b")); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, a, "the bytes counted", func() bool {
		return strings.Contains(p.status.Text, "RX 7 B") && len(p.conns.infos) == 1 && p.conns.infos[0].Counters.RxBytes == 7
	})
	test.Tap(p.resetB)
	tickUntil(t, a, "the counters reset", func() bool {
		return strings.Contains(p.status.Text, "RX 0 B") && len(p.conns.infos) == 1 && p.conns.infos[0].Counters.RxBytes == 0
	})
}
