package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a text table: its header and starting width
// (users can drag the dividers).
type column struct {
	head  string
	width float32
}

// newTextTable builds a table of one-line text cells under a bold header
// row; rows says how many rows there are, cell gives one cell's text.
func newTextTable(cols []column, rows func() int, cell func(row, col int) string) *widget.Table {
	return buildTextTable(cols, rows,
		func() fyne.CanvasObject { return newCellLabel() },
		func(id widget.TableCellID, o fyne.CanvasObject) { setCellText(o.(*widget.Label), rows, cell, id) })
}

// buildTextTable is newTextTable with the cells' making and filling given.
func buildTextTable(cols []column, rows func() int, create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *widget.Table {
	t := widget.NewTableWithHeaders(func() (int, int) { return rows(), len(cols) }, create, update)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.TextStyle = fyne.TextStyle{Bold: true}
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if l := o.(*widget.Label); id.Col >= 0 && id.Col < len(cols) && l.Text != cols[id.Col].head {
			l.SetText(cols[id.Col].head)
		}
	}
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
	return t
}

func newCellLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// setCellText shows cell id's text in l.
func setCellText(l *widget.Label, rows func() int, cell func(row, col int) string, id widget.TableCellID) {
	s := ""
	if id.Row < rows() {
		s = cell(id.Row, id.Col)
	}
	// Unchanged text is not laid out again: a refreshed list mostly
	// repeats what its cells show.
	if l.Text != s {
		l.SetText(s)
	}
}

// kvTable is a two-column table (name, value).
type kvTable struct {
	rows  [][2]string
	table *widget.Table
}

func newKVTable(nameHeader, valueHeader string) *kvTable {
	k := &kvTable{}
	k.table = newTextTable([]column{{nameHeader, 180}, {valueHeader, 520}},
		func() int { return len(k.rows) },
		func(row, col int) string { return k.rows[row][col] })
	return k
}

func (k *kvTable) set(rows [][2]string) {
	k.rows = rows
	k.table.Refresh()
}
