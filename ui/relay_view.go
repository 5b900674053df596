package ui

import (
	"strconv"
	"strings"

	"netassist/netassist"
	"netassist/netassist/display"
)

// relayChunk is a relay event as the receive view shows it: the
// direction in words in its header ("client→server", "server→client";
// "edited → server" for what the user changed) and a colour per direction.
func relayChunk(ev netassist.Event, c display.Chunk) (display.Chunk, bool) {
	switch ev.Kind {
	case netassist.EvRx:
		c.Dir, c.Data, c.Label = relayDirOf(ev), ev.Data, relayLabel(ev)
	case netassist.EvTx:
		c.Dir, c.Data, c.Label = display.TX, ev.Data, relayLabel(ev)
	default:
		c.Dir, c.Note = display.Info, relayNote(ev)
		if c.Note == "" {
			return c, false
		}
		c.Note = legName(ev.Leg) + " " + c.Note
	}
	return c, true
}

// relayDirOf is the display direction of bytes that arrived on ev's leg.
func relayDirOf(ev netassist.Event) display.Dir {
	if ev.Leg == netassist.LegServer {
		return display.Back
	}
	return display.RX
}

// relayLabel heads a relay chunk.
func relayLabel(ev netassist.Event) string {
	if ev.Kind != netassist.EvTx {
		return dirLabel(netassist.DirOfLeg(ev.Leg))
	}
	to := T("relay.to.server", "→ server")
	if ev.Leg == netassist.LegClient {
		to = T("relay.to.client", "→ client")
	}
	if ev.Rule != "" { // a rule answered in place of the other side
		return Tf("rules.mark", "auto-reply: %s", ev.Rule) + " " + to
	}
	switch ev.Detail {
	case netassist.DetailEdited:
		return T("relay.edited", "edited") + " " + to
	case netassist.DetailInjected:
		return T("relay.injected", "injected") + " " + to
	}
	return T("relay.forwarded", "forwarded") + " " + to
}

// legName names a leg in a note: "[client]" or "[server]".
func legName(leg string) string {
	if leg == netassist.LegServer {
		return T("relay.leg.server", "[server]")
	}
	return T("relay.leg.client", "[client]")
}

// eventErrText is an error event in the user's language when the engine
// gave the error itself, else its saved text.
func eventErrText(ev netassist.Event) string {
	if ev.Err != nil {
		return errText(ev.Err)
	}
	return ev.Detail
}

// relayNote is a relay event's note: the relay's own notes in the user's
// words, else what every session says.
func relayNote(ev netassist.Event) string {
	if ev.Kind == netassist.EvInfo {
		switch {
		case ev.Detail == netassist.InfoNotPassed:
			return Tf("relay.note.notpassed", "#%d: not passed on, that side was half-closed (FIN)", ev.Conn)
		case ev.Detail == netassist.InfoFaultDrop:
			return Tf("relay.note.faultdrop", "#%d: datagram dropped (drop-rate fault)", ev.Conn)
		case strings.HasPrefix(ev.Detail, netassist.InfoDropped):
			n, _ := strconv.Atoi(strings.TrimPrefix(ev.Detail, netassist.InfoDropped))
			return Tf("relay.note.dropped", "#%d: held message dropped (%d bytes)", ev.Conn, n)
		}
	}
	return eventNote(ev)
}
