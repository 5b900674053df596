package codec

import (
	"unicode/utf8"
)

// isHexSep reports whether r separates hex groups.
func isHexSep(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', ',', ':', '-':
		return true
	}
	return false
}

// hexVal returns the value of a hex digit, or -1.
func hexVal(c rune) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// ParseHex parses hex digits into bytes. Groups of digits are split by
// space, tab, newline, comma, colon or dash, and a group may start with
// 0x or 0X; so "48 65 6C", "48656C", "0x48,0x65" and "48:65-6c" all work.
// A group with an odd number of digits, a bare "0x" or any other
// character is an *InputError naming its position.
func ParseHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	pos := 0 // rune position of the rune at index i, 0-based
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isHexSep(r) {
			i += size
			pos++
			continue
		}
		// A group runs to the next separator or the end.
		start, startPos := i, pos
		if r == '0' && i+1 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') {
			i += 2
			pos += 2
		}
		digits := i
		hi := -1 // pending high nibble
		for i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
			if isHexSep(r) {
				break
			}
			v := hexVal(r)
			if v < 0 {
				return nil, &InputError{Pos: pos + 1, Code: CodeHexBadChar, Char: s[i : i+size]}
			}
			if hi < 0 {
				hi = v
			} else {
				out = append(out, byte(hi<<4|v))
				hi = -1
			}
			i += size
			pos++
		}
		switch {
		case i == digits:
			return nil, &InputError{Pos: startPos + 1, Code: CodeHexPrefix, Char: s[start:i]}
		case hi >= 0:
			return nil, &InputError{Pos: startPos + 1, Code: CodeHexOdd, Char: s[start:i]}
		}
	}
	return out, nil
}

const upperHex = "0123456789ABCDEF"

// FormatHex writes bytes as upper-case hex pairs separated by single
// spaces ("48 65 6C"), the form ParseHex reads back.
func FormatHex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	out := make([]byte, 0, len(b)*3-1)
	for i, c := range b {
		if i > 0 {
			out = append(out, ' ')
		}
		out = append(out, upperHex[c>>4], upperHex[c&0x0F])
	}
	return string(out)
}
