package ui

import (
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// A second TCP server does not default to the port the first one holds,
// and if the user types it anyway the error names the session that holds
// it instead of "another program".
func TestSecondServerPort(t *testing.T) {
	a := newTestApp(t)
	first, addr := openServer(t, a)
	_, port, _ := net.SplitHostPort(addr)
	a.fa.Preferences().SetString("tcp-server.port", port) // as if it had been opened on that port

	second := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	if second.localPort.Text == port {
		t.Fatalf("the second server defaults to port %s, which the first holds", port)
	}
	second.localHost.SetText("127.0.0.1")
	second.localPort.SetText(port)
	test.Tap(second.openBtn)
	if second.sess.Load() != nil {
		t.Fatal("opened on a held port")
	}
	msg := second.sessErr.Text
	if !strings.Contains(msg, first.title()+" 1") || strings.Contains(msg, "another program") {
		t.Fatalf("error line %q; want it to name %q", msg, first.title()+" 1")
	}
}
