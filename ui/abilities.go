package ui

import "netassist/netassist"

// The abilities the window asks a panel for by name. What every panel can
// do is the panel interface (app.go); these are what only some kinds have,
// so a renamed method fails to compile instead of silently doing nothing.

// feeder is a pump participant whose engine feed wakes the pump when idle.
type feeder interface {
	preparer
	feed() *netassist.Feed
}

// sendFocuser puts the keyboard focus in the panel's send box.
type sendFocuser interface{ focusSend() }

// recvViewer has a byte receive view (pause, text/hex).
type recvViewer interface{ recvViewOf() *recvView }

// viewSettable applies the display settings (rows kept, font size).
type viewSettable interface {
	setRingCap(rows int)
	setFontSize(size float32)
}

// optionSaver writes its per-kind options to the preferences.
type optionSaver interface{ saveOptions() }

// rulesHaver is a panel whose session answers by rules (TCP server, TCP
// client, UDP): its rules area holds the set, the dialog edits it.
type rulesHaver interface{ rulesOf() *rulesArea }
