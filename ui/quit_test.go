package ui

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
)

// exitRecorder stands in for os.Exit: it records the code and what the
// saved .rx file held at the moment the process would have ended.
type exitRecorder struct {
	saveDir string
	got     chan exitCall
}

type exitCall struct {
	code int
	rx   []byte
	err  error
}

func (e *exitRecorder) exit(code int) {
	m, err := filepath.Glob(filepath.Join(e.saveDir, "*", "*.rx"))
	var rx []byte
	if err == nil && len(m) == 1 {
		rx, err = os.ReadFile(m[0])
	} else if err == nil {
		err = os.ErrNotExist
	}
	e.got <- exitCall{code, rx, err}
}

// newQuitTestApp is a window saving into a temporary folder, whose Exit is
// recorded, with a TCP server that a peer has sent data to (still open).
func newQuitTestApp(t *testing.T) (*App, *exitRecorder, []byte) {
	t.Helper()
	rec := &exitRecorder{saveDir: t.TempDir(), got: make(chan exitCall, 2)}
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true, SaveDir: rec.saveDir, Exit: rec.exit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.CloseSessions)
	p, addr := openServer(t, a)
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(data)
	peer := dialPeer(t, addr)
	if _, err := peer.Write(data); err != nil {
		t.Fatal(err)
	}
	tickUntil(t, a, "all bytes counted", func() bool { return p.hub.Counters.Snapshot().RxBytes == uint64(len(data)) })
	return a, rec, data
}

// TestExitWithinClosesSessionsFirst: when the toolkit does not finish
// quitting, the watchdog ends the process itself, and only after every
// saved file holds all that was received.
func TestExitWithinClosesSessionsFirst(t *testing.T) {
	a, rec, data := newQuitTestApp(t)
	a.ExitWithin(0, 0)
	a.ExitWithin(0, 3) // only the first request counts
	c := <-rec.got
	if c.code != 0 || c.err != nil || !bytes.Equal(c.rx, data) {
		t.Fatalf("exit(%d) with .rx of %d bytes (err %v); want exit(0) with all %d bytes saved", c.code, len(c.rx), c.err, len(data))
	}
}

// TestDisplayLostClosesSessionsThenExits: a lost display closes every
// session and saved file, then exits with the given code.
func TestDisplayLostClosesSessionsThenExits(t *testing.T) {
	a, rec, data := newQuitTestApp(t)
	a.DisplayLost(1)
	c := <-rec.got
	if c.code != 1 || c.err != nil || !bytes.Equal(c.rx, data) {
		t.Fatalf("exit(%d) with .rx of %d bytes (err %v); want exit(1) with all %d bytes saved", c.code, len(c.rx), c.err, len(data))
	}
}
