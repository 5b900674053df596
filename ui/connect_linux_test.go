package ui

import (
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// hangingPort is a loopback port whose connects hang: it listens with a
// backlog of 0 and one connection already waits in it, so Linux drops the
// next SYNs.
func hangingPort(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	port := strconv.Itoa(sa.(*syscall.SockaddrInet4).Port)
	first, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	return port
}

// While a client connects the window stays usable and Open reads Cancel;
// cancelling says so and frees the form.
func TestClientConnectCancel(t *testing.T) {
	a := newTestApp(t)
	c := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	c.remoteHost.SetText("127.0.0.1")
	c.remotePort.SetText(hangingPort(t))
	c.timeout.SetText("60")
	test.Tap(c.openBtn) // returns at once: the connect runs elsewhere
	if c.openBtn.Text != T("sess.cancel", "Cancel") || !strings.Contains(c.reach.Text, "Connecting to 127.0.0.1:") {
		t.Fatalf("while connecting: button %q, status %q", c.openBtn.Text, c.reach.Text)
	}
	if !c.remoteHost.Disabled() {
		t.Fatal("the host can be edited while connecting")
	}
	test.Tap(c.openBtn)
	tickUntil(t, a, "cancel shown", func() bool { return c.sessErr.Visible() })
	if c.sessErr.Text != T("sess.cancelled", "Connecting was cancelled.") || c.sess.Load() != nil || c.attempt.Load() != nil {
		t.Fatalf("after cancel: %q, session %v", c.sessErr.Text, c.sess.Load())
	}
	if c.openBtn.Text != T("sess.open", "Open") || c.remoteHost.Disabled() || c.reach.Text != "" {
		t.Fatalf("after cancel: button %q, host disabled %v, status %q", c.openBtn.Text, c.remoteHost.Disabled(), c.reach.Text)
	}
}

// Closing the tab while connecting ends the attempt and leaves nothing
// running.
func TestClientConnectDroppedWithTab(t *testing.T) {
	a := newTestApp(t)
	c := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	c.remoteHost.SetText("127.0.0.1")
	c.remotePort.SetText(hangingPort(t))
	test.Tap(c.openBtn)
	at := c.attempt.Load()
	c.shutdown()
	<-at.done
	if c.attempt.Load() != nil || c.sess.Load() != nil {
		t.Fatal("attempt or session left after shutdown")
	}
}
