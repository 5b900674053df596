package codec

import (
	"encoding/binary"
	"hash/crc32"
)

// ChecksumKind names a checksum appended to what is sent. The string values
// are stable (saved in preferences); the zero value means none.
type ChecksumKind string

const (
	ChecksumNone        ChecksumKind = "none"
	ChecksumSum8        ChecksumKind = "sum8"              // sum of bytes mod 256
	ChecksumXOR8        ChecksumKind = "xor8"              // XOR of bytes
	ChecksumCRC16Modbus ChecksumKind = "crc16-modbus"      // appended low byte first, as Modbus RTU frames carry it
	ChecksumCRC16CCITT  ChecksumKind = "crc16-ccitt-false" // appended high byte first
	ChecksumCRC32       ChecksumKind = "crc32"             // IEEE, appended big-endian
)

// Checksums lists the choices, in the order a picker shows them.
var Checksums = []ChecksumKind{ChecksumNone, ChecksumSum8, ChecksumXOR8, ChecksumCRC16Modbus, ChecksumCRC16CCITT, ChecksumCRC32}

// Valid reports whether k is one of Checksums (or the zero value).
func (k ChecksumKind) Valid() bool {
	switch k {
	case "", ChecksumNone, ChecksumSum8, ChecksumXOR8, ChecksumCRC16Modbus, ChecksumCRC16CCITT, ChecksumCRC32:
		return true
	}
	return false
}

// Size is the number of bytes k appends.
func (k ChecksumKind) Size() int {
	switch k {
	case ChecksumSum8, ChecksumXOR8:
		return 1
	case ChecksumCRC16Modbus, ChecksumCRC16CCITT:
		return 2
	case ChecksumCRC32:
		return 4
	}
	return 0
}

// Tables for the two CRC-16s: MODBUS is the reflected form of polynomial
// 0x8005 (0xA001), CCITT-FALSE the direct form of 0x1021; both start at
// 0xFFFF with no final XOR.
var crc16ModbusTable, crc16CCITTTable = makeCRC16Tables()

func makeCRC16Tables() (modbus, ccitt [256]uint16) {
	for i := range 256 {
		m := uint16(i)
		c := uint16(i) << 8
		for range 8 {
			if m&1 != 0 {
				m = m>>1 ^ 0xA001
			} else {
				m >>= 1
			}
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		modbus[i], ccitt[i] = m, c
	}
	return
}

// Checksum computes kind over data; 8- and 16-bit values are in the low
// bits. None and unknown kinds give 0.
func Checksum(kind ChecksumKind, data []byte) uint32 {
	switch kind {
	case ChecksumSum8:
		var s byte
		for _, b := range data {
			s += b
		}
		return uint32(s)
	case ChecksumXOR8:
		var x byte
		for _, b := range data {
			x ^= b
		}
		return uint32(x)
	case ChecksumCRC16Modbus:
		crc := uint16(0xFFFF)
		for _, b := range data {
			crc = crc>>8 ^ crc16ModbusTable[byte(crc)^b]
		}
		return uint32(crc)
	case ChecksumCRC16CCITT:
		crc := uint16(0xFFFF)
		for _, b := range data {
			crc = crc<<8 ^ crc16CCITTTable[byte(crc>>8)^b]
		}
		return uint32(crc)
	case ChecksumCRC32:
		return crc32.ChecksumIEEE(data)
	}
	return 0
}

// AppendChecksum appends kind's checksum of data to data, in the byte order
// that kind is sent in, with append's semantics (data's spare capacity may
// be used). None and unknown kinds append nothing.
func AppendChecksum(kind ChecksumKind, data []byte) []byte {
	sum := Checksum(kind, data)
	switch kind {
	case ChecksumSum8, ChecksumXOR8:
		return append(data, byte(sum))
	case ChecksumCRC16Modbus:
		return binary.LittleEndian.AppendUint16(data, uint16(sum))
	case ChecksumCRC16CCITT:
		return binary.BigEndian.AppendUint16(data, uint16(sum))
	case ChecksumCRC32:
		return binary.BigEndian.AppendUint32(data, sum)
	}
	return data
}
