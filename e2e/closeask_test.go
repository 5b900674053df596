//go:build linux

package e2e

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// The close question is a Fyne dialog: Escape answers Cancel; Tab
// focuses its Cancel button, a second Tab its Close button, and space
// presses the focused one. dialogShown gives the dialog time to appear
// after the key that asks.
const dialogShown = time.Second

func cancelClose(d *display) {
	time.Sleep(dialogShown)
	d.key("Escape")
}

func confirmClose(d *display) {
	time.Sleep(dialogShown)
	d.key("Tab")
	d.key("Tab")
	d.key("space")
}

// TestCloseAsksWithLiveConnection: Ctrl+W on a server with a live
// connection asks instead of closing; Cancel keeps the session (the peer's
// next bytes still arrive); Ctrl+Q asks again and, confirmed, quits and
// closes the peer's connection.
func TestCloseAsksWithLiveConnection(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	a := d.startApp(bin, "--open", "tcp-server://"+addr)
	a.waitWindow()
	peer := dialRetry(t, addr)
	defer peer.Close()
	a.waitMetrics(30*time.Second, "one connection", func(m metricsLine) bool { return *m.Connections == 1 })

	d.key("ctrl+w")
	time.Sleep(dialogShown)
	t.Logf("the question: %s", d.screenshot("close-asks.png"))
	cancelClose(d)
	if _, err := peer.Write([]byte("after cancel")); err != nil {
		t.Fatalf("peer write after Cancel: %v", err)
	}
	a.waitMetrics(30*time.Second, "the bytes sent after Cancel", func(m metricsLine) bool {
		return *m.RxBytes == uint64(len("after cancel")) && *m.Connections == 1
	})
	if a.exited() {
		t.Fatal("the app exited on Ctrl+W with a live connection")
	}

	d.key("ctrl+q")
	confirmClose(d)
	waitExit(t, a, exitLimit, "ctrl+q confirmed")
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := peer.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("peer read after quitting: %v; want EOF", err)
	}
}

// TestCloseWithNothingLiveQuitsAtOnce: with nobody connected, Ctrl+Q
// quits without a question.
func TestCloseWithNothingLiveQuitsAtOnce(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	a := d.startApp(bin, "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", freeTCPPort(t)))
	a.waitWindow()
	d.key("ctrl+q")
	waitExit(t, a, exitLimit, "ctrl+q")
}
