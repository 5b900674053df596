package export

import "fmt"

// WarnCode names a kind of damage that a walk skipped. The window words
// each code in the user's language; String is the English of the command
// line and the log.
type WarnCode string

const (
	WarnCutLine      WarnCode = "cut_line"     // Line: the last line of events.jsonl is cut short
	WarnBadLine      WarnCode = "bad_line"     // Line: a line that is not an event
	WarnNoTime       WarnCode = "no_time"      // Line: an event without a readable time
	WarnNoFile       WarnCode = "no_file"      // Line: an rx/tx event naming no raw file
	WarnShortFile    WarnCode = "short_file"   // File, Line, From, To: a raw file shorter than events.jsonl says
	WarnMissingFile  WarnCode = "missing_file" // File: a raw file that is not there
	WarnUnreadable   WarnCode = "unreadable"   // File: a raw file that cannot be read
	WarnNotHTTP      WarnCode = "not_http"     // Conn, N (MiB): a connection left out of HAR
	WarnNoPeer       WarnCode = "no_peer"      // Conn, Peer: a TCP connection left out of pcapng
	WarnBigDatagram  WarnCode = "big_datagram" // N (bytes): a UDP event too large for a datagram
	WarnUDPNoPeer    WarnCode = "udp_no_peer"  // Peer: a datagram left out of pcapng
	WarnNewerFormat  WarnCode = "newer_format" // N (format): read as the newest format known
	WarnNoEventsFile WarnCode = "no_events"    // events.jsonl is missing or empty (reopen only)
)

// Warning is one piece of damage a walk skipped: a code and its data, no
// sentence, so that each reader words it in its own language.
type Warning struct {
	Code     WarnCode
	Line     int    // of events.jsonl, from 1
	File     string // a raw file's name
	From, To int64  // byte range wanted from File
	Conn     uint64
	Peer     string
	N        int64
}

// String is the warning in English.
func (w Warning) String() string {
	switch w.Code {
	case WarnCutLine:
		return fmt.Sprintf("events.jsonl: the last line (%d) is cut short; it was left out", w.Line)
	case WarnBadLine:
		return fmt.Sprintf("events.jsonl: line %d is not an event; it was left out", w.Line)
	case WarnNoTime:
		return fmt.Sprintf("events.jsonl: line %d has no readable time; it was left out", w.Line)
	case WarnNoFile:
		return fmt.Sprintf("events.jsonl: line %d names no raw file; it was left out", w.Line)
	case WarnShortFile:
		return fmt.Sprintf("%s is shorter than events.jsonl says (line %d wants bytes %d to %d); the rest was left out", w.File, w.Line, w.From, w.To)
	case WarnMissingFile:
		return fmt.Sprintf("%s is missing; its traffic was left out", w.File)
	case WarnUnreadable:
		return fmt.Sprintf("%s cannot be read; its traffic was left out", w.File)
	case WarnNotHTTP:
		return fmt.Sprintf("connection %d: %d MiB without a complete HTTP message; its HTTP exchanges are left out of the HAR file from here", w.Conn, w.N)
	case WarnNoPeer:
		return fmt.Sprintf("connection %d has no readable peer address (%q); it was left out of the pcapng file", w.Conn, w.Peer)
	case WarnBigDatagram:
		return fmt.Sprintf("a UDP event of %d bytes is larger than a datagram can be; it was left out", w.N)
	case WarnUDPNoPeer:
		return fmt.Sprintf("a UDP datagram has no readable peer address (%q); it was left out", w.Peer)
	case WarnNewerFormat:
		return fmt.Sprintf("the folder was saved in format %d by a newer NetAssist; it was read as format %d, and what that format does not have was left out", w.N, 2)
	case WarnNoEventsFile:
		return "events.jsonl is missing or empty: the folder holds no events"
	}
	return string(w.Code)
}

func (fo *Folder) warnOf(w Warning) {
	if fo.Warn != nil {
		fo.Warn(w)
	}
}
