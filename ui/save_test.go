package ui

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// Close then Open while "Save traffic" stays ticked: the reopened session
// writes into the same folder, and its connection must not take the id
// (and so the raw files) of the one before.
func TestCloseOpenWhileSavingKeepsConnectionsApart(t *testing.T) {
	a := newTestApp(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	c.remoteHost.SetText("127.0.0.1")
	c.remotePort.SetText(port)
	c.saveChk.SetChecked(true)
	folder, on := c.hub.Saving()
	if !on {
		t.Fatalf("saving did not start: %s", c.sessErr.Text)
	}
	for _, msg := range []string{"first", "second"} {
		test.Tap(c.openBtn) // Open
		peer, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		tickUntil(t, a, "connected", func() bool { return c.sess.Load() != nil })
		peer.Write([]byte(msg))
		tickUntil(t, a, msg, func() bool { return strings.Contains(viewText(c), msg) })
		test.Tap(c.openBtn) // Close
		peer.Close()
	}
	c.saveChk.SetChecked(false)

	f, err := os.Open(filepath.Join(folder, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rx []string // the .rx file of each connection, in order of connecting
	seen := map[uint64]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e struct {
			Event string `json:"event"`
			Conn  uint64 `json:"conn"`
			Peer  string `json:"peer"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if e.Event != "connect" {
			continue
		}
		if seen[e.Conn] {
			t.Fatalf("conn %d connected twice in one save folder", e.Conn)
		}
		seen[e.Conn] = true
		b, err := os.ReadFile(filepath.Join(folder, netassist.RawFileName(e.Conn, e.Peer, netassist.EvRx)))
		if err != nil {
			t.Fatal(err)
		}
		rx = append(rx, string(b))
	}
	if len(rx) != 2 || rx[0] != "first" || rx[1] != "second" {
		t.Fatalf("raw files of the two connections hold %q; want [first second]", rx)
	}
}
