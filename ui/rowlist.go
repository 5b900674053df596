package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// rowList shows pre-formatted monospace rows in a virtualized list: the
// only text widget that stays fast with many lines. Rows are made for the
// list's width (render), and made again when the width changes, so a long
// line wraps rather than passing the edge.
type rowList struct {
	rows   []string
	list   *widget.List
	box    *fyne.Container
	render func(cols int) []string // nil: no content
	cols   int                     // the width rows were made for
}

// rowListCols is the width rows are made for before the list is laid out.
const rowListCols = 120

func newRowList() *rowList {
	r := &rowList{cols: rowListCols}
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
	r.box = container.New(rowListLayout{r}, r.list)
	return r
}

// object is what a tab shows.
func (r *rowList) object() fyne.CanvasObject { return r.box }

// show makes the rows with render, now and whenever the width changes;
// nil empties the list.
func (r *rowList) show(render func(cols int) []string) {
	r.render = render
	r.rows = nil
	if render != nil {
		r.rows = render(r.cols)
	}
	r.list.Refresh()
	r.list.ScrollToTop()
}

// setWidth makes the rows again for a new width; main goroutine (layout).
// It formats the whole message again, as show did, which is bounded by
// what the message view keeps (maxViewRows, maxBodyView).
func (r *rowList) setWidth(width float32) {
	// A Label pads its text on both sides; the scroll bar is drawn over it.
	cols := wrapColumns(width-2*theme.InnerPadding()+2*theme.Padding(), theme.TextSize())
	cols = max(cols, minWrap)
	if cols == r.cols {
		return
	}
	r.cols = cols
	if r.render != nil {
		r.rows = r.render(cols)
		r.list.Refresh()
	}
}

// rowListLayout fills the box with the list and tells the rows its width.
type rowListLayout struct{ r *rowList }

func (l rowListLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	l.r.setWidth(size.Width)
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l rowListLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	return objects[0].MinSize()
}
