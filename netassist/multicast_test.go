package netassist

import (
	"errors"
	"net"
	"reflect"
	"syscall"
	"testing"
)

// Multicast tests send only out of the loopback interface: the sender binds
// 127.0.0.1 and sets IP_MULTICAST_IF to loopback; no join is made on any
// other interface (a join sends a membership report out of it).

// rxFrom is the payloads received so far, in order.
func rxFrom(evs []Event) []string {
	var out []string
	for _, e := range evs {
		if e.Kind == EvRx {
			out = append(out, string(e.Data))
		}
	}
	return out
}

func noteOf(evs []Event, verb string) (MulticastNote, bool) {
	for _, e := range evs {
		if n, ok := ParseMulticastNote(e.Detail); ok && e.Kind == EvInfo && n.Verb == verb {
			return n, true
		}
	}
	return MulticastNote{}, false
}

func loopSender(t *testing.T, lo, local string) *UDP {
	t.Helper()
	send, _ := startUDP(t, local)
	if err := send.SetMulticastInterface(lo); err != nil {
		t.Fatal(err)
	}
	return send
}

// A group joined on loopback gets what is sent to it out of loopback; the
// log names the interface; after Leave the group's datagrams stop.
func TestMulticastJoinLeaveOnLoopback(t *testing.T) {
	lo := loopbackInterface(t)
	recv, w := startUDP(t, "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(recv.LocalAddr())
	if err := recv.JoinGroup("239.77.1.2", lo); err != nil {
		t.Fatalf("join on %s: %v", lo, err)
	}
	if got, want := recv.Groups(), []Membership{{"239.77.1.2", lo}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("groups %v; want %v", got, want)
	}
	onLoopbackOnly(t, "239.77.1.2", lo)
	evs := w.waitFor(t, "join note", func(evs []Event) bool { _, ok := noteOf(evs, "joined"); return ok })
	if n, _ := noteOf(evs, "joined"); n.Iface != lo || n.How != IfaceChosen {
		t.Fatalf("join note %+v; want on %s (chosen)", n, lo)
	}
	send := loopSender(t, lo, "127.0.0.1:0")
	if err := send.SendTo("239.77.1.2:"+port, []byte("to the group")); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "the group's datagram", func(evs []Event) bool { return len(rxFrom(evs)) == 1 })

	if err := recv.LeaveGroup("239.77.1.2"); err != nil {
		t.Fatal(err)
	}
	if g := recv.Groups(); len(g) != 0 {
		t.Fatalf("groups after leave %v", g)
	}
	// After the leave, a datagram to the group and then one straight to
	// the port: the second arriving alone shows the first was not taken.
	if err := send.SendTo("239.77.1.2:"+port, []byte("after leave")); err != nil {
		t.Fatal(err)
	}
	if err := send.SendTo("127.0.0.1:"+port, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	evs = w.waitFor(t, "marker", func(evs []Event) bool { return len(rxFrom(evs)) >= 2 })
	if got := rxFrom(evs); !reflect.DeepEqual(got, []string{"to the group", "marker"}) {
		t.Fatalf("received %q; the group's datagram after leave must not arrive", got)
	}
	if n, ok := noteOf(evs, "left"); !ok || n.Group != "239.77.1.2" || n.Iface != lo {
		t.Fatalf("leave note %+v, %v", n, ok)
	}
}

// With no interface named, a session on 127.0.0.1 joins on loopback (the
// interface its address is on, not the default route's) and the log warns
// that a socket bound to one address does not get the group's datagrams.
func TestMulticastDefaultInterfaceFollowsLocalAddress(t *testing.T) {
	lo := loopbackInterface(t)
	recv, w := startUDP(t, "127.0.0.1:0")
	if err := recv.JoinGroup("239.77.1.3", ""); err != nil {
		t.Fatal(err)
	}
	if got := recv.Groups(); len(got) != 1 || got[0].Iface != lo {
		t.Fatalf("joined %v; want on %s", got, lo)
	}
	onLoopbackOnly(t, "239.77.1.3", lo)
	evs := w.waitFor(t, "notes", has(EvInfo, NoteUnicastBind))
	if n, _ := noteOf(evs, "joined"); n.Iface != lo || n.How != IfaceLocal {
		t.Fatalf("join note %+v; want on %s (local)", n, lo)
	}
}

// A wildcard session with no interface named takes the one the routing
// table gives the group, and says it is the system's default. (Only the
// choice is checked: joining there would send a report onto that network.)
func TestMulticastWildcardPicksRouteInterface(t *testing.T) {
	recv, _ := startUDP(t, "0.0.0.0:0")
	gip := net.ParseIP("239.77.1.4")
	ifi, how, err := recv.pickIface(gip, net.IPv4zero, "")
	if err != nil {
		t.Fatal(err)
	}
	if how != IfaceDefault {
		t.Fatalf("how %q; want %q", how, IfaceDefault)
	}
	if r := routeIface(gip); r != nil && r.Name != ifi.Name {
		t.Fatalf("picked %s; the route says %s", ifi.Name, r.Name)
	}
}

func TestMulticastBadGroups(t *testing.T) {
	recv4, _ := startUDP(t, "0.0.0.0:0")
	lo := loopbackInterface(t)
	for _, c := range []struct {
		u     *UDP
		group string
		code  string
	}{
		{recv4, "", CodeNotMulticast},
		{recv4, "127.0.0.1", CodeNotMulticast},
		{recv4, "239.1.2.3:9000", CodeNotMulticast},
		{recv4, "ff05::1:3", CodeGroupFamily},
	} {
		if err := c.u.JoinGroup(c.group, lo); CodeOf(err) != c.code {
			t.Errorf("join %q: %v; want code %s", c.group, err, c.code)
		}
	}
	if err := recv4.JoinGroup("239.77.1.5", "no-such-if0"); CodeOf(err) != CodeNoInterface {
		t.Errorf("join on a missing interface: %v; want %s", err, CodeNoInterface)
	}
}

// Groups in the Config are joined at Start (--open ...?join=G&iface=lo).
func TestMulticastJoinAtStart(t *testing.T) {
	lo := loopbackInterface(t)
	h, w := newHub("udp")
	u := NewUDP(Config{Kind: KindUDP, Local: "0.0.0.0:0", Groups: []string{"239.77.1.6"}, Iface: lo}, h)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	_, port, _ := net.SplitHostPort(u.LocalAddr())
	send := loopSender(t, lo, "127.0.0.1:0")
	if err := send.SendTo("239.77.1.6:"+port, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "the group's datagram", func(evs []Event) bool { return len(rxFrom(evs)) == 1 })

	bad := NewUDP(Config{Kind: KindUDP, Local: "0.0.0.0:0", Groups: []string{"239.77.1.6"}, Iface: "no-such-if0"}, NewHub("bad", nil))
	if err := bad.Start(); CodeOf(err) != CodeNoInterface {
		t.Fatalf("start with a missing interface: %v", err)
	}
}

// An IPv6 group on loopback, where the kernel routes IPv6 multicast there.
func TestMulticastIPv6OnLoopback(t *testing.T) {
	lo := loopbackInterface(t)
	h, w := newHub("udp6")
	recv := NewUDP(Config{Kind: KindUDP, Local: "[::]:0"}, h)
	if err := recv.Start(); err != nil {
		t.Skipf("no IPv6 here: %v", err)
	}
	t.Cleanup(func() { recv.Close() })
	_, port, _ := net.SplitHostPort(recv.LocalAddr())
	if err := recv.JoinGroup("ff05::77:1", lo); err != nil {
		t.Fatalf("join ff05::77:1 on %s: %v", lo, err)
	}
	if g := recv.Groups(); len(g) != 1 || g[0].Iface != lo {
		t.Fatalf("groups %v", g)
	}
	send, _ := startUDP(t, "[::1]:0")
	if err := send.SetMulticastInterface(lo); err != nil {
		t.Fatal(err)
	}
	err := send.SendTo("[ff05::77:1]:"+port, []byte("v6 group"))
	if errors.Is(err, syscall.ENETUNREACH) || CodeOf(err) == CodeUnreachable {
		t.Skipf("the kernel has no IPv6 multicast route on %s (it lacks the MULTICAST flag): %v", lo, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "the IPv6 group's datagram", func(evs []Event) bool { return len(rxFrom(evs)) == 1 })
}
