package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		text string
		opt  SendOptions
		want []byte
	}{
		{"zero options", "hi\n中", SendOptions{}, []byte("hi\n中")},
		{"crlf", "a\nb\r\nc\rd", SendOptions{Newline: NewlineCRLF}, []byte("a\r\nb\r\nc\r\nd")},
		{"lf", "a\r\nb\rc", SendOptions{Newline: NewlineLF}, []byte("a\nb\nc")},
		{"escapes off keep backslash", `a\n`, SendOptions{}, []byte(`a\n`)},
		{"escapes", `GET / HTTP/1.1\r\n\r\n`, SendOptions{Escapes: true}, []byte("GET / HTTP/1.1\r\n\r\n")},
		// Escaped line breaks are bytes the user asked for: not converted.
		{"escape not converted", "a\\n\n", SendOptions{Escapes: true, Newline: NewlineCRLF}, []byte("a\n\r\n")},
		{"raw byte beside gbk", `中\xA7`, SendOptions{Escapes: true, Charset: GBK}, []byte{0xD6, 0xD0, 0xA7}},
		{"raw byte in latin1", `\xA7§`, SendOptions{Escapes: true, Charset: Latin1}, []byte{0xA7, 0xA7}},
		{"raw byte in utf8", `\xA7§`, SendOptions{Escapes: true, Charset: UTF8}, []byte{0xA7, 0xC2, 0xA7}},
		{"hex", "48 65\n6C", SendOptions{Mode: ModeHex, Newline: NewlineCRLF, Escapes: true}, []byte("Hel")},
		{"hex checksum", "01 03 00 00 00 0A", SendOptions{Mode: ModeHex, Checksum: ChecksumCRC16Modbus},
			[]byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD}},
		{"text checksum", "123456789", SendOptions{Checksum: ChecksumCRC32}, []byte("123456789\xCB\xF4\x39\x26")},
		{"empty with checksum", "", SendOptions{Checksum: ChecksumXOR8}, []byte{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(tt.text, tt.opt)
			if err != nil {
				t.Fatalf("Encode(%q): %v", tt.text, err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Encode(%q) = % X; want % X", tt.text, got, tt.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		opt  SendOptions
		pos  int
		code string
	}{
		// Positions refer to the text as typed, before CR LF conversion.
		{"after converted newlines", "a\nb\nc\\q", SendOptions{Escapes: true, Newline: NewlineCRLF}, 6, CodeEscUnknown},
		{"after crlf to lf", "a\r\n\\", SendOptions{Escapes: true, Newline: NewlineLF}, 4, CodeEscTrailing},
		{"unencodable after escape", `\x41中`, SendOptions{Escapes: true, Charset: Latin1}, 5, CodeCharsetUnencodable},
		{"hex bad", "48 6Z", SendOptions{Mode: ModeHex, Checksum: ChecksumCRC32}, 5, CodeHexBadChar},
		{"hex odd", "48 656", SendOptions{Mode: ModeHex}, 4, CodeHexOdd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Encode(tt.text, tt.opt)
			var ie *InputError
			if !errors.As(err, &ie) || got != nil {
				t.Fatalf("Encode(%q) = % X, %v; want an InputError and no bytes", tt.text, got, err)
			}
			if ie.Pos != tt.pos || ie.Code != tt.code {
				t.Errorf("Encode(%q) error = %+v; want pos %d code %s", tt.text, *ie, tt.pos, tt.code)
			}
		})
	}
}

func TestEncodeBadOptions(t *testing.T) {
	for _, opt := range []SendOptions{
		{Mode: "base64"},
		{Charset: "EBCDIC"},
		{Newline: "cr"},
		{Checksum: "md5"},
	} {
		got, err := Encode("x", opt)
		var ie *InputError
		if err == nil || errors.As(err, &ie) || got != nil {
			t.Errorf("Encode with %+v = % X, %v; want a plain error", opt, got, err)
		}
	}
}
