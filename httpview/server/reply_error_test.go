package server

import (
	"errors"
	"testing"
)

// A reply that cannot be sent as typed is refused with a code and the
// line it is on, for the window to say in the user's language.
func TestParseTypedErrors(t *testing.T) {
	cases := []struct {
		raw  string
		code string
		line int
	}{
		{"", ReplyNoStatus, 1},
		{"200 OK\n\nhi", ReplyBadProto, 1},
		{"HTTP/1.1 abc OK\n\n", ReplyBadStatus, 1},
		{"HTTP/1.1 101 Switching\n\n", ReplyBadStatus, 1},
		{"HTTP/1.1 200 OK\nContent-Type: text/plain\nNoColonHeader\n\nhi", ReplyBadHeader, 3},
		{"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", ReplyBadHeaderName, 2},
		{"HTTP/1.1 200 OK\nTransfer-Encoding: gzip\n\n", ReplyBadTE, 2},
		{"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\nzz\r\n", ReplyBadChunked, 4},
	}
	for _, c := range cases {
		_, err := parseTyped([]byte(c.raw))
		var re *ReplyError
		if !errors.As(err, &re) {
			t.Errorf("%q: error %v; want a *ReplyError", c.raw, err)
			continue
		}
		if re.Code != c.code || re.Line != c.line {
			t.Errorf("%q: code %q line %d; want %q line %d", c.raw, re.Code, re.Line, c.code, c.line)
		}
	}
	if _, err := parseTyped([]byte("HTTP/1.1 200 OK\nX-A: 1\n  folded\n\nhi")); err != nil {
		t.Errorf("an obs-folded header is refused: %v", err)
	}
}
