package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// saveLine says where a session saves, in one line under "Save traffic",
// with a button that opens the folder in the system's file manager.
type saveLine struct {
	fa      fyne.App
	dir     string
	label   *widget.Label
	openBtn *widget.Button
	box     *fyne.Container
}

func newSaveLine(fa fyne.App) *saveLine {
	l := &saveLine{fa: fa, label: widget.NewLabel("")}
	l.label.Truncation = fyne.TextTruncateEllipsis
	l.openBtn = widget.NewButton(T("save.openfolder", "Open folder"), l.onOpen)
	l.box = container.NewBorder(nil, nil, nil, l.openBtn, l.label)
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
