package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// relayFaults is a relay's Faults tab: an added delay per direction, a
// drop rate per direction (UDP), and the side of a pair that the pair
// list's Half-close and Reset act on.
type relayFaults struct {
	relay func() netassist.Relay
	udp   bool

	delay   [2]*widget.Entry
	drop    [2]*widget.Entry
	sideSel *widget.RadioGroup
	errLine *widget.Label
}

func newRelayFaults(relay func() netassist.Relay, udp bool) *relayFaults {
	return &relayFaults{relay: relay, udp: udp}
}

func (f *relayFaults) build() fyne.CanvasObject {
	rows := []fyne.CanvasObject{}
	for _, d := range []netassist.Dir{netassist.ClientToServer, netassist.ServerToClient} {
		f.delay[d] = widget.NewEntry()
		f.delay[d].SetText("0")
		f.delay[d].OnChanged = func(string) { f.onChanged() }
		f.drop[d] = widget.NewEntry()
		f.drop[d].SetText("0")
		f.drop[d].OnChanged = func(string) { f.onChanged() }
		rows = append(rows, widget.NewLabel(dirLabel(d)))
		line := []fyne.CanvasObject{widget.NewLabel(T("relay.delay", "Delay (ms)")), f.delay[d]}
		if f.udp {
			line = append(line, widget.NewLabel(T("relay.droprate", "Drop (%)")), f.drop[d])
		}
		rows = append(rows, container.NewGridWithColumns(len(line), line...))
	}
	f.sideSel = widget.NewRadioGroup([]string{T("relay.side.client", "Client side"), T("relay.side.server", "Server side")}, nil)
	f.sideSel.Horizontal = true
	f.sideSel.Required = true
	f.sideSel.SetSelected(T("relay.side.client", "Client side"))
	f.errLine = newErrLine()
	note := widget.NewLabel(T("relay.side.note", "Half-close (FIN) and Reset (RST) in Pairs act on this side of the selected pairs:"))
	note.Wrapping = fyne.TextWrapWord
	rows = append(rows, f.errLine, widget.NewSeparator(), note, f.sideSel)
	return container.NewVScroll(container.NewVBox(rows...))
}

// side is the leg the pair actions act on.
func (f *relayFaults) side() string {
	if f.sideSel.Selected == T("relay.side.server", "Server side") {
		return netassist.LegServer
	}
	return netassist.LegClient
}

// read checks the fields; the error line says what is wrong.
func (f *relayFaults) read() (delays [2]time.Duration, drops [2]float64, ok bool) {
	for d := range 2 {
		ms, err := strconv.Atoi(strings.TrimSpace(f.delay[d].Text))
		if err != nil || ms < 0 || ms > 60000 {
			showErrLine(f.errLine, T("relay.baddelay", "The delay must be a number of milliseconds from 0 to 60000."))
			return delays, drops, false
		}
		delays[d] = time.Duration(ms) * time.Millisecond
		pct, err := strconv.ParseFloat(strings.TrimSpace(f.drop[d].Text), 64)
		if err != nil || pct < 0 || pct > 100 {
			showErrLine(f.errLine, T("relay.baddrop", "The drop rate must be a percentage from 0 to 100."))
			return delays, drops, false
		}
		drops[d] = pct
	}
	showErrLine(f.errLine, "")
	return delays, drops, true
}

func (f *relayFaults) onChanged() {
	if r := f.relay(); r != nil {
		f.apply(r)
	}
}

// apply gives r the faults as the fields say.
func (f *relayFaults) apply(r netassist.Relay) {
	delays, drops, ok := f.read()
	if !ok {
		return
	}
	for d := range 2 {
		r.SetDelay(netassist.Dir(d), delays[d])
		if u, isUDP := r.(netassist.DropRater); isUDP {
			u.SetDropRate(netassist.Dir(d), drops[d])
		}
	}
}
