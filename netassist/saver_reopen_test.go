package netassist

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A session closed and opened again while saving goes on writes into the
// same folder: each connection must keep an id and raw files of its own.
// The peers here come back from the same address, as a client bound to a
// fixed port does, so shared ids would also mean shared raw files.
func TestReopenedSessionKeepsConnectionsApart(t *testing.T) {
	t.Run("tcp client", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		h, w := newHub("client")
		folder, err := h.StartSaving(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			c := NewTCPClient(Config{Kind: KindTCPClient, Remote: ln.Addr().String()}, h)
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			sc, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			msg := fmt.Sprintf("round %d", round)
			sc.Write([]byte(msg))
			w.waitFor(t, msg, func(evs []Event) bool { return countRx(evs) == len("round 0")*(round+1) })
			c.Close()
			sc.Close()
		}
		checkConnsApart(t, h, folder, []string{"round 0", "round 1"})
	})
	t.Run("tcp server", func(t *testing.T) {
		h, w := newHub("server")
		folder, err := h.StartSaving(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		from := freeLocalAddr(t)
		for round := range 2 {
			s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0"}, h)
			if err := s.Start(); err != nil {
				t.Fatal(err)
			}
			d := net.Dialer{LocalAddr: from}
			c, err := d.Dial("tcp", s.LocalAddr())
			if err != nil {
				t.Fatal(err)
			}
			msg := fmt.Sprintf("round %d", round)
			c.Write([]byte(msg))
			w.waitFor(t, msg, func(evs []Event) bool { return countRx(evs) == len("round 0")*(round+1) })
			s.Close() // the server closes first, so the peer's port is free again at once
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, c)
			c.Close()
		}
		checkConnsApart(t, h, folder, []string{"round 0", "round 1"})
	})
}

func countRx(evs []Event) int { return len(rxBytes(evs, 0)) }

// freeLocalAddr is a loopback address with a port nobody uses now.
func freeLocalAddr(t *testing.T) *net.TCPAddr {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := l.Addr().(*net.TCPAddr)
	l.Close()
	return a
}

// checkConnsApart stops saving and checks that events.jsonl numbers each
// connection once and that each connection's .rx file holds its bytes.
func checkConnsApart(t *testing.T, h *Hub, folder string, want []string) {
	t.Helper()
	if err := h.StopSaving(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(folder, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var conns []uint64
	peers := map[uint64]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var je jsonEvent
		if err := json.Unmarshal(sc.Bytes(), &je); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if je.Event == string(EvConnect) {
			for _, c := range conns {
				if c == je.Conn {
					t.Fatalf("conn %d connected twice in one folder", c)
				}
			}
			conns = append(conns, je.Conn)
			peers[je.Conn] = je.Peer
		}
	}
	if len(conns) != len(want) {
		t.Fatalf("%d connect events; want %d", len(conns), len(want))
	}
	for i, id := range conns {
		got, err := os.ReadFile(filepath.Join(folder, RawFileName(id, peers[id], EvRx)))
		if err != nil || string(got) != want[i] {
			t.Errorf("conn %d's .rx holds %q, %v; want %q", id, got, err, want[i])
		}
	}
}

// Saving turned off and on again within the same millisecond gets a
// folder of its own, not the last run's files to append to.
func TestSaverFolderIsItsOwn(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	var dirs []string
	for range 3 {
		s, err := newSaverAt(dir, "tcp-server-1", at)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, s.Dir())
	}
	if dirs[0] == dirs[1] || dirs[1] == dirs[2] || dirs[0] == dirs[2] {
		t.Fatalf("savers share a folder: %q", dirs)
	}
}
