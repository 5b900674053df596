package export

import (
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
