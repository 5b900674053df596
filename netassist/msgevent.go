package netassist

import "netassist/netassist/framing"

// msgsOf describes frames for an EvMsg: each message, and their bytes one
// after another (framing emits the frames of one call contiguously).
func msgsOf(frames []framing.Frame) ([]MsgInfo, []byte) {
	msgs := make([]MsgInfo, len(frames))
	n := 0
	for i, f := range frames {
		msgs[i] = MsgInfo{Len: len(f.Data), Strip: f.Strip, Bad: f.Bad, Reads: f.Reads, InRead: f.InRead, Index: f.Index}
		n += len(f.Data)
	}
	var data []byte
	if len(frames) > 0 {
		data = frames[0].Data[:n]
	}
	return msgs, data
}

// MsgEvent is the EvMsg that shows frames, cut from the rx bytes of ev's
// connection, as a live session records it; ok is false when there is
// nothing to show. For a saved folder reopened with a framing rule.
func MsgEvent(ev Event, frames []framing.Frame, skipped framing.Tally) (Event, bool) {
	if len(frames) == 0 && skipped == (framing.Tally{}) {
		return Event{}, false
	}
	msgs, data := msgsOf(frames)
	return Event{Time: ev.Time, Session: ev.Session, Kind: EvMsg, Conn: ev.Conn, Peer: ev.Peer, Data: data, Msgs: msgs, Skipped: skipped}, true
}
