package ui

import (
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// A refused connection is told in the session, through the pump, and the
// form is usable again.
func TestClientRefusedShown(t *testing.T) {
	a := newTestApp(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close() // nothing listens there now
	c := a.NewPanel(netassist.KindTCPClient).(*tcpClientPanel)
	c.remoteHost.SetText("127.0.0.1")
	c.remotePort.SetText(port)
	test.Tap(c.openBtn)
	tickUntil(t, a, "refusal shown", func() bool { return c.sessErr.Visible() })
	if !strings.Contains(c.sessErr.Text, "refused") || c.sess.Load() != nil {
		t.Fatalf("error %q, session %v", c.sessErr.Text, c.sess.Load())
	}
	if c.openBtn.Text != T("sess.open", "Open") || c.remoteHost.Disabled() {
		t.Fatalf("after the refusal: button %q, host field disabled %v", c.openBtn.Text, c.remoteHost.Disabled())
	}
}
