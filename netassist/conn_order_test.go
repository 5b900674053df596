package netassist

import (
	"io"
	"testing"
	"time"
)

// A write that returned just before the peer's reset is recorded before
// the disconnect: readers (the export, the reopened view) take the events
// in order, and a tx after the end put the bytes past the RST.
func TestWriteRecordedBeforeTheReset(t *testing.T) {
	s, w := startServer(t, "127.0.0.1:0", false)
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "connect", has(EvConnect, ""))
	conn := s.Conn(s.Conns()[0].ID)
	written := make(chan struct{})
	testHookAfterWrite = func(*Conn) {
		close(written)
		// The peer resets now; its reader may record the end within this
		// pause unless it waits for this write to be recorded.
		time.Sleep(200 * time.Millisecond)
	}
	defer func() { testHookAfterWrite = nil }()
	if err := conn.Send([]byte("bye\r\n")); err != nil {
		t.Fatal(err)
	}
	<-written
	io.ReadFull(c, make([]byte, 5))
	c.SetLinger(0)
	c.Close()
	evs := w.waitFor(t, "disconnect", has(EvDisconnect, ""))
	tx, end := -1, -1
	for i, e := range evs {
		switch e.Kind {
		case EvTx:
			tx = i
		case EvDisconnect:
			end = i
		}
	}
	if tx < 0 || tx > end {
		t.Fatalf("the tx event is at %d, the disconnect at %d: the write must come first", tx, end)
	}
}
