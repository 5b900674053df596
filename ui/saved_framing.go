package ui

import (
	"maps"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/framing"
)

// The saved files hold the raw reads, so a reopened TCP folder can be cut
// into messages by any rule, as a live session cuts its stream: the same
// form as the TCP kinds' "Split messages by", and the folder is read again
// in a new tab with that rule.

// onFraming asks for the rule; main goroutine.
func (p *savedPanel) onFraming() {
	ff := &framingForm{}
	box := ff.buildFraming()
	ff.fillFraming(p.framing)
	var d dialog.Dialog
	apply := widget.NewButton(T("saved.frame_apply", "Show"), func() {
		var cfg framing.Config
		if !ff.readFraming(&cfg) {
			return // said beside the fields
		}
		d.Hide()
		p.reframe(cfg)
	})
	apply.Importance = widget.HighImportance
	cancel := widget.NewButton(T("dlg.cancel", "Cancel"), func() { d.Hide() })
	body := container.NewBorder(newWrapLabel(T("saved.frame_note", "The saved bytes are the reads as they came; the folder is read again and cut into messages by this rule.")),
		container.NewHBox(cancel, apply), nil, nil, container.NewVScroll(box))
	d = dialog.NewCustomWithoutButtons(T("saved.frame_title", "Split messages by"), body, p.app.win)
	d.Resize(fyne.NewSize(520, 420))
	d.Show()
}

// reframe replaces the tab with the folder read again under cfg.
func (p *savedPanel) reframe(cfg framing.Config) {
	a := p.app
	if err := a.openSaved(p.savedDir, cfg); err != nil {
		a.showError(SavedErrorText(err))
		return
	}
	a.closeTab(p.tab)
}

// framedRecorder cuts the rx bytes of each connection into messages by a
// rule and records them as a live session does: the bytes counted, the
// messages shown.
type framedRecorder struct {
	next    netassist.Recorder
	tail    func() int // how many of a read's newest bytes the view can show
	cfg     framing.Config
	framers map[uint64]*framer
}

type framer struct {
	f    *framing.Framer
	last netassist.Event // the connection's last read (its time, for an idle-gap rule)
}

func newFramedRecorder(next netassist.Recorder, tail func() int, cfg framing.Config) *framedRecorder {
	return &framedRecorder{next: next, tail: tail, cfg: cfg, framers: map[uint64]*framer{}}
}

func (r *framedRecorder) Record(ev netassist.Event) {
	switch {
	case ev.Kind == netassist.EvRx && ev.Conn != 0:
		fr := r.framers[ev.Conn]
		if fr == nil {
			fr = &framer{f: framing.New(r.cfg)}
			r.framers[ev.Conn] = fr
		}
		// A silence as long as the gap ended the message: the saved
		// times say where one was.
		if g := fr.f.Gap(); g > 0 && !fr.last.Time.IsZero() && ev.Time.Sub(fr.last.Time) >= g {
			r.show(fr.last, fr.f.Flush(), framing.Tally{})
		}
		fr.last = netassist.Event{Time: ev.Time, Session: ev.Session, Conn: ev.Conn, Peer: ev.Peer}
		ev.Framed = true
		r.next.Record(ev)
		frames, skipped := fr.f.PushTail(ev.Data, r.tail())
		r.show(ev, frames, skipped)
	case ev.Kind == netassist.EvDisconnect:
		if fr := r.framers[ev.Conn]; fr != nil {
			r.show(ev, fr.f.Flush(), framing.Tally{})
			delete(r.framers, ev.Conn)
		}
		r.next.Record(ev)
	default:
		r.next.Record(ev)
	}
}

func (r *framedRecorder) show(ev netassist.Event, frames []framing.Frame, skipped framing.Tally) {
	if m, ok := netassist.MsgEvent(ev, frames, skipped); ok {
		r.next.Record(m)
	}
}

// finish shows what the framers still hold when the folder ends.
func (r *framedRecorder) finish() {
	for _, id := range slices.Sorted(maps.Keys(r.framers)) {
		fr := r.framers[id]
		r.show(fr.last, fr.f.Flush(), framing.Tally{})
	}
}
