package ui

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// jobShown is the progress or outcome the send box shows.
func jobShown(b *sendBox) string { return b.jobLabel.Text }

// readN reads exactly n bytes from c, then checks that nothing more comes.
func readN(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	got := make([]byte, n)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if k, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("peer got %d of %d bytes: %v", k, n, err)
	}
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if k, _ := c.Read(make([]byte, 64)); k > 0 {
		t.Fatalf("peer got %d bytes more than %d", k, n)
	}
	return got
}

// A file's progress moves piece by piece up to its size, and the end says
// how much went.
func TestSendFileProgress(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	r, w := io.Pipe()
	p.send.sendFile("data.bin", 3*filePiece, r)
	if !p.send.fileBtn.Disabled() || p.send.jobBtn.Text != T("send.job.cancel", "Cancel") || !p.send.jobRow.Visible() {
		t.Fatal("a running send leaves Send file enabled or has no Cancel")
	}
	var want []byte
	for i, shown := range []string{"65,536 of 196,608", "131,072 of 196,608"} {
		piece := bytes.Repeat([]byte{byte('a' + i)}, filePiece)
		want = append(want, piece...)
		w.Write(piece)
		tickUntil(t, a, shown, func() bool { return strings.Contains(jobShown(p.send), shown) })
		if v := p.send.jobBar.Value; v != float64(i+1)/3 {
			t.Fatalf("bar at %v after %d pieces", v, i+1)
		}
	}
	last := bytes.Repeat([]byte{'c'}, filePiece)
	want = append(want, last...)
	go func() { w.Write(last); w.Close() }()
	tickUntil(t, a, "the end", func() bool { return p.send.job == nil })
	if txt := p.send.jobLabel.Text; !strings.Contains(txt, "data.bin") || !strings.Contains(txt, "196,608 bytes") {
		t.Fatalf("end says %q", txt)
	}
	if p.send.jobBtn.Text != T("send.job.ok", "OK") || p.send.fileBtn.Disabled() {
		t.Fatal("Cancel still offered or Send file still disabled after the end")
	}
	test.Tap(p.send.jobBtn) // OK puts the outcome away
	if p.send.jobRow.Visible() {
		t.Fatal("OK left the outcome on screen")
	}
	if got := readN(t, peer, len(want)); !bytes.Equal(got, want) {
		t.Fatal("peer got other bytes than the file's")
	}
}

// Cancel stops at a piece boundary and says how much went out.
func TestSendFileCancel(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	r, w := io.Pipe()
	p.send.sendFile("data.bin", 4*filePiece, r)
	w.Write(bytes.Repeat([]byte{'x'}, filePiece))
	tickUntil(t, a, "first piece", func() bool { return strings.Contains(jobShown(p.send), "65,536 of 262,144") })
	test.Tap(p.send.jobBtn)
	go func() { w.Write(bytes.Repeat([]byte{'y'}, filePiece)); w.Close() }()
	tickUntil(t, a, "the end", func() bool { return p.send.job == nil })
	if txt := p.send.jobLabel.Text; !strings.Contains(txt, "Cancelled") || !strings.Contains(txt, "65,536 of 262,144") {
		t.Fatalf("end says %q", txt)
	}
	readN(t, peer, filePiece)
}

// A peer that never reads fills the queue: the send waits, says so, and
// Cancel ends it (it used to retry every 10 ms for ever).
func TestSendFileCancelWhileQueueFull(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	dialPeer(t, addr) // never reads
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	const size = 200 << 20
	p.send.sendFile("big.bin", size, io.NopCloser(io.LimitReader(zeros{}, size)))
	waiting := T("send.job.waiting", "waiting for the peer to read")
	tickUntil(t, a, "the wait to show", func() bool { return strings.Contains(jobShown(p.send), waiting) })
	test.Tap(p.send.jobBtn)
	tickUntil(t, a, "the end", func() bool { return p.send.job == nil })
	if txt := p.send.jobLabel.Text; !strings.Contains(txt, "Cancelled") || !strings.Contains(txt, "of 209,715,200") {
		t.Fatalf("end says %q", txt)
	}
}

// Closing the session ends a send with a message.
func TestSendFileSessionClosed(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	r, w := io.Pipe()
	p.send.sendFile("data.bin", 2*filePiece, r)
	w.Write(make([]byte, filePiece))
	tickUntil(t, a, "first piece", func() bool { return strings.Contains(jobShown(p.send), "65,536 of 131,072") })
	test.Tap(p.openBtn) // Close
	go func() { w.Write(make([]byte, filePiece)); w.Close() }()
	tickUntil(t, a, "the end", func() bool { return p.send.job == nil })
	want := Tf("send.job.stopped", "Stopped after %s of %s bytes of %s: %s", "65,536", "131,072", "data.bin", T("err.not_connected", "Not connected: there is nobody to send to."))
	if txt := p.send.jobLabel.Text; txt != want {
		t.Fatalf("end says %q; want %q", txt, want)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// "Sent" means written: while the peer does not read, the bytes handed to
// the session's queue are not called sent, and the end comes once the
// peer has read them.
func TestSendFileSentMeansWritten(t *testing.T) {
	a := newTestApp(t)
	p, addr := openServer(t, a)
	peer := dialPeer(t, addr)
	tickUntil(t, a, "connection listed", func() bool { return len(p.conns.infos) == 1 })

	const size = 32 << 20 // more than loopback's socket buffers hold
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	p.send.sendFile("big.bin", size, io.NopCloser(bytes.NewReader(data)))
	j := p.send.job
	tickUntil(t, a, "every piece handed to the session", func() bool { return j.sent.Load() == size })
	tickUntil(t, a, "waiting for the peer", func() bool {
		return strings.Contains(jobShown(p.send), T("send.job.waiting", "waiting for the peer to read"))
	})
	if p.send.job == nil || strings.HasPrefix(jobShown(p.send), "Sent") || strings.Contains(jobShown(p.send), "33,554,432 of") {
		t.Fatalf("with the peer not reading, the send box shows %q", jobShown(p.send))
	}
	got := make(chan []byte, 1)
	go func() {
		b := make([]byte, size)
		peer.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, _ := io.ReadFull(peer, b)
		got <- b[:n]
	}()
	tickUntil(t, a, "the end", func() bool { return p.send.job == nil })
	if txt := jobShown(p.send); !strings.HasPrefix(txt, "Sent big.bin: 33,554,432 bytes") {
		t.Fatalf("end says %q", txt)
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("peer got %d bytes, not the file's", len(b))
	}
}
