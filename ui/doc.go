// Package ui is NetAssist's window: one tab per session, each laid out like
// the classic network assistant, fed by one pump per window.
//
// How bytes get from a socket to the screen:
//
//  1. The engine (package netassist, or httpview/server for the HTTP
//     server) reads on its own goroutine and records each read as an Event
//     on the session's Hub: exact counters, the saver (saved files), and a
//     bounded Feed that drops the oldest events and counts what it dropped.
//  2. The window's pump (pump.go) ticks up to 30 times a second, 4 when idle.
//     On its own goroutine it asks every panel to prepare: drain the feed,
//     format rows (netassist/display), read counters and connection lists.
//  3. What a panel prepared is applied on the UI goroutine in one closure a
//     tick (never one fyne.Do per packet): rows into the receive view's
//     ring (recvview.go, rowlist.go), the status line, the connection list.
//
// Where things are: kinds.go is the table of session kinds (toolbar, menu,
// titles, --open); app.go the window and tabs; menu.go the menu and
// shortcuts; abilities.go the named abilities the window asks panels for.
// Each kind's panel: netpanel*.go (TCP server, TCP client, UDP, HTTP
// client), httpserver_panel.go (HTTP server). Shared components:
// recvview.go (received bytes), sendbox.go (what to send), connlist.go
// (a server's connections), msgview.go and kvtable.go (an HTTP message as
// tables).
package ui
