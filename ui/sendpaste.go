package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// A large paste is held as a string beside the send box, which shows a
// short block in its place ("Pasted 1,048,576 bytes (16,384 lines) — Edit,
// Clear"). Send, Repeat and the Text/Hex switch use the held text as they
// would the box's.

// Edit puts the held text into the box with wrapping off; beyond these
// sizes that alone would freeze the window for seconds, so it is not
// offered.
const (
	maxEditBytes = 64 << 10
	maxEditLines = 1000
)

// heldPaste is the block shown instead of the box. It takes the keyboard
// focus, so Ctrl+Enter sends and Ctrl+V pastes more, as in the box.
type heldPaste struct {
	widget.BaseWidget
	label    *widget.Label
	editBtn  *widget.Button
	clearBtn *widget.Button

	onSubmit func()
	onPaste  func(text string) // more pasted after the held text
}

func newHeldPaste(onEdit, onClear, onSubmit func(), onPaste func(string)) *heldPaste {
	h := &heldPaste{label: widget.NewLabel(""), onSubmit: onSubmit, onPaste: onPaste}
	h.label.Wrapping = fyne.TextWrapWord
	h.editBtn = widget.NewButton(T("send.held.edit", "Edit"), onEdit)
	h.clearBtn = widget.NewButton(T("send.held.clear", "Clear"), onClear)
	h.ExtendBaseWidget(h)
	return h
}

func (h *heldPaste) CreateRenderer() fyne.WidgetRenderer {
	// Buttons beside the words: the block is no taller than the box.
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, container.NewVBox(h.editBtn, h.clearBtn), h.label))
}

// show describes text; main goroutine.
func (h *heldPaste) show(text string) {
	lines := strings.Count(text, "\n")
	if !strings.HasSuffix(text, "\n") {
		lines++
	}
	msg := Tf("send.held", "Pasted %s bytes (%s lines). They are kept outside the box so that the window stays quick; Send sends them with the options above.",
		groupDigits(uint64(len(text))), groupDigits(uint64(lines)))
	if len(text) > maxEditBytes || lines > maxEditLines {
		h.editBtn.Disable()
		msg += " " + T("send.held.noedit", "Too large to edit here: edit it in a text editor and paste it again.")
	} else {
		h.editBtn.Enable()
	}
	h.label.SetText(msg)
}

func (h *heldPaste) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(h); c != nil {
		c.Focus(h)
	}
}

func (h *heldPaste) FocusGained()            {}
func (h *heldPaste) FocusLost()              {}
func (h *heldPaste) TypedRune(rune)          {}
func (h *heldPaste) TypedKey(*fyne.KeyEvent) {}

func (h *heldPaste) TypedShortcut(s fyne.Shortcut) {
	switch ks := s.(type) {
	case *desktop.CustomShortcut:
		enter := ks.KeyName == fyne.KeyReturn || ks.KeyName == fyne.KeyEnter
		mod := ks.Modifier == fyne.KeyModifierControl || ks.Modifier == fyne.KeyModifierSuper
		if enter && mod && h.onSubmit != nil {
			h.onSubmit()
		}
	case *fyne.ShortcutPaste:
		cb := ks.Clipboard
		if cb == nil {
			cb = fyne.CurrentApp().Clipboard()
		}
		if text := cb.Content(); text != "" && h.onPaste != nil {
			h.onPaste(text)
		}
	}
}

// text is what the box holds: the held paste, or the Entry's text.
func (b *sendBox) text() string {
	if b.held != "" {
		return b.held
	}
	return b.entry.Text
}

// hold keeps text instead of the Entry and shows the block; main goroutine.
func (b *sendBox) hold(text string) {
	b.held = text
	b.heldBlock.show(text)
	b.entry.Hide()
	b.heldBlock.Show()
	b.showErr(nil)
	b.win.Canvas().Focus(b.heldBlock)
}

// onPasteMore appends a paste to the held text.
func (b *sendBox) onPasteMore(text string) { b.hold(b.held + text) }

// dropHeld forgets the held text and shows the Entry again.
func (b *sendBox) dropHeld() {
	if b.held == "" {
		return
	}
	b.held = ""
	b.heldBlock.Hide()
	b.entry.Show()
}

// onClearHeld empties the box.
func (b *sendBox) onClearHeld() {
	b.dropHeld()
	b.entry.SetText("")
	b.focusEntry()
}

// onEditHeld moves the held text into the Entry, unwrapped: wrapping long
// lines is what costs the UI thread.
func (b *sendBox) onEditHeld() {
	text := b.held
	b.dropHeld()
	b.entry.Wrapping = fyne.TextWrapOff
	b.entry.SetText(text)
	b.focusEntry()
}

func (b *sendBox) focusEntry() { b.win.Canvas().Focus(b.entry) }

// onEntryChanged wraps the box again once it is empty.
func (b *sendBox) onEntryChanged(s string) {
	if s == "" && b.entry.Wrapping != fyne.TextWrapBreak {
		b.entry.Wrapping = fyne.TextWrapBreak
		b.entry.Refresh()
	}
}
