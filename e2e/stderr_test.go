//go:build linux

package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestVersionUnderCLocale: --version under the C locale with a codeset
// (LANG=C.UTF-8, the default of many containers) prints the version and
// nothing on stderr: no "Error parsing user locale C" from Fyne.
func TestVersionUnderCLocale(t *testing.T) {
	bin := requireE2E(t)
	for _, env := range []string{"LANG=C.UTF-8", "LANG=C", "LC_ALL=C.UTF-8", "LANG=POSIX.UTF-8"} {
		t.Run(env, func(t *testing.T) {
			cmd := exec.Command(bin, "--version")
			cmd.Env = append(withoutLang(baseEnv(t.TempDir())), env)
			var out, errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil || !strings.HasPrefix(out.String(), "netassist ") {
				t.Fatalf("--version: %q, %v", out.String(), err)
			}
			if errb.Len() != 0 {
				t.Fatalf("stderr under %s:\n%s", env, errb.String())
			}
		})
	}
}

func withoutLang(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LANG=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestRestoreAndQuitStderrClean: sessions restored at start-up (a TCP
// client that connects in the background while later tabs open, a TCP
// server, UDP) and quitting, three times over, print no Fyne error: no
// "Failed to focus object" at restore, no "Preferences load error: EOF" at
// quit.
func TestRestoreAndQuitStderrClean(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	peer, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	go func() {
		for {
			c, err := peer.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open until the test ends
		}
	}()
	home := t.TempDir()
	prefs := filepath.Join(home, ".config", "fyne", "io.github.netassist")
	if err := os.MkdirAll(prefs, 0o700); err != nil {
		t.Fatal(err)
	}
	last := fmt.Sprintf(`{"sessions.last":["tcp-client://%s","tcp-server://127.0.0.1:%d","udp://127.0.0.1:%d"]}`,
		peer.Addr(), freeTCPPort(t), freeUDPPort(t))
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(last), 0o600); err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 3; round++ {
		a := d.startAppIn(home, bin)
		a.waitWindow()
		a.waitMetrics(30*time.Second, "the restored client connected", func(m metricsLine) bool { return *m.Connections == 1 })
		d.key("ctrl+q")
		confirmClose(d) // the client's connection is live
		waitExit(t, a, exitLimit, fmt.Sprintf("round %d", round))
		if s := a.err.String(); strings.Contains(s, "Fyne error") {
			t.Fatalf("round %d: stderr:\n%s", round, s)
		}
	}
}
