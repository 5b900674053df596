package codec

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

func TestEncodeString(t *testing.T) {
	tests := []struct {
		cs   Charset
		in   string
		want []byte
	}{
		{UTF8, "中文", []byte{0xE4, 0xB8, 0xAD, 0xE6, 0x96, 0x87}},
		{"", "中", []byte{0xE4, 0xB8, 0xAD}},
		{GBK, "中文", []byte{0xD6, 0xD0, 0xCE, 0xC4}},
		{GBK, "A中", []byte{'A', 0xD6, 0xD0}},
		{GB18030, "中", []byte{0xD6, 0xD0}},
		{GB18030, "😀", []byte{0x94, 0x39, 0xFC, 0x36}},
		{GB18030, "\u00A7", []byte{0xA1, 0xEC}},
		{Latin1, "café §", []byte{'c', 'a', 'f', 0xE9, ' ', 0xA7}},
	}
	for _, tt := range tests {
		got, err := EncodeString(tt.cs, tt.in)
		if err != nil {
			t.Errorf("EncodeString(%s, %q): %v", tt.cs, tt.in, err)
			continue
		}
		if !bytes.Equal(got, tt.want) {
			t.Errorf("EncodeString(%s, %q) = % X; want % X", tt.cs, tt.in, got, tt.want)
		}
	}
}

func TestEncodeStringUnencodable(t *testing.T) {
	tests := []struct {
		cs   Charset
		in   string
		pos  int
		char string
	}{
		{Latin1, "ab中", 3, "中"},
		{Latin1, "€", 1, "€"},
		{GBK, "中😀", 2, "😀"},
		{UTF8, "a\xffb", 2, "\xff"}, // invalid UTF-8 in the input is not a character
	}
	for _, tt := range tests {
		got, err := EncodeString(tt.cs, tt.in)
		var ie *InputError
		if !errors.As(err, &ie) || got != nil {
			t.Errorf("EncodeString(%s, %q) = % X, %v; want an InputError", tt.cs, tt.in, got, err)
			continue
		}
		if ie.Pos != tt.pos || ie.Code != CodeCharsetUnencodable || ie.Char != tt.char || ie.Charset != tt.cs {
			t.Errorf("EncodeString(%s, %q) error = %+v", tt.cs, tt.in, *ie)
		}
	}
}

func TestCharsetNames(t *testing.T) {
	want := []string{"UTF-8", "GBK", "GB18030", "Latin-1"}
	if len(Charsets) != len(want) {
		t.Fatalf("Charsets = %v", Charsets)
	}
	for i, c := range Charsets {
		if string(c) != want[i] || !c.Valid() {
			t.Errorf("Charsets[%d] = %q; want %q", i, c, want[i])
		}
	}
	if Charset("EBCDIC").Valid() {
		t.Error("EBCDIC is valid")
	}
}

// step is one result of Decoder.Next.
type step struct {
	r    rune
	size int
	ok   bool
}

func TestDecoderNext(t *testing.T) {
	tests := []struct {
		name string
		cs   Charset
		in   []byte
		want step
	}{
		{"ascii", GBK, []byte("A"), step{'A', 1, true}},
		{"utf8 han", UTF8, []byte("中x"), step{'中', 3, true}},
		{"utf8 short", UTF8, []byte{0xE4, 0xB8}, step{0, 0, false}},
		{"utf8 bad", UTF8, []byte{0xA7, 'x'}, step{utf8.RuneError, 1, false}},
		{"utf8 bad lead", UTF8, []byte{0xE4, 'x'}, step{utf8.RuneError, 1, false}},
		{"utf8 real fffd", UTF8, []byte("\uFFFD"), step{0xFFFD, 3, true}},
		{"latin1", Latin1, []byte{0xA7}, step{'§', 1, true}},
		{"gbk han", GBK, []byte{0xD6, 0xD0, 'x'}, step{'中', 2, true}},
		{"gbk short", GBK, []byte{0xD6}, step{0, 0, false}},
		{"gbk euro", GBK, []byte{0x80}, step{'€', 1, true}},
		{"gbk ff", GBK, []byte{0xFF, 'x'}, step{0xFF, 1, false}},
		{"gbk bad trail", GBK, []byte{0xD6, 0x20}, step{0xD6, 1, false}},
		{"gbk digit trail", GBK, []byte{0x81, 0x30, 0x81, 0x30}, step{0x81, 1, false}},
		{"gb18030 four", GB18030, []byte{0x94, 0x39, 0xFC, 0x36}, step{'😀', 4, true}},
		{"gb18030 four short", GB18030, []byte{0x94, 0x39, 0xFC}, step{0, 0, false}},
		{"gb18030 four short 2", GB18030, []byte{0x94, 0x39}, step{0, 0, false}},
		{"gb18030 four bad third", GB18030, []byte{0x94, 0x39, 0x20}, step{0x94, 1, false}},
		{"gb18030 four bad fourth", GB18030, []byte{0x94, 0x39, 0xFC, 0x20}, step{0x94, 1, false}},
		{"gb18030 real fffd", GB18030, []byte{0x84, 0x31, 0xA4, 0x37}, step{0xFFFD, 4, true}},
		{"gb18030 out of range", GB18030, []byte{0xFE, 0x39, 0xFE, 0x39}, step{utf8.RuneError, 1, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, size, ok := NewDecoder(tt.cs).Next(tt.in)
			got := step{r, size, ok}
			if size == 0 || !ok {
				got.r, tt.want.r = 0, 0 // r is unspecified for bad bytes
			}
			if got != tt.want {
				t.Errorf("Next(% X) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestDecoderRoundTrip checks that what EncodeString writes decodes back
// character by character in every charset.
func TestDecoderRoundTrip(t *testing.T) {
	texts := map[Charset]string{
		UTF8:    "Hello, 世界 😀 ü",
		GBK:     "Hello, 世界 €，。",
		GB18030: "Hello, 世界 😀 ü €",
		Latin1:  "Héllo ÿ§",
	}
	for cs, s := range texts {
		b, err := EncodeString(cs, s)
		if err != nil {
			t.Fatalf("%s: %v", cs, err)
		}
		d := NewDecoder(cs)
		var got []rune
		for len(b) > 0 {
			r, size, ok := d.Next(b)
			if !ok {
				t.Fatalf("%s: Next(% X) = %d, %v", cs, b, size, ok)
			}
			got = append(got, r)
			b = b[size:]
		}
		if string(got) != s {
			t.Errorf("%s: decoded %q; want %q", cs, string(got), s)
		}
	}
}
