//go:build !windows

package fatal

import (
	"bytes"
	"strings"
	"testing"
)

func capture(t *testing.T) (*bytes.Buffer, *int) {
	t.Helper()
	var buf bytes.Buffer
	code := -1
	oldErr, oldExit := stderr, exit
	stderr, exit = &buf, func(c int) { code = c }
	t.Cleanup(func() { stderr, exit = oldErr, oldExit })
	return &buf, &code
}

func TestShowWritesToStderr(t *testing.T) {
	buf, _ := capture(t)
	Show("NetAssist", "cannot open the window: no display")
	if got, want := buf.String(), "NetAssist: cannot open the window: no display\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

func TestRecoverReportsPanicAndExits(t *testing.T) {
	buf, code := capture(t)
	func() {
		defer Recover("NetAssist")
		panic("boom")
	}()
	if *code != 2 {
		t.Errorf("exit code = %d, want 2", *code)
	}
	if s := buf.String(); !strings.Contains(s, "boom") || !strings.Contains(s, "goroutine") {
		t.Errorf("report lacks the panic value or stack: %q", s)
	}
}

func TestRecoverWithoutPanicDoesNothing(t *testing.T) {
	buf, code := capture(t)
	func() { defer Recover("NetAssist") }()
	if *code != -1 || buf.Len() != 0 {
		t.Errorf("Recover without a panic exited (%d) or wrote %q", *code, buf.String())
	}
}
