package codec

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Charset names a character set for showing received text and for encoding
// typed text. The string values are stable (they are saved in preferences).
// The zero value means UTF-8.
type Charset string

const (
	UTF8    Charset = "UTF-8"
	GBK     Charset = "GBK"
	GB18030 Charset = "GB18030"
	Latin1  Charset = "Latin-1" // ISO-8859-1
)

// Charsets lists the choices, in the order a picker shows them.
var Charsets = []Charset{UTF8, GBK, GB18030, Latin1}

// Valid reports whether c is one of Charsets (or the zero value).
func (c Charset) Valid() bool {
	switch c {
	case "", UTF8, GBK, GB18030, Latin1:
		return true
	}
	return false
}

// orDefault maps the zero value and unknown names to UTF-8.
func (c Charset) orDefault() Charset {
	if c == "" || !c.Valid() {
		return UTF8
	}
	return c
}

// gbEncoding returns the x/text encoding of the two-byte charsets.
func (c Charset) gbEncoding() encoding.Encoding {
	if c == GB18030 {
		return simplifiedchinese.GB18030
	}
	return simplifiedchinese.GBK
}

// runeEncoder encodes one rune at a time so that an unencodable character
// can be reported with its position.
type runeEncoder struct {
	cs  Charset
	enc *encoding.Encoder // GBK and GB18030 only
}

func newRuneEncoder(c Charset) *runeEncoder {
	e := &runeEncoder{cs: c.orDefault()}
	if e.cs == GBK || e.cs == GB18030 {
		e.enc = e.cs.gbEncoding().NewEncoder()
	}
	return e
}

// appendRune appends r in the charset, or reports false if it has no
// encoding there. Invalid UTF-8 in the input (utf8.RuneError) never encodes.
func (e *runeEncoder) appendRune(dst []byte, r rune) ([]byte, bool) {
	if r < utf8.RuneSelf {
		return append(dst, byte(r)), true
	}
	if r == utf8.RuneError {
		// Also the decoding of invalid UTF-8; GB18030 could encode the
		// real U+FFFD but typing it is far rarer than a broken string.
		return dst, false
	}
	switch e.cs {
	case UTF8:
		return utf8.AppendRune(dst, r), true
	case Latin1:
		b, ok := charmap.ISO8859_1.EncodeRune(r)
		return append(dst, b), ok
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	var buf [8]byte
	e.enc.Reset()
	nDst, _, err := e.enc.Transform(buf[:], src[:n], true)
	if err != nil || nDst == 0 {
		return dst, false
	}
	// Some private-use characters encode in GB18030 to bytes that decode
	// to another character (U+E0AC → 83 38 A9 39 → U+F0C0 in x/text).
	// Sending those bytes would say something other than what was typed,
	// so such a character counts as unencodable.
	if r >= 0xE000 && r <= 0xF8FF {
		back, err := e.cs.gbEncoding().NewDecoder().Bytes(buf[:nDst])
		if err != nil || string(back) != string(src[:n]) {
			return dst, false
		}
	}
	return append(dst, buf[:nDst]...), true
}

// EncodeString encodes s in charset c. A character that c cannot encode is
// an *InputError (charset.unencodable) with its position; no partial output
// is returned with an error.
func EncodeString(c Charset, s string) ([]byte, error) {
	return encodeText(s, SendOptions{Charset: c})
}

// Decoder decodes bytes one character at a time and tells apart the bytes
// that do not decode, so that a view can show them instead of U+FFFD. It
// holds no state between calls but is not safe for concurrent use.
type Decoder struct {
	cs   Charset
	dec  *encoding.Decoder // GBK and GB18030 only
	fffd []byte            // the charset's own encoding of U+FFFD, if any
	buf  [utf8.UTFMax * 2]byte
	// pairs caches mapped two-byte characters by lead and trail byte (0:
	// not cached): a Transform call per character would make Chinese text
	// several times slower to show than ASCII.
	pairs []rune
}

// NewDecoder returns a decoder for c; unknown names decode as UTF-8.
func NewDecoder(c Charset) *Decoder {
	d := &Decoder{cs: c.orDefault()}
	switch d.cs {
	case GBK, GB18030:
		d.dec = d.cs.gbEncoding().NewDecoder()
		d.fffd, _ = d.cs.gbEncoding().NewEncoder().Bytes([]byte("\uFFFD"))
	}
	return d
}

// Charset returns the charset d decodes.
func (d *Decoder) Charset() Charset { return d.cs }

// Next decodes the character at the start of p (which must not be empty):
//   - ok is true and size > 0 for a character r;
//   - ok is false and size > 0 for size bytes that do not decode;
//   - size is 0 when p is the incomplete start of a character that more
//     bytes may complete (at the end of the data, treat p[0] as undecodable).
func (d *Decoder) Next(p []byte) (r rune, size int, ok bool) {
	c0 := p[0]
	if c0 < utf8.RuneSelf {
		return rune(c0), 1, true
	}
	switch d.cs {
	case Latin1:
		return charmap.ISO8859_1.DecodeByte(c0), 1, true
	case UTF8:
		if !utf8.FullRune(p) {
			return 0, 0, false
		}
		r, size = utf8.DecodeRune(p)
		if r == utf8.RuneError && size == 1 {
			return r, 1, false
		}
		return r, size, true
	}
	return d.nextGB(p)
}

// nextGB frames one GBK/GB18030 character by its byte structure (lead byte
// 0x81–0xFE, then a trail byte, or in GB18030 digit, lead, digit) and lets
// x/text map it. Unmapped pairs with a non-ASCII trail byte are two bad
// bytes, so the decoder stays in step; otherwise only the lead byte is bad.
func (d *Decoder) nextGB(p []byte) (rune, int, bool) {
	c0 := p[0]
	size := 1
	switch {
	case c0 == 0x80: // the euro sign in CP936; x/text maps it
	case c0 == 0xFF:
		return 0xFF, 1, false
	case len(p) < 2:
		return 0, 0, false
	case d.cs == GB18030 && '0' <= p[1] && p[1] <= '9':
		if len(p) >= 3 && (p[2] < 0x81 || p[2] > 0xFE) {
			return rune(c0), 1, false
		}
		if len(p) < 4 {
			return 0, 0, false
		}
		if p[3] < '0' || p[3] > '9' {
			return rune(c0), 1, false
		}
		size = 4
	case 0x40 <= p[1] && p[1] <= 0xFE && p[1] != 0x7F:
		size = 2
	default:
		return rune(c0), 1, false
	}
	var slot *rune
	if size == 2 {
		if d.pairs == nil {
			d.pairs = make([]rune, 126*192)
		}
		slot = &d.pairs[int(c0-0x81)*192+int(p[1]-0x40)]
		if *slot > 0 {
			return *slot, 2, true
		}
	}
	r, ok := d.mapGB(p[:size])
	if slot != nil && ok {
		*slot = r
	}
	switch {
	case ok:
		return r, size, true
	case size == 2 && p[1] >= 0x80:
		return r, 2, false
	}
	return r, 1, false
}

// mapGB asks x/text for the character that the framed bytes p encode.
func (d *Decoder) mapGB(p []byte) (rune, bool) {
	nDst, nSrc, err := d.dec.Transform(d.buf[:], p, true)
	r, n := utf8.DecodeRune(d.buf[:nDst])
	if err != nil || nSrc != len(p) || n != nDst ||
		(r == utf8.RuneError && string(p) != string(d.fffd)) {
		return utf8.RuneError, false
	}
	return r, true
}
