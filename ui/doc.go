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
// Where things are:
//
//   - kinds.go: the table of session kinds that the toolbar, the menu, tab
//     titles, restore and --open read. Adding a kind is its panel's file and
//     one row there.
//   - One file per kind: tcpserver_panel.go, tcpclient_panel.go,
//     udp_panel.go, httpserver_panel.go, httpclient_panel.go. Each holds the
//     kind's struct, constructor, build, config/fill/open and onX handlers.
//   - session_panel.go: sessionPanel, embedded by every kind: Open/Close,
//     Save traffic and its save line, the error line, the reach line, the
//     status line and its rates.
//   - traffic_panel.go, traffic_pump.go: trafficPanel, embedded by the kinds
//     that show the bytes themselves (all but the HTTP server): the receive
//     view, the send box and their pump round. connect.go: a client's
//     connect attempt (Open reads Cancel meanwhile). udp_lookup.go: UDP
//     sends that wait for a name lookup.
//   - Components the panels compose: listen_form.go and connect_form.go
//     (the address fields), recvview.go and rowlist.go (received bytes),
//     sendbox.go and sendentry.go (what to send), connlist.go (a server's
//     connections), udp_multicast.go (groups), saveline.go, field.go,
//     httptraffic.go, msgview.go and kvtable.go (HTTP messages as tables),
//     framing_form.go (a TCP session's "Split messages by") and
//     framing_view.go (framed messages as rows, with how reads split them).
//   - app.go: the window and its tabs; the panel interface. abilities.go:
//     the abilities only some panels have. menu.go: the menu and shortcuts.
//     prefs.go: preferences and restore. ports.go: which session holds a
//     port. pump.go: the pump. quit.go: closing every session.
//   - The UI goroutine's budget: fynecache.go, keepalive.go, mincache.go,
//     glyphs.go. Looks and words: theme.go, lang.go.
//
// A panel reaches the engine only through netassist.Session, or through
// its own kind's engine type where it needs more (a server's connection
// actions, UDP's send-to-address): never by a type switch.
package ui
