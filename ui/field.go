package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// field is a labelled input with its own error line beside it, so a bad
// port or host is shown where it was typed.
type field struct {
	label string
	input fyne.CanvasObject
	err   *widget.Label
}

func newField(label string, input fyne.CanvasObject) *field {
	e := widget.NewLabel("")
	e.Importance = widget.DangerImportance
	e.Wrapping = fyne.TextWrapWord
	e.Hide()
	return &field{label: label, input: input, err: e}
}

func (f *field) object() fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(f.label), f.input, f.err)
}

func (f *field) setErr(msg string) {
	if msg == "" {
		f.err.Hide()
		return
	}
	f.err.SetText(msg)
	f.err.Show()
}
