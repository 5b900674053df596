package ui

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"netassist/netassist"
)

// TestExportLiveFlushesFirst: Export capture… of a session that is saving
// holds every byte received before Export was pressed. It exported what
// the saver happened to have written by then, missing what was queued.
func TestExportLiveFlushesFirst(t *testing.T) {
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	fa.Preferences().SetString("save.dir", t.TempDir())
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	p := a.NewPanel(netassist.KindTCPServer)
	a.saveCurrent()
	hub := p.shared().hub
	const peer = "127.0.0.1:40000"
	hub.Record(netassist.Event{Kind: netassist.EvConnect, Conn: 1, Peer: peer})
	var want int
	for i := range 400 {
		chunk := bytes.Repeat([]byte{byte(i)}, 1+i*29)
		want += len(chunk)
		hub.Record(netassist.Event{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: chunk})
	}
	a.exportCurrent()
	f := a.lastExport
	if f == nil || !f.live {
		t.Fatal("no export form for the live session")
	}
	out := filepath.Join(t.TempDir(), "s.pcapng")
	f.pcapPath.SetText(out)
	f.form.Submit()
	waitExport(t, f)
	if got := pcapPayload(t, out); got != want {
		t.Fatalf("the export holds %d of the %d bytes received before Export", got, want)
	}
}

// pcapPayload is the TCP payload bytes of a pcapng file.
func pcapPayload(t *testing.T, file string) int {
	t.Helper()
	fh, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, err := pcapgo.NewNgReader(fh, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.NoCopy)
		if tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			n += len(tcp.Payload)
		}
	}
}
