package ui

import (
	"strings"

	"netassist/netassist"
	"netassist/netassist/display"
	"netassist/netassist/framing"
)

// msgChunks are a framed read's messages, each with its shown bytes (a
// delimiter not kept is hidden) and, in its header, how the reads split
// the stream. The display feed keeps only the newest bytes of an event
// larger than itself: messages cut off at the front are left out (the
// view already says that bytes were never shown).
func msgChunks(ev netassist.Event, out []display.Chunk) []display.Chunk {
	total := 0
	for _, m := range ev.Msgs {
		total += m.Len
	}
	skip := total - len(ev.Data) // bytes the feed dropped from the front
	data, pos := ev.Data, 0
	for _, m := range ev.Msgs {
		end := pos + m.Len
		pos = end
		if end <= skip {
			continue // wholly dropped
		}
		if end-m.Len < skip {
			data = data[end-skip:] // its front was dropped: leave it out
			continue
		}
		c := display.Chunk{Time: ev.Time, Dir: display.RX, Conn: ev.Conn, Peer: ev.Peer,
			Data: data[:m.Len-m.Strip], Msg: true, Mark: msgMark(m)}
		if ev.Leg != "" {
			c.Dir, c.Label = relayDirOf(ev), relayLabel(ev)
		}
		out = append(out, c)
		data = data[m.Len:]
	}
	return out
}

// msgMark says what the 粘包 lesson needs to see: "3 messages in 1 read"
// on the first of them, "1 message across 2 reads", or why a frame is bad.
func msgMark(m netassist.MsgInfo) string {
	var marks []string
	switch m.Bad {
	case framing.BadTooLong:
		marks = append(marks, T("frame.bad.toolong", "BAD FRAME: no end within the longest message"))
	case framing.BadLength:
		marks = append(marks, T("frame.bad.length", "BAD FRAME: length field out of range, bytes skipped"))
	case framing.BadIncomplete:
		marks = append(marks, T("frame.bad.incomplete", "INCOMPLETE: the connection ended mid-message"))
	}
	if m.Reads > 1 {
		marks = append(marks, Tf("frame.across", "1 message across %d reads", m.Reads))
	}
	if m.InRead > 1 {
		if m.Index == 0 {
			marks = append(marks, Tf("frame.inread", "%d messages in 1 read", m.InRead))
		} else {
			marks = append(marks, Tf("frame.sameread", "message %d of %d in that read", m.Index+1, m.InRead))
		}
	}
	return strings.Join(marks, " · ")
}

// msgStatus is the status line's messages part, when the session frames.
func msgStatus(s netassist.CounterSnapshot) string {
	if s.RxBad > 0 {
		return Tf("status.msgsbad", "Messages %s (bad %s)", groupDigits(s.RxMsgs), groupDigits(s.RxBad))
	}
	return Tf("status.msgs", "Messages %s", groupDigits(s.RxMsgs))
}

// framedAsReads gives the HTTP parser the bytes of framed messages as the
// reads it expects (its own parser finds the HTTP messages).
func framedAsReads(evs []netassist.Event) []netassist.Event {
	out, copied := evs, false
	for i, ev := range evs {
		if ev.Kind != netassist.EvMsg {
			continue
		}
		if !copied { // the receive view has these events too
			out, copied = append([]netassist.Event(nil), evs...), true
		}
		out[i].Kind = netassist.EvRx
	}
	return out
}
