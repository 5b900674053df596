//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExportFromWindow: a person presses Ctrl+E in a saving TCP server
// session, types where the pcapng goes and presses Enter; the capture
// appears there and tshark reassembles exactly the bytes the peer sent.
func TestExportFromWindow(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "tshark")
	d := newDisplay(t)
	saveDir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	a := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir)
	a.waitWindow()

	data := make([]byte, 200_000)
	rand.New(rand.NewSource(seed(t))).Read(data)
	c := dialRetry(t, addr)
	if _, err := c.Write(data); err != nil {
		t.Fatal(err)
	}
	c.Close()
	dir := sessionDir(t, saveDir)
	waitFor(t, 30*time.Second, "the connection's end in events.jsonl", func() (bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
		return bytes.Contains(b, []byte(`"event":"disconnect"`)), err
	})

	out := filepath.Join(t.TempDir(), "window.pcapng") // ASCII: typed by xdotool
	d.key("ctrl+e")
	time.Sleep(time.Second) // the form opens with the pcapng name focused
	d.key("ctrl+a")
	d.typeText(out)
	d.key("Return")
	waitFor(t, 60*time.Second, out, func() (bool, error) {
		_, err := os.Stat(out)
		return err == nil, nil
	})
	time.Sleep(500 * time.Millisecond)
	d.screenshot("e2e-export-window.png")
	if got := followFirst(t, out); !bytes.Equal(got, data) {
		t.Errorf("tshark's reassembly: %d bytes, want the %d the peer sent", len(got), len(data))
	}
}
