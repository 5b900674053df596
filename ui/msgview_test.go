package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// An HTTP message with a 5,000-character line, shown in a narrow pane:
// its raw rows, as text and as hex, and its body wrap at the pane's width,
// so every character is on screen; a wider pane takes longer rows.
func TestMsgViewLongLineFitsNarrowPane(t *testing.T) {
	test.NewTempApp(t)
	target := "/" + strings.Repeat("abcdefghij", 500)
	body := strings.Repeat("0123456789", 500)
	raw := "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n" + body
	v := newMsgView("Request")
	w := test.NewWindow(v.object())
	defer w.Close()
	w.Resize(fyne.NewSize(360, 500))
	v.show([]byte(raw), true, "")
	check := func(what string, l *rowList, want string, hex bool) {
		t.Helper()
		room := l.list.Size().Width - theme.ScrollBarSize() - 2*theme.InnerPadding()
		var got strings.Builder
		for _, row := range l.rows {
			if w := fyne.MeasureText(row, theme.TextSize(), fyne.TextStyle{Monospace: true}).Width; w > room {
				t.Fatalf("%s: row %q is %.0f pixels wide; the pane shows %.0f", what, row, w, room)
			}
			if hex {
				if a, b := strings.IndexByte(row, '|'), strings.LastIndexByte(row, '|'); a >= 0 && b > a {
					row = row[a+1 : b]
				}
			}
			got.WriteString(row)
		}
		if !strings.Contains(got.String(), want) {
			t.Errorf("%s: the rows do not hold the whole line (%d characters shown)", what, got.Len())
		}
	}
	v.tabs.SelectIndex(0)
	check("raw", v.raw, target, false)
	v.tabs.SelectIndex(5)
	check("body", v.body, body, false)
	narrow := len(v.raw.rows)
	test.Tap(v.hex)
	v.tabs.SelectIndex(0)
	check("raw hex", v.raw, target, true)
	v.tabs.SelectIndex(5)
	check("body hex", v.body, body, true)
	test.Tap(v.hex)
	w.Resize(fyne.NewSize(900, 500))
	v.tabs.SelectIndex(0)
	if len(v.raw.rows) >= narrow {
		t.Errorf("a wider pane shows %d raw rows, as many as a narrow one (%d)", len(v.raw.rows), narrow)
	}
}
