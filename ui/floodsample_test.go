package ui

import (
	"bytes"
	"testing"
	"time"

	"netassist/netassist"
)

func TestNewestPayloadKeepsTheNewestBytes(t *testing.T) {
	evs := []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1},
		{Kind: netassist.EvRx, Conn: 1, Data: []byte("0123456789")},
		{Kind: netassist.EvTx, Conn: 1, Data: []byte("abcdef")},
		{Kind: netassist.EvError, Detail: "x"},
		{Kind: netassist.EvRx, Conn: 1, Data: []byte("ABCD")},
	}
	got, drops := newestPayload(evs, netassist.FeedDrops{Events: 1, Bytes: 100}, 7)
	var kinds []netassist.EventKind
	var data []string
	for _, ev := range got {
		kinds = append(kinds, ev.Kind)
		data = append(data, string(ev.Data))
	}
	want := []string{"", "def", "", "ABCD"}
	if len(got) != 4 || kinds[0] != netassist.EvConnect || kinds[2] != netassist.EvError || data[1] != want[1] || data[3] != want[3] {
		t.Fatalf("kept %v %q; want connect, tx %q, error, rx %q", kinds, data, want[1], want[3])
	}
	if drops.Events != 2 || drops.Bytes != 100+10+3 {
		t.Fatalf("drops %+v; want 2 events, 113 bytes", drops)
	}
}

// In a flood the pump formats only the newest few KiB the feed held.
func TestFloodFormatsOnlyTheNewestBytes(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	flood := bytes.Repeat([]byte("row\n"), 64<<10) // 256 KiB a write
	for range 10 {
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
	}
	if f := p.prepare(at); f != nil {
		f()
	}
	// (The history counts a little for each chunk beside its bytes.)
	if n := p.recv.history.Size(); n > floodSampleBytes+1024 {
		t.Fatalf("the pump took %d bytes of a flood for display; want about %d", n, floodSampleBytes)
	}
}

// Framed messages too: a flood of them formats only the newest few KiB.
func TestFloodFormatsOnlyTheNewestMessages(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	line := append(bytes.Repeat([]byte("m"), 38), '\r', '\n')
	flood := bytes.Repeat(line, (256<<10)/len(line))
	msgs := make([]netassist.MsgInfo, len(flood)/len(line))
	for i := range msgs {
		msgs[i] = netassist.MsgInfo{Len: len(line), Strip: 2, Reads: 1, InRead: len(msgs), Index: i}
	}
	for range 10 {
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvMsg, Conn: 1, Peer: "127.0.0.1:1", Data: flood, Msgs: msgs})
	}
	if f := p.prepare(at); f != nil {
		f()
	}
	if n := p.recv.history.Size(); n > 4*floodSampleBytes { // a row counts a little beside its bytes
		t.Fatalf("the pump took %d bytes of a flood of messages for display; want about %d", n, floodSampleBytes)
	}
	if n := p.recv.history.Size(); n == 0 {
		t.Fatal("the pump showed none of the flood")
	}
}
