package e2e

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExportHeadless: traffic saved by the real app under Xvfb converts
// with `netassist export` where there is no display at all, and tshark
// reassembles exactly the bytes the peer sent; a folder that is not one
// fails with one line and status 1.
func TestExportHeadless(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "tshark")
	saveDir, dir, data, _ := saveOneConnection(t, bin, 300_000)

	out := filepath.Join(t.TempDir(), "out.pcapng")
	home := t.TempDir()
	cmd := exec.Command(bin, "export", "--pcapng", out, dir)
	cmd.Env = baseEnv(home) // no DISPLAY
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("netassist export: %v\n%s", err, &stderr)
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Errorf("export said:\n%s", s)
	}
	if got := followFirst(t, out); !bytes.Equal(got, data) {
		t.Errorf("tshark's reassembly: %d bytes, want the %d the peer sent", len(got), len(data))
	}

	cmd = exec.Command(bin, "export", "--pcapng", out, saveDir) // the parent: no events.jsonl
	cmd.Env = baseEnv(home)
	stderr.Reset()
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("export of a folder without events.jsonl: %v, want exit status 1", err)
	}
	if s := strings.TrimSpace(stderr.String()); strings.Count(s, "\n") != 0 || !strings.Contains(s, "has no events.jsonl") {
		t.Errorf("export of a folder without events.jsonl said:\n%s", s)
	}
}

// saveOneConnection starts the app with a TCP server saving into a temp
// folder, sends it n seeded random bytes over one connection, and waits
// until events.jsonl records the connection's end. It returns the save
// folder, the session's folder in it, the bytes sent and the display.
func saveOneConnection(t *testing.T, bin string, n int) (saveDir, dir string, data []byte, d *display) {
	t.Helper()
	d = newDisplay(t)
	saveDir = t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
	a := d.startApp(bin, "--open", "tcp-server://"+addr, "--save", saveDir)
	a.waitWindow()

	data = make([]byte, n)
	rand.New(rand.NewSource(seed(t))).Read(data)
	c := dialRetry(t, addr)
	if _, err := c.Write(data); err != nil {
		t.Fatal(err)
	}
	c.Close()
	dir = sessionDir(t, saveDir)
	waitFor(t, 30*time.Second, "the connection's end in events.jsonl", func() (bool, error) {
		b, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
		return bytes.Contains(b, []byte(`"event":"disconnect"`)), err
	})
	return saveDir, dir, data, d
}

// followFirst is the bytes of the first TCP connection of a capture, both
// directions, as tshark reassembles them.
func followFirst(t *testing.T, file string) []byte {
	t.Helper()
	follow, err := exec.Command("tshark", "-r", file, "-q", "-z", "follow,tcp,raw,0").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	var got bytes.Buffer
	for _, l := range strings.Split(string(follow), "\n") {
		if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "=") || strings.Contains(l, ":") {
			continue
		}
		b, err := hex.DecodeString(l)
		if err != nil {
			t.Fatalf("tshark follow line %q: %v", l, err)
		}
		got.Write(b)
	}
	return got.Bytes()
}

// TestExportCLILanguage: the real `netassist export` speaks the system's
// language (LANG=zh_CN.UTF-8) or the one --lang names, for a folder it
// cannot read and for wrong arguments, with no display; it was English.
func TestExportCLILanguage(t *testing.T) {
	bin := requireE2E(t)
	missing := filepath.Join(t.TempDir(), "gone")
	out := filepath.Join(t.TempDir(), "x.pcapng")
	for _, c := range []struct {
		lang string   // LANG
		args []string // after "export"
		code int
		want string // stderr's first line
	}{
		{"zh_CN.UTF-8", []string{"--pcapng", out, missing}, 1, "netassist export: " + missing + " 不存在。"},
		{"zh_CN.UTF-8", []string{"--lang", "en", "--pcapng", out, missing}, 1, "netassist export: " + missing + " does not exist."},
		{"en_US.UTF-8", []string{"--lang", "zh", missing}, 2, "netassist export: 请说明要写什么：--pcapng 文件、--har 文件，或两者都要。"},
		{"en_US.UTF-8", []string{"--bogus"}, 2, "netassist export: --bogus is not an option of netassist export."},
	} {
		cmd := exec.Command(bin, append([]string{"export"}, c.args...)...)
		cmd.Env = append(baseEnv(t.TempDir()), "LANG="+c.lang) // the later LANG wins
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != c.code {
			t.Errorf("LANG=%s %q: %v, want exit status %d", c.lang, c.args, err, c.code)
		}
		if got, _, _ := strings.Cut(stderr.String(), "\n"); got != c.want {
			t.Errorf("LANG=%s %q said\n%s\nwant\n%s", c.lang, c.args, &stderr, c.want)
		}
	}
}
