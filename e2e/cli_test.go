//go:build linux

package e2e

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestInvalidSpecExits: a bad --open SPEC is reported on stderr and the
// program exits non-zero before opening any window. It runs without DISPLAY
// to prove that: a program that got as far as a window would fail on the
// missing display instead, with a different message.
func TestInvalidSpecExits(t *testing.T) {
	bin := requireE2E(t)
	for _, spec := range []string{
		"ftp://x:1",
		"tcp-server://127.0.0.1",
		"tcp-server://127.0.0.1:99999",
		"tcp-server://127.0.0.1:abc",
		"udp://127.0.0.1:0?remote=127.0.0.1",
		"udp://127.0.0.1:0?remote=127.0.0.1:0",
		"http-client://127.0.0.1:1?tls=maybe",
		"http-server://127.0.0.1:0?mode=bogus",
		"tcp-server://127.0.0.1:0?frame=fixed",
	} {
		t.Run(safeFile(spec), func(t *testing.T) {
			_, msg, err := runNoDisplay(t, bin, "--open", spec)
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("want a non-zero exit, got err %v\nstderr: %s", err, msg)
			}
			t.Logf("exit %d, stderr: %s", ee.ExitCode(), firstLine(msg))
			if !strings.Contains(msg, spec) {
				t.Errorf("stderr does not name the bad spec %q:\n%s", spec, msg)
			}
			for _, w := range []string{"DISPLAY", "GLFW", "glfw", "panic", "goroutine "} {
				if strings.Contains(msg, w) {
					t.Errorf("stderr mentions %q: the program went on towards a window instead of stopping at the spec:\n%s", w, msg)
				}
			}
		})
	}

	// Controls. --version needs no window and succeeds without DISPLAY; a
	// valid spec does go on towards the window and fails on the missing
	// display, so the words checked above are the right ones.
	t.Run("control-version", func(t *testing.T) {
		out, _, err := runNoDisplay(t, bin, "--version")
		if err != nil || !strings.HasPrefix(out, "netassist ") {
			t.Fatalf("--version without DISPLAY: %q, %v", out, err)
		}
	})
	t.Run("control-valid-spec", func(t *testing.T) {
		_, stderr, err := runNoDisplay(t, bin, "--open", "tcp-server://127.0.0.1:0")
		if err == nil || !strings.Contains(stderr, "DISPLAY") {
			t.Fatalf("a valid spec without DISPLAY: want a failure about DISPLAY, got %v:\n%s", err, stderr)
		}
	})
}

// runNoDisplay runs the binary without DISPLAY and returns its output.
func runNoDisplay(t *testing.T, bin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = baseEnv(t.TempDir())
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("netassist %s: still running after 30 s\nstderr: %s", strings.Join(args, " "), e.String())
	}
	return o.String(), e.String(), err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}
