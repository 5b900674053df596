package server

import (
	"bytes"
	"strconv"
	"strings"
)

// The capture reads each response's status to tell interim (1xx) responses from final ones.

// statusOf reads the status code of the status line at the start of b
// (after stray blank lines); 0 when there is none.
func statusOf(b []byte) int {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if st, ok := asciiStatus(line); ok {
		return st
	}
	f := strings.Fields(string(line))
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") || len(f[1]) != 3 {
		return 0
	}
	n, err := strconv.Atoi(f[1])
	if err != nil {
		return 0
	}
	return n
}

// asciiStatus is statusOf for the usual line, "HTTP/1.1 200 OK\r", without
// allocating; ok is false when strings.Fields and strconv.Atoi must decide.
func asciiStatus(line []byte) (status int, ok bool) {
	f0, f1, nf, ascii := asciiFields2(line)
	if !ascii {
		return 0, false
	}
	if nf < 2 || !bytes.HasPrefix(f0, []byte("HTTP/")) || len(f1) != 3 {
		return 0, true
	}
	for _, d := range f1 {
		if d < '0' || d > '9' {
			return 0, false // a sign
		}
		status = status*10 + int(d-'0')
	}
	return status, true
}

// asciiFields2 is the first two fields strings.Fields would find in line;
// ascii is false when a byte outside ASCII comes before the end of the
// second field, where strings.Fields could see a Unicode space. (httpview's
// framer has its own copy; it is unexported there.)
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
