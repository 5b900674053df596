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
	return &field{label: label, input: input, err: newErrLine()}
}

// newErrLine is a hidden red, wrapping label for an error message.
func newErrLine() *widget.Label {
	e := widget.NewLabel("")
	e.Importance = widget.DangerImportance
	e.Wrapping = fyne.TextWrapWord
	e.Hide()
	return e
}

// showErrLine shows msg in an error line, or hides the line when msg is "".
func showErrLine(l *widget.Label, msg string) {
	if msg == "" {
		l.Hide()
		return
	}
	setIfChanged(l, msg)
	l.Show()
}

// errMsg is err in the user's words, or "" for nil.
func errMsg(err error) string {
	if err == nil {
		return ""
	}
	return errText(err)
}

func (f *field) object() fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(f.label), f.input, f.err)
}

func (f *field) setErr(msg string) { showErrLine(f.err, msg) }
