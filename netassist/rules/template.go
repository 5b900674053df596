package rules

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"netassist/netassist/codec"
)

// Template placeholders, filled in per message:
//
//	${1} ${2} …     a numbered regex group (${0}: all the regex matched)
//	${name}         a named regex group, (?P<name>…)
//	${msg}          the whole message, its bytes as received
//	${hex}          the message as hex text, "7E 01 A0"
//	${counter}      this rule's hit number, 1 for the first answer
//	${time}         local time, "2006-01-02 15:04:05.000"
//	${time:unix}    seconds since 1970, ${time:unixms} milliseconds
//	${peer}         the peer's address, "127.0.0.1:50312"
//	${random}       a random number 0 … 2147483647, in decimal
//	${random:N}     N random bytes (1 … 64)
//
// Everything else is the send box's language: text with escapes (\r \n \t
// \0 \\ \xHH) encoded in the rule's charset, or hex. "$${" writes a
// literal "${". A group that did not take part in the match is empty. Text
// placeholders are written in the rule's charset (a text group is the text
// it matched; a hex group is the bytes it covers, whatever the format).

// TimeLayout is the layout of ${time}.
const TimeLayout = "2006-01-02 15:04:05.000"

type partKind uint8

const (
	partLit partKind = iota
	partGroup
	partMsg
	partHex
	partCounter
	partTime
	partTimeUnix
	partTimeUnixMS
	partPeer
	partRandom
	partRandomBytes
)

// part is one compiled piece of a template: literal bytes, already encoded,
// or a placeholder with its argument.
type part struct {
	kind partKind
	lit  []byte
	n    int // group index or random byte count
}

// template is a compiled reply: parsed once, expanded per message by
// appending into a caller's buffer.
type template struct {
	parts    []part
	charset  codec.Charset
	checksum codec.ChecksumKind
}

// env is what a placeholder can refer to for one message.
type env struct {
	msg     []byte
	groups  []int         // regexp submatch indexes into subject (nil: no regex)
	subject []byte        // what the regex ran on
	hexOn   bool          // groups index a hex string: map them back to msg bytes
	decoded codec.Charset // subject is msg decoded from this charset to UTF-8 ("" : subject is msg)
	counter uint64
	now     time.Time
	peer    string
}

// groupNames gives the regex's group count and names, for checking ${…}.
type groupNames struct {
	n     int // number of groups, 0 for non-regex rules (${0} still means the match)
	names map[string]int
	regex bool
}

// compileTemplate parses r.Template. Errors are *Error with Field
// "reply.template" and the 1-based character position of the problem.
func compileTemplate(r Reply, g groupNames) (*template, *Error) {
	t := &template{charset: r.Charset, checksum: r.Checksum}
	s := r.Template
	lit := strings.Builder{}
	litStart := 0 // byte offset in s where the pending literal starts
	flush := func() *Error {
		if lit.Len() == 0 {
			return nil
		}
		b, err := encodeLit(lit.String(), r)
		if err != nil {
			e := inputErr(err, "reply.template")
			// The codec counts from the literal's start; shift to the field.
			e.Pos += runePos(s, litStart) - 1
			return e
		}
		t.parts = append(t.parts, part{kind: partLit, lit: b})
		lit.Reset()
		return nil
	}
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "$${") {
			if lit.Len() == 0 {
				litStart = i
			}
			lit.WriteString("${")
			i += 3
			continue
		}
		if strings.HasPrefix(s[i:], "${") {
			if err := flush(); err != nil {
				return nil, err
			}
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, &Error{Field: "reply.template", Pos: runePos(s, i), Code: CodeUnclosed}
			}
			name := s[i+2 : i+end]
			p, err := placeholder(name, g)
			if err != nil {
				err.Field, err.Pos = "reply.template", runePos(s, i)
				return nil, err
			}
			t.parts = append(t.parts, p)
			i += end + 1
			litStart = i
			continue
		}
		if lit.Len() == 0 {
			litStart = i
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		lit.WriteString(s[i : i+size])
		i += size
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return t, nil
}

// encodeLit encodes one literal stretch of the template as the send box
// would (text with escapes in the charset, or hex), without the checksum.
func encodeLit(s string, r Reply) ([]byte, error) {
	return codec.Encode(s, codec.SendOptions{Mode: r.Format, Escapes: true, Charset: r.Charset, Checksum: codec.ChecksumNone})
}

func inputErr(err error, field string) *Error {
	if ie, ok := err.(*codec.InputError); ok {
		return &Error{Field: field, Pos: ie.Pos, Code: ie.Code, Arg: ie.Char}
	}
	return &Error{Field: field, Code: CodeBadValue}
}

func placeholder(name string, g groupNames) (part, *Error) {
	switch name {
	case "msg":
		return part{kind: partMsg}, nil
	case "hex":
		return part{kind: partHex}, nil
	case "counter":
		return part{kind: partCounter}, nil
	case "time":
		return part{kind: partTime}, nil
	case "time:unix":
		return part{kind: partTimeUnix}, nil
	case "time:unixms":
		return part{kind: partTimeUnixMS}, nil
	case "peer":
		return part{kind: partPeer}, nil
	case "random":
		return part{kind: partRandom}, nil
	}
	if n, ok := strings.CutPrefix(name, "random:"); ok {
		k, err := strconv.Atoi(n)
		if err != nil || k < 1 || k > 64 {
			return part{}, &Error{Code: CodeRandomSize, Arg: n}
		}
		return part{kind: partRandomBytes, n: k}, nil
	}
	if k, err := strconv.Atoi(name); err == nil && name != "" && name[0] >= '0' && name[0] <= '9' {
		if k == 0 || (g.regex && k <= g.n) {
			return part{kind: partGroup, n: k}, nil
		}
		return part{}, &Error{Code: CodeNoGroup, Arg: name}
	}
	if k, ok := g.names[name]; ok && name != "" {
		return part{kind: partGroup, n: k}, nil
	}
	return part{}, &Error{Code: CodeUnknownVar, Arg: name}
}

// expand appends the reply for one message to dst, checksum included.
func (t *template) expand(dst []byte, e *env) []byte {
	start := len(dst)
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit:
			dst = append(dst, p.lit...)
		case partGroup:
			dst = e.appendGroup(dst, p.n)
		case partMsg:
			dst = append(dst, e.msg...)
		case partHex:
			dst = appendHex(dst, e.msg)
		case partCounter:
			dst = strconv.AppendUint(dst, e.counter, 10)
		case partTime:
			dst = e.now.AppendFormat(dst, TimeLayout)
		case partTimeUnix:
			dst = strconv.AppendInt(dst, e.now.Unix(), 10)
		case partTimeUnixMS:
			dst = strconv.AppendInt(dst, e.now.UnixMilli(), 10)
		case partPeer:
			dst = append(dst, e.peer...)
		case partRandom:
			dst = strconv.AppendInt(dst, int64(rand.Int32()), 10)
		case partRandomBytes:
			for k := 0; k < p.n; k++ {
				dst = append(dst, byte(rand.Uint32()))
			}
		}
	}
	if t.checksum != "" && t.checksum != codec.ChecksumNone {
		reply := codec.AppendChecksum(t.checksum, dst[start:len(dst):len(dst)])
		dst = append(dst[:start], reply...)
	}
	return dst
}

// appendGroup writes group k. A text group from a UTF-8 match is bytes of
// the message as they came; other charsets were decoded to UTF-8 for the
// regex and are encoded back (a character that does not encode stays UTF-8
// rather than being lost). A hex group is always the message's bytes.
func (e *env) appendGroup(dst []byte, k int) []byte {
	b := e.group(k)
	if e.decoded != "" && len(b) > 0 {
		if enc, err := codec.EncodeString(e.decoded, string(b)); err == nil {
			return append(dst, enc...)
		}
	}
	return append(dst, b...)
}

// group returns the bytes of group k for this message.
func (e *env) group(k int) []byte {
	if e.groups == nil {
		if k == 0 {
			return e.msg
		}
		return nil
	}
	if 2*k+1 >= len(e.groups) || e.groups[2*k] < 0 {
		return nil
	}
	a, b := e.groups[2*k], e.groups[2*k+1]
	if e.hexOn {
		// Byte j is written at 3j..3j+2 in the hex text: keep the bytes
		// whose pair lies wholly inside the group.
		ka, kb := (a+2)/3, (b+1)/3
		if kb <= ka {
			return nil
		}
		return e.msg[ka:kb]
	}
	return e.subject[a:b]
}

// appendHex writes b as FormatHex does ("7E 01"), without allocating.
func appendHex(dst, b []byte) []byte {
	const digits = "0123456789ABCDEF"
	for i, c := range b {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, digits[c>>4], digits[c&0x0F])
	}
	return dst
}
