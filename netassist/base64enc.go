package netassist

import "encoding/binary"

// events.jsonl carries every payload again as base64, so a flood with
// saving on spends more CPU encoding than on anything else. This encoder
// gives the same output as base64.StdEncoding (tested and fuzzed against
// it) at about twice the speed: it maps 12 bits to two characters with one
// table lookup, and 6 input bytes to 8 characters per step.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

var b64Pairs [4096]uint16 // 12 bits → two characters, first in the low byte

func init() {
	for i := range b64Pairs {
		b64Pairs[i] = uint16(b64Alphabet[i>>6]) | uint16(b64Alphabet[i&63])<<8
	}
}

// appendBase64 appends the padded standard base64 of src to dst.
func appendBase64(dst, src []byte) []byte {
	n := (len(src) + 2) / 3 * 4
	start := len(dst)
	dst = append(dst, make([]byte, n)...)[:start+n]
	encodeBase64(dst[start:], src)
	return dst
}

// encodeBase64 writes the padded standard base64 of src into dst, which
// must hold (len(src)+2)/3*4 bytes.
func encodeBase64(dst, src []byte) {
	di, si := 0, 0
	// 6 bytes → 8 characters per step, from one 8-byte load.
	for ; si+8 <= len(src); si, di = si+6, di+8 {
		v := binary.BigEndian.Uint64(src[si:])
		binary.LittleEndian.PutUint64(dst[di:di+8], uint64(b64Pairs[v>>52])|
			uint64(b64Pairs[v>>40&0xfff])<<16|
			uint64(b64Pairs[v>>28&0xfff])<<32|
			uint64(b64Pairs[v>>16&0xfff])<<48)
	}
	for ; si+3 <= len(src); si, di = si+3, di+4 {
		v := uint(src[si])<<16 | uint(src[si+1])<<8 | uint(src[si+2])
		binary.LittleEndian.PutUint16(dst[di:], b64Pairs[v>>12])
		binary.LittleEndian.PutUint16(dst[di+2:], b64Pairs[v&0xfff])
	}
	switch len(src) - si {
	case 2:
		v := uint(src[si])<<16 | uint(src[si+1])<<8
		binary.LittleEndian.PutUint16(dst[di:], b64Pairs[v>>12])
		dst[di+2], dst[di+3] = b64Alphabet[v>>6&63], '='
	case 1:
		v := uint(src[si]) << 16
		binary.LittleEndian.PutUint16(dst[di:], b64Pairs[v>>12])
		dst[di+2], dst[di+3] = '=', '='
	}
}
