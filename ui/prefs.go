package ui

import (
	"net"
	"strings"

	"netassist/netassist"
)

// Preferences are written when a session opens or the window closes,
// never per keystroke (every Set rewrites the file).

func (p *netPanel) prefKey(k string) string { return string(p.kind) + "." + k }

func (p *netPanel) loadSettings() {
	pr := p.app.fa.Preferences()
	switch p.kind {
	case netassist.KindTCPServer, netassist.KindUDP:
		p.localHost.SetText(pr.StringWithFallback(p.prefKey("host"), "0.0.0.0"))
		def := "7890"
		if p.kind == netassist.KindUDP {
			def = "9000"
		}
		p.localPort.SetText(pr.StringWithFallback(p.prefKey("port"), def))
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		p.remoteHost.SetText(pr.StringWithFallback(p.prefKey("host"), "127.0.0.1"))
		def := "7890"
		if p.kind == netassist.KindHTTPClient {
			def = "8080"
		}
		p.remotePort.SetText(pr.StringWithFallback(p.prefKey("port"), def))
		p.localPort.SetText(pr.String(p.prefKey("localport")))
		p.timeout.SetText(pr.StringWithFallback(p.prefKey("timeout"), "10"))
	}
}

func (p *netPanel) loadUDPSettings() {
	pr := p.app.fa.Preferences()
	p.udpDest.SetText(pr.StringWithFallback(p.prefKey("dest"), "127.0.0.1:9001"))
	p.groupEntry.SetText(pr.String(p.prefKey("group")))
}

func (p *netPanel) saveSettings(cfg netassist.Config) {
	pr := p.app.fa.Preferences()
	switch p.kind {
	case netassist.KindTCPServer, netassist.KindUDP:
		if h, port, err := net.SplitHostPort(cfg.Local); err == nil {
			pr.SetString(p.prefKey("host"), h)
			pr.SetString(p.prefKey("port"), port)
		}
		if p.udpDest != nil {
			pr.SetString(p.prefKey("dest"), strings.TrimSpace(p.udpDest.Text))
			pr.SetString(p.prefKey("group"), strings.TrimSpace(p.groupEntry.Text))
		}
	case netassist.KindTCPClient, netassist.KindHTTPClient:
		if h, port, err := net.SplitHostPort(cfg.Remote); err == nil {
			pr.SetString(p.prefKey("host"), h)
			pr.SetString(p.prefKey("port"), port)
		}
		pr.SetString(p.prefKey("localport"), strings.TrimSpace(p.localPort.Text))
		pr.SetString(p.prefKey("timeout"), strings.TrimSpace(p.timeout.Text))
	}
	pr.SetString("last.kind", string(p.kind))
}

// startSaving turns "Save traffic" on (for --save DIR).
func (p *netPanel) startSaving() { p.saveChk.SetChecked(true) }

// rememberSessions writes the open sessions' specs so the next start can
// restore them.
func (a *App) rememberSessions() {
	var specs []string
	for _, p := range a.Panels() {
		if sp, ok := p.(interface{ spec() (string, bool) }); ok {
			if s, open := sp.spec(); open {
				specs = append(specs, s)
			}
		}
	}
	a.fa.Preferences().SetStringList("sessions.last", specs)
}

// restoreSessions reopens last run's sessions when the user asked for it.
func (a *App) restoreSessions() {
	pr := a.fa.Preferences()
	if !pr.BoolWithFallback("sessions.restore", true) {
		return
	}
	for _, s := range pr.StringList("sessions.last") {
		cfg, err := netassist.ParseSpec(s)
		if err != nil {
			continue
		}
		if _, err := a.OpenSession(cfg); err != nil {
			a.log.Warnf("restore %s: %v", s, err)
		}
	}
}

// spec is the open session's --open SPEC, for restoring it next time.
func (p *netPanel) spec() (string, bool) {
	b := p.sess.Load()
	if b == nil {
		return "", false
	}
	cfg, _ := p.config()
	return cfg.Spec(), true
}
