package ui

import "netassist/netassist"

// newUDPRelayPanel is a UDP relay: the shared relay panel, whose faults
// add a drop rate (relay_panel.go).
func newUDPRelayPanel(a *App, n int) *relayPanel { return newRelayPanel(a, netassist.KindUDPRelay, n) }
