package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// rowList shows pre-formatted monospace rows in a virtualized list: the
// only text widget that stays fast with many lines.
type rowList struct {
	rows []string
	list *widget.List
}

func newRowList() *rowList {
	r := &rowList{}
	r.list = &widget.List{
		Length: func() int { return len(r.rows) },
		CreateItem: func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle = fyne.TextStyle{Monospace: true}
			l.Truncation = fyne.TextTruncateClip
			return l
		},
		UpdateItem: func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(r.rows) {
				o.(*widget.Label).SetText(r.rows[i])
			}
		},
	}
	r.list.ExtendBaseWidget(r.list)
	return r
}

func (r *rowList) set(rows []string) {
	r.rows = rows
	r.list.Refresh()
	r.list.ScrollToTop()
}
