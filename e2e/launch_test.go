//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLaunchThatCannotWorkExits: --open specs that parse but cannot open,
// and --save places that cannot be written, end the program with a
// non-zero exit and the reason on stderr, on a live display, instead of a
// window with the error in a tab (or nothing saved and nothing said).
func TestLaunchThatCannotWorkExits(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	free := freeTCPPort(t)
	cases := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"root-missing", []string{"--open", fmt.Sprintf("http-server://127.0.0.1:%d?root=%s", free, filepath.Join(tmp, "nope"))}, "does not exist"},
		{"root-a-file", []string{"--open", fmt.Sprintf("http-server://127.0.0.1:%d?root=%s", free, file)}, "is a file, not a folder"},
		{"port-in-use", []string{"--open", "tcp-server://" + busy.Addr().String()}, "already in use"},
		{"host-999", []string{"--open", "tcp-server://999.1.1.1:0"}, "999.1.1.1"},
		{"save-a-file", []string{"--save", file, "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", free)}, "it is a file, not a folder"},
		{"save-under-proc", []string{"--save", "/proc/netassist", "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", free)}, "cannot be written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, c.args...)
			cmd.Env = append(baseEnv(t.TempDir()), "DISPLAY="+d.name)
			p := startProc(t, "netassist", cmd)
			select {
			case <-p.done:
			case <-time.After(30 * time.Second):
				d.screenshot("launch-" + c.name + ".png")
				t.Fatalf("netassist %s still runs after 30 s; want it to stop with the reason", strings.Join(c.args, " "))
			}
			var ee *exec.ExitError
			if !errors.As(p.waitEr, &ee) {
				t.Fatalf("want a non-zero exit, got %v; stderr:\n%s", p.waitEr, p.err.String())
			}
			msg := p.err.String()
			t.Logf("exit %d: %s", ee.ExitCode(), firstLine(msg))
			if !strings.Contains(msg, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, msg)
			}
			for _, w := range []string{"panic", "goroutine ", "GLFW"} {
				if strings.Contains(msg, w) {
					t.Errorf("stderr mentions %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestNoDisplaySaysSo: without a display the program says so in one line,
// in the user's language, and exits non-zero: no GLFW panic and stack.
func TestNoDisplaySaysSo(t *testing.T) {
	bin := requireE2E(t)
	for _, c := range []struct{ lang, want string }{{"en", "no display"}, {"zh", "没有显示器"}} {
		t.Run(c.lang, func(t *testing.T) {
			_, msg, err := runNoDisplay(t, bin, "--lang", c.lang, "--open", "tcp-server://127.0.0.1:0")
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("want a non-zero exit, got %v:\n%s", err, msg)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimSpace(msg), "\n") {
				// Fyne's own note about LANG=C may come first; ours is the rest.
				if !strings.Contains(l, "Fyne error") && !strings.HasPrefix(strings.TrimSpace(l), "Cause:") && !strings.HasPrefix(strings.TrimSpace(l), "At:") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], c.want) {
				t.Errorf("stderr = %q; want one line saying %q", msg, c.want)
			}
			for _, w := range []string{"panic", "goroutine ", "GLFW", "PlatformError"} {
				if strings.Contains(msg, w) {
					t.Errorf("stderr mentions %q:\n%s", w, msg)
				}
			}
		})
	}
}
