package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// A paste above these sizes is held outside the Entry: laying out wrapped
// text costs the UI thread time that grows with the square of a line's
// length (measured on Fyne 2.7: a 16 KiB line 2 s, a 64 KiB line about a
// minute), and the window is frozen meanwhile.
const (
	largePasteBytes = 16 << 10
	largePasteLine  = 2 << 10
	// Every line is a text object to draw: 800 short lines took 2.4 s
	// even without wrapping.
	largePasteLines = 200
)

// isLargePaste tells whether text is too long to put into the Entry.
func isLargePaste(text string) bool {
	if len(text) > largePasteBytes {
		return true
	}
	n := 0
	for line := range strings.Lines(text) {
		if n++; n > largePasteLines || len(line) > largePasteLine {
			return true
		}
	}
	return false
}

// sendEntry is the multi-line send box. Ctrl+Enter (Cmd+Enter on macOS)
// sends: a canvas shortcut does not fire while an Entry has focus, so the
// entry handles it itself.
type sendEntry struct {
	widget.Entry
	onSubmit func()
	// onLargePaste takes the box's text with a large paste in it, instead
	// of the Entry. Ctrl+V, Shift+Insert and the context menu's Paste all
	// arrive here as a ShortcutPaste.
	onLargePaste func(text string)
	// onReplaced is told when code replaces the text (history, templates).
	onReplaced func()
}

func newSendEntry(onSubmit func()) *sendEntry {
	e := &sendEntry{onSubmit: onSubmit}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

func (e *sendEntry) TypedShortcut(s fyne.Shortcut) {
	switch ks := s.(type) {
	case *desktop.CustomShortcut:
		enter := ks.KeyName == fyne.KeyReturn || ks.KeyName == fyne.KeyEnter
		mod := ks.Modifier == fyne.KeyModifierControl || ks.Modifier == fyne.KeyModifierSuper
		if enter && mod {
			if e.onSubmit != nil {
				e.onSubmit()
			}
			return
		}
	case *fyne.ShortcutPaste:
		if e.onLargePaste != nil && !e.Disabled() {
			cb := ks.Clipboard
			if cb == nil {
				cb = fyne.CurrentApp().Clipboard()
			}
			if text := cb.Content(); isLargePaste(text) {
				e.onLargePaste(e.withPaste(text))
				return
			}
		}
	}
	e.Entry.TypedShortcut(s)
}

// withPaste is the box's text with text pasted at the cursor; a paste over
// the whole text replaces it. (A partial selection is kept: the held text
// is not the Entry's, so there is no undo to take it back.)
func (e *sendEntry) withPaste(text string) string {
	if e.Text == "" || e.SelectedText() == e.Text {
		return text
	}
	r := []rune(e.Text)
	pos := min(max(e.CursorTextOffset(), 0), len(r))
	return string(r[:pos]) + text + string(r[pos:])
}

// SetText replaces the text; a held paste gives way to it.
func (e *sendEntry) SetText(text string) {
	if e.onReplaced != nil {
		e.onReplaced()
	}
	e.Entry.SetText(text)
}
