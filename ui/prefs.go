package ui

import "netassist/netassist"

// Preferences are written when a session opens or the window closes,
// never per keystroke (every Set rewrites the file).

func (p *sessionPanel) prefKey(k string) string { return string(p.kind) + "." + k }

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
func (p *trafficPanel) spec() (string, bool) {
	if p.sess.Load() == nil {
		return "", false
	}
	cfg, _ := p.form.config()
	return cfg.Spec(), true
}

// saveOptions remembers the receive and send options of this kind of
// session (on Open and when the window closes).
func (p *trafficPanel) saveOptions() {
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
func (p *trafficPanel) loadOptions() {
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
