package export

import (
	"encoding/binary"
	"net/netip"
)

// TCP header flags.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagPSH = 0x08
	flagACK = 0x10
)

func (f tcpFlags) bits() byte {
	var b byte
	for _, x := range []struct {
		on  bool
		bit byte
	}{{f.fin, flagFIN}, {f.syn, flagSYN}, {f.rst, flagRST}, {f.psh, flagPSH}, {f.ack, flagACK}} {
		if x.on {
			b |= x.bit
		}
	}
	return b
}

// tcpFrame lays out an Ethernet/IP/TCP frame without options in buf, as
// gopacket's layers would serialize it (a test holds them equal): a flood
// is hundreds of thousands of frames, and their generic serialization
// cost more than everything else together.
func tcpFrame(buf []byte, src, dst netip.AddrPort, fromPeer bool, id uint16, seq, ack uint32, flags byte, payload []byte) []byte {
	v4 := src.Addr().Is4() && dst.Addr().Is4()
	ipLen := 40
	if v4 {
		ipLen = 20
	}
	n := 14 + ipLen + 20 + len(payload)
	size := max(n, 60) // Ethernet's minimum frame, zero-padded
	if cap(buf) < size {
		buf = make([]byte, size, max(size, 2048))
	}
	b := buf[:size]
	clear(b[n:])
	srcMAC, dstMAC := macLocal, macPeer
	if fromPeer {
		srcMAC, dstMAC = macPeer, macLocal
	}
	copy(b[0:6], dstMAC)
	copy(b[6:12], srcMAC)
	ip := b[14:]
	if v4 {
		binary.BigEndian.PutUint16(b[12:], 0x0800)
		s, d := src.Addr().As4(), dst.Addr().As4()
		ip[0], ip[1] = 0x45, 0
		binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
		binary.BigEndian.PutUint16(ip[4:], id)
		binary.BigEndian.PutUint16(ip[6:], 0x4000) // don't fragment
		ip[8], ip[9] = 64, 6
		ip[10], ip[11] = 0, 0
		copy(ip[12:16], s[:])
		copy(ip[16:20], d[:])
	} else {
		binary.BigEndian.PutUint16(b[12:], 0x86dd)
		s, d := src.Addr().As16(), dst.Addr().As16()
		binary.BigEndian.PutUint32(ip[0:], 6<<28)
		binary.BigEndian.PutUint16(ip[4:], uint16(20+len(payload)))
		ip[6], ip[7] = 6, 64
		copy(ip[8:24], s[:])
		copy(ip[24:40], d[:])
	}
	tcp := ip[ipLen:]
	binary.BigEndian.PutUint16(tcp[0:], src.Port())
	binary.BigEndian.PutUint16(tcp[2:], dst.Port())
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 5<<4, flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	binary.BigEndian.PutUint32(tcp[16:], 0) // checksum, urgent pointer
	copy(tcp[20:], payload)
	fillChecksums(b)
	return b
}
