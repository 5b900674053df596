package codec

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

// decodeAll runs a Decoder over p as the display does: it returns the
// characters that decoded and how many bytes did not, and checks that
// every byte is consumed exactly once.
func decodeAll(t *testing.T, c Charset, p []byte) (text []rune, bad int) {
	t.Helper()
	d := NewDecoder(c)
	for off := 0; off < len(p); {
		r, size, ok := d.Next(p[off:])
		switch {
		case size == 0: // incomplete at the end of the data: its first byte is bad
			if off+utf8.UTFMax*2 < len(p) {
				t.Fatalf("%s: Next(% x) wants more bytes in the middle of the data", c, p[off:])
			}
			size, ok = 1, false
		case size < 0 || off+size > len(p):
			t.Fatalf("%s: Next(% x) size %d", c, p[off:], size)
		}
		if ok {
			text = append(text, r)
		} else {
			bad += size
		}
		off += size
	}
	return text, bad
}

// FuzzCharsetRoundTrip checks, for every charset, that text it can encode
// decodes back to the same text with no bad byte, and that decoding any
// bytes never panics, consumes every byte, and that the characters it
// found encode and decode back to themselves.
func FuzzCharsetRoundTrip(f *testing.F) {
	for _, s := range []string{"hello\r\n", "中文 GBK", "café", "€", "\x00\xff\xfe", "\xc4\xe3\xba\xc3", "\x81\x30\x81\x30", "𝄞 emoji 😀", "\uFFFD", "ÿ"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
		f.Add(s, uint8(2))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, sel uint8) {
		c := Charsets[int(sel)%len(Charsets)]
		b, err := EncodeString(c, s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || b != nil || ie.Pos < 1 || ie.Pos > utf8.RuneCountInString(s) {
				t.Fatalf("EncodeString(%s, %q) = % x, %v", c, s, b, err)
			}
		} else {
			text, bad := decodeAll(t, c, b)
			if bad != 0 || string(text) != s {
				t.Fatalf("%s: %q encodes to % x, which decodes to %q (%d bad bytes)", c, s, b, string(text), bad)
			}
		}
		// The same input as raw bytes, as a peer might send them.
		text, _ := decodeAll(t, c, []byte(s))
		again, err := EncodeString(c, string(text))
		if err != nil {
			// A decoded U+FFFD (GB18030 maps it) is refused on purpose.
			if bytes.ContainsRune([]byte(string(text)), utf8.RuneError) {
				return
			}
			t.Fatalf("%s: decoded %q does not encode: %v", c, string(text), err)
		}
		back, bad := decodeAll(t, c, again)
		if bad != 0 || string(back) != string(text) {
			t.Fatalf("%s: decoded %q re-encodes to % x, which decodes to %q", c, string(text), again, string(back))
		}
	})
}

// FuzzEncode checks the send box's encoder over every option: no panic,
// errors are InputErrors positioned in the text with no partial output,
// the checksum is appended, and with escapes on, Escape of any bytes
// sent as Latin-1 text comes out as those bytes.
func FuzzEncode(f *testing.F) {
	f.Add(`GET / HTTP/1.1\r\n\r\n`, uint8(0), uint8(0))
	f.Add("01 02 0x03,04", uint8(1), uint8(5))
	f.Add("中\\xA7\\0\n\r\n", uint8(2), uint8(3))
	f.Add("\\x", uint8(3), uint8(1))
	f.Fuzz(func(t *testing.T, text string, a, b uint8) {
		opt := SendOptions{
			Mode:     Modes[int(a)%len(Modes)],
			Escapes:  a&2 != 0,
			Newline:  Newlines[int(a>>2)%len(Newlines)],
			Charset:  Charsets[int(a>>4)%len(Charsets)],
			Checksum: Checksums[int(b)%len(Checksums)],
		}
		out, err := Encode(text, opt)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || out != nil || ie.Pos < 1 || ie.Pos > utf8.RuneCountInString(text)+1 {
				t.Fatalf("Encode(%q, %+v) = % x, %v", text, opt, out, err)
			}
			return
		}
		n := opt.Checksum.Size()
		if len(out) < n {
			t.Fatalf("Encode(%q, %+v) = % x: shorter than its checksum", text, opt, out)
		}
		payload := out[:len(out)-n]
		if !bytes.Equal(AppendChecksum(opt.Checksum, payload), out) {
			t.Fatalf("Encode(%q, %+v): checksum of % x is not % x", text, opt, payload, out[len(payload):])
		}
		// Round trip: any bytes, escaped, sent as Latin-1 with escapes on.
		raw := []byte(text)
		back, err := Encode(Escape(raw), SendOptions{Escapes: true, Charset: Latin1})
		if err != nil || !bytes.Equal(back, raw) {
			t.Fatalf("Encode(Escape(% x)) = % x, %v", raw, back, err)
		}
	})
}
