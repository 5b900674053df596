package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// sendEntry is the multi-line send box. Ctrl+Enter (Cmd+Enter on macOS)
// sends: a canvas shortcut does not fire while an Entry has focus, so the
// entry handles it itself.
type sendEntry struct {
	widget.Entry
	onSubmit func()
}

func newSendEntry(onSubmit func()) *sendEntry {
	e := &sendEntry{onSubmit: onSubmit}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

func (e *sendEntry) TypedShortcut(s fyne.Shortcut) {
	if ks, ok := s.(*desktop.CustomShortcut); ok {
		enter := ks.KeyName == fyne.KeyReturn || ks.KeyName == fyne.KeyEnter
		mod := ks.Modifier == fyne.KeyModifierControl || ks.Modifier == fyne.KeyModifierSuper
		if enter && mod {
			if e.onSubmit != nil {
				e.onSubmit()
			}
			return
		}
	}
	e.Entry.TypedShortcut(s)
}
