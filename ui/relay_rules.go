package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// A relay has two rules areas, one per direction, in the Rules tab beside
// Pairs, Hold and Faults. Each is remembered under its own key.

func (p *relayPanel) initRelayRules() {
	p.rules = newRulesArea(p.app, p.prefKey)
	p.rules.title = T("relay.rules.c2s", "Client → server")
	p.rules.live = func(s *rules.Set) { p.liveDirRules(netassist.ClientToServer, s) }
	p.rulesBack = newRulesArea(p.app, func(k string) string { return p.prefKey(k + ".back") })
	p.rulesBack.title = T("relay.rules.s2c", "Server → client")
	p.rulesBack.live = func(s *rules.Set) { p.liveDirRules(netassist.ServerToClient, s) }
	p.rules.also = p.rulesBack // the pump reads both
}

func (p *relayPanel) buildRelayRules() fyne.CanvasObject {
	note := widget.NewLabel(T("relay.rules.note", "A rule answers in place of the other side: the client's messages by client → server rules, the upstream's by server → client rules. A message a rule answered is not passed on."))
	note.Wrapping = fyne.TextWrapWord
	return container.NewVScroll(container.NewVBox(note, p.rules.build(), widget.NewSeparator(), p.rulesBack.build()))
}

// fillRelayRules takes --rules' sets.
func (p *relayPanel) fillRelayRules(cfg netassist.Config) {
	if cfg.Rules != nil {
		p.rules.use(cfg.Rules)
	}
	if cfg.RulesBack != nil {
		p.rulesBack.use(cfg.RulesBack)
	}
}

// liveDirRules gives the open relay direction d's new rules.
func (p *relayPanel) liveDirRules(d netassist.Dir, s *rules.Set) {
	if r, ok := p.relay().(netassist.RelayRuler); ok {
		r.SetDirRules(d, s)
	}
}
