package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestUnescape(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"plain", []byte("plain")},
		{`GET / HTTP/1.1\r\n`, []byte("GET / HTTP/1.1\r\n")},
		{`a\tb\0c\\d`, []byte("a\tb\x00c\\d")},
		{`\xA7`, []byte{0xA7}}, // one raw byte, not the UTF-8 of U+00A7
		{`\xa7\x00\xFF`, []byte{0xA7, 0, 0xFF}},
		{`\x414`, []byte("A4")},
		{"中\\n", []byte("中\n")},
		{`\\x41`, []byte(`\x41`)},
	}
	for _, tt := range tests {
		got, err := Unescape(tt.in)
		if err != nil {
			t.Errorf("Unescape(%q): %v", tt.in, err)
			continue
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("Unescape(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestUnescapeErrors(t *testing.T) {
	tests := []struct {
		in   string
		pos  int
		code string
		char string
	}{
		{`ab\q`, 3, CodeEscUnknown, `\q`},
		{`中文\中`, 3, CodeEscUnknown, `\中`},
		{`abc\`, 4, CodeEscTrailing, `\`},
		{`\x`, 1, CodeEscBadHex, `\x`},
		{`\x4`, 1, CodeEscBadHex, `\x4`},
		{`x\xG1`, 2, CodeEscBadHex, `\xG1`},
		{`\x4中`, 1, CodeEscBadHex, `\x4中`},
		{`\X41`, 1, CodeEscUnknown, `\X`},
		{"\\\n", 1, CodeEscUnknown, "\\\n"},
	}
	for _, tt := range tests {
		got, err := Unescape(tt.in)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("Unescape(%q) = %q, %v; want an InputError", tt.in, got, err)
			continue
		}
		if got != nil {
			t.Errorf("Unescape(%q) returned bytes with an error", tt.in)
		}
		if ie.Pos != tt.pos || ie.Code != tt.code || ie.Char != tt.char {
			t.Errorf("Unescape(%q) error = %+v; want pos %d code %s char %q", tt.in, *ie, tt.pos, tt.code, tt.char)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		err  InputError
		want string
	}{
		{InputError{Pos: 3, Code: CodeEscUnknown, Char: `\q`}, `position 3: unknown escape "\\q" (use \r \n \t \0 \\ or \xHH)`},
		{InputError{Pos: 1, Code: CodeEscBadHex, Char: `\xG`}, `position 1: "\\xG" needs two hex digits, as in \x0D`},
		{InputError{Pos: 9, Code: CodeEscTrailing, Char: `\`}, `position 9: a lone \ ends the text (type \\ for a backslash)`},
		{InputError{Pos: 2, Code: CodeCharsetUnencodable, Char: "€", Charset: Latin1}, `position 2: '€' cannot be encoded in Latin-1`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte("GET / HTTP/1.1\r\n"), `GET / HTTP/1.1\r\n`},
		{[]byte("a\tb\x00c\\d"), `a\tb\0c\\d`},
		{[]byte{0x1B, 0x7F, 0x80, 0xA7, 0xFF}, `\x1B\x7F\x80\xA7\xFF`},
		{[]byte("中"), `\xE4\xB8\xAD`},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q; want %q", tt.in, got, tt.want)
		}
		back, err := Unescape(got)
		if err != nil || !bytes.Equal(back, tt.in) {
			t.Errorf("Unescape(Escape(%q)) = %q, %v", tt.in, back, err)
		}
	}
}
