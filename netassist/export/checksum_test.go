package export

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// fillChecksums agrees with gopacket's own checksums, for TCP and UDP
// over IPv4 and IPv6 and payloads of odd and even length.
func TestFillChecksumsMatchesGopacket(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		for _, udp := range []bool{false, true} {
			for _, n := range []int{0, 1, 2, 3, 7, 8, 9, 1440, 1441} {
				payload := make([]byte, n)
				for i := range payload {
					payload[i] = byte(i*31 + 7)
				}
				build := func(compute bool) []byte {
					eth := &layers.Ethernet{SrcMAC: macLocal, DstMAC: macPeer, EthernetType: layers.EthernetTypeIPv4}
					var net gopacket.NetworkLayer
					if v6 {
						eth.EthernetType = layers.EthernetTypeIPv6
						net = &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
							SrcIP: []byte{0xfe, 0x80, 15: 1}, DstIP: []byte{0x20, 0x01, 0x0d, 0xb8, 15: 0xff}}
					} else {
						net = &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, Id: 4321,
							SrcIP: []byte{192, 0, 2, 1}, DstIP: []byte{198, 51, 100, 255}}
					}
					var l4 gopacket.SerializableLayer
					if udp {
						if v6 {
							net.(*layers.IPv6).NextHeader = layers.IPProtocolUDP
						} else {
							net.(*layers.IPv4).Protocol = layers.IPProtocolUDP
						}
						u := &layers.UDP{SrcPort: 53, DstPort: 40000}
						u.SetNetworkLayerForChecksum(net)
						l4 = u
					} else {
						tc := &layers.TCP{SrcPort: 80, DstPort: 40000, Seq: 0xdeadbeef, Ack: 12345, ACK: true, PSH: true, Window: 65535}
						tc.SetNetworkLayerForChecksum(net)
						l4 = tc
					}
					buf := gopacket.NewSerializeBuffer()
					err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: compute},
						eth, net.(gopacket.SerializableLayer), l4, gopacket.Payload(payload))
					if err != nil {
						t.Fatal(err)
					}
					return buf.Bytes()
				}
				want := build(true)
				got := build(false)
				fillChecksums(got)
				if string(got) != string(want) {
					t.Errorf("v6=%v udp=%v n=%d: frames differ\ngot  % x\nwant % x", v6, udp, n, got[:min(len(got), 70)], want[:min(len(want), 70)])
				}
			}
		}
	}
}

// tcpFrame lays out the same bytes as gopacket's layers for frames of
// every kind the export writes without options.
func TestTCPFrameMatchesGopacket(t *testing.T) {
	var p Pcapng
	p.buf = gopacket.NewSerializeBuffer()
	p.opts = gopacket.SerializeOptions{FixLengths: true}
	for _, ends := range [][2]string{{"127.0.0.1:5555", "127.0.0.1:40000"}, {"[::1]:80", "[fe80::1]:65535"}} {
		local, _ := parseAddrPort(ends[0])
		peer, _ := parseAddrPort(ends[1])
		c := &tcpConn{ends: [2]netip.AddrPort{sideLocal: local, sidePeer: peer}, next: [2]uint32{0xfffffff0, 77}}
		for _, f := range []tcpFlags{{ack: true}, {ack: true, psh: true}, {fin: true, ack: true}, {rst: true, ack: true}, {rst: true}} {
			for _, n := range []int{0, 1, 5, 1440} {
				for from := range 2 {
					payload := bytes.Repeat([]byte{byte(n), 0xa5}, n)[:n]
					ack := uint32(0)
					if f.ack {
						ack = c.next[1-from]
					}
					fast := tcpFrame(nil, c.ends[from], c.ends[1-from], from == sidePeer, 99, c.next[from], ack, f.bits(), payload)
					// The generic path: gopacket's layers, as for SYNs.
					p.tcp = layers.TCP{SrcPort: layers.TCPPort(c.ends[from].Port()), DstPort: layers.TCPPort(c.ends[1-from].Port()),
						Seq: c.next[from], SYN: f.syn, ACK: f.ack, PSH: f.psh, FIN: f.fin, RST: f.rst, Window: 65535}
					if f.ack {
						p.tcp.Ack = c.next[1-from]
					}
					net := p.network(c.ends[from], c.ends[1-from], from, layers.IPProtocolTCP, 99)
					p.tcp.SetNetworkLayerForChecksum(net)
					p.buf.Clear()
					p.pl = payload
					if err := gopacket.SerializeLayers(p.buf, p.opts, &p.eth, net.(gopacket.SerializableLayer), &p.tcp, &p.pl); err != nil {
						t.Fatal(err)
					}
					slow := p.buf.Bytes()
					fillChecksums(slow)
					if !bytes.Equal(fast, slow) {
						t.Errorf("%v %+v n=%d from %d:\nfast % x\nslow % x", ends, f, n, from, fast[:min(len(fast), 80)], slow[:min(len(slow), 80)])
					}
				}
			}
		}
	}
}
