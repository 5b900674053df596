package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist/rules"
)

// ruleDraft is the list half of a rules dialog, the same for byte and
// HTTP rules: the copy of the rules being edited, its list and what its
// buttons do (duplicate, delete, reorder, resume, import, export, apply).
// The dialog that embeds it sets its hooks and builds the editor.
type ruleDraft[S ruleSet, D ruleDialog] struct {
	area  *rulesAreaOf[S, D]
	draft []rules.Rule
	max   int // max_per_second as the file says
	sel   int // selected rule, -1: none
	dirty bool

	list    *widget.List
	errLine *widget.Label
	resume  *widget.Button

	compileFn func() (S, bool)       // the draft compiled, or its first problem shown at its field
	check     func(rules.File) error // whether an imported file compiles
	clearFn   func()                 // clears the fields' error lines
	shownErr  func()                 // before a file's problem is shown (a tab to bring forward); may be nil
	fileName  string                 // the export's suggested name
}

func newRuleDraft[S ruleSet, D ruleDialog](area *rulesAreaOf[S, D]) ruleDraft[S, D] {
	f := area.current().File()
	return ruleDraft[S, D]{area: area, draft: append([]rules.Rule(nil), f.Rules...), max: f.MaxPerSecond, sel: -1}
}

// refreshStats repaints the rows after the pump read new counters.
func (d *ruleDraft[S, D]) refreshStats() {
	d.list.Refresh()
	d.showResume()
}

func (d *ruleDraft[S, D]) showResume() {
	if d.sel >= 0 && d.sel < len(d.area.stats) && d.area.stats[d.sel].Paused && !d.dirty {
		d.resume.Show()
	} else {
		d.resume.Hide()
	}
}

// statsOf is rule i's counters when the draft's row i is still the
// applied rule i (same name), else false.
func (d *ruleDraft[S, D]) statsOf(i int) (rules.Stats, bool) {
	cur := d.area.current()
	if i < len(d.area.stats) && i < cur.Len() && cur.File().Rules[i].Name == d.draft[i].Name {
		return d.area.stats[i], true
	}
	return rules.Stats{}, false
}

func (d *ruleDraft[S, D]) apply() bool {
	s, ok := d.compileFn()
	if !ok {
		return false
	}
	d.dirty = false
	d.area.use(s)
	d.list.Refresh()
	return true
}

// add appends r and selects it.
func (d *ruleDraft[S, D]) add(r rules.Rule) {
	d.draft = append(d.draft, r)
	d.dirty = true
	d.list.Refresh()
	d.list.Select(len(d.draft) - 1)
}

func (d *ruleDraft[S, D]) onDuplicate() {
	if d.sel < 0 {
		return
	}
	r := d.draft[d.sel]
	r.Name += " " + T("rules.copy", "(copy)")
	d.draft = append(d.draft[:d.sel+1], append([]rules.Rule{r}, d.draft[d.sel+1:]...)...)
	d.dirty = true
	d.list.Refresh()
	d.list.Select(d.sel + 1)
}

func (d *ruleDraft[S, D]) onDelete() {
	if d.sel < 0 {
		return
	}
	i := d.sel
	d.draft = append(d.draft[:i], d.draft[i+1:]...)
	d.dirty = true
	d.list.UnselectAll()
	d.list.Refresh()
	if len(d.draft) > 0 {
		d.list.Select(min(i, len(d.draft)-1))
	}
}

// onMove moves the selected rule up (-1) or down (1): first match wins,
// so the order is the rules' priority.
func (d *ruleDraft[S, D]) onMove(by int) {
	i, j := d.sel, d.sel+by
	if i < 0 || j < 0 || j >= len(d.draft) {
		return
	}
	d.draft[i], d.draft[j] = d.draft[j], d.draft[i]
	d.dirty = true
	d.list.Refresh()
	d.list.Select(j)
}

func (d *ruleDraft[S, D]) onResume() {
	if d.sel >= 0 && d.sel < d.area.current().Len() {
		d.area.current().Resume(d.sel)
		if d.sel < len(d.area.stats) {
			d.area.stats[d.sel].Paused = false
		}
		d.area.showSummary()
		d.refreshStats()
	}
}

func (d *ruleDraft[S, D]) onImport() {
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		data, rerr := io.ReadAll(rc)
		rc.Close()
		if rerr != nil {
			showErrLine(d.errLine, RulesFileUnreadable(rc.URI().Name()))
			return
		}
		d.importData(rc.URI().Name(), data)
	}, d.area.app.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	fd.Show()
}

// importData replaces the draft with a file's rules, or says what is
// wrong with it and keeps the draft.
func (d *ruleDraft[S, D]) importData(name string, data []byte) {
	f, err := rules.Parse(data)
	if err == nil {
		err = d.check(f)
	}
	if err != nil {
		if d.shownErr != nil {
			d.shownErr()
		}
		showErrLine(d.errLine, name+": "+errText(err))
		return
	}
	d.draft, d.max, d.dirty = f.Rules, f.MaxPerSecond, true
	d.list.UnselectAll()
	d.list.Refresh()
	d.clearFn()
	if len(d.draft) > 0 {
		d.list.Select(0)
	}
}

// exportData is the draft as a rules file, or nil when a rule is bad (then
// shown at its field).
func (d *ruleDraft[S, D]) exportData() []byte {
	if _, ok := d.compileFn(); !ok {
		return nil
	}
	data, err := rules.Marshal(rules.File{MaxPerSecond: d.max, Rules: d.draft})
	if err != nil {
		return nil
	}
	return data
}

func (d *ruleDraft[S, D]) onExport() {
	data := d.exportData()
	if data == nil {
		return
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		_, werr := w.Write(data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			showErrLine(d.errLine, Tf("rules.err.write", "The file could not be written: %s", errText(werr)))
		}
	}, d.area.app.win)
	fd.SetFileName(d.fileName)
	fd.Show()
}
