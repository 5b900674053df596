package e2e

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFramingKeepsSaveExact: a TCP server opened with delimiter framing
// (--open …?frame=delim&delim=\r\n) and saving; a peer sends lines that
// stick together and lines split across writes, then bytes with no
// delimiter at all. The window shows messages (screenshot), and the saved
// raw file still holds exactly the bytes sent.
func TestFramingKeepsSaveExact(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	port := freeTCPPort(t)
	saveDir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	a := d.startApp(bin, "--open", `tcp-server://`+addr+`?frame=delim&delim=\r\n&max=64`, "--save", saveDir)
	a.waitWindow()

	rng := rand.New(rand.NewSource(seed(t)))
	var sent []byte
	c := dialRetry(t, addr)
	write := func(b []byte) {
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, b...)
	}
	write([]byte("msg0\r\nmsg1\r\nmsg2\r\n")) // three messages in one write
	time.Sleep(200 * time.Millisecond)        // so the next two writes are two reads: shown, not asserted
	write([]byte("hello, "))
	time.Sleep(200 * time.Millisecond)
	write([]byte("world\r\n"))
	var lines []byte
	for range 200 {
		n := 1 + rng.Intn(40)
		for range n {
			lines = append(lines, byte(rng.Intn(256)))
		}
		lines = append(lines, '\r', '\n')
	}
	for len(lines) > 0 {
		n := min(len(lines), 1+rng.Intn(300))
		write(lines[:n])
		lines = lines[n:]
	}
	write(bytes.Repeat([]byte("z"), 100)) // over max=64: a bad frame, then an incomplete tail
	c.Close()

	dir := sessionDir(t, saveDir)
	var rx string
	waitFor(t, 60*time.Second, "the .rx file complete", func() (bool, error) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".rx") {
				rx = filepath.Join(dir, e.Name())
				info, err := e.Info()
				return err == nil && info.Size() == int64(len(sent)), err
			}
		}
		return false, nil
	})
	got, err := os.ReadFile(rx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, sent) {
		t.Errorf("%s differs from what the peer sent: %s", rx, firstDiff(got, sent))
	}
	events, _ := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if bytes.Contains(events, []byte(`"event":"msg"`)) {
		t.Error("events.jsonl holds framed messages; it must record the reads only")
	}
	time.Sleep(2 * time.Second) // let the window repaint for the screenshot (looked at, not asserted)
	d.screenshot("framing-delim.png")
}
