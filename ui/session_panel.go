package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// sessionPanel is the piece every kind's panel embeds: the Open/Close
// button, "Save traffic" with its save line, the error line, the line
// that says where the session listens or connected from, and the status
// line with its rates. The kind's own panel supplies the form behind it.
type sessionPanel struct {
	app   *App
	kind  netassist.Kind
	hub   *netassist.Hub // one per panel, for the panel's whole life
	proto string         // "tcp" or "udp": which ports an open error is about
	form  sessionForm    // the kind's own panel

	openBtn  *widget.Button
	saveChk  *widget.Check
	saveLine *saveLine
	reach    *wrapLabel
	sessErr  *widget.Label
	status   *widget.Label
	savedDir string // the folder of the last "Save traffic", for Export capture…

	// pump goroutine
	rate        netassist.RateMeter
	statusShown string
	statusAt    time.Time

	errMu       sync.Mutex
	pendingErrs []string // from background sends, shown at the next tick
}

// sessionForm is what the shared piece asks of the kind's own panel.
type sessionForm interface {
	// config reads the form; field errors are shown beside their fields.
	config() (netassist.Config, bool)
	open(cfg netassist.Config) error
	// isOpen is whether Open/Close now means Close (open or connecting).
	isOpen() bool
	closeSession()
}

// initSession sets up the shared piece for the kind's panel form.
func (p *sessionPanel) initSession(a *App, kind netassist.Kind, hub *netassist.Hub, proto string, form sessionForm) {
	p.app, p.kind, p.hub, p.proto, p.form = a, kind, hub, proto, form
}

func (p *sessionPanel) title() string { return kindTitle(p.kind) }

func (p *sessionPanel) shared() *sessionPanel { return p }

// buildSession makes the shared widgets; the kind's build places them.
func (p *sessionPanel) buildSession() {
	p.openBtn = widget.NewButton(T("sess.open", "Open"), p.onOpenClose)
	p.openBtn.Importance = widget.HighImportance
	p.saveChk = widget.NewCheck(T("sess.save", "Save traffic"), p.onSaveToggled)
	p.saveLine = newSaveLine(p.app.fa)
	p.reach = newWrapLabel("") // wraps by line-breaking rules (Chinese punctuation)
	p.sessErr = newErrLine()
	p.status = widget.NewLabel("")
	p.status.TextStyle = fyne.TextStyle{Monospace: true}
	p.status.Truncation = fyne.TextTruncateEllipsis // a long save path must not widen the window
}

func (p *sessionPanel) onOpenClose() {
	if p.form.isOpen() {
		p.form.closeSession()
		return
	}
	cfg, ok := p.form.config()
	if !ok {
		return
	}
	if err := p.form.open(cfg); err != nil {
		p.showSessErr(p.app.openErrText(err, p.proto, cfg.Local))
	}
}

// setOpenButton makes the button say what pressing it will do.
func (p *sessionPanel) setOpenButton(open bool) {
	if open {
		p.openBtn.SetText(T("sess.close", "Close"))
		p.openBtn.Importance = widget.DangerImportance
	} else {
		p.openBtn.SetText(T("sess.open", "Open"))
		p.openBtn.Importance = widget.HighImportance
	}
	p.openBtn.Refresh()
}

func (p *sessionPanel) showSessErr(msg string) { showErrLine(p.sessErr, msg) }

// reportAsync shows an error from a background send in the session.
func (p *sessionPanel) reportAsync(err error) {
	p.errMu.Lock()
	p.pendingErrs = append(p.pendingErrs, errText(err))
	p.errMu.Unlock()
}

// takeErrs is errs and the background errors since the last call; pump
// goroutine.
func (p *sessionPanel) takeErrs(errs []string) []string {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	errs = append(errs, p.pendingErrs...)
	p.pendingErrs = nil
	return errs
}

func (p *sessionPanel) onSaveToggled(on bool) {
	if !on {
		p.hub.StopSavingAsync() // the disk may be slow: never wait for it here
		p.saveLine.show("")
		return
	}
	dir, err := p.hub.StartSaving(p.app.saveDir())
	if err != nil {
		p.saveChk.SetChecked(false)
		p.showSessErr(Tf("save.failed", "Saving failed: %v", errText(err)))
		return
	}
	p.savedDir = dir
	p.saveLine.show(dir)
}

// startSaving turns "Save traffic" on (for --save DIR).
func (p *sessionPanel) startSaving() { p.saveChk.SetChecked(true) }

// toggleSave is Ctrl+S.
func (p *sessionPanel) toggleSave() { p.saveChk.SetChecked(!p.saveChk.Checked) }

// showStatus shows the status line and keeps "Save traffic" true to the
// saver (it stops itself after a write error); main goroutine.
func (p *sessionPanel) showStatus(txt string) {
	setIfChanged(p.status, txt)
	if _, on := p.hub.Saving(); !on && p.saveChk.Checked {
		p.saveChk.SetChecked(false) // hides the save line too
	}
}

// statusEvery is how often the status line's figures move at most.
const statusEvery = 250 * time.Millisecond
