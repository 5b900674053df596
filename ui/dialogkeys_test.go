package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Escape closes Settings, About and an error message, as in other desktop
// dialogs, and leaves the window's own key handling as it was.
func TestEscapeClosesDialogs(t *testing.T) {
	a := newTestApp(t)
	c := a.win.Canvas()
	for name, show := range map[string]func(){
		"settings": a.showSettings,
		"about":    a.showAbout,
		"error":    func() { a.showError("nope") },
	} {
		show()
		if c.Overlays().Top() == nil {
			t.Fatalf("%s: no dialog shown", name)
		}
		c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if top := c.Overlays().Top(); top != nil {
			t.Errorf("%s: Escape left the dialog open", name)
			top.Hide()
		}
	}
}
