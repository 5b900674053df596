package export

import (
	"encoding/binary"
	"math/bits"
)

// Checksums are filled in here rather than by gopacket: its 16-bit loop
// was a third of the export's time, and a 1 GiB flood is summed once.

// sum adds b to the one's-complement sum s eight bytes at a time: since
// 2^16 ≡ 1 (mod 2^16-1), a 64-bit sum with end-around carry folds to the
// same checksum as the 16-bit one.
func sum(s uint64, b []byte) uint64 {
	var c uint64
	for len(b) >= 32 {
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[8:]), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[16:]), c)
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b[24:]), c)
		b = b[32:]
	}
	for len(b) >= 8 {
		s, c = bits.Add64(s, binary.BigEndian.Uint64(b), c)
		b = b[8:]
	}
	var tail [8]byte
	copy(tail[:], b) // the rest, zero-padded on the right
	s, c = bits.Add64(s, binary.BigEndian.Uint64(tail[:]), c)
	s, c = bits.Add64(s, c, 0)
	return s + c
}

// fold ends a one's-complement sum into the 16-bit checksum.
func fold(s uint64) uint16 {
	s = s&0xffffffff + s>>32
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// fillChecksums writes the IP header (IPv4) and TCP or UDP checksums of
// an Ethernet frame that gopacket serialized without them.
func fillChecksums(frame []byte) {
	const eth = 14
	ip := frame[eth:]
	var pseudo uint64
	var l4 []byte
	var proto byte
	if ip[0]>>4 == 4 {
		ihl := int(ip[0]&0x0f) * 4
		binary.BigEndian.PutUint16(ip[10:], 0)
		binary.BigEndian.PutUint16(ip[10:], fold(sum(0, ip[:ihl])))
		// Short frames carry Ethernet padding after the IP packet.
		proto, l4 = ip[9], ip[ihl:binary.BigEndian.Uint16(ip[2:])]
		pseudo = sum(0, ip[12:20])
	} else {
		proto, l4 = ip[6], ip[40:40+int(binary.BigEndian.Uint16(ip[4:]))]
		pseudo = sum(0, ip[8:40])
	}
	pseudo, carry := bits.Add64(pseudo, uint64(proto)+uint64(len(l4)), 0)
	pseudo += carry
	at := 16 // TCP
	if proto == 17 {
		at = 6 // UDP
	}
	binary.BigEndian.PutUint16(l4[at:], 0)
	c := fold(sum(pseudo, l4))
	if proto == 17 && c == 0 {
		c = 0xffff // zero means "no checksum" in UDP
	}
	binary.BigEndian.PutUint16(l4[at:], c)
}
