package netassist

import (
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// CheckHostPort validates what a user typed as host:port before anything
// opens, so the form can show the error beside the field.
func CheckHostPort(s string, needHost bool) error {
	host, port, err := net.SplitHostPort(strings.TrimSpace(s))
	if err != nil {
		return &OpError{Code: CodeBadAddress, Op: "parse", Addr: s, Err: err}
	}
	if err := CheckPort(port); err != nil {
		return &OpError{Code: CodeBadAddress, Op: "parse", Addr: s, Err: err}
	}
	if needHost && host == "" {
		return &OpError{Code: CodeBadAddress, Op: "parse", Addr: s}
	}
	return nil
}

// CheckPort accepts 0–65535 as decimal digits.
func CheckPort(p string) error {
	if _, err := strconv.ParseUint(strings.TrimSpace(p), 10, 16); err != nil {
		return &OpError{Code: CodeBadAddress, Op: "parse", Addr: p, Err: err}
	}
	return nil
}

// JoinHostPort is net.JoinHostPort with surrounding spaces removed.
func JoinHostPort(host, port string) string {
	return net.JoinHostPort(strings.TrimSpace(host), strings.TrimSpace(port))
}

// ListenAddrs lists the addresses a server may listen on: the wildcards,
// loopback, then each of this machine's interface addresses.
func ListenAddrs() []string {
	out := []string{"0.0.0.0", "::", "127.0.0.1", "::1"}
	seen := map[string]bool{}
	for _, a := range out {
		seen[a] = true
	}
	var more []string
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			s := ipn.IP.String()
			if !seen[s] {
				seen[s] = true
				more = append(more, s)
			}
		}
	}
	sort.Strings(more)
	return append(out, more...)
}

// Broadcast is a broadcast address and where it comes from.
type Broadcast struct {
	Addr      string // e.g. "192.168.1.255"
	Interface string // e.g. "eth0", or "" for the limited broadcast
}

// BroadcastAddrs lists 255.255.255.255, 127.255.255.255 (stays on this
// machine) and each IPv4 interface's directed broadcast address.
func BroadcastAddrs() []Broadcast {
	out := []Broadcast{{Addr: "255.255.255.255"}, {Addr: "127.255.255.255", Interface: "lo"}}
	ifaces, _ := net.Interfaces()
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagBroadcast == 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip4 := ipn.IP.To4()
			if ip4 == nil || len(ipn.Mask) != net.IPv4len {
				continue
			}
			b := make(net.IP, net.IPv4len)
			for i := range b {
				b[i] = ip4[i] | ^ipn.Mask[i]
			}
			out = append(out, Broadcast{Addr: b.String(), Interface: ifc.Name})
		}
	}
	return out
}

// ReachableAt says where a server bound to bound can be reached from, so the
// window can show it: a wildcard listens on every address of the machine.
func ReachableAt(bound string) []string {
	host, port, err := net.SplitHostPort(bound)
	if err != nil {
		return []string{bound}
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsUnspecified() {
		return []string{bound}
	}
	var out []string
	for _, a := range ListenAddrs()[2:] {
		aip := net.ParseIP(a)
		if aip == nil {
			continue
		}
		// 0.0.0.0 is IPv4 only; :: takes both on most systems.
		if ip.To4() != nil && aip.To4() == nil {
			continue
		}
		out = append(out, net.JoinHostPort(a, port))
	}
	return out
}

// NeedsLookup tells whether addr's host is a name to resolve rather than an
// IP literal, i.e. whether sending to it may wait on DNS.
func NeedsLookup(addr string) bool {
	host, _, err := net.SplitHostPort(strings.TrimSpace(addr))
	if err != nil {
		return false
	}
	_, err = netip.ParseAddr(host)
	return err != nil
}

// listenNetwork is the network to listen on addr with: tcp4/udp4 for an
// IPv4 address (0.0.0.0 above all, which Go would otherwise serve with a
// dual-stack socket that also takes the port on IPv6), base otherwise (::
// stays dual-stack, as users of such tools expect).
func listenNetwork(base, addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return base
	}
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil && !strings.Contains(host, ":") {
		return base + "4"
	}
	return base
}

// ListenNetwork is listenNetwork for engines outside this package.
func ListenNetwork(base, addr string) string { return listenNetwork(base, addr) }
