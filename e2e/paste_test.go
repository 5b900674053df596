//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLargePaste: a person puts 1 MiB of text on the clipboard, presses
// Ctrl+V in the send box of a TCP client session and Ctrl+Enter. The peer
// receives exactly those bytes at once, and the window never stops
// answering: --metrics' ui_lag_ms is logged (the 200 ms target holds on a
// quiet machine: 20–80 ms here); the test fails only at a freeze of a
// second or more, which is what the paste into Fyne's Entry did (60 s), so
// a busy CI machine cannot fail it while the defect still would.
func TestLargePaste(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "xclip")
	d := newDisplay(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	a := d.startApp(bin, "--open", "tcp-client://"+ln.Addr().String())
	a.waitWindow()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	// Lines of 1 to 4000 letters: long lines are what wrapping chokes on.
	rng := rand.New(rand.NewPCG(uint64(seed(t)), 1))
	var buf bytes.Buffer
	for buf.Len() < 1<<20 {
		n := 1 + rng.IntN(4000)
		for range n {
			buf.WriteByte(byte('a' + rng.IntN(26)))
		}
		buf.WriteByte('\n')
	}
	want := buf.Bytes()[:1<<20]

	// xclip owns the clipboard in the foreground until the test ends.
	clip := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-i")
	clip.Env = d.env
	clip.Stdin = bytes.NewReader(want)
	startProc(t, "xclip", clip)
	waitFor(t, 20*time.Second, "xclip to own the clipboard", func() (bool, error) {
		out, err := d.run(10*time.Second, "xclip", "-selection", "clipboard", "-o")
		return err == nil && len(out) == len(want), nil
	})

	// The window stalls for a second or two just after it starts (with or
	// without a paste): measure the paste in a window that has settled.
	settled := time.Now().Add(3 * time.Second)
	a.waitMetrics(60*time.Second, "a settled window", func(m metricsLine) bool {
		at, err := time.Parse(time.RFC3339Nano, m.Time)
		return err == nil && at.After(settled) && m.UILagMs != nil && *m.UILagMs < 50
	})

	pasted := time.Now()
	d.key("ctrl+v")
	d.key("ctrl+Return")
	sent := time.Now()
	got := make([]byte, len(want))
	peer.SetReadDeadline(time.Now().Add(60 * time.Second))
	if n, err := io.ReadFull(peer, got); err != nil {
		t.Fatalf("peer got %d of %d bytes: %v", n, len(want), err)
	}
	arrived := time.Now()
	if !bytes.Equal(got, want) {
		t.Fatal("peer got other bytes than were pasted")
	}
	peer.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, _ := peer.Read(make([]byte, 64)); n > 0 {
		t.Fatalf("peer got %d bytes more than were pasted", n)
	}
	t.Logf("1 MiB pasted and sent: all of it at the peer %v after Ctrl+Enter (%v after Ctrl+V)",
		arrived.Sub(sent).Round(time.Millisecond), arrived.Sub(pasted).Round(time.Millisecond))
	if arrived.Sub(sent) > 5*time.Second {
		t.Errorf("the bytes took %v to arrive after Ctrl+Enter", arrived.Sub(sent))
	}

	// Two more seconds of metrics after the send, then every second since
	// the paste must have had a responsive window.
	time.Sleep(2500 * time.Millisecond)
	d.screenshot("e2e-large-paste.png")
	worst, seconds := 0.0, 0
	var lags []string
	for _, m := range readMetrics(t, a.metrics) {
		at, err := time.Parse(time.RFC3339Nano, m.Time)
		if err != nil || m.UILagMs == nil {
			continue
		}
		lags = append(lags, fmt.Sprintf("%+.1fs:%.0f", at.Sub(pasted).Seconds(), *m.UILagMs))
		if at.Before(pasted) {
			continue
		}
		seconds++
		worst = max(worst, *m.UILagMs)
	}
	t.Logf("ui_lag_ms by second, from the paste: %s", strings.Join(lags, " "))
	if seconds < 2 {
		t.Fatalf("only %d metrics lines after the paste", seconds)
	}
	t.Logf("ui_lag_ms at most %s over %d seconds after the paste", strconv.FormatFloat(worst, 'f', 1, 64), seconds)
	// The second of the paste includes reading 1 MiB from the X clipboard,
	// which the toolkit does on the UI thread (about 50 ms here when the
	// machine is not busy).
	if worst >= 1000 {
		t.Errorf("ui_lag_ms reached %.1f ms after the paste: the window froze", worst)
	}
}
