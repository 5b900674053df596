package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// newRowTable is a text table (see newTextTable) that is a list of
// records: a click or space anywhere in a row selects the row, and the
// whole row shows it, not the one cell a widget.Table highlights.
// selected says whether a row is the selected one (so the highlight can
// follow a record that moves down the list); onRow is called with the row
// the user picked.
func newRowTable(cols []column, rows func() int, cell func(row, col int) string, selected func(row int) bool, onRow func(row int)) *widget.Table {
	var t *widget.Table
	t = buildTextTable(cols, rows,
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
			bg.Hide()
			return container.NewStack(bg, newCellLabel())
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			bg := c.Objects[0].(*canvas.Rectangle)
			on := id.Row < rows() && selected(id.Row)
			if on != bg.Visible() {
				bg.FillColor = theme.Color(theme.ColorNameSelection)
				bg.Hidden = !on
				bg.Refresh()
			}
			setCellText(c.Objects[1].(*widget.Label), rows, cell, id)
		})
	t.OnSelected = func(id widget.TableCellID) {
		t.Unselect(id) // the row shows the selection, not the cell
		onRow(id.Row)
		t.Refresh()
	}
	return t
}
