package netassist

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
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
	// events.jsonl says it is format 2, and its rx events point at the
	// same bytes, in order, with the named fields.
	lines := readSaved(t, folder)
	if lines[0].Event != "save" || lines[0].Format != SaveFormat {
		t.Fatalf("first line %+v; want the save header with format %d", lines[0].jsonEvent, SaveFormat)
	}
	var fromJSON []byte
	kinds := map[string]int{}
	for _, l := range lines[1:] {
		for _, k := range []string{"time", "session", "event", "bytes"} {
			if _, ok := l.fields[k]; !ok {
				t.Fatalf("line lacks %q: %s", k, l.text)
			}
		}
		if _, err := time.Parse(time.RFC3339Nano, l.Time); err != nil {
			t.Fatal(err)
		}
		kinds[l.Event]++
		if l.Event == "rx" {
			if l.Peer != peer.String() || l.File != RawFileName(1, peer.String(), EvRx) {
				t.Fatalf("rx line inconsistent: %s", l.text)
			}
			if _, ok := l.fields["data"]; ok {
				t.Fatalf("rx line carries the payload again: %.200s", l.text)
			}
			fromJSON = append(fromJSON, l.data...)
		}
	}
	if !bytes.Equal(fromJSON, want) {
		t.Fatalf("events.jsonl points at %d bytes that differ from what was sent", len(fromJSON))
	}
	if kinds["connect"] != 1 || kinds["disconnect"] != 1 {
		t.Fatalf("event kinds %v", kinds)
	}
	if s.hub.Counters.Snapshot().RxBytes != uint64(len(want)) {
		t.Fatal("counter differs from what was sent")
	}
	// Each byte is saved once: events.jsonl is a small part of the folder.
	st, err := os.Stat(filepath.Join(folder, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > int64(len(want))/20 {
		t.Fatalf("events.jsonl is %d bytes for %d bytes received", st.Size(), len(want))
	}
}

// savedLine is one line of events.jsonl with the payload it points to.
type savedLine struct {
	jsonEvent
	fields map[string]json.RawMessage
	text   string
	data   []byte // rx and tx: read from File at Offset
}

// readSaved reads a finished save folder's events.jsonl and the payloads
// its rx and tx events point to; a range outside its raw file fails.
func readSaved(t *testing.T, folder string) []savedLine {
	t.Helper()
	f, err := os.Open(filepath.Join(folder, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	raw := map[string][]byte{}
	var out []savedLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := savedLine{text: sc.Text()}
		if err := json.Unmarshal(sc.Bytes(), &l.jsonEvent); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		if err := json.Unmarshal(sc.Bytes(), &l.fields); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		if l.Event == "rx" || l.Event == "tx" {
			b, ok := raw[l.File]
			if !ok {
				if b, err = os.ReadFile(filepath.Join(folder, l.File)); err != nil && l.Bytes > 0 {
					t.Fatalf("line %s: %v", l.text, err)
				}
				raw[l.File] = b
			}
			if l.Offset < 0 || l.Offset+int64(l.Bytes) > int64(len(b)) {
				t.Fatalf("line %s points past the end of %s (%d bytes)", l.text, l.File, len(b))
			}
			l.data = b[l.Offset : l.Offset+int64(l.Bytes)]
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("events.jsonl is empty")
	}
	return out
}

func TestSaveFolderVanishes(t *testing.T) {
	dir := t.TempDir()
	h, w := newHub("s")
	folder, err := h.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	h.Record(Event{Kind: EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("kept")})
	// Wait for the saver to have made its file: a file it creates while
	// the folder is being removed would keep the folder there.
	for deadline := time.Now().Add(10 * time.Second); !exists(filepath.Join(folder, RawFileName(1, "127.0.0.1:1", EvRx))); {
		if time.Now().After(deadline) {
			t.Fatal("the saver made no raw file")
		}
		time.Sleep(time.Millisecond)
	}
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(folder, []byte("a file where the folder was"), 0o644); err != nil {
		t.Fatal(err)
	}
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
		RawFileName(0, "10.0.0.2:9", EvRx):     "udp.rx",
		RawFileName(0, "[::1]:9", EvTx):        "udp.tx",
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
		{Time: at, Session: "s", Kind: EvRx, Conn: 3, Peer: "[::1]:80", Data: []byte("more")},
	}
	for _, ev := range evs {
		if err := w.write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.close(); err != nil {
		t.Fatal(err)
	}
	lines := readSaved(t, dir)
	for i, l := range lines {
		ev := evs[i]
		if l.Time != "2026-11-21T13:44:00.123456789Z" || l.Session != ev.Session || l.Event != string(ev.Kind) ||
			l.Conn != ev.Conn || l.Peer != ev.Peer || l.Bytes != len(ev.Data) || !bytes.Equal(l.data, ev.Data) || l.Detail != ev.Detail {
			t.Errorf("line %d = %+v; from %+v", i, l.jsonEvent, ev)
		}
	}
	if lines[2].Offset != 4 || lines[2].File != "conn3_--1_80.rx" {
		t.Errorf("second rx line at %s offset %d; want conn3_--1_80.rx offset 4", lines[2].File, lines[2].Offset)
	}
}

// Each UDP datagram is one event pointing into the session's udp.rx or
// udp.tx, with its peer; empty datagrams too.
func TestSaveUDPDatagrams(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSaver(dir, "udp-1")
	if err != nil {
		t.Fatal(err)
	}
	evs := []Event{
		{Kind: EvRx, Peer: "127.0.0.1:7001", Data: []byte("one\x00")},
		{Kind: EvRx, Peer: "127.0.0.2:7002", Data: []byte{}},
		{Kind: EvTx, Peer: "127.0.0.2:7002", Data: []byte("reply")},
		{Kind: EvRx, Peer: "[::1]:7003", Data: []byte("\r\nthree")},
	}
	for _, ev := range evs {
		ev.Time, ev.Session = time.Now(), "udp-1"
		if err := s.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readSaved(t, s.Dir())[1:]
	if len(lines) != len(evs) {
		t.Fatalf("%d lines; want %d", len(lines), len(evs))
	}
	for i, l := range lines {
		if l.Peer != evs[i].Peer || l.File != "udp."+string(evs[i].Kind) || !bytes.Equal(l.data, evs[i].Data) {
			t.Errorf("datagram %d saved as %s", i, l.text)
		}
	}
	for name, want := range map[string]string{"udp.rx": "one\x00\r\nthree", "udp.tx": "reply"} {
		if got, err := os.ReadFile(filepath.Join(s.Dir(), name)); err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir(), "README.txt")); err != nil {
		t.Errorf("no README.txt in the folder: %v", err)
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
	// The events point at the right bytes across the reopening.
	var rx7 []string
	for _, l := range readSaved(t, s.Dir()) {
		if l.Event == "rx" && l.Conn == 7 {
			rx7 = append(rx7, fmt.Sprintf("%d:%s", l.Offset, l.data))
		}
	}
	if got := strings.Join(rx7, ","); got != "0:one\x00,4:\r\ntwo" {
		t.Errorf("conn 7's rx events point at %q", got)
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

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// StopSavingAsync turns saving off at once; what was queued still reaches
// the disk, and StopSaving (the app's quit) waits for it.
func TestStopSavingAsyncKeepsEveryByte(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", true)
	dir := t.TempDir()
	folder, err := s.hub.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.LocalAddr())
	data := bytes.Repeat([]byte("0123456789"), 100000)
	c.Write(data)
	c.Close()
	w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	s.hub.StopSavingAsync()
	if _, on := s.hub.Saving(); on {
		t.Fatal("still saving after StopSavingAsync")
	}
	if err := s.hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(folder, RawFileName(1, c.LocalAddr().String(), EvRx)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("saved %d bytes of %d, %v", len(got), len(data), err)
	}
}
