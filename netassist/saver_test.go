package netassist

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSaveIsLossless(t *testing.T) {
	dir := t.TempDir()
	s, w := startServer(t, "127.0.0.1:0", true)
	// A feed far smaller than the traffic: the display drops, the save must not.
	s.hub.Feed = NewFeed(1024, 16)
	folder, err := s.hub.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	want := make([]byte, 4<<20)
	for i := range want {
		want[i] = byte(rng.IntN(256)) // 0x00, CR, LF and invalid UTF-8 all occur
	}
	c := dial(t, s.LocalAddr())
	for off := 0; off < len(want); {
		n := 1 + rng.IntN(70000)
		if off+n > len(want) {
			n = len(want) - off
		}
		if _, err := c.Write(want[off : off+n]); err != nil {
			t.Fatal(err)
		}
		off += n
	}
	c.Close()
	w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	if err := s.hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	peer := c.LocalAddr().(*net.TCPAddr)
	checkRawFile(t, folder, peer.String(), want)
	// events.jsonl holds the same bytes, in order, with the named fields.
	f, _ := os.Open(filepath.Join(folder, "events.jsonl"))
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var fromJSON []byte
	kinds := map[string]int{}
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"time", "session", "event", "bytes"} {
			if _, ok := m[k]; !ok {
				t.Fatalf("line lacks %q: %s", k, sc.Text())
			}
		}
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil {
			t.Fatal(err)
		}
		kinds[m["event"].(string)]++
		if m["event"] == "rx" {
			d, _ := base64.StdEncoding.DecodeString(m["data"].(string))
			if int(m["bytes"].(float64)) != len(d) || m["peer"] != peer.String() {
				t.Fatalf("rx line inconsistent: %s", sc.Text())
			}
			fromJSON = append(fromJSON, d...)
		}
	}
	if !bytes.Equal(fromJSON, want) {
		t.Fatalf("events.jsonl data differs: %d bytes", len(fromJSON))
	}
	if kinds["connect"] != 1 || kinds["disconnect"] != 1 {
		t.Fatalf("event kinds %v", kinds)
	}
	if s.hub.Counters.Snapshot().RxBytes != uint64(len(want)) {
		t.Fatal("counter differs from what was sent")
	}
}

func TestSaveFolderVanishes(t *testing.T) {
	dir := t.TempDir()
	h, w := newHub("s")
	folder, err := h.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	h.Record(Event{Kind: EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("kept")})
	os.RemoveAll(folder)
	os.WriteFile(folder, []byte("a file where the folder was"), 0o644)
	// Raw files of new connections cannot be created now.
	for i := 0; i < 3; i++ {
		h.Record(Event{Kind: EvRx, Conn: uint64(10 + i), Peer: "127.0.0.1:2", Data: []byte("lost")})
		time.Sleep(20 * time.Millisecond)
	}
	w.waitFor(t, "saving error shown", func(evs []Event) bool {
		h.Record(Event{Kind: EvRx, Conn: 99, Peer: "127.0.0.1:3", Data: []byte("x")})
		return has(EvError, "")(evs)
	})
	if _, on := h.Saving(); on {
		t.Fatal("saving still on after a failure")
	}
	// The display goes on.
	h.Record(Event{Kind: EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("after")})
	w.waitFor(t, "display after failure", func(evs []Event) bool {
		return bytes.HasSuffix(rxBytes(evs, 1), []byte("after"))
	})
}

func TestRawFileName(t *testing.T) {
	cases := map[string]string{
		RawFileName(3, "127.0.0.1:5555", EvRx): "conn3_127.0.0.1_5555.rx",
		RawFileName(4, "[::1]:80", EvTx):       "conn4_--1_80.tx",
		RawFileName(0, "10.0.0.2:9", EvRx):     "udp_10.0.0.2_9.rx",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q; want %q", got, want)
		}
	}
}

func TestEventLineIsValidJSON(t *testing.T) {
	dir := t.TempDir()
	ev, err := openSaveFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	w := &saveWriter{dir: dir, events: ev, raw: map[string]*saveFile{}, disk: newDiskIO(nil)}
	at := time.Date(2026, 11, 21, 13, 44, 0, 123456789, time.UTC)
	evs := []Event{
		{Time: at, Session: `s "1"`, Kind: EvRx, Conn: 3, Peer: "[::1]:80", Data: []byte{0, '\r', '\n', 0xA7}},
		{Time: at, Session: "s", Kind: EvError, Detail: "bad\n\"thing\"\x01"},
	}
	for _, ev := range evs {
		if err := w.write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	buf, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(buf), []byte("\n"))
	for i, line := range lines {
		var je jsonEvent
		if err := json.Unmarshal(line, &je); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ev := evs[i]
		d, _ := base64.StdEncoding.DecodeString(je.Data)
		if je.Time != "2026-11-21T13:44:00.123456789Z" || je.Session != ev.Session || je.Event != string(ev.Kind) ||
			je.Conn != ev.Conn || je.Peer != ev.Peer || je.Bytes != len(ev.Data) || !bytes.Equal(d, ev.Data) || je.Detail != ev.Detail {
			t.Errorf("line %d = %+v; from %+v", i, je, ev)
		}
	}
}

// A flood's full read buffers go to the saver without a copy; the files
// stay exact and the display still gets its copy.
func TestSaveTakesOverReadBuffers(t *testing.T) {
	dir := t.TempDir()
	s, w := startServer(t, "127.0.0.1:0", true)
	folder, err := s.hub.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	sv := s.hub.saver.Load()
	rng := rand.New(rand.NewPCG(7, 8))
	want := make([]byte, 24<<20)
	for i := range want {
		want[i] = byte(rng.Uint32())
	}
	c := dial(t, s.LocalAddr())
	for off := 0; off < len(want); off += 1 << 20 {
		if _, err := c.Write(want[off : off+1<<20]); err != nil {
			t.Fatal(err)
		}
	}
	c.Close()
	evs := w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	if err := s.hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	if sv.adopted.Load() == 0 {
		t.Fatal("no read buffer was handed to the saver")
	}
	peer := c.LocalAddr().(*net.TCPAddr)
	checkRawFile(t, folder, peer.String(), want)
	if got := rxBytes(evs, 1); !bytes.Equal(got, want) {
		t.Fatalf("the display got %d bytes, not the %d sent", len(got), len(want))
	}
}

// checkRawFile compares connection 1's saved .rx file from peer with want.
func checkRawFile(t *testing.T, folder, peer string, want []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(folder, RawFileName(1, peer, EvRx)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, want) {
		t.Fatalf("raw file differs: %d bytes; want %d", len(raw), len(want))
	}
}

// A connection's raw files are closed when it ends (so a server that saw
// thousands of connections holds no buffers or descriptors for them), and
// a later write to the same name appends.
func TestSaveClosesFilesOfEndedConnection(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSaver(dir, "s")
	if err != nil {
		t.Fatal(err)
	}
	const peer = "127.0.0.1:5555"
	write := func(ev Event) {
		t.Helper()
		ev.Session, ev.Peer, ev.Time = "s", peer, time.Now()
		if err := s.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	waitOpen := func(want int64) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); s.openRaw.Load() != want; {
			if time.Now().After(deadline) {
				t.Fatalf("%d raw files open; want %d", s.openRaw.Load(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	write(Event{Kind: EvConnect, Conn: 7})
	write(Event{Kind: EvRx, Conn: 7, Data: []byte("one\x00")})
	write(Event{Kind: EvTx, Conn: 7, Data: []byte("back")})
	write(Event{Kind: EvRx, Conn: 8, Data: []byte("other")})
	waitOpen(3)
	write(Event{Kind: EvDisconnect, Conn: 7, Detail: ReasonFIN})
	waitOpen(1) // conn 8's file stays open
	write(Event{Kind: EvRx, Conn: 7, Data: []byte("\r\ntwo")})
	waitOpen(2)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.openRaw.Load() != 0 {
		t.Fatalf("%d raw files open after Close", s.openRaw.Load())
	}
	for name, want := range map[string]string{
		RawFileName(7, peer, EvRx): "one\x00\r\ntwo",
		RawFileName(7, peer, EvTx): "back",
		RawFileName(8, peer, EvRx): "other",
	} {
		got, err := os.ReadFile(filepath.Join(s.Dir(), name))
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
}
