package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseHex(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"   ", []byte{}},
		{"48 65 6C", []byte("Hel")},
		{"48656C", []byte("Hel")},
		{"48656c6C", []byte("Hell")},
		{"0x48,0x65", []byte("He")},
		{"0X48", []byte("H")},
		{"0x4865", []byte("He")},
		{"48:65-6C", []byte("Hel")},
		{"48\t65\n6C\r\n6c", []byte("Hell")},
		{" ,48,, 65 ,", []byte("He")},
		{"00 ff FF 0a", []byte{0, 0xFF, 0xFF, 0x0A}},
	}
	for _, tt := range tests {
		got, err := ParseHex(tt.in)
		if err != nil {
			t.Errorf("ParseHex(%q): %v", tt.in, err)
			continue
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("ParseHex(%q) = % X; want % X", tt.in, got, tt.want)
		}
	}
}

func TestParseHexErrors(t *testing.T) {
	tests := []struct {
		in   string
		pos  int
		code string
		char string
		msg  string
	}{
		{"48 65 6G", 8, CodeHexBadChar, "G", "position 8: 'G' is not a hex digit"},
		{"4865G", 5, CodeHexBadChar, "G", "position 5: 'G' is not a hex digit"},
		{"486", 1, CodeHexOdd, "486", `position 1: "486" has an odd number of hex digits`},
		{"48 6 6C", 4, CodeHexOdd, "6", `position 4: "6" has an odd number of hex digits`},
		{"0x48,0x6", 6, CodeHexOdd, "0x6", `position 6: "0x6" has an odd number of hex digits`},
		{"48 0x", 4, CodeHexPrefix, "0x", `position 4: "0x" is not followed by hex digits`},
		{"0x480x65", 6, CodeHexBadChar, "x", "position 6: 'x' is not a hex digit"},
		// Positions count characters, not bytes.
		{"中文 4", 1, CodeHexBadChar, "中", "position 1: '中' is not a hex digit"},
		{"48 中", 4, CodeHexBadChar, "中", "position 4: '中' is not a hex digit"},
		{"48;65", 3, CodeHexBadChar, ";", "position 3: ';' is not a hex digit"},
		{"48\x0065", 3, CodeHexBadChar, "\x00", `position 3: '\x00' is not a hex digit`},
	}
	for _, tt := range tests {
		got, err := ParseHex(tt.in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("ParseHex(%q) = % X, %v; want an InputError", tt.in, got, err)
			continue
		}
		if got != nil {
			t.Errorf("ParseHex(%q) returned bytes with an error", tt.in)
		}
		if ie.Pos != tt.pos || ie.Code != tt.code || ie.Char != tt.char {
			t.Errorf("ParseHex(%q) error = %+v; want pos %d code %s char %q", tt.in, *ie, tt.pos, tt.code, tt.char)
		}
		if ie.Error() != tt.msg {
			t.Errorf("ParseHex(%q) message = %q; want %q", tt.in, ie.Error(), tt.msg)
		}
	}
}

func TestFormatHex(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0}, "00"},
		{[]byte("Hel"), "48 65 6C"},
		{[]byte{0xAB, 0xCD, 0xEF}, "AB CD EF"},
	}
	for _, tt := range tests {
		if got := FormatHex(tt.in); got != tt.want {
			t.Errorf("FormatHex(% X) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
