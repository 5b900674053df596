//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReopenSaved: a session saved with --save is shown again with
// --view DIR in a read-only tab; Ctrl+Shift+C copies what its receive
// view shows: the peer's bytes at their saved times, the connection's
// notes. A folder cut short by a crash opens too.
func TestReopenSaved(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "xclip")
	d := newDisplay(t)
	saveDir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	live := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir)
	live.waitWindow()
	c := dialRetry(t, addr)
	if _, err := c.Write([]byte("hello-reopen\r\nsecond line\r\n")); err != nil {
		t.Fatal(err)
	}
	c.Close()
	dir := sessionDir(t, saveDir)
	waitFor(t, 30*time.Second, "the connection's end in events.jsonl", func() (bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
		return bytes.Contains(b, []byte(`"event":"disconnect"`)), err
	})
	d.key("ctrl+q")
	select {
	case <-live.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the saving app did not quit")
	}
	var rxAt string
	for _, e := range readEvents(t, filepath.Join(dir, "events.jsonl")) {
		if e.Event == "rx" {
			at, _ := time.Parse(time.RFC3339Nano, e.Time)
			rxAt = at.Local().Format("15:04:05.000000")
		}
	}
	// A crash leaves a cut last line: it is said, the rest is shown.
	f, err := os.OpenFile(filepath.Join(dir, "events.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-12-04T10:00:09Z","sess`)
	f.Close()

	view := d.startApp(bin, "--view", dir)
	view.waitWindow()
	time.Sleep(2 * time.Second) // read and shown within a pump round or two
	d.screenshot("e2e-reopen-tcp.png")
	var copied string
	waitFor(t, 20*time.Second, "the receive view on the clipboard", func() (bool, error) {
		d.key("ctrl+shift+c")
		out, err := d.run(10*time.Second, "xclip", "-selection", "clipboard", "-o")
		copied = out
		return err == nil && strings.Contains(out, "hello-reopen"), nil
	})
	for _, want := range []string{"hello-reopen", "second line", rxAt, "connected", "closed the connection"} {
		if !strings.Contains(copied, want) {
			t.Errorf("the reopened view lacks %q:\n%s", want, copied)
		}
	}
	if view.exited() {
		t.Fatalf("the viewing app exited: %s", view.err.String())
	}

	// Not a saved folder: a clear line and a non-zero exit, no window.
	bad := d.startApp(bin, "--view", t.TempDir())
	select {
	case <-bad.done:
	case <-time.After(30 * time.Second):
		t.Fatal("--view of an empty folder did not exit")
	}
	if msg := bad.err.String(); !strings.Contains(msg, "--view:") || !strings.Contains(msg, "not a folder saved by NetAssist") {
		t.Errorf("--view of an empty folder said %q", msg)
	}
}
