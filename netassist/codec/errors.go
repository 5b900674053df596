// Package codec turns what a user types into the bytes that are sent (hex,
// text with escapes, charsets, newline conversion, checksums) and gives the
// receive view the same charsets and escape language. It has no GUI import.
package codec

import (
	"fmt"
	"strconv"
)

// Error codes carried in InputError.Code. They are stable keys: the UI
// translates by them, so never rename one.
//
//	hex.badchar          a character that is neither a hex digit nor a separator
//	hex.odd              a group of hex digits with an odd count ("486", "0x4")
//	hex.prefix           "0x" with no digits after it
//	esc.unknown          a backslash followed by something other than r n t 0 \ x
//	esc.badhex           \x not followed by two hex digits
//	esc.trailing         a lone backslash at the end of the text
//	charset.unencodable  a character the chosen charset cannot encode
const (
	CodeHexBadChar         = "hex.badchar"
	CodeHexOdd             = "hex.odd"
	CodeHexPrefix          = "hex.prefix"
	CodeEscUnknown         = "esc.unknown"
	CodeEscBadHex          = "esc.badhex"
	CodeEscTrailing        = "esc.trailing"
	CodeCharsetUnencodable = "charset.unencodable"
)

// InputError reports why typed input cannot be turned into bytes, and where.
// It is the only error type this package returns for bad input.
type InputError struct {
	Pos     int     // 1-based character (rune) position in the text as typed
	Code    string  // one of the Code* constants
	Char    string  // the offending character, escape or hex group, as typed
	Charset Charset // the charset, for charset.unencodable only
}

func (e *InputError) Error() string {
	var what string
	switch e.Code {
	case CodeHexBadChar:
		what = quoteChar(e.Char) + " is not a hex digit"
	case CodeHexOdd:
		what = strconv.Quote(e.Char) + " has an odd number of hex digits"
	case CodeHexPrefix:
		what = strconv.Quote(e.Char) + " is not followed by hex digits"
	case CodeEscUnknown:
		what = "unknown escape " + strconv.Quote(e.Char) + ` (use \r \n \t \0 \\ or \xHH)`
	case CodeEscBadHex:
		what = strconv.Quote(e.Char) + ` needs two hex digits, as in \x0D`
	case CodeEscTrailing:
		what = `a lone \ ends the text (type \\ for a backslash)`
	case CodeCharsetUnencodable:
		what = quoteChar(e.Char) + " cannot be encoded in " + string(e.Charset)
	default:
		what = e.Code + " " + strconv.Quote(e.Char)
	}
	return fmt.Sprintf("position %d: %s", e.Pos, what)
}

// quoteChar shows a single character in single quotes, escaping it when it
// would be invisible; anything else is shown as a double-quoted string.
func quoteChar(s string) string {
	r := []rune(s)
	if len(r) == 1 {
		return strconv.QuoteRune(r[0])
	}
	return strconv.Quote(s)
}
