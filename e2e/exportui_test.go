//go:build linux

package e2e

import (
	"bytes"
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
	_, _, data, d := saveOneConnection(t, bin, 200_000)

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
