package export

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"netassist/netassist"
)

// DefaultMTU is the IP packet size TCP payloads are split to fit, as on
// an Ethernet link.
const DefaultMTU = 1500

// MinMTU and MaxMTU bound the IP packet size a pcapng export splits to.
const (
	MinMTU = 128
	MaxMTU = 65535
)

// PcapngOptions are the choices of a pcapng export.
type PcapngOptions struct {
	MTU     int    // IP packet size for TCP segments; 0: DefaultMTU
	Version string // NetAssist's version, for the section header
}

// Pcapng is a Visitor that writes the folder's traffic as Ethernet frames:
// TCP connections with a handshake, data segments with consistent sequence
// and acknowledgement numbers and the close the events name; UDP datagrams
// one frame each. Call Close to finish the file.
type Pcapng struct {
	fo    *Folder
	out   *bufio.Writer
	ng    *pcapgo.NgWriter
	mss   int
	local netip.AddrPort // the session's own end, from the open event
	conns map[uint64]*tcpConn
	bad   map[uint64]bool // connections left out, warned about once
	// legLocal is the local end of a relay's upstream connections, from
	// their connect events.
	legLocal map[uint64]netip.AddrPort
	udp      []byte // a datagram gathered from its chunks

	buf   gopacket.SerializeBuffer
	opts  gopacket.SerializeOptions
	eth   layers.Ethernet
	ip4   layers.IPv4
	ip6   layers.IPv6
	tcp   layers.TCP
	udpL  layers.UDP
	pl    gopacket.Payload
	frame []byte                        // the frame being written, reused
	addr  [2][16]byte                   // the frame's source and destination IPs, kept here so they need no allocation
	lays  [4]gopacket.SerializableLayer // reused: no allocation per frame
}

// The two ends' made-up MAC addresses (locally administered).
var (
	macLocal = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01}
	macPeer  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x02}
)

// Sides of a connection.
const (
	sideLocal = 0
	sidePeer  = 1
)

type tcpConn struct {
	ends   [2]netip.AddrPort // by side
	client int               // the side that connected
	next   [2]uint32         // next sequence number each side sends
	ipID   [2]uint16
	closed bool
}

// NewPcapng starts a pcapng file on w for fo's session.
func NewPcapng(w io.Writer, fo *Folder, o PcapngOptions) (*Pcapng, error) {
	mtu := o.MTU
	if mtu == 0 {
		mtu = DefaultMTU
	}
	if mtu < MinMTU || mtu > MaxMTU {
		return nil, fmt.Errorf("MTU %d is out of range (%d to %d)", mtu, MinMTU, MaxMTU)
	}
	out := bufio.NewWriterSize(w, 1<<20)
	comment := "NetAssist session " + fo.Session
	if fo.Kind != "" {
		comment += " (" + fo.Kind + ")"
	}
	if !fo.Began.IsZero() {
		comment += ", saved from " + fo.Began.Format(time.RFC3339)
	}
	comment += ". Frames rebuilt from the saved bytes: addresses and ports are real, MAC addresses, sequence numbers and ACKs are made up."
	ng, err := pcapgo.NewNgWriterInterface(out, pcapgo.NgInterface{
		Name:                "netassist",
		Description:         "traffic saved by NetAssist",
		LinkType:            layers.LinkTypeEthernet,
		TimestampResolution: 9,
	}, pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: strings.TrimSpace("NetAssist " + o.Version),
		Comment:     comment,
	}})
	if err != nil {
		return nil, err
	}
	p := &Pcapng{fo: fo, out: out, ng: ng, mss: mtu - 60, conns: map[uint64]*tcpConn{}, bad: map[uint64]bool{}, legLocal: map[uint64]netip.AddrPort{},
		buf:  gopacket.NewSerializeBuffer(),
		opts: gopacket.SerializeOptions{FixLengths: true}}
	p.local = sessionAddr(fo.Session)
	return p, nil
}

// sessionAddr is the address in a session name made by --open
// ("tcp-server 127.0.0.1:5555"), used until an open event says better.
func sessionAddr(session string) netip.AddrPort {
	_, addr, ok := strings.Cut(session, " ")
	if !ok {
		return netip.AddrPort{}
	}
	ap, _ := parseAddrPort(addr)
	return ap
}

// parseAddrPort reads "IP:port" as Go prints it ("[::1]:80"), zone dropped.
func parseAddrPort(s string) (netip.AddrPort, bool) {
	host, port, err := net.SplitHostPort(strings.TrimSpace(s))
	if err != nil {
		return netip.AddrPort{}, false
	}
	host, _, _ = strings.Cut(host, "%")
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, false
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(n)), true
}

// openAddr reads the local address from an open event's detail: the bare
// address, or the HTTP server's "listening on ADDR, serving …".
func openAddr(detail string) (netip.AddrPort, bool) {
	s := strings.TrimPrefix(detail, "listening on ")
	s, _, _ = strings.Cut(s, ",")
	return parseAddrPort(s)
}

// localFor is the session's end as seen by peer: a wildcard or unknown
// local address becomes the loopback address when the peer is a loopback
// one (a loopback peer reached us there), else the unspecified address of
// the peer's family.
func (p *Pcapng) localFor(peer netip.AddrPort) netip.AddrPort {
	l := p.local
	ip := l.Addr()
	if !ip.IsValid() || ip.IsUnspecified() || ip.Is4() != peer.Addr().Is4() {
		switch {
		case peer.Addr().Is4() && peer.Addr().IsLoopback():
			ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		case peer.Addr().IsLoopback():
			ip = netip.IPv6Loopback()
		case peer.Addr().Is4():
			ip = netip.IPv4Unspecified()
		default:
			ip = netip.IPv6Unspecified()
		}
	}
	return netip.AddrPortFrom(ip, l.Port())
}

// Visit implements Visitor.
func (p *Pcapng) Visit(ev *Event, data []byte, last bool) error {
	switch ev.Kind {
	case netassist.EvOpen:
		if ap, ok := openAddr(ev.Detail); ok {
			p.local = ap
		}
		return nil
	case netassist.EvConnect:
		if ev.Leg == netassist.LegServer {
			// A relay's upstream connection: its local end is in the detail.
			if ap, ok := parseAddrPort(ev.Detail); ok {
				p.legLocal[ev.Conn] = ap
			}
		}
		if ev.Conn == 0 || p.fo.Kind == "udp-relay" {
			return nil
		}
		c := p.conn(ev)
		if c == nil {
			return nil
		}
		return p.handshake(ev.Time, c)
	case netassist.EvRx, netassist.EvTx:
		from := sideLocal
		if ev.Kind == netassist.EvRx {
			from = sidePeer
		}
		if ev.Conn == 0 || p.fo.Kind == "udp-relay" {
			return p.datagram(ev, from, data, last)
		}
		c := p.conn(ev)
		if c == nil {
			return nil
		}
		return p.data(ev.Time, c, from, data, last)
	case netassist.EvDisconnect:
		c := p.conns[ev.Conn]
		if ev.Conn == 0 || c == nil {
			return nil
		}
		delete(p.conns, ev.Conn)
		return p.close(ev.Time, c, ev.Detail)
	}
	return nil
}

// conn is the state of ev's connection, made on first sight: a connection
// that began before saving did is shown from its first bytes, with no
// handshake.
func (p *Pcapng) conn(ev *Event) *tcpConn {
	if c := p.conns[ev.Conn]; c != nil {
		return c
	}
	peer, ok := parseAddrPort(ev.Peer)
	if !ok {
		if !p.bad[ev.Conn] {
			p.fo.warnOf(Warning{Code: WarnNoPeer, Conn: ev.Conn, Peer: ev.Peer})
			p.bad[ev.Conn] = true
		}
		return nil
	}
	c := &tcpConn{ends: [2]netip.AddrPort{sideLocal: p.localFor(peer), sidePeer: peer}, client: sidePeer}
	if p.fo.Kind == "tcp-client" || p.fo.Kind == "http-client" || ev.Leg == netassist.LegServer {
		c.client = sideLocal
	}
	if la, ok := p.legLocal[ev.Conn]; ok {
		c.ends[sideLocal] = la
	}
	// Initial sequence numbers: made up, but the same on every export.
	h := fnv.New32a()
	fmt.Fprintf(h, "%d %s", ev.Conn, ev.Peer)
	c.next[sideLocal] = h.Sum32()
	c.next[sidePeer] = h.Sum32() ^ 0x5bd1e995
	p.conns[ev.Conn] = c
	return c
}

func (p *Pcapng) handshake(at time.Time, c *tcpConn) error {
	cl, sv := c.client, 1-c.client
	mssOpt := []byte{byte(p.mss >> 8), byte(p.mss)}
	opts := []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: mssOpt},
		{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{windowScale}},
	}
	if err := p.segment(at, c, cl, tcpFlags{syn: true}, opts, nil); err != nil {
		return err
	}
	c.next[cl]++
	if err := p.segment(at, c, sv, tcpFlags{syn: true, ack: true}, opts, nil); err != nil {
		return err
	}
	c.next[sv]++
	return p.segment(at, c, cl, tcpFlags{ack: true}, nil, nil)
}

// windowScale lets the advertised window (65535 << 7, 8 MiB) cover the
// largest read the engine records, since the receiver acknowledges once
// per event.
const windowScale = 7

func (p *Pcapng) data(at time.Time, c *tcpConn, from int, data []byte, last bool) error {
	for len(data) > 0 {
		n := min(len(data), p.mss)
		f := tcpFlags{ack: true, psh: last && n == len(data)}
		if err := p.segment(at, c, from, f, nil, data[:n]); err != nil {
			return err
		}
		c.next[from] += uint32(n)
		data = data[n:]
	}
	if !last {
		return nil
	}
	return p.segment(at, c, 1-from, tcpFlags{ack: true}, nil, nil) // the receiver's ACK
}

// close ends c as the disconnect's detail says: the peer's FIN, our FIN,
// either side's RST.
func (p *Pcapng) close(at time.Time, c *tcpConn, how string) error {
	switch how {
	case netassist.ReasonRST, netassist.ReasonError:
		return p.segment(at, c, sidePeer, tcpFlags{rst: true, ack: true}, nil, nil)
	case netassist.ReasonAbort:
		return p.segment(at, c, sideLocal, tcpFlags{rst: true, ack: true}, nil, nil)
	}
	first := sideLocal
	if how == netassist.ReasonFIN {
		first = sidePeer
	}
	if err := p.segment(at, c, first, tcpFlags{fin: true, ack: true}, nil, nil); err != nil {
		return err
	}
	c.next[first]++
	if err := p.segment(at, c, 1-first, tcpFlags{fin: true, ack: true}, nil, nil); err != nil {
		return err
	}
	c.next[1-first]++
	return p.segment(at, c, first, tcpFlags{ack: true}, nil, nil)
}

type tcpFlags struct{ syn, ack, psh, fin, rst bool }

func (p *Pcapng) segment(at time.Time, c *tcpConn, from int, f tcpFlags, opts []layers.TCPOption, payload []byte) error {
	src, dst := c.ends[from], c.ends[1-from]
	p.tcp = layers.TCP{
		SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()),
		Seq: c.next[from], SYN: f.syn, ACK: f.ack, PSH: f.psh, FIN: f.fin, RST: f.rst,
		Window: 65535, Options: opts,
	}
	if f.ack {
		p.tcp.Ack = c.next[1-from]
	}
	c.ipID[from]++
	if opts == nil {
		p.frame = tcpFrame(p.frame, src, dst, from == sidePeer, c.ipID[from], p.tcp.Seq, p.tcp.Ack, f.bits(), payload)
		return p.ng.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(p.frame), Length: len(p.frame)}, p.frame)
	}
	net := p.network(src, dst, from, layers.IPProtocolTCP, c.ipID[from])
	if err := p.tcp.SetNetworkLayerForChecksum(net); err != nil {
		return err
	}
	return p.write(at, net, &p.tcp, payload)
}

// network fills the IP layer of a packet from src to dst.
func (p *Pcapng) network(src, dst netip.AddrPort, from int, proto layers.IPProtocol, id uint16) gopacket.NetworkLayer {
	p.eth = layers.Ethernet{SrcMAC: macLocal, DstMAC: macPeer, EthernetType: layers.EthernetTypeIPv4}
	if from == sidePeer {
		p.eth.SrcMAC, p.eth.DstMAC = macPeer, macLocal
	}
	if src.Addr().Is4() && dst.Addr().Is4() {
		s, d := src.Addr().As4(), dst.Addr().As4()
		copy(p.addr[0][:], s[:])
		copy(p.addr[1][:], d[:])
		p.ip4 = layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, Flags: layers.IPv4DontFragment,
			Id: id, SrcIP: p.addr[0][:4], DstIP: p.addr[1][:4]}
		return &p.ip4
	}
	p.eth.EthernetType = layers.EthernetTypeIPv6
	p.addr[0], p.addr[1] = src.Addr().As16(), dst.Addr().As16()
	p.ip6 = layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: p.addr[0][:], DstIP: p.addr[1][:]}
	return &p.ip6
}

func (p *Pcapng) write(at time.Time, net gopacket.NetworkLayer, transport gopacket.SerializableLayer, payload []byte) error {
	if err := p.buf.Clear(); err != nil {
		return err
	}
	p.pl = payload
	p.lays = [4]gopacket.SerializableLayer{&p.eth, net.(gopacket.SerializableLayer), transport, &p.pl}
	if err := gopacket.SerializeLayers(p.buf, p.opts, p.lays[:]...); err != nil {
		return err
	}
	b := p.buf.Bytes()
	fillChecksums(b)
	return p.ng.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(b), Length: len(b)}, b)
}

// maxDatagram is the largest UDP payload one IP packet can carry.
const maxDatagram = 65535 - 8 - 40

// datagram writes one UDP datagram as one frame (never fragmented, so a
// capture counts exactly the saved datagrams).
func (p *Pcapng) datagram(ev *Event, from int, data []byte, last bool) error {
	if len(p.udp)+len(data) <= maxDatagram {
		p.udp = append(p.udp, data...)
	}
	if !last {
		return nil
	}
	payload := p.udp
	p.udp = p.udp[:0]
	if ev.Bytes > maxDatagram {
		p.fo.warnOf(Warning{Code: WarnBigDatagram, N: ev.Bytes})
		return nil
	}
	peer, ok := parseAddrPort(ev.Peer)
	if !ok {
		p.fo.warnOf(Warning{Code: WarnUDPNoPeer, Peer: ev.Peer})
		return nil
	}
	ends := [2]netip.AddrPort{sideLocal: p.localFor(peer), sidePeer: peer}
	if la, ok := p.legLocal[ev.Conn]; ok {
		ends[sideLocal] = la // a UDP relay's upstream socket
	}
	src, dst := ends[from], ends[1-from]
	p.udpL = layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	net := p.network(src, dst, from, layers.IPProtocolUDP, 0)
	if err := p.udpL.SetNetworkLayerForChecksum(net); err != nil {
		return err
	}
	return p.write(ev.Time, net, &p.udpL, payload)
}

// Close writes what is buffered. Connections still open when saving
// stopped stay open in the capture.
func (p *Pcapng) Close() error {
	if err := p.ng.Flush(); err != nil {
		return err
	}
	return p.out.Flush()
}
