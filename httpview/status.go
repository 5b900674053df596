package httpview

import (
	"bytes"
	"strconv"
	"strings"
)

// StatusCode reads the status code of the status line at the start of b
// (after stray blank lines); 0 when there is none. It does not allocate
// for the usual line, "HTTP/1.1 200 OK".
func StatusCode(b []byte) int {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if st, ok := asciiStatus(line); ok {
		return st
	}
	return fieldsStatus(line)
}

// fieldsStatus is StatusCode's general way for one line, which the fast
// path must agree with.
func fieldsStatus(line []byte) int {
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

// asciiStatus is StatusCode for the usual line, "HTTP/1.1 200 OK\r", without
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
