//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// exitLimit is how long a quit may take, from the request to the process
// gone; the app promises "within a few seconds" (3 s grace + closing).
const exitLimit = 15 * time.Second

// waitExit waits until the app's process is gone and fails the test with a
// goroutine dump (SIGQUIT) if it is still there after limit.
func waitExit(t *testing.T, a *app, limit time.Duration, what string) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-a.done:
		took := time.Since(start)
		t.Logf("%s: exited %v after the wait began (%v)", what, took.Round(time.Millisecond), a.waitEr)
		return took
	case <-time.After(limit):
		_ = a.cmd.Process.Signal(syscall.SIGQUIT) // Go prints every goroutine
		select {
		case <-a.done:
		case <-time.After(5 * time.Second):
		}
		t.Fatalf("%s: still running %v later; goroutines:\n%s", what, limit, tail(a.err.String(), 80))
		return 0
	}
}

// TestSIGTERMDuringStartup: SIGTERM at any moment of start-up, from before
// the window to after it, ends the process promptly.
func TestSIGTERMDuringStartup(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	for _, delay := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond, time.Second, -1} {
		name := "after-window"
		if delay >= 0 {
			name = delay.String()
		}
		t.Run(name, func(t *testing.T) {
			port := freeTCPPort(t)
			a := d.startApp(bin, "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", port), "--save", t.TempDir())
			if delay < 0 {
				a.waitWindow()
			} else {
				time.Sleep(delay)
			}
			if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			waitExit(t, a, exitLimit, "SIGTERM")
		})
	}
}

// streamPeer connects to addr and writes random data until stop is
// closed; sent holds what the kernel took. With limit > 0 it writes
// exactly that much and keeps the connection open.
type streamPeer struct {
	conn  *net.TCPConn
	data  []byte
	sent  atomic.Int64
	errCh chan error
}

func newStreamPeer(t *testing.T, addr string, size int) *streamPeer {
	rng := rand.New(rand.NewSource(seed(t)))
	p := &streamPeer{conn: dialRetry(t, addr), data: peerData(rng, size), errCh: make(chan error, 1)}
	t.Cleanup(func() { p.conn.Close() })
	return p
}

// write sends the data in 16 KiB writes, pausing every 256 KiB so the
// stream lasts a while; it stops at the first error (the app went away).
func (p *streamPeer) write(pause time.Duration) {
	for off := 0; off < len(p.data); {
		n := min(16<<10, len(p.data)-off)
		p.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
		w, err := p.conn.Write(p.data[off : off+n])
		off += w
		p.sent.Store(int64(off))
		if err != nil {
			p.errCh <- err
			return
		}
		if pause > 0 && off%(256<<10) == 0 {
			time.Sleep(pause)
		}
	}
	p.errCh <- nil
}

// savedRx is the one .rx file of the session saved under dir.
func savedRx(t *testing.T, dir string) []byte {
	t.Helper()
	sess := sessionDir(t, dir)
	m, err := filepath.Glob(filepath.Join(sess, "*.rx"))
	if err != nil || len(m) != 1 {
		t.Fatalf("want one .rx file in %s, got %v (%v)", sess, m, err)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDisplayKilledUnderSave: the X server dies (killed, or stopped with
// SIGTERM) under a running app that saves a connection whose peer has sent
// data and keeps it open. The app must end within a few seconds, say why,
// and the saved .rx must hold every byte it received.
func TestDisplayKilledUnderSave(t *testing.T) {
	bin := requireE2E(t)
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			d := newDisplay(t)
			port := freeTCPPort(t)
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			saveDir := t.TempDir()
			a := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir)
			a.waitWindow()

			p := newStreamPeer(t, addr, 3<<20)
			p.write(0)
			if err := <-p.errCh; err != nil {
				t.Fatalf("peer write: %v", err)
			}
			want := uint64(len(p.data))
			a.waitMetrics(60*time.Second, fmt.Sprintf("rx_bytes = %d", want), func(m metricsLine) bool { return *m.RxBytes == want })

			killed := time.Now()
			_ = d.x.cmd.Process.Signal(sig)
			waitExit(t, a, exitLimit, "display gone")
			took := time.Since(killed)
			if !strings.Contains(a.err.String(), "display went away") {
				t.Errorf("stderr does not say the display went away:\n%s", tail(a.err.String(), 20))
			}
			got := savedRx(t, saveDir)
			if !bytes.Equal(got, p.data) {
				t.Fatalf("saved .rx: %d bytes, want the %d sent (%s)", len(got), len(p.data), firstDiff(got, p.data))
			}
			t.Logf("exited %v after the X server got %v; .rx holds all %d bytes", took.Round(time.Millisecond), sig, len(got))
		})
	}
}

// TestQuitUnderTraffic: Ctrl+Q, the window's close (Alt+F4 asks openbox
// for what the × does), SIGTERM or SIGINT while a peer is still sending end
// the app within a few seconds, and what was saved is exactly the start of
// what the peer sent, at least as much as the app had counted before.
// Ctrl+Q and the × ask first (a connection is live) and are confirmed;
// the signals never ask.
func TestQuitUnderTraffic(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	for _, how := range []string{"ctrl+q", "alt+F4", "SIGTERM", "SIGINT"} {
		t.Run(how, func(t *testing.T) {
			port := freeTCPPort(t)
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			saveDir := t.TempDir()
			a := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir)
			a.waitWindow()

			p := newStreamPeer(t, addr, 64<<20)
			go p.write(20 * time.Millisecond)
			seen := a.waitMetrics(60*time.Second, "traffic under way", func(m metricsLine) bool { return *m.RxBytes >= 1<<20 })
			switch how {
			case "SIGTERM":
				_ = a.cmd.Process.Signal(syscall.SIGTERM)
			case "SIGINT":
				_ = a.cmd.Process.Signal(syscall.SIGINT)
			default:
				d.key(how)
				confirmClose(d)
			}
			waitExit(t, a, exitLimit, how)
			if a.waitEr != nil {
				t.Errorf("exit status: %v; want 0 after a quit", a.waitEr)
			}
			got := savedRx(t, saveDir)
			sent := p.sent.Load()
			t.Logf("peer sent %d bytes; the app had counted %d before the quit; .rx holds %d", sent, *seen.RxBytes, len(got))
			if uint64(len(got)) < *seen.RxBytes {
				t.Errorf(".rx holds %d bytes, fewer than the %d the app had already received", len(got), *seen.RxBytes)
			}
			if int64(len(got)) > sent || !bytes.Equal(got, p.data[:len(got)]) {
				t.Errorf(".rx is not the start of what the peer sent (%s)", firstDiff(got, p.data[:min(len(got), len(p.data))]))
			}
		})
	}
}
