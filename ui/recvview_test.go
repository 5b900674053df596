package ui

import (
	"bytes"
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
