package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"netassist/netassist"
)

// A flood is shown twice a second, ordinary traffic ten times.
func TestFloodRepaintsLessOften(t *testing.T) {
	v := newRecvView(nil, 0, 0)
	at := time.Unix(1_800_000_000, 0)
	feed := func(data []byte) bool {
		_, shown := v.prepare([]netassist.Event{{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: data}}, netassist.FeedDrops{}, at)
		return shown
	}
	count := func(data []byte, d time.Duration) int {
		n := 0
		for end := at.Add(d); at.Before(end); at = at.Add(10 * time.Millisecond) {
			if feed(data) {
				n++
			}
		}
		return n
	}
	if n := count([]byte("one line\n"), time.Second); n != 10 {
		t.Fatalf("a line per tick was shown %d times in a second; want 10", n)
	}
	flood := bytes.Repeat([]byte("row\n"), 100) // 100 rows a tick, 1,000 a repaint
	count(flood, 100*time.Millisecond)          // settle into the flood
	if n := count(flood, time.Second); n != 2 {
		t.Fatalf("a flood was shown %d times in a second; want 2", n)
	}
	count([]byte("quiet again\n"), 600*time.Millisecond) // the flood's last interval
	if n := count([]byte("quiet again\n"), time.Second); n != 10 {
		t.Fatalf("after the flood a line per tick was shown %d times in a second; want 10", n)
	}
}

// In a flood the status line waits for the rows' repaint, so the window
// draws twice a second rather than at every change of the figures.
func TestFloodUpdatesWindowTogether(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	flood := bytes.Repeat([]byte("row\n"), 100)
	tick := func() bool {
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		f := p.prepare(at)
		if f != nil {
			f()
		}
		at = at.Add(10 * time.Millisecond)
		return f != nil
	}
	for range 20 { // into the flood
		tick()
	}
	frames := 0
	for range 100 { // one second
		if tick() {
			frames++
		}
	}
	if frames != 2 {
		t.Fatalf("a second of flood changed the window %d times; want 2", frames)
	}
	if !strings.Contains(p.statusLatest, "RX") {
		t.Fatalf("status %q", p.statusLatest)
	}
	// Once the flood stops, the figures move on their own again.
	before := p.statusLatest
	for range 200 {
		at = at.Add(10 * time.Millisecond)
		if f := p.prepare(at); f != nil {
			f()
		}
	}
	if p.statusLatest == before {
		t.Fatalf("status stuck at %q after the flood", before)
	}
}

// A character no font has is shown as its bytes, and one a system font has
// is shown as itself once that font is found (on the pump's goroutine).
func TestRecvViewShowsUndrawableAsBytes(t *testing.T) {
	v := newRecvView(nil, 0, 0)
	at := time.Unix(1_800_000_000, 0)
	// U+11F04 (Kawi, Unicode 15) is a letter no installed font draws;
	// 'é' is in Fyne's own monospace font.
	u, _ := v.prepare([]netassist.Event{{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("a\U00011F04é\n")}}, netassist.FeedDrops{}, at)
	rows := strings.Join(u.batch.Rows, "\n")
	if !strings.Contains(rows, `a\xF0\x91\xBC\x84é\n`) {
		t.Fatalf("rows %q; want the Kawi letter as its bytes and é as itself", rows)
	}
}
