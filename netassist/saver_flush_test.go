package netassist

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaverFlushPutsQueuedOnDisk: after Flush, with the saver still open,
// the files hold every event written before it. Without Flush the last
// events wait in the queue and the writers' buffers (an idle flush comes
// only later), so an export of a live session missed them.
func TestSaverFlushPutsQueuedOnDisk(t *testing.T) {
	s, err := NewSaver(t.TempDir(), "tcp-server-1")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const peer = "127.0.0.1:40000"
	var want []byte
	if err := s.Write(Event{Kind: EvConnect, Conn: 1, Peer: peer}); err != nil {
		t.Fatal(err)
	}
	// Small reads (buffered writes) and large ones (direct writes with a
	// partial last block), as a live session makes.
	for i := range 300 {
		chunk := bytes.Repeat([]byte{byte(i)}, 1+i*37)
		want = append(want, chunk...)
		if err := s.Write(Event{Kind: EvRx, Conn: 1, Peer: peer, Data: chunk}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(s.Dir(), RawFileName(1, peer, EvRx)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("raw file holds %d bytes after Flush; want all %d", len(got), len(want))
	}
	ev, err := os.ReadFile(filepath.Join(s.Dir(), "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(ev), `"event":"rx"`); n != 300 {
		t.Fatalf("events.jsonl holds %d rx lines after Flush; want 300", n)
	}
	// Flush is not saved, and the saver goes on after it.
	if strings.Contains(string(ev), "flush") {
		t.Error("events.jsonl holds the flush marker")
	}
	if err := s.Write(Event{Kind: EvRx, Conn: 1, Peer: peer, Data: []byte("more")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(); err == nil {
		t.Error("Flush of a closed saver returned no error")
	}
}

func TestHubFlushSavingWithoutSaver(t *testing.T) {
	if err := NewHub("x", nil).FlushSaving(); err != nil {
		t.Fatal(err)
	}
}
