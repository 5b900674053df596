package netassist

import (
	"errors"
	"net"
	"strings"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Membership is a multicast group joined on one interface.
type Membership struct {
	Group string // e.g. "239.1.2.3" or "ff05::1:3"
	Iface string // interface name, e.g. "lo"
}

// How an interface was chosen for a join, as the note in the log says.
const (
	IfaceChosen  = "chosen"  // the user named it
	IfaceLocal   = "local"   // the one the session's local address is on
	IfaceDefault = "default" // the system's default for the group (wildcard bind)
)

// MulticastNote is what a join or leave note (an EvInfo Detail) says.
type MulticastNote struct {
	Verb  string // "joined" or "left"
	Group string
	Iface string
	How   string // for "joined": IfaceChosen, IfaceLocal or IfaceDefault
}

func (n MulticastNote) detail() string {
	s := n.Verb + " " + n.Group + " on " + n.Iface
	if n.How != "" {
		s += " (" + n.How + ")"
	}
	return s
}

// ParseMulticastNote reads back the Detail of a join or leave note.
func ParseMulticastNote(detail string) (MulticastNote, bool) {
	f := strings.Fields(detail)
	if len(f) < 4 || (f[0] != "joined" && f[0] != "left") || f[2] != "on" {
		return MulticastNote{}, false
	}
	n := MulticastNote{Verb: f[0], Group: f[1], Iface: f[3]}
	if len(f) == 5 {
		n.How = strings.Trim(f[4], "()")
	}
	return n, true
}

// NoteUnicastBind is the Detail of the note that follows a join on a socket
// bound to one unicast address: the kernel hands such a socket only the
// datagrams addressed to that address, so the group's never arrive.
const NoteUnicastBind = "unicast_bind"

// IsMulticastGroup says whether s is a multicast group address (IPv4
// 224.0.0.0/4 or IPv6 ff00::/8).
func IsMulticastGroup(s string) bool {
	ip := net.ParseIP(strings.TrimSpace(s))
	return ip != nil && ip.IsMulticast()
}

// MulticastIfaces lists the interfaces that are up and can join a group:
// those flagged multicast, and loopback (Linux joins IPv4 groups on it
// although it does not carry the flag).
func MulticastIfaces() []string {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 && i.Flags&(net.FlagMulticast|net.FlagLoopback) != 0 {
			out = append(out, i.Name)
		}
	}
	return out
}

// JoinGroup joins the multicast group on the named interface and makes that
// interface the outgoing one for multicast, with loopback on so this
// machine's own members hear it. ifname "" picks the interface the local
// address is on (loopback for 127.x and ::1), or for a wildcard bind the
// interface the system routes the group through. A note in the log names
// the interface. Joining a group twice on one interface does nothing.
func (u *UDP) JoinGroup(group, ifname string) error {
	group = strings.TrimSpace(group)
	if u.pc == nil || u.closed.Load() {
		return &OpError{Code: CodeClosed, Op: "join", Addr: group}
	}
	gip := net.ParseIP(group)
	if gip == nil || !gip.IsMulticast() {
		return &OpError{Code: CodeNotMulticast, Op: "join", Addr: group}
	}
	group = gip.String()
	local := u.pc.LocalAddr().(*net.UDPAddr).IP
	v4group := gip.To4() != nil
	v4sock := local.To4() != nil
	if v4group != v4sock && !local.Equal(net.IPv6unspecified) {
		// An IPv4 socket cannot join an IPv6 group; an IPv6 socket bound
		// to one address would never see an IPv4 group's datagrams.
		return &OpError{Code: CodeGroupFamily, Op: "join", Addr: group}
	}
	ifi, how, err := u.pickIface(gip, local, ifname)
	if err != nil {
		return err
	}
	u.mu.Lock()
	for _, m := range u.groups {
		if m.Group == group && m.Iface == ifi.Name {
			u.mu.Unlock()
			return nil
		}
	}
	g := &net.UDPAddr{IP: gip}
	if v4group {
		p := ipv4.NewPacketConn(u.pc)
		err = p.JoinGroup(ifi, g)
		if err == nil {
			p.SetMulticastInterface(ifi)
			p.SetMulticastLoopback(true)
		}
	} else {
		p := ipv6.NewPacketConn(u.pc)
		err = p.JoinGroup(ifi, g)
		if err == nil {
			p.SetMulticastInterface(ifi)
			p.SetMulticastLoopback(true)
		}
	}
	if err != nil {
		u.mu.Unlock()
		return joinErr(group, ifi.Name, err)
	}
	u.groups = append(u.groups, Membership{Group: group, Iface: ifi.Name})
	u.mu.Unlock()
	// Notes after the unlock: a saving hub may block, and the read loop
	// takes the lock for every datagram.
	u.hub.Record(Event{Kind: EvInfo, Detail: MulticastNote{Verb: "joined", Group: group, Iface: ifi.Name, How: how}.detail()})
	if !local.IsUnspecified() && !local.IsMulticast() {
		u.hub.Record(Event{Kind: EvInfo, Detail: NoteUnicastBind, Peer: local.String()})
	}
	return nil
}

// LeaveGroup leaves the group on every interface it was joined on.
func (u *UDP) LeaveGroup(group string) error {
	gip := net.ParseIP(strings.TrimSpace(group))
	if gip == nil {
		return &OpError{Code: CodeNotMulticast, Op: "leave", Addr: group}
	}
	u.mu.Lock()
	if u.pc == nil || u.closed.Load() {
		u.mu.Unlock()
		return &OpError{Code: CodeClosed, Op: "leave", Addr: group}
	}
	var kept, left []Membership
	var firstErr error
	for _, m := range u.groups {
		if m.Group != gip.String() {
			kept = append(kept, m)
			continue
		}
		ifi, err := net.InterfaceByName(m.Iface)
		if err == nil {
			g := &net.UDPAddr{IP: gip}
			if gip.To4() != nil {
				err = ipv4.NewPacketConn(u.pc).LeaveGroup(ifi, g)
			} else {
				err = ipv6.NewPacketConn(u.pc).LeaveGroup(ifi, g)
			}
		}
		if err != nil && firstErr == nil {
			firstErr = joinErr(m.Group, m.Iface, err)
		}
		left = append(left, m)
	}
	u.groups = kept
	u.mu.Unlock()
	for _, m := range left {
		u.hub.Record(Event{Kind: EvInfo, Detail: MulticastNote{Verb: "left", Group: m.Group, Iface: m.Iface}.detail()})
	}
	return firstErr
}

// Groups lists the groups joined, in the order they were joined.
func (u *UDP) Groups() []Membership {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]Membership(nil), u.groups...)
}

// pickIface finds the interface to join gip on; see JoinGroup.
func (u *UDP) pickIface(gip, local net.IP, ifname string) (*net.Interface, string, error) {
	if ifname != "" {
		ifi, err := net.InterfaceByName(ifname)
		if err != nil {
			return nil, "", &OpError{Code: CodeNoInterface, Op: "join", Addr: ifname, Err: err}
		}
		return ifi, IfaceChosen, nil
	}
	if !local.IsUnspecified() && !local.IsMulticast() {
		if ifi := ifaceHolding(local); ifi != nil {
			return ifi, IfaceLocal, nil
		}
	}
	if ifi := routeIface(gip); ifi != nil {
		return ifi, IfaceDefault, nil
	}
	// No route to the group (no default route, or an IPv6 link-local
	// group that needs a zone): the first interface that can join it.
	names := MulticastIfaces()
	for _, loopback := range []bool{false, true} {
		for _, n := range names {
			if ifi, err := net.InterfaceByName(n); err == nil && (ifi.Flags&net.FlagLoopback != 0) == loopback {
				return ifi, IfaceDefault, nil
			}
		}
	}
	return nil, "", &OpError{Code: CodeNoInterface, Op: "join", Addr: gip.String()}
}

// ifaceHolding is the interface that has ip among its addresses (loopback
// for any 127.x).
func ifaceHolding(ip net.IP) *net.Interface {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	for i := range ifs {
		if ip.IsLoopback() && ifs[i].Flags&net.FlagLoopback != 0 {
			return &ifs[i]
		}
		addrs, _ := ifs[i].Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
				return &ifs[i]
			}
		}
	}
	return nil
}

// routeIface asks the routing table which interface datagrams to gip leave
// by, as the kernel would choose for a join without an interface. A UDP
// "connect" sends nothing.
func routeIface(gip net.IP) *net.Interface {
	c, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: gip, Port: 9})
	if err != nil {
		return nil
	}
	defer c.Close()
	return ifaceHolding(c.LocalAddr().(*net.UDPAddr).IP)
}

func joinErr(group, ifname string, err error) error {
	if errors.Is(err, syscall.ENODEV) {
		return &OpError{Code: CodeNoInterface, Op: "join", Addr: ifname, Err: err}
	}
	return &OpError{Code: CodeJoinFailed, Op: "join", Addr: group + " on " + ifname, Err: err}
}

// SetMulticastInterface picks the interface multicast datagrams leave by.
func (u *UDP) SetMulticastInterface(ifname string) error {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return &OpError{Code: CodeNoInterface, Op: "multicast", Addr: ifname, Err: err}
	}
	if la, ok := u.pc.LocalAddr().(*net.UDPAddr); ok && la.IP.To4() == nil {
		p := ipv6.NewPacketConn(u.pc)
		p.SetMulticastLoopback(true)
		if err := p.SetMulticastInterface(ifi); err != nil || !la.IP.IsUnspecified() {
			return err
		}
	}
	p := ipv4.NewPacketConn(u.pc)
	p.SetMulticastLoopback(true)
	return p.SetMulticastInterface(ifi)
}
