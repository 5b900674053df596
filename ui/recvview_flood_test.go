package ui

import (
	"bytes"
	"testing"
	"time"

	"netassist/netassist"
)

// In a flood the pump formats rows only for the repaint that shows them:
// between repaints the feed keeps the newest bytes (and counts the rest as
// never shown) instead of the pump formatting every tick's worth.
func TestFloodFormatsOnlyForRepaints(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	flood := bytes.Repeat([]byte("row\n"), 2048) // 8 KiB a tick: more than the feed holds between repaints
	frames, formatted := 0, 0
	for i := range 120 { // 0.2 s into the flood, then one second
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		f := p.prepare(at)
		if f != nil {
			f()
		}
		if i >= 20 {
			if f != nil {
				frames++
			} else if len(p.recv.pending.Rows) > 0 {
				formatted++
			}
		}
		at = at.Add(10 * time.Millisecond)
	}
	if frames != 2 {
		t.Fatalf("a second of flood was shown %d times; want 2", frames)
	}
	if formatted != 0 {
		t.Fatalf("between repaints the pump formatted rows %d times; want none", formatted)
	}
	// What the feed dropped meanwhile is said on the banner.
	if !p.recv.trimmed.Visible() {
		t.Fatal("no trim banner after a flood the display sampled")
	}
}

// Under a flood the display drops most bytes anyway; of the rows it still
// formats, each repaint shows only the newest few, because each row new on
// screen is rasterised on the UI thread. A burst that the feed held keeps
// every row.
func TestFloodRepaintShowsFewNewRows(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	apply := func() {
		if f := p.prepare(at); f != nil {
			f()
		}
		at = at.Add(10 * time.Millisecond)
	}
	burst := bytes.Repeat([]byte("row\n"), 300)
	p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: burst})
	apply()
	if n := p.recv.ring.Len(); n < 300 {
		t.Fatalf("a 300-row burst left %d rows in the view; want them all", n)
	}
	flood := bytes.Repeat([]byte("row\n"), 64<<10) // 256 KiB a tick
	for range 100 {
		before := p.recv.ring.Len()
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		apply()
		if added := p.recv.ring.Len() - before; added > floodSampleRows {
			t.Fatalf("a flood repaint added %d rows; want at most %d", added, floodSampleRows)
		}
	}
	if p.recv.ring.Trimmed() == 0 {
		t.Fatal("the rows left out are not counted as trimmed")
	}
}
