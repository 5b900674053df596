package ui

import "netassist/netassist/export"

// warningText words a piece of damage that a walk of a saved folder
// skipped, in the user's language.
func warningText(w export.Warning) string {
	switch w.Code {
	case export.WarnCutLine:
		return Tf("warn.cut_line", "events.jsonl: the last line (%d) is cut short (saving was interrupted); it was left out.", w.Line)
	case export.WarnBadLine:
		return Tf("warn.bad_line", "events.jsonl: line %d is not an event; it was left out.", w.Line)
	case export.WarnNoTime:
		return Tf("warn.no_time", "events.jsonl: line %d has no readable time; it was left out.", w.Line)
	case export.WarnNoFile:
		return Tf("warn.no_file", "events.jsonl: line %d names no raw file; it was left out.", w.Line)
	case export.WarnShortFile:
		return Tf("warn.short_file", "%s is shorter than events.jsonl says (line %d wants bytes %d to %d); the rest was left out.", w.File, w.Line, w.From, w.To)
	case export.WarnMissingFile:
		return Tf("warn.missing_file", "%s is missing; its traffic was left out.", w.File)
	case export.WarnUnreadable:
		return Tf("warn.unreadable", "%s cannot be read; its traffic was left out.", w.File)
	case export.WarnNotHTTP:
		return Tf("warn.not_http", "Connection %d: %d MiB without a complete HTTP message; its HTTP exchanges from there on were left out.", w.Conn, w.N)
	case export.WarnNoPeer:
		return Tf("warn.no_peer", "Connection %d has no readable peer address (%s); it was left out of the pcapng file.", w.Conn, w.Peer)
	case export.WarnBigDatagram:
		return Tf("warn.big_datagram", "A UDP event of %d bytes is larger than a datagram can be; it was left out of the pcapng file.", w.N)
	case export.WarnUDPNoPeer:
		return Tf("warn.udp_no_peer", "A UDP datagram has no readable peer address (%s); it was left out of the pcapng file.", w.Peer)
	case export.WarnNewerFormat:
		return Tf("warn.newer_format", "A newer NetAssist saved this folder (format %d). It was read as the newest format this version knows; what that format lacks is not shown.", w.N)
	case export.WarnNoEventsFile:
		return T("warn.no_events", "events.jsonl is missing or empty: the folder holds no events to show.")
	}
	return w.String()
}
