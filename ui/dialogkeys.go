package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// escapeHides makes Escape dismiss d while it is shown, as in other
// desktop dialogs; Fyne's own dialogs ignore the key. Escape reaches the
// canvas only when no text field has the focus, so a field being typed
// in keeps its Escape.
func (a *App) escapeHides(d dialog.Dialog) {
	c := a.win.Canvas()
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			d.Hide()
			return
		}
		if prev != nil {
			prev(ev)
		}
	})
	d.SetOnClosed(func() { c.SetOnTypedKey(prev) })
}
