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
		proto := "tcp"
		if p.kind == netassist.KindUDP {
			proto = "udp"
		}
		p.localPort.SetText(p.app.freePort(proto, pr.StringWithFallback(p.prefKey("port"), def)))
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
	p.mc.group.SetText(pr.String(p.prefKey("group")))
	p.mc.setIface(pr.String(p.prefKey("iface")))
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
			pr.SetString(p.prefKey("group"), strings.TrimSpace(p.mc.group.Text))
			pr.SetString(p.prefKey("iface"), p.mc.ifaceName())
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
		if op, ok := p.(optionSaver); ok {
			op.saveOptions()
		}
		if s, open := p.spec(); open {
			specs = append(specs, s)
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
	if p.mc != nil {
		cfg.Groups = p.mc.groups()
	}
	return cfg.Spec(), true
}

// saveOptions remembers the receive and send options of this kind of
// session (on Open and when the window closes).
func (p *netPanel) saveOptions() {
	pr := p.app.fa.Preferences()
	k := p.prefKey
	pr.SetBool(k("recv.hex"), p.recv.hexMode.Selected == T("recv.hex", "Hex"))
	pr.SetString(k("recv.charset"), p.recv.charset.Selected)
	pr.SetBool(k("recv.logmode"), p.recv.logMode.Checked)
	pr.SetBool(k("recv.hidetx"), p.recv.hideTX.Checked)
	pr.SetBool(k("send.hex"), p.send.mode.Selected == T("send.hex", "Hex"))
	pr.SetBool(k("send.escapes"), p.send.escapes.Checked)
	pr.SetInt(k("send.newline"), p.send.newline.SelectedIndex())
	pr.SetString(k("send.charset"), p.send.charset.Selected)
	pr.SetInt(k("send.checksum"), p.send.checksum.SelectedIndex())
	pr.SetString(k("send.interval"), p.send.interval.Text)
	pr.SetStringList(k("send.history"), p.send.historyItems)
}

// loadOptions puts the remembered options back (after build).
func (p *netPanel) loadOptions() {
	pr := p.app.fa.Preferences()
	k := p.prefKey
	if pr.Bool(k("recv.hex")) {
		p.recv.hexMode.SetSelected(T("recv.hex", "Hex"))
	}
	if cs := pr.String(k("recv.charset")); cs != "" {
		p.recv.charset.SetSelected(cs)
	}
	p.recv.logMode.SetChecked(pr.BoolWithFallback(k("recv.logmode"), true))
	p.recv.hideTX.SetChecked(pr.Bool(k("recv.hidetx")))
	if pr.Bool(k("send.hex")) {
		p.send.mode.SetSelected(T("send.hex", "Hex"))
	}
	p.send.escapes.SetChecked(pr.BoolWithFallback(k("send.escapes"), true))
	if i := pr.IntWithFallback(k("send.newline"), -1); i >= 0 && i < len(p.send.newline.Options) {
		p.send.newline.SetSelectedIndex(i)
	}
	if cs := pr.String(k("send.charset")); cs != "" {
		p.send.charset.SetSelected(cs)
	}
	if i := pr.IntWithFallback(k("send.checksum"), -1); i >= 0 && i < len(p.send.checksum.Options) {
		p.send.checksum.SetSelectedIndex(i)
	}
	if iv := pr.String(k("send.interval")); iv != "" {
		p.send.interval.SetText(iv)
	}
	for _, h := range reversed(pr.StringList(k("send.history"))) {
		p.send.remember(h)
	}
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
