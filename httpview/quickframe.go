package httpview

import (
	"bytes"
	"strings"
)

// quickFrame is FrameLength's fast path: frameGeneral splits each head into strings, which a
// capture framing every message pays for on every request and response. It frames a message
// with CRLF line ends, no blank lines before it, no obs-fold, no Transfer-Encoding, at most one
// Content-Length made of digits, ASCII field names and, for a response, a three-digit status,
// without allocating. sure is false for anything else, and for a head that is not complete yet
// (frameGeneral then decides about eof and an oversized head). TestQuickFrameAgrees and
// FuzzQuickFrame hold it equal to frameGeneral.
func quickFrame(b []byte, isRequest bool, reqMethod string, eof bool) (n int, ok, sure bool) {
	if len(b) == 0 || b[0] == '\r' || b[0] == '\n' {
		return 0, false, false
	}
	i := bytes.IndexByte(b, '\n')
	if i < 1 || b[i-1] != '\r' {
		return 0, false, false
	}
	status := 0
	if !isRequest {
		// frame takes the second field of the line as the status.
		_, f1, nf, ascii := asciiFields2(b[:i-1])
		if !ascii || nf < 2 || len(f1) != 3 {
			return 0, false, false
		}
		for _, d := range f1 {
			if d < '0' || d > '9' {
				return 0, false, false
			}
			status = status*10 + int(d-'0')
		}
	}
	length := int64(-1)
	end := 0
	for pos := i + 1; ; {
		j := bytes.IndexByte(b[pos:], '\n')
		if j < 0 {
			return 0, false, false
		}
		line := b[pos : pos+j]
		pos += j + 1
		if len(line) == 0 || line[len(line)-1] != '\r' {
			return 0, false, false // a bare LF
		}
		line = line[:len(line)-1]
		if len(line) == 0 {
			end = pos
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return 0, false, false // obs-fold
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		for _, c := range name {
			if c >= 0x80 {
				// strings.ToLower maps some non-ASCII letters to ASCII
				return 0, false, false
			}
		}
		switch {
		case asciiEqualFold(name, "transfer-encoding"):
			return 0, false, false
		case asciiEqualFold(name, "content-length"):
			v := bytes.Trim(value, " \t")
			if length >= 0 || len(v) == 0 || len(v) > 18 {
				return 0, false, false
			}
			length = 0
			for _, d := range v {
				if d < '0' || d > '9' {
					return 0, false, false
				}
				length = length*10 + int64(d-'0')
			}
		}
	}
	switch {
	case !isRequest && (status/100 == 1 || status == 204 || status == 304),
		!isRequest && strings.EqualFold(reqMethod, "HEAD"),
		isRequest && length < 0:
		return end, true, true
	case length >= 0 && length <= int64(len(b)-end):
		return end + int(length), true, true
	case eof:
		return len(b), true, true // cut short, or a response framed by the close
	}
	return 0, false, true
}

// asciiFields2 is the first two fields strings.Fields would find in line; ascii is false when a
// byte outside ASCII comes before the end of the second field, where strings.Fields could see a
// Unicode space.
func asciiFields2(line []byte) (f0, f1 []byte, nf int, ascii bool) {
	var f [2][]byte
	i := 0
	for nf < 2 {
		for i < len(line) && asciiSpace(line[i]) {
			i++
		}
		if i == len(line) {
			break
		}
		start := i
		for i < len(line) && !asciiSpace(line[i]) {
			if line[i] >= 0x80 {
				return nil, nil, 0, false
			}
			i++
		}
		f[nf] = line[start:i]
		nf++
	}
	return f[0], f[1], nf, true
}

// asciiSpace is unicode.IsSpace restricted to ASCII, as strings.Fields uses it.
func asciiSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

// asciiEqualFold compares an ASCII name with a lower-case one.
func asciiEqualFold(name []byte, lower string) bool {
	if len(name) != len(lower) {
		return false
	}
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
