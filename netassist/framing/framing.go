// Package framing cuts a TCP byte stream into messages (粘包 and 拆包: TCP
// keeps no message boundaries, so several sends may arrive in one read and
// one send across several). A Framer is per connection and is a view over
// the stream: the frames it emits, good or bad, put end to end, are exactly
// the bytes it was given, so nothing is ever lost to a broken rule.
package framing

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"time"
)

// Kind is how a stream is split; the strings are the --open frame= values.
type Kind string

const (
	Reads    Kind = "reads"    // every read is a message (no framing)
	Delim    Kind = "delim"    // a delimiter ends each message
	Fixed    Kind = "fixed"    // every message has the same length
	LenField Kind = "lenfield" // a length field in a header says how long
	Idle     Kind = "idle"     // a silence ends each message
)

// Kinds lists the kinds in the order the window offers them.
var Kinds = []Kind{Reads, Delim, Fixed, LenField, Idle}

// DefaultMax is the longest message when Config.Max is 0.
const DefaultMax = 64 << 10

// MaxMax bounds Config.Max: a framer buffers up to Max bytes per connection.
const MaxMax = 16 << 20

// Config is a framing rule. The zero value is Reads.
type Config struct {
	Kind Kind

	Delim []byte // Delim: the delimiter, at least one byte
	Keep  bool   // Delim: show the delimiter with the message (it is always in Frame.Data)

	Len int // Fixed: the length of every message

	// LenField: a Size-byte (1, 2 or 4) unsigned length at Off, big endian
	// when Big. Without Whole the length counts the bytes after the field;
	// with Whole it counts the whole message from its first byte. Adj is
	// added to it either way (a length that counts a trailing checksum it
	// does not include, say, takes Adj 2).
	Off   int
	Size  int
	Big   bool
	Adj   int
	Whole bool

	// Max is the longest message (Delim, LenField, Idle); 0 means DefaultMax.
	// Longer ones are emitted as bad frames so the buffer stays bounded.
	Max int

	Gap time.Duration // Idle: the silence that ends a message
}

// Bad says why a frame broke the rule; a number, not a string, so that a
// slice of messages holds no pointers for the collector to scan.
type Bad uint8

// Reasons a frame is bad, in Frame.Bad.
const (
	Good          Bad = iota // a message that obeys the rule
	BadTooLong               // no end within Max bytes
	BadLength                // a length field out of range: the bytes skipped to find a good one
	BadIncomplete            // the connection ended mid-message
)

func (b Bad) String() string {
	switch b {
	case Good:
		return ""
	case BadTooLong:
		return "too_long"
	case BadLength:
		return "bad_length"
	case BadIncomplete:
		return "incomplete"
	}
	return "bad"
}

// Frame is one message, or a run of bytes that broke the rule.
type Frame struct {
	Data  []byte // the bytes exactly as received, delimiter included
	Strip int    // trailing bytes a view hides (a delimiter not kept)
	Bad   Bad    // Good, or why it broke the rule

	Reads  int // how many reads its bytes came in (1: one read)
	InRead int // how many frames ended in the read this one ended in; 0 when a silence or the close ended it
	Index  int // its place among those, from 0
}

// Shown is the part of the message a view shows.
func (f Frame) Shown() []byte { return f.Data[:len(f.Data)-f.Strip] }

// Errors of Check; the window has its own words for each.
var (
	ErrKind     = errors.New("unknown framing kind")
	ErrDelim    = errors.New("the delimiter is empty")
	ErrLen      = errors.New("the fixed length must be at least 1")
	ErrSize     = errors.New("the length field's size must be 1, 2 or 4")
	ErrOff      = errors.New("the length field's offset must be from 0 to the maximum")
	ErrMax      = errors.New("the maximum is out of range")
	ErrGap      = errors.New("the idle gap must be from 1 ms to 1 minute")
	ErrDelimMax = errors.New("the delimiter is longer than the maximum")
)

// MaxGap bounds Config.Gap.
const MaxGap = time.Minute

// Check says what is wrong with c, or nil.
func (c Config) Check() error {
	max := c.max()
	if c.Max < 0 || c.Max > MaxMax {
		return fmt.Errorf("%w: %d (1 to %d)", ErrMax, c.Max, MaxMax)
	}
	switch c.Kind {
	case "", Reads:
	case Delim:
		if len(c.Delim) == 0 {
			return ErrDelim
		}
		if len(c.Delim) > max {
			return ErrDelimMax
		}
	case Fixed:
		if c.Len < 1 || c.Len > MaxMax {
			return fmt.Errorf("%w (1 to %d)", ErrLen, MaxMax)
		}
	case LenField:
		if c.Size != 1 && c.Size != 2 && c.Size != 4 {
			return ErrSize
		}
		if c.Off < 0 || c.Off+c.Size > max {
			return ErrOff
		}
	case Idle:
		if c.Gap < time.Millisecond || c.Gap > MaxGap {
			return ErrGap
		}
	default:
		return fmt.Errorf("%w %q", ErrKind, c.Kind)
	}
	return nil
}

func (c Config) max() int {
	if c.Max <= 0 {
		return DefaultMax
	}
	return c.Max
}

// Framer splits one connection's stream. It is not safe for concurrent use:
// it belongs to the connection's read loop.
type Framer struct {
	cfg Config
	max int

	buf   []byte // buf[start:] is not yet emitted
	start int
	// searched is how far the delimiter search got, so a long message that
	// arrives in many reads is not searched again from its start.
	searched int
	// reads holds where each read after the first one in buf begins, so a
	// frame knows how many reads it spans.
	reads []int
	cuts  []cut // scratch, reused by every Push
	// own and frames hold what a call returns, reused by the next one: a
	// flood of small messages then allocates nothing per read.
	own    []byte
	frames []Frame
}

// Splits says whether c splits the stream into messages at all (reads as
// they come do not).
func (c Config) Splits() bool { return c.Kind != "" && c.Kind != Reads }

// New makes a framer for c, which must pass Check; nil for Reads (every
// read is its own message and needs no state).
func New(c Config) *Framer {
	if !c.Splits() {
		return nil
	}
	return &Framer{cfg: c, max: c.max()}
}

// Kind is the framer's kind.
func (f *Framer) Kind() Kind { return f.cfg.Kind }

// Gap is the silence that ends a message, for an Idle framer; else 0.
func (f *Framer) Gap() time.Duration {
	if f.cfg.Kind == Idle {
		return f.cfg.Gap
	}
	return 0
}

// Pending is how many bytes wait for the rest of their message.
func (f *Framer) Pending() int { return len(f.buf) - f.start }

// Tally counts frames a push only counted: the older ones of a read, which
// no view would show (see PushTail).
type Tally struct {
	Good, Bad int // messages, and bad frames apart
	Bytes     int // their bytes
}

// Push takes one read and returns every frame it completed; see PushTail.
func (f *Framer) Push(p []byte) []Frame {
	frames, _ := f.PushTail(p, -1)
	return frames
}

// PushTail takes one read and returns the frames it completed, built only
// for the newest ones that fit in tail bytes, and the newest one always
// (all of them when tail < 0):
// the older ones are counted in the Tally, not built, so a flood of small
// messages into a view that keeps only its newest bytes costs a search per
// message and no record. InRead and Index still count every frame of the
// read. p is not kept.
//
// The frames and their Data belong to the framer and are valid until the
// next push or Flush (a Recorder copies what it keeps). Their Data are
// consecutive in one array (frames[0].Data[:n], n their total length, is
// all of them), so a frame's Data must not be appended to.
func (f *Framer) PushTail(p []byte, tail int) ([]Frame, Tally) {
	if len(p) == 0 {
		return nil, Tally{}
	}
	if f.Pending() > 0 {
		f.reads = append(f.reads, len(f.buf))
	}
	f.buf = append(f.buf, p...)
	cuts := f.cuts[:0]
	switch f.cfg.Kind {
	case Delim:
		cuts = f.delim(cuts)
	case Fixed:
		for n := f.Pending(); n >= f.cfg.Len; n -= f.cfg.Len {
			cuts = append(cuts, cut{n: f.cfg.Len})
		}
	case LenField:
		cuts = f.lenField(cuts)
	case Idle:
		for n := f.Pending(); n >= f.max; n -= f.max {
			cuts = append(cuts, cut{n: f.max, bad: BadTooLong})
		}
	}
	f.cuts = cuts[:0]
	var t Tally
	first := 0 // the oldest cut that is built
	if tail >= 0 {
		first = len(cuts)
		for n := 0; first > 0 && (first == len(cuts) || n+cuts[first-1].n <= tail); first-- {
			n += cuts[first-1].n
		}
		t = f.skip(cuts[:first])
	}
	frames := f.emit(cuts[first:])
	for i := range frames {
		frames[i].InRead, frames[i].Index = len(cuts), first+i
	}
	return frames, t
}

// skip drops the bytes of cuts from the buffer, counting them.
func (f *Framer) skip(cuts []cut) Tally {
	var t Tally
	for _, c := range cuts {
		if c.bad == Good {
			t.Good++
		} else {
			t.Bad++
		}
		t.Bytes += c.n
	}
	if t.Bytes > 0 {
		f.start += t.Bytes
		f.forgetReads()
		f.compact()
	}
	return t
}

// forgetReads drops the reads that began before what is still pending.
func (f *Framer) forgetReads() {
	keep := f.reads[:0]
	for _, r := range f.reads {
		if r > f.start {
			keep = append(keep, r)
		}
	}
	f.reads = keep
}

// Flush emits what is buffered: when the idle gap has passed (a good
// message) or the connection has ended (incomplete, except for Idle,
// where the end is a silence too). What it returns is valid as Push's is.
func (f *Framer) Flush() []Frame {
	n := f.Pending()
	if n == 0 {
		return nil
	}
	why := BadIncomplete
	if f.cfg.Kind == Idle {
		why = Good
	}
	return f.emit([]cut{{n: n, bad: why}})
}

// cut is a frame to take from the front of what is pending.
type cut struct {
	n     int
	strip int
	bad   Bad
}

func (f *Framer) consumed(cuts []cut) int {
	n := 0
	for _, c := range cuts {
		n += c.n
	}
	return n
}

// delim finds every message that ends within max bytes of its start; a
// message with no delimiter in its first max bytes is cut there as too
// long. Either way the decision depends only on the bytes, never on how
// they were split into reads.
func (f *Framer) delim(cuts []cut) []cut {
	d := f.cfg.Delim
	at := f.start
	for {
		from := max(f.searched, at)
		end := min(len(f.buf), at+f.max)
		i := -1
		if from < end {
			i = index(f.buf[from:end], d)
		}
		if i >= 0 {
			n := from + i + len(d) - at
			c := cut{n: n, strip: len(d)}
			if f.cfg.Keep {
				c.strip = 0
			}
			cuts = append(cuts, c)
			at += n
			f.searched = at
			continue
		}
		if len(f.buf)-at >= f.max {
			cuts = append(cuts, cut{n: f.max, bad: BadTooLong})
			at += f.max
			f.searched = at
			continue
		}
		// A delimiter may begin in the last len(d)-1 bytes: search them again.
		f.searched = max(at, len(f.buf)-len(d)+1)
		return cuts
	}
}

// index is bytes.Index for the short delimiters of device protocols.
// bytes.Index costs a call, and then one more at every candidate; in a
// flood of short messages that was most of the search. Short messages are
// found eight bytes at a time with plain arithmetic, long ones by
// bytes.IndexByte.
func index(s, d []byte) int {
	last := len(s) - len(d) // the last place d can begin
	if last < 0 {
		return -1
	}
	at := 0
	// A byte of x is zero where s has d[0]; m has the top bit of exactly
	// those bytes set.
	const lo7, hi = 0x7F7F7F7F7F7F7F7F, 0x8080808080808080
	rep := uint64(d[0]) * 0x0101010101010101
	for ; at < swarSpan && at+8 <= len(s); at += 8 {
		x := binary.LittleEndian.Uint64(s[at:]) ^ rep
		for m := ^((x & lo7) + lo7 | x | lo7) & hi; m != 0; m &= m - 1 {
			i := at + bits.TrailingZeros64(m)/8
			if i > last {
				return -1
			}
			if len(d) == 1 || (s[i+1] == d[1] && (len(d) == 2 || string(s[i+2:i+len(d)]) == string(d[2:]))) {
				return i
			}
		}
	}
	for at <= last {
		i := bytes.IndexByte(s[at:last+1], d[0])
		if i < 0 {
			return -1
		}
		at += i
		if string(s[at:at+len(d)]) == string(d) {
			return at
		}
		at++
	}
	return -1
}

// swarSpan is how far index looks eight bytes at a time before it hands
// over to bytes.IndexByte, which is faster once it gets going.
const swarSpan = 64

// lenField reads headers; a length out of range makes the framer skip one
// byte and try again there (resynchronise), and the skipped bytes go out
// as one bad frame before the next good one.
func (f *Framer) lenField(cuts []cut) []cut {
	c := f.cfg
	at := f.start // the next header to try
	badFrom := at
	flushBad := func() {
		if at > badFrom {
			cuts = append(cuts, cut{n: at - badFrom, bad: BadLength})
		}
	}
	for {
		hdr := c.Off + c.Size
		if len(f.buf)-at < hdr {
			break
		}
		field := f.buf[at+c.Off : at+hdr]
		var v uint64
		switch {
		case c.Size == 1:
			v = uint64(field[0])
		case c.Size == 2 && c.Big:
			v = uint64(binary.BigEndian.Uint16(field))
		case c.Size == 2:
			v = uint64(binary.LittleEndian.Uint16(field))
		case c.Big:
			v = uint64(binary.BigEndian.Uint32(field))
		default:
			v = uint64(binary.LittleEndian.Uint32(field))
		}
		total := int64(v) + int64(c.Adj)
		if !c.Whole {
			total += int64(hdr)
		}
		if total < int64(hdr) || total < 1 || total > int64(f.max) {
			at++ // resynchronise: this byte cannot start a message
			continue
		}
		if int64(len(f.buf)-at) < total {
			break
		}
		flushBad()
		cuts = append(cuts, cut{n: int(total)})
		at += int(total)
		badFrom = at
	}
	// Bytes known bad are sent now: what follows them may take long.
	flushBad()
	return cuts
}

// emit turns cuts into frames with a copy of the bytes (in the framer's
// reused array) and drops the bytes from the buffer.
func (f *Framer) emit(cuts []cut) []Frame {
	if len(cuts) == 0 {
		return nil
	}
	total := f.consumed(cuts)
	own := append(f.own[:0], f.buf[f.start:f.start+total]...)
	f.own = own
	frames := slices.Grow(f.frames[:0], len(cuts))[:len(cuts)]
	f.frames = frames
	off := 0
	for i, c := range cuts {
		end := f.start + c.n
		spans := 1
		for _, r := range f.reads {
			if r > f.start && r < end {
				spans++
			}
		}
		frames[i] = Frame{Data: own[off : off+c.n], Strip: c.strip, Bad: c.bad, Reads: spans}
		off += c.n
		f.start = end
	}
	f.forgetReads()
	f.compact()
	return frames
}

// compact moves the pending bytes to the front of the buffer once the
// emitted ones are the larger part, so the buffer does not grow for ever.
func (f *Framer) compact() {
	if f.start == 0 {
		return
	}
	if f.start == len(f.buf) {
		f.shift(f.start)
		f.buf = f.buf[:0]
		return
	}
	if f.start < len(f.buf)-f.start {
		return
	}
	n := copy(f.buf, f.buf[f.start:])
	f.shift(f.start)
	f.buf = f.buf[:n]
}

func (f *Framer) shift(by int) {
	f.start = 0
	f.searched = max(0, f.searched-by)
	for i := range f.reads {
		f.reads[i] -= by
	}
}
