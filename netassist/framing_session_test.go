package netassist

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"netassist/netassist/framing"
)

func startFramedServer(t *testing.T, fc framing.Config) (*TCPServer, *watcher) {
	t.Helper()
	h, w := newHub("srv")
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0", CloseOnFIN: true, Framing: fc}, h)
	if err := s.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, w
}

// msg is one message of an EvMsg.
type msg struct {
	Data []byte
	Msg  MsgInfo
}

// msgs lists the messages the events carry, checking that each event's
// lengths cover its bytes exactly.
func msgs(evs []Event) []msg {
	var out []msg
	for _, e := range evs {
		if e.Kind != EvMsg {
			continue
		}
		data := e.Data
		for _, m := range e.Msgs {
			if m.Len > len(data) {
				panic("message lengths exceed the event's bytes")
			}
			out = append(out, msg{data[:m.Len], m})
			data = data[m.Len:]
		}
		if len(data) != 0 {
			panic("event bytes not covered by its messages")
		}
	}
	return out
}

func nMsgs(n int) func([]Event) bool {
	return func(evs []Event) bool { return len(msgs(evs)) >= n }
}

// The 粘包 lesson on a real socket: three messages written at once come
// as one read and are shown as three; one written in two goes are shown
// as one. Counters count both bytes and messages; the display gets the
// messages, not the reads; the saved raw file is the bytes as they came.
func TestTCPServerDelimFraming(t *testing.T) {
	s, w := startFramedServer(t, framing.Config{Kind: framing.Delim, Delim: []byte("\r\n")})
	dir := t.TempDir()
	saveDir, err := s.Hub().StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.LocalAddr())
	c.Write([]byte("a\r\nb\r\nc\r\n"))
	evs := w.waitFor(t, "three messages", nMsgs(3))
	for i, m := range msgs(evs) {
		want := []string{"a\r\n", "b\r\n", "c\r\n"}[i]
		if string(m.Data) != want || m.Msg.Strip != 2 || m.Msg.InRead != 3 || m.Msg.Index != i || m.Msg.Reads != 1 {
			t.Errorf("message %d: %q %+v; want %q, 3 in 1 read", i, m.Data, m.Msg, want)
		}
	}
	for _, e := range evs {
		if e.Kind == EvRx {
			t.Errorf("the display got a raw read %q; framed reads are shown as messages", e.Data)
		}
	}
	c.Write([]byte("hel"))
	w.waitFor(t, "the first half counted", func([]Event) bool { return s.Hub().Counters.Snapshot().RxBytes == 12 })
	c.Write([]byte("lo\r\n"))
	evs = w.waitFor(t, "the message in two reads", nMsgs(4))
	if m := msgs(evs)[3]; string(m.Data) != "hello\r\n" || m.Msg.Reads != 2 || m.Msg.InRead != 1 {
		t.Errorf("got %q %+v; want hello\\r\\n across 2 reads", m.Data, m.Msg)
	}
	snap := s.Hub().Counters.Snapshot()
	if snap.RxBytes != 16 || snap.RxChunks != 3 || snap.RxMsgs != 4 || snap.RxBad != 0 {
		t.Errorf("counters %+v; want 16 bytes, 3 reads, 4 messages", snap)
	}
	if ci := s.Conns()[0].Counters; ci.RxMsgs != 4 {
		t.Errorf("connection counters %+v; want 4 messages", ci)
	}
	if err := s.Hub().StopSaving(); err != nil {
		t.Fatal(err)
	}
	raws, _ := filepath.Glob(filepath.Join(saveDir, "*.rx"))
	if len(raws) != 1 {
		t.Fatalf("raw files %v; want one .rx", raws)
	}
	if got, _ := os.ReadFile(raws[0]); string(got) != "a\r\nb\r\nc\r\nhello\r\n" {
		t.Errorf("saved %q; want the bytes exactly as received", got)
	}
	events, _ := os.ReadFile(filepath.Join(saveDir, "events.jsonl"))
	if bytes.Contains(events, []byte(`"event":"msg"`)) {
		t.Errorf("events.jsonl holds messages; it records reads only:\n%s", events)
	}
}

// Bytes left at the close are shown as an incomplete message, before the
// connection's end.
func TestTCPServerFramingTailAtClose(t *testing.T) {
	s, w := startFramedServer(t, framing.Config{Kind: framing.Delim, Delim: []byte("\n")})
	c := dial(t, s.LocalAddr())
	c.Write([]byte("x\ny"))
	c.Close()
	evs := w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	var order []string
	for _, e := range evs {
		switch e.Kind {
		case EvMsg:
			for _, m := range msgs([]Event{e}) {
				order = append(order, "msg:"+string(m.Data)+":"+m.Msg.Bad.String())
			}
		case EvDisconnect:
			order = append(order, "disconnect::")
		}
	}
	if got := strings.Join(order, " "); got != "msg:x\n: msg:y:incomplete disconnect::" {
		t.Errorf("got %q; want x, then y incomplete, then the disconnect", got)
	}
	if snap := s.Hub().Counters.Snapshot(); snap.RxMsgs != 1 || snap.RxBad != 1 {
		t.Errorf("counters %+v; want 1 message and 1 bad", snap)
	}
}

// A silence ends a message; an idle connection is never timed out.
func TestTCPServerIdleGapFraming(t *testing.T) {
	s, w := startFramedServer(t, framing.Config{Kind: framing.Idle, Gap: 20 * time.Millisecond})
	c := dial(t, s.LocalAddr())
	c.Write([]byte("abc"))
	evs := w.waitFor(t, "the message the silence ended", nMsgs(1))
	if m := msgs(evs)[0]; string(m.Data) != "abc" || m.Msg.Bad != framing.Good {
		t.Fatalf("got %q %+v", m.Data, m.Msg)
	}
	c.Write([]byte("de"))
	evs = w.waitFor(t, "the second message", nMsgs(2))
	if m := msgs(evs)[1]; string(m.Data) != "de" {
		t.Fatalf("got %q", m.Data)
	}
	// Nothing waits now: the connection stays open however long it is idle.
	c.Write([]byte("f"))
	w.waitFor(t, "the third message", nMsgs(3))
	if got := len(s.Conns()); got != 1 || s.Conns()[0].State != StateOpen {
		t.Errorf("connections %+v; want the one, open", s.Conns())
	}
}

// A length field over the maximum is a bad frame; the framer finds the
// next good header.
func TestTCPServerLenFieldResync(t *testing.T) {
	s, w := startFramedServer(t, framing.Config{Kind: framing.LenField, Size: 2, Big: true, Max: 100})
	c := dial(t, s.LocalAddr())
	c.Write([]byte("\xFF\xFF\x00\x02hi"))
	evs := w.waitFor(t, "a bad frame and a message", nMsgs(2))
	m := msgs(evs)
	if m[0].Msg.Bad != framing.BadLength || string(m[0].Data) != "\xFF\xFF" || string(m[1].Data) != "\x00\x02hi" || m[1].Msg.Bad != framing.Good {
		t.Errorf("got %q %+v, %q %+v", m[0].Data, m[0].Msg, m[1].Data, m[1].Msg)
	}
}

// A TCP client frames what it receives too.
func TestTCPClientFixedFraming(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h, w := newHub("cli")
	c := NewTCPClient(Config{Kind: KindTCPClient, Remote: ln.Addr().String(), Framing: framing.Config{Kind: framing.Fixed, Len: 4}}, h)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.Write([]byte("0001000200"))
	evs := w.waitFor(t, "two messages", nMsgs(2))
	if m := msgs(evs); string(m[0].Data) != "0001" || string(m[1].Data) != "0002" {
		t.Errorf("got %q %q", m[0].Data, m[1].Data)
	}
	io.WriteString(peer, "03")
	evs = w.waitFor(t, "the third", nMsgs(3))
	if m := msgs(evs)[2]; string(m.Data) != "0003" || m.Msg.Reads != 2 {
		t.Errorf("got %q %+v; want 0003 across 2 reads", m.Data, m.Msg)
	}
}
