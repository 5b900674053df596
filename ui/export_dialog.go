package ui

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"netassist/netassist/export"
)

// exportForm asks what to write from a saved folder (pcapng, HAR, where),
// then runs the export off the main goroutine with a progress dialog and
// says how it ended. Its handles stay on the App (lastExport) for tests.
type exportForm struct {
	app  *App
	dir  string
	live bool // the session is still saving into dir
	// flush waits until what the live session received so far is in
	// dir; nil for a finished folder.
	flush func() error

	pcapChk, harChk   *widget.Check
	pcapPath, harPath *widget.Entry
	form              *dialog.FormDialog

	// while running and after
	bar     *widget.ProgressBar
	running dialog.Dialog
	cancel  context.CancelFunc
	outcome string        // the text of the last outcome dialog
	done    chan struct{} // closed once the outcome is shown
}

// exportCurrent is Session ▸ Export capture…: the selected session's save
// folder, live or finished.
func (a *App) exportCurrent() {
	p := a.currentPanel()
	if p == nil {
		return
	}
	s := p.shared()
	dir, live := s.hub.Saving()
	if !live {
		dir = s.savedDir
	}
	if dir == "" {
		a.showError(T("export.nothing_saved", "This session has saved nothing yet. Tick \"Save traffic\" first, or use Export saved folder… for a folder saved earlier."))
		return
	}
	f := a.askExport(dir, live)
	if live {
		f.flush = s.hub.FlushSaving
	}
}

// exportFolder is Session ▸ Export saved folder….
func (a *App) exportFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			a.askExport(u.Path(), false)
		}
	}, a.win)
	if dir := a.saveDir(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// askExport shows the form for dir: both formats beside the folder by
// default, HAR ticked for the HTTP kinds only.
func (a *App) askExport(dir string, live bool) *exportForm {
	f := &exportForm{app: a, dir: dir, live: live, done: make(chan struct{})}
	a.lastExport = f
	base := strings.TrimSuffix(dir, string(filepath.Separator))
	f.pcapChk = widget.NewCheck("pcapng (Wireshark)", nil)
	f.pcapChk.SetChecked(true)
	f.harChk = widget.NewCheck("HAR 1.2", nil)
	f.harChk.SetChecked(strings.HasPrefix(filepath.Base(base), "http"))
	f.pcapPath = widget.NewEntry()
	f.pcapPath.SetText(base + ".pcapng")
	f.harPath = widget.NewEntry()
	f.harPath.SetText(base + ".har")
	note := T("export.from", "From the saved folder:")
	if live {
		note = T("export.live_upto", "This session is still saving. The export holds everything that arrived until you press Export; what arrives later is not in it.")
	}
	items := []*widget.FormItem{
		{Text: "", Widget: newWrapLabel(note + "\n" + dir)},
		{Text: "", Widget: f.pcapChk},
		{Text: T("export.pcap_file", "pcapng file"), Widget: f.pathRow(f.pcapPath, ".pcapng")},
		{Text: "", Widget: f.harChk},
		{Text: T("export.har_file", "HAR file"), Widget: f.pathRow(f.harPath, ".har")},
	}
	f.form = dialog.NewForm(T("export.title", "Export"), T("export.start", "Export"), T("dlg.cancel", "Cancel"), items, f.onConfirm, a.win)
	f.form.Resize(fyne.NewSize(640, 360))
	// Enter in a file name exports, as the Export button does; the
	// pcapng name has the focus, so a name can be typed at once.
	f.pcapPath.OnSubmitted = func(string) { f.form.Submit() }
	f.harPath.OnSubmitted = func(string) { f.form.Submit() }
	f.form.Show()
	a.win.Canvas().Focus(f.pcapPath)
	return f
}

// pathRow is an output path with a Choose… button (the system's file save
// dialog of Fyne).
func (f *exportForm) pathRow(e *widget.Entry, ext string) fyne.CanvasObject {
	choose := widget.NewButton(T("export.choose", "Choose…"), func() {
		d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err != nil || w == nil {
				return
			}
			w.Close() // the export writes under a temporary name and renames
			e.SetText(w.URI().Path())
		}, f.app.win)
		d.SetFileName(filepath.Base(e.Text))
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(e.Text))); err == nil {
			d.SetLocation(l)
		}
		d.Show()
	})
	return container.NewBorder(nil, nil, nil, choose, e)
}

func (f *exportForm) onConfirm(ok bool) {
	if !ok {
		return
	}
	j := export.Job{Dir: f.dir, Version: f.app.opts.Version}
	if f.pcapChk.Checked {
		j.Pcapng = strings.TrimSpace(f.pcapPath.Text)
	}
	if f.harChk.Checked {
		j.HAR = strings.TrimSpace(f.harPath.Text)
	}
	if j.Pcapng == "" && j.HAR == "" {
		f.show(T("export.none", "Nothing to export: tick pcapng or HAR and give a file name."), "")
		return
	}
	f.start(j)
}

// start runs j on its own goroutine; progress and the outcome reach the
// window through the app's scheduler, at most one progress update queued.
func (f *exportForm) start(j export.Job) {
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.bar = widget.NewProgressBar()
	stop := widget.NewButton(T("dlg.cancel", "Cancel"), cancel)
	body := container.NewVBox(newWrapLabel(T("export.running", "Exporting…")), f.bar, container.NewCenter(stop))
	f.running = dialog.NewCustomWithoutButtons(T("export.title", "Export"), body, f.app.win)
	f.running.Resize(fyne.NewSize(440, 160))
	f.running.Show()
	sched := f.app.pump.schedule
	var queued atomic.Bool
	progress := func(done, total int64) {
		if total <= 0 || !queued.CompareAndSwap(false, true) {
			return
		}
		v := min(float64(done)/float64(total), 1)
		sched(func() { queued.Store(false); f.bar.SetValue(v) })
	}
	go runExport(ctx, j, f.flush, f.app.log, progress, func(res export.Result, err error) {
		sched(func() { f.finish(j, res, err) })
	})
}

// runExport is the export's goroutine. A live session's saver is flushed
// first, so the export holds everything received until then.
func runExport(ctx context.Context, j export.Job, flush func() error, log logrus.FieldLogger, progress func(int64, int64), then func(export.Result, error)) {
	if flush != nil {
		if err := flush(); err != nil {
			// The save stopped (its line says why): export what it wrote.
			log.WithError(err).Warn("export: flushing the live save failed")
		}
	}
	res, err := export.Run(ctx, j, progress)
	then(res, err)
}

// finish closes the progress dialog and says how it went; main goroutine.
func (f *exportForm) finish(j export.Job, res export.Result, err error) {
	f.cancel()
	f.running.Hide()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			f.show(T("export.cancelled", "Export cancelled. No file was written."), "")
			return
		}
		f.app.log.WithError(err).Warn("export failed")
		f.show(exportErrText(err), "")
		return
	}
	var b strings.Builder
	b.WriteString(T("export.done", "Exported:"))
	for _, p := range []string{j.Pcapng, j.HAR} {
		if p != "" {
			b.WriteString("\n" + p)
		}
	}
	if j.HAR != "" && res.HAREntries == 0 {
		b.WriteString("\n\n" + T("export.no_http", "The folder holds no HTTP exchange: the HAR file has no entries."))
	}
	if f.live {
		b.WriteString("\n\n" + T("export.live_done_upto", "The session was still saving: this export holds what arrived until you pressed Export."))
	}
	if n := len(res.Warnings); n > 0 {
		b.WriteString("\n\n" + Tf("export.warnings", "%d damaged parts of the folder were left out:", n))
		for i, w := range res.Warnings {
			if i == 5 {
				b.WriteString("\n…")
				break
			}
			b.WriteString("\n• " + warningText(w))
		}
	}
	out := j.Pcapng
	if out == "" {
		out = j.HAR
	}
	f.show(b.String(), filepath.Dir(out))
}

// show is the outcome dialog; with an Open folder button when folder is
// not "".
func (f *exportForm) show(msg, folder string) {
	f.outcome = msg
	content := fyne.CanvasObject(newWrapLabel(msg))
	if folder != "" {
		open := widget.NewButton(T("save.openfolder", "Open folder"), func() {
			if u, err := url.Parse(storage.NewFileURI(folder).String()); err == nil {
				f.app.fa.OpenURL(u)
			}
		})
		content = container.NewBorder(nil, container.NewHBox(open), nil, nil, content)
	}
	d := dialog.NewCustom(T("export.title", "Export"), T("dlg.close", "Close"), content, f.app.win)
	d.Resize(fyne.NewSize(560, 240))
	d.Show()
	select {
	case <-f.done:
	default:
		close(f.done)
	}
}
