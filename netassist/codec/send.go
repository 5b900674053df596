package codec

import (
	"fmt"
	"unicode/utf8"
)

// Mode says how the send box's text is read. The string values are stable.
type Mode string

const (
	ModeText Mode = "text"
	ModeHex  Mode = "hex"
)

// Modes lists the choices, in the order a picker shows them.
var Modes = []Mode{ModeText, ModeHex}

// SendOptions are the send box's settings. The zero value sends the text
// as typed, in UTF-8, without escapes or checksum.
type SendOptions struct {
	Mode     Mode         // ModeText (also "") or ModeHex
	Escapes  bool         // text: read \r \n \t \0 \\ \xHH
	Newline  Newline      // text: what typed line breaks become
	Charset  Charset      // text: how characters are encoded
	Checksum ChecksumKind // appended after the payload
}

// Encode turns the send box's text into the bytes to send: line breaks are
// converted, then the text is encoded (text: escapes, where \xHH is a raw
// byte and other characters are encoded in the charset; hex: ParseHex),
// then the checksum is appended. Bad input is an *InputError whose
// position counts characters of text as typed; there is never partial
// output with an error. Unknown option values are plain errors.
func Encode(text string, opt SendOptions) ([]byte, error) {
	if !opt.Charset.Valid() {
		return nil, fmt.Errorf("codec: unknown charset %q", opt.Charset)
	}
	if !opt.Newline.Valid() {
		return nil, fmt.Errorf("codec: unknown newline conversion %q", opt.Newline)
	}
	if !opt.Checksum.Valid() {
		return nil, fmt.Errorf("codec: unknown checksum %q", opt.Checksum)
	}
	var out []byte
	var err error
	switch opt.Mode {
	case ModeText, "":
		out, err = encodeText(text, opt)
	case ModeHex:
		// Line breaks are separators in hex, so there is nothing to convert.
		out, err = ParseHex(text)
	default:
		return nil, fmt.Errorf("codec: unknown mode %q", opt.Mode)
	}
	if err != nil {
		return nil, err
	}
	return AppendChecksum(opt.Checksum, out), nil
}

// encodeText does newline conversion, escapes and charset encoding in one
// pass, so that error positions refer to the text as typed.
func encodeText(s string, opt SendOptions) ([]byte, error) {
	enc := newRuneEncoder(opt.Charset)
	nl := opt.Newline.bytes()
	out := make([]byte, 0, len(s)+len(s)/8)
	pos := 1 // 1-based rune position of s[i]
	for i := 0; i < len(s); {
		c := s[i]
		if nl != "" && (c == '\r' || c == '\n') {
			k := lineBreakAt(s, i)
			out = append(out, nl...)
			i += k
			pos += k
			continue
		}
		if c == '\\' && opt.Escapes {
			b, k, err := unescapeAt(s, i, pos)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
			i += k
			pos += k
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var ok bool
		if out, ok = enc.appendRune(out, r); !ok {
			return nil, &InputError{Pos: pos, Code: CodeCharsetUnencodable, Char: s[i : i+size], Charset: enc.cs}
		}
		i += size
		pos++
	}
	return out, nil
}
