package codec

import "unicode/utf8"

// Unescape turns text with the escapes \r \n \t \0 \\ and \xHH into bytes,
// other characters in UTF-8. \xA7 is the single byte 0xA7. Errors are
// *InputError (esc.unknown, esc.badhex, esc.trailing) naming the position
// of the backslash.
func Unescape(s string) ([]byte, error) {
	return encodeText(s, SendOptions{Escapes: true, Charset: UTF8})
}

// unescapeAt reads the escape whose backslash is at s[i]. It returns the
// byte it stands for and its length in bytes (all escapes are ASCII, so
// that is also its length in runes), or an error with position pos.
func unescapeAt(s string, i, pos int) (byte, int, error) {
	if i+1 >= len(s) {
		return 0, 0, &InputError{Pos: pos, Code: CodeEscTrailing, Char: `\`}
	}
	switch s[i+1] {
	case 'r':
		return '\r', 2, nil
	case 'n':
		return '\n', 2, nil
	case 't':
		return '\t', 2, nil
	case '0':
		return 0, 2, nil
	case '\\':
		return '\\', 2, nil
	case 'x':
		if i+3 < len(s) && hexVal(rune(s[i+2])) >= 0 && hexVal(rune(s[i+3])) >= 0 {
			return byte(hexVal(rune(s[i+2]))<<4 | hexVal(rune(s[i+3]))), 4, nil
		}
		return 0, 0, &InputError{Pos: pos, Code: CodeEscBadHex, Char: `\x` + runesAt(s, i+2, 2)}
	}
	_, size := utf8.DecodeRuneInString(s[i+1:])
	return 0, 0, &InputError{Pos: pos, Code: CodeEscUnknown, Char: s[i : i+1+size]}
}

// runesAt returns up to n runes of s starting at byte i.
func runesAt(s string, i, n int) string {
	j := i
	for ; j < len(s) && n > 0; n-- {
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
	}
	return s[i:j]
}

// Escape writes bytes in the escape language that Unescape reads, using only
// printable ASCII: printable ASCII stays, a backslash becomes \\, CR LF TAB
// NUL become \r \n \t \0, and every other byte is \xHH. So Unescape(Escape(b))
// is b, whatever the bytes.
func Escape(b []byte) string {
	return string(AppendEscape(make([]byte, 0, len(b)+len(b)/4), b))
}

// AppendEscape appends Escape(b) to dst. The receive view uses it for control
// characters and undecodable bytes, so what it shows can be typed back.
func AppendEscape(dst, b []byte) []byte {
	for _, c := range b {
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == 0:
			dst = append(dst, '\\', '0')
		case c < 0x20 || c >= 0x7F:
			dst = append(dst, '\\', 'x', upperHex[c>>4], upperHex[c&0x0F])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
