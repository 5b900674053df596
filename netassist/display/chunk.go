// Package display is the model behind the receive view: it turns received
// and sent chunks into pre-formatted rows (text with visible control
// characters, or hex dump, optionally headed per chunk) and keeps them in a
// bounded ring that a virtualized list shows. It has no GUI import.
package display

import (
	"time"

	"netassist/netassist/codec"
)

// Dir says what a chunk is.
type Dir uint8

const (
	RX   Dir = iota // bytes received
	TX              // bytes sent
	Info            // a note such as "127.0.0.1:5555 connected"
	// Back is bytes received the other way through a relay (server to
	// client): a stream and a colour of its own, shown like RX otherwise.
	Back
)

func (d Dir) String() string {
	switch d {
	case RX:
		return "RX"
	case TX:
		return "TX"
	case Info:
		return "Info"
	case Back:
		return "Back"
	}
	return "Dir(?)"
}

// Chunk is one piece of traffic as it was read or written, or a note.
// The display never modifies Data and keeps no reference to it after
// Format, except History, which keeps the chunks it is given.
type Chunk struct {
	Time time.Time
	Dir  Dir
	Conn uint64 // connection id; 0 for a session's own notes and for UDP
	Peer string // "IP:port", may be empty
	Data []byte // RX and TX
	Note string // Info

	// Msg marks a message cut by framing: it always has rows of its own,
	// also in stream mode. Mark is said after its header ("3 messages in
	// 1 read", or why it is a bad frame).
	Msg  bool
	Mark string
	// Label, when set, heads the chunk instead of "RX ←" / "TX →" (a
	// relay's "client→server").
	Label string
}

// DefaultWrap is the text width in columns when Options.Wrap is not set.
const DefaultWrap = 100

// Options are the receive view's settings.
type Options struct {
	Hex        bool          // hex dump instead of text
	Charset    codec.Charset // for text; the zero value and unknown names mean UTF-8
	LogMode    bool          // head each chunk with time, direction, peer and length
	Timestamps bool          // log mode: time in headers; stream mode: time before each row
	// Wrap is the view's width in columns, not counting the time that
	// starts each row in stream mode (PrefixColumns); <= 0 means
	// DefaultWrap. Text rows break at it, headers and notes too, and hex
	// rows hold 16 bytes or as many fewer (8, 4, 2, 1) as fit.
	Wrap int
	// Units are the words after a chunk's length in log mode headers, in
	// the user's language: one byte, and any other count ("" means
	// English).
	ByteUnit, BytesUnit string
}

// normalized fills in the defaults so that equal settings compare equal.
func (o Options) normalized() Options {
	if o.Wrap <= 0 {
		o.Wrap = DefaultWrap
	}
	if o.ByteUnit == "" {
		o.ByteUnit = "byte"
	}
	if o.BytesUnit == "" {
		o.BytesUnit = "bytes"
	}
	if o.Charset == "" || !o.Charset.Valid() {
		o.Charset = codec.UTF8
	}
	return o
}

// PrefixColumns is how many columns the time before each data row takes:
// "[15:04:05.000000] " in stream mode with timestamps, nothing otherwise.
func (o Options) PrefixColumns() int {
	if o.Timestamps && !o.LogMode {
		return len("[15:04:05.000000] ")
	}
	return 0
}
