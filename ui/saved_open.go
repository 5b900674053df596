package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// openSavedDialog is Session ▸ Open saved session…: pick a saved folder,
// shown in a read-only tab.
func (a *App) openSavedDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		if err := a.OpenSaved(u.Path()); err != nil {
			a.showError(SavedErrorText(err))
		}
	}, a.win)
	if dir := a.saveDir(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Show()
}

// copyViewCurrent copies the rows of the selected session's receive view,
// as its Copy button does (Ctrl+Shift+C: the rows cannot be selected, and
// the button cannot be reached from the keyboard).
func (a *App) copyViewCurrent() {
	if p, ok := a.currentPanel().(recvViewer); ok {
		p.recvViewOf().onCopy()
	}
}
