package ui

import (
	"fyne.io/fyne/v2"

	"netassist/netassist"
)

// kindEntry is one session kind as the window offers it. The toolbar, the
// Session menu, tab titles, restore and --open (through NewPanel) all read
// kinds: adding a kind is its panel's file and one row here.
type kindEntry struct {
	kind     netassist.Kind // also the --open scheme
	title    func() string  // in the user's language
	key      fyne.KeyName
	shift    bool // the shortcut is Ctrl+Shift+key (Cmd on macOS)
	newPanel func(a *App, n int) panel
}

// kinds lists the session kinds in the order the toolbar and menu show
// them: TCP server, TCP client, UDP, then the HTTP kinds, whose shortcuts
// are their TCP counterparts' with Shift, then the relays (Ctrl+R, and
// Ctrl+Shift+R for UDP).
var kinds = []kindEntry{
	{netassist.KindTCPServer, func() string { return T("kind.tcp-server", "TCP server") }, fyne.KeyN, false, func(a *App, n int) panel { return newTCPServerPanel(a, n) }},
	{netassist.KindTCPClient, func() string { return T("kind.tcp-client", "TCP client") }, fyne.KeyT, false, func(a *App, n int) panel { return newTCPClientPanel(a, n) }},
	{netassist.KindUDP, func() string { return T("kind.udp", "UDP") }, fyne.KeyU, false, func(a *App, n int) panel { return newUDPPanel(a, n) }},
	{netassist.KindHTTPServer, func() string { return T("kind.http-server", "HTTP server") }, fyne.KeyN, true, func(a *App, n int) panel { return newHTTPServerPanel(a, n) }},
	{netassist.KindHTTPClient, func() string { return T("kind.http-client", "HTTP client") }, fyne.KeyT, true, func(a *App, n int) panel { return newHTTPClientPanel(a, n) }},
	{netassist.KindTCPRelay, func() string { return T("kind.tcp-relay", "TCP relay") }, fyne.KeyR, false, func(a *App, n int) panel { return newTCPRelayPanel(a, n) }},
	{netassist.KindUDPRelay, func() string { return T("kind.udp-relay", "UDP relay") }, fyne.KeyR, true, func(a *App, n int) panel { return newUDPRelayPanel(a, n) }},
}

// kindOf finds k's entry, or nil for a kind the window does not offer.
func kindOf(k netassist.Kind) *kindEntry {
	for i := range kinds {
		if kinds[i].kind == k {
			return &kinds[i]
		}
	}
	return nil
}

// kindTitle is the kind's name in the user's language.
func kindTitle(k netassist.Kind) string {
	if e := kindOf(k); e != nil {
		return e.title()
	}
	return string(k)
}
