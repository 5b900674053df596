package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A refresh that changes no cell's text does not lay the cells' text out
// again: the HTTP request list refreshes four times a second under load,
// and shaping the same text again was half of what the app allocated.
func TestTextTableRefreshSkipsUnchangedCells(t *testing.T) {
	test.NewTempApp(t)
	rows := make([][3]string, 200)
	for i := range rows {
		rows[i] = [3]string{fmt.Sprintf("12:00:%02d.000", i%60), "GET", fmt.Sprintf("/page/%d.html", i)}
	}
	tbl := newTextTable([]column{{"Time", 110}, {"Method", 70}, {"Path", 200}},
		func() int { return len(rows) }, func(r, c int) string { return rows[r][c] })
	w := test.NewWindow(tbl)
	defer w.Close()
	w.Resize(fyne.NewSize(500, 400))
	tbl.Refresh()

	same := testing.AllocsPerRun(5, tbl.Refresh)
	changed := testing.AllocsPerRun(5, func() {
		rows = append(rows[1:], rows[0]) // every row shows another request
		tbl.Refresh()
	})
	t.Logf("allocations per refresh: %v unchanged, %v changed", same, changed)
	if same*4 > changed {
		t.Errorf("a refresh that changes nothing allocates %v times, against %v for one that changes every cell", same, changed)
	}
}
