package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// saveLine says where a session saves, under "Save traffic": the whole
// folder, wrapped in the narrow settings column (cut to fit, it read only
// "Saving into ..."), with buttons that open it in the system's file
// manager and copy it.
type saveLine struct {
	fa      fyne.App
	dir     string
	label   *widget.Label
	openBtn *widget.Button
	copyBtn *widget.Button
	box     *fyne.Container
}

func newSaveLine(fa fyne.App) *saveLine {
	l := &saveLine{fa: fa, label: widget.NewLabel("")}
	l.label.Wrapping = fyne.TextWrapBreak // a path has no spaces to wrap at
	l.openBtn = widget.NewButton(T("save.openfolder", "Open folder"), l.onOpen)
	l.copyBtn = widget.NewButton(T("save.copypath", "Copy path"), l.onCopy)
	l.box = container.NewVBox(l.label, container.NewHBox(l.openBtn, l.copyBtn))
	l.box.Hide()
	return l
}

func (l *saveLine) object() fyne.CanvasObject { return l.box }

// show shows dir, or hides the line for ""; main goroutine.
func (l *saveLine) show(dir string) {
	if dir == l.dir {
		return
	}
	l.dir = dir
	if dir == "" {
		l.box.Hide()
		return
	}
	l.label.SetText(Tf("save.into", "Saving into %s", dir))
	l.box.Show()
}

func (l *saveLine) onOpen() {
	if l.dir == "" {
		return
	}
	u, err := url.Parse(storage.NewFileURI(l.dir).String())
	if err != nil {
		return
	}
	l.fa.OpenURL(u)
}

// onCopy puts the folder on the clipboard, to paste into a terminal.
func (l *saveLine) onCopy() {
	if l.dir != "" {
		l.fa.Clipboard().SetContent(l.dir)
	}
}
