package ui

import (
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// Multicast here goes out of loopback only: groups are joined on the
// loopback interface and the sender's IP_MULTICAST_IF is loopback.

func loopbackName(t *testing.T) string {
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 && i.Flags&net.FlagUp != 0 {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}

// sendToGroup sends payload to group:port out of the loopback interface.
func sendToGroup(t *testing.T, lo, group, port, payload string) {
	t.Helper()
	s := netassist.NewUDP(netassist.Config{Kind: netassist.KindUDP, Local: "127.0.0.1:0"}, netassist.NewHub("sender", nil))
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetMulticastInterface(lo); err != nil {
		t.Fatal(err)
	}
	if err := s.SendTo(net.JoinHostPort(group, port), []byte(payload)); err != nil {
		t.Fatal(err)
	}
}

func openUDP(t *testing.T, a *App, host string) (*udpPanel, string) {
	t.Helper()
	u := a.NewPanel(netassist.KindUDP).(*udpPanel)
	u.localHost.SetText(host)
	u.localPort.SetText("0")
	test.Tap(u.openBtn)
	b := u.sess.Load()
	if b == nil {
		t.Fatalf("udp did not open: %s", u.sessErr.Text)
	}
	_, port, _ := net.SplitHostPort(b.s.LocalAddr())
	return u, port
}

func leaveButton(t *testing.T, m *multicastBox, i int) *widget.Button {
	t.Helper()
	if len(m.joined.Objects) <= i {
		t.Fatalf("%d joined rows; want row %d", len(m.joined.Objects), i)
	}
	for _, o := range m.joined.Objects[i].(*fyne.Container).Objects {
		if b, ok := o.(*widget.Button); ok {
			return b
		}
	}
	t.Fatal("no Leave button in the row")
	return nil
}

// The group field says what a group address is (not HOST:PORT); the chosen
// interface is the one joined, the log says so, and Leave leaves.
func TestUDPMulticastPanel(t *testing.T) {
	lo := loopbackName(t)
	a := newTestApp(t)
	u, port := openUDP(t, a, "0.0.0.0")
	m := u.mc
	if m.iface.Options[0] != autoIfaceText() || m.iface.SelectedIndex() != 0 {
		t.Fatalf("interface choices %v, selected %q; want Automatic first and selected", m.iface.Options, m.iface.Selected)
	}

	m.group.SetText("")
	test.Tap(m.join)
	if !m.fGroup.err.Visible() || !strings.Contains(m.fGroup.err.Text, "multicast group address") || strings.Contains(m.fGroup.err.Text, "HOST:PORT") {
		t.Fatalf("empty group says %q", m.fGroup.err.Text)
	}
	m.group.SetText("239.1.2.3:9000")
	test.Tap(m.join)
	if !strings.Contains(m.fGroup.err.Text, "is not a multicast group address") {
		t.Fatalf("group with a port says %q", m.fGroup.err.Text)
	}
	m.group.SetText("ff05::1:3")
	test.Tap(m.join)
	if !strings.Contains(m.fGroup.err.Text, "other IP version") {
		t.Fatalf("an IPv6 group on an IPv4 session says %q", m.fGroup.err.Text)
	}

	m.iface.SetSelected(lo)
	m.group.SetText("239.77.2.1")
	test.Tap(m.join)
	if m.fGroup.err.Visible() {
		t.Fatalf("join on %s: %s", lo, m.fGroup.err.Text)
	}
	if g := u.multicaster().Groups(); len(g) != 1 || g[0].Iface != lo {
		t.Fatalf("joined %v; want 239.77.2.1 on %s", g, lo)
	}
	if !m.iface.Disabled() {
		t.Fatal("the interface can change while a group is joined")
	}
	sendToGroup(t, lo, "239.77.2.1", port, "hello group")
	tickUntil(t, a, "the group's datagram and the join note", func() bool {
		v := viewText(u)
		return strings.Contains(v, "hello group") && strings.Contains(v, "joined multicast group 239.77.2.1 on "+lo)
	})

	test.Tap(leaveButton(t, m, 0))
	if g := u.multicaster().Groups(); len(g) != 0 || len(m.joined.Objects) != 0 || m.iface.Disabled() {
		t.Fatalf("after Leave: groups %v, %d rows, interface disabled %v", g, len(m.joined.Objects), m.iface.Disabled())
	}
	tickUntil(t, a, "the leave note", func() bool {
		return strings.Contains(viewText(u), "left multicast group 239.77.2.1 on "+lo)
	})
}

// Automatic on a 127.0.0.1 session joins on loopback (not the default
// route's interface) and says the socket will not see the group's data.
func TestUDPMulticastAutomaticOnLoopbackAddress(t *testing.T) {
	lo := loopbackName(t)
	a := newTestApp(t)
	u, _ := openUDP(t, a, "127.0.0.1")
	u.mc.group.SetText("239.77.2.2")
	test.Tap(u.mc.join)
	if g := u.multicaster().Groups(); len(g) != 1 || g[0].Iface != lo {
		t.Fatalf("joined %v; want on %s", g, lo)
	}
	tickUntil(t, a, "the notes", func() bool {
		v := viewText(u)
		return strings.Contains(v, "(the interface of the local address)") && strings.Contains(v, "only receives datagrams sent to that address")
	})
}

// Joined groups, their interface and the "Send to" address come back on
// the next start.
func TestUDPMulticastRestored(t *testing.T) {
	lo := loopbackName(t)
	a := newTestApp(t)
	fa := a.fa
	u, _ := openUDP(t, a, "0.0.0.0")
	u.udpDest.SetText("127.0.0.1:9555")
	u.mc.iface.SetSelected(lo)
	u.mc.group.SetText("239.77.2.3")
	test.Tap(u.mc.join)
	if u.mc.fGroup.err.Visible() {
		t.Fatal(u.mc.fGroup.err.Text)
	}
	a.Close()
	specs := fa.Preferences().StringList("sessions.last")
	if len(specs) != 1 || !strings.Contains(specs[0], "join=239.77.2.3") || !strings.Contains(specs[0], "iface="+lo) || !strings.Contains(specs[0], "remote=127.0.0.1%3A9555") {
		t.Fatalf("remembered %q", specs)
	}

	fa.Preferences().SetBool("sessions.restore", true)
	b, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true, SaveDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	ps := b.Panels()
	if len(ps) != 1 {
		t.Fatalf("%d panels restored", len(ps))
	}
	r := ps[0].(*udpPanel)
	if r.sess.Load() == nil {
		t.Fatalf("not reopened: %s", r.sessErr.Text)
	}
	if g := r.multicaster().Groups(); len(g) != 1 || g[0] != (netassist.Membership{Group: "239.77.2.3", Iface: lo}) {
		t.Fatalf("restored groups %v", g)
	}
	if r.udpDest.Text != "127.0.0.1:9555" || r.mc.ifaceName() != lo || len(r.mc.joined.Objects) != 1 {
		t.Fatalf("restored Send to %q, interface %q, %d rows", r.udpDest.Text, r.mc.ifaceName(), len(r.mc.joined.Objects))
	}
}

// An IPv6 group joins on a :: session (which takes IPv4 groups too).
func TestUDPMulticastIPv6Group(t *testing.T) {
	lo := loopbackName(t)
	a := newTestApp(t)
	u := a.NewPanel(netassist.KindUDP).(*udpPanel)
	u.localHost.SetText("::")
	u.localPort.SetText("0")
	test.Tap(u.openBtn)
	if u.sess.Load() == nil {
		t.Skipf("no IPv6 here: %s", u.sessErr.Text)
	}
	u.mc.iface.SetSelected(lo)
	for _, g := range []string{"ff05::77:3", "239.77.2.4"} {
		u.mc.group.SetText(g)
		test.Tap(u.mc.join)
		if u.mc.fGroup.err.Visible() {
			t.Fatalf("join %s on %s: %s", g, lo, u.mc.fGroup.err.Text)
		}
	}
	if g := u.multicaster().Groups(); len(g) != 2 || len(u.mc.joined.Objects) != 2 {
		t.Fatalf("joined %v, %d rows", g, len(u.mc.joined.Objects))
	}
	tickUntil(t, a, "the IPv6 join note", func() bool {
		return strings.Contains(viewText(u), "joined multicast group ff05::77:3 on "+lo)
	})
}
