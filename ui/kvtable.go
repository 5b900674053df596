package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// kvTable is a two-column table (name, value) with a header row; users
// can drag the column divider.
type kvTable struct {
	rows    [][2]string
	headers [2]string
	table   *widget.Table
}

func newKVTable(nameHeader, valueHeader string) *kvTable {
	k := &kvTable{headers: [2]string{nameHeader, valueHeader}}
	k.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(k.rows), 2 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(k.rows) {
				o.(*widget.Label).SetText(k.rows[id.Row][id.Col])
			}
		})
	k.table.ShowHeaderColumn = false
	k.table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	k.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < 2 {
			l := o.(*widget.Label)
			l.TextStyle = fyne.TextStyle{Bold: true}
			l.SetText(k.headers[id.Col])
		}
	}
	k.table.SetColumnWidth(0, 180)
	k.table.SetColumnWidth(1, 520)
	return k
}

func (k *kvTable) set(rows [][2]string) {
	k.rows = rows
	k.table.Refresh()
}
