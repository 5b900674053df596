package codec

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParseHex checks that ParseHex never panics, that its errors are
// InputErrors with a position inside the input, and that FormatHex of its
// result parses back to the same bytes.
func FuzzParseHex(f *testing.F) {
	for _, s := range []string{"48 65 6C", "48656C", "0x48,0x65", "0X48", "48:65-6c\t0A\r\n", "486", "0x", "4G", "中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseHex(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseHex(%q): %T %v", s, err, err)
			}
			if b != nil || ie.Pos < 1 || ie.Pos > utf8.RuneCountInString(s) {
				t.Fatalf("ParseHex(%q) = % X, %+v", s, b, *ie)
			}
			return
		}
		back, err := ParseHex(FormatHex(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("ParseHex(FormatHex(% X)) = % X, %v", b, back, err)
		}
	})
}

// FuzzUnescape checks that Escape's output unescapes to the same bytes for
// any bytes, and that Unescape never panics and positions its errors inside
// the input.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{`GET / HTTP/1.1\r\n`, `\xA7\0\\`, `\q`, `\`, `\x4`, "中\\t", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		esc := Escape(b)
		back, err := Unescape(esc)
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("Unescape(Escape(%q)) = %q, %v (escaped %q)", b, back, err, esc)
		}
		u, err := Unescape(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || u != nil || ie.Pos < 1 || ie.Pos > utf8.RuneCountInString(s) {
				t.Fatalf("Unescape(%q) = %q, %v", s, u, err)
			}
			return
		}
		// Valid escaped text with no backslashes is just its UTF-8.
		if !bytes.ContainsRune(b, '\\') && !bytes.Equal(u, b) {
			t.Fatalf("Unescape(%q) = %q", s, u)
		}
	})
}
