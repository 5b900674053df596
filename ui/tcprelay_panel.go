package ui

import "netassist/netassist"

// newTCPRelayPanel is a TCP relay: the shared relay panel with the
// framing form and the choice of what the client gets when the upstream
// fails (relay_panel.go).
func newTCPRelayPanel(a *App, n int) *relayPanel { return newRelayPanel(a, netassist.KindTCPRelay, n) }
