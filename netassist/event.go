// Package netassist is the GUI-agnostic engine of NetAssist: TCP server,
// TCP client and UDP sessions, their events, exact counters, savers and the
// bounded feed that the window drains. It never imports a GUI toolkit.
package netassist

import (
	"time"

	"netassist/netassist/framing"
)

// EventKind names what happened; the strings are the `event` field of
// events.jsonl and must not change.
type EventKind string

const (
	EvOpen       EventKind = "open"       // session started (listening, bound or connected)
	EvClose      EventKind = "close"      // session stopped
	EvConnect    EventKind = "connect"    // a connection was established
	EvDisconnect EventKind = "disconnect" // a connection ended; Detail says how
	EvRx         EventKind = "rx"         // bytes received
	EvTx         EventKind = "tx"         // bytes sent
	EvError      EventKind = "error"      // something failed; Detail says what
	EvInfo       EventKind = "info"       // a note for the display (half-close, drops); never saved as traffic
	EvMsg        EventKind = "msg"        // messages the connection's framing cut from the rx bytes; for the display, never saved
	EvSave       EventKind = "save"       // events.jsonl's first line: saving began, and the folder's format
)

// Disconnect reasons carried in Event.Detail of EvDisconnect.
const (
	ReasonFIN   = "fin"   // peer closed its side (EOF); we may still send
	ReasonRST   = "rst"   // reset by peer
	ReasonLocal = "local" // closed by us
	ReasonAbort = "abort" // closed by us with RST (linger 0)
	ReasonError = "error" // another network error
)

// Event is one thing that happened in a session. A Recorder must not keep
// Data after Record returns (it copies what it keeps), so read loops may
// reuse their buffers.
type Event struct {
	Time    time.Time
	Session string
	Kind    EventKind
	Conn    uint64 // connection id, 0 for the session itself or for UDP
	Peer    string // "IP:port" of the remote end, empty if none
	Data    []byte // payload of rx/tx
	Detail  string // reason, error text or note
	Rule    string // tx: the rule whose automatic reply this is; info: the rule a note is about

	// Framed marks rx bytes that the display shows as messages (EvMsg)
	// instead: they are counted and saved, but not fed to the display.
	Framed bool
	// Msgs are the messages of an EvMsg, one after another in Data: all
	// those one read completed (one event per read, not per message, so
	// that a flood of small messages costs what a flood of reads does).
	Msgs []MsgInfo
	// Skipped are the older messages of the read, before Msgs: counted
	// (they are in Counters) but not built, as the display feed would keep
	// no more than its limit of the event anyway; their bytes count as
	// dropped from the display.
	Skipped framing.Tally

	// Leg is the side of a relay pair the event happened on: LegClient
	// (the peer that connected to the relay) or LegServer (the upstream).
	// Empty for every other session. Conn is then the pair's id.
	Leg string
	// Quiet events are counted and saved but not shown: a relay's
	// forwarded copy of bytes the view already shows as received.
	Quiet bool
	// Err is the error behind an EvError when there is one (Detail is its
	// English text, as saved), so the window can say it in the user's
	// language. Never saved.
	Err error
}

// The legs of a relay pair (Event.Leg, and the "leg" of events.jsonl).
const (
	LegClient = "client"
	LegServer = "server"
)

// MsgInfo is one message of an EvMsg: its length and how the reads split
// it.
type MsgInfo struct {
	Len    int         // its bytes in Data
	Strip  int         // trailing bytes of Data a view hides (a delimiter not kept)
	Bad    framing.Bad // framing.Good, or why it broke the rule
	Reads  int         // how many reads its bytes came in
	InRead int         // how many messages ended in the read it ended in; 0 when a silence or the close ended it
	Index  int         // its place among those, from 0
}

// Recorder takes the events of one session. HTTP sessions use it too, so
// that their raw bytes are counted and saved like any other session's.
type Recorder interface {
	Record(ev Event)
}

// ConnNumberer hands out connection ids. A Hub is one: it numbers the
// connections of its session for the session's whole life, across Close
// and Open, so that a save folder never holds two connections under one id.
type ConnNumberer interface {
	NextConn() uint64
}
