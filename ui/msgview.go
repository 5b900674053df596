package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview"
	"netassist/netassist/display"
)

// maxBodyView is how much of a decoded body the view renders; the rest is
// counted in a marker (saved files keep everything).
const maxBodyView = 256 << 10

// msgView shows one HTTP message: the raw bytes exactly as they crossed
// the socket (text with visible CR/LF, or hex), its tables, the decoded
// body and what the linter found.
type msgView struct {
	title   *widget.Label
	hex     *widget.Check
	raw     *rowList
	headers *kvTable
	query   *kvTable
	cookies *kvTable
	form    *kvTable
	body    *rowList
	lint    *widget.Label
	tabs    *container.AppTabs
	// extra goes on the title row, before Hex (the copy buttons), and
	// said between the title and them; both optional.
	extra []fyne.CanvasObject
	said  fyne.CanvasObject

	msg *httpview.Message
}

func newMsgView(title string) *msgView {
	v := &msgView{title: widget.NewLabel(title)}
	v.title.TextStyle = fyne.TextStyle{Bold: true}
	v.hex = widget.NewCheck(T("http.hex", "Hex"), func(bool) { v.renderRaw(); v.renderBody() })
	v.raw = newRowList()
	v.headers = newKVTable(T("http.name", "Name"), T("http.value", "Value"))
	v.query = newKVTable(T("http.name", "Name"), T("http.value", "Value"))
	v.cookies = newKVTable(T("http.name", "Name"), T("http.value", "Value"))
	v.form = newKVTable(T("http.name", "Name"), T("http.value", "Value"))
	v.body = newRowList()
	v.lint = widget.NewLabel("")
	v.lint.Wrapping = fyne.TextWrapWord
	v.lint.Importance = widget.WarningImportance
	v.tabs = container.NewAppTabs(
		container.NewTabItem(T("http.raw", "Raw"), v.raw.object()),
		container.NewTabItem(T("http.headers", "Headers"), v.headers.table),
		container.NewTabItem(T("http.query", "Query"), v.query.table),
		container.NewTabItem(T("http.cookies", "Cookies"), v.cookies.table),
		container.NewTabItem(T("http.form", "Form"), v.form.table),
		container.NewTabItem(T("http.body", "Body"), v.body.object()),
	)
	return v
}

func (v *msgView) object() fyne.CanvasObject {
	top := container.NewBorder(nil, nil, v.title, container.NewHBox(append(v.extra, v.hex)...), v.said)
	return container.NewBorder(top, container.NewVScroll(v.lint), nil, nil, v.tabs)
}

// show parses raw and fills every tab; nil clears the view.
func (v *msgView) show(raw []byte, isRequest bool, reqMethod string) {
	if raw == nil {
		v.msg = nil
	} else {
		v.msg = httpview.ParseMessage(raw, isRequest, reqMethod)
	}
	v.render()
}

// showMessage fills the view from an already parsed message.
func (v *msgView) showMessage(m *httpview.Message) {
	v.msg = m
	v.render()
}

func (v *msgView) render() {
	m := v.msg
	v.renderRaw()
	if m == nil {
		for _, t := range []*kvTable{v.headers, v.query, v.cookies, v.form} {
			t.set(nil)
		}
		v.body.show(nil)
		v.lint.SetText("")
		return
	}
	var hs [][2]string
	if m.IsRequest {
		hs = append(hs, [2]string{T("http.method", "(method)"), m.Method}, [2]string{T("http.target", "(target)"), m.Target}, [2]string{T("http.proto", "(version)"), m.Proto})
	} else {
		hs = append(hs, [2]string{T("http.proto", "(version)"), m.Proto}, [2]string{T("http.status", "(status)"), strconv.Itoa(m.Status) + " " + m.Reason})
	}
	for _, h := range m.Headers {
		hs = append(hs, [2]string{h.Name, h.Value})
	}
	for _, h := range m.Trailers {
		hs = append(hs, [2]string{h.Name + " " + T("http.trailer", "(trailer)"), h.Value})
	}
	v.headers.set(hs)
	var qs [][2]string
	for _, p := range m.Query() {
		qs = append(qs, [2]string{p.Name, p.Value})
	}
	v.query.set(qs)
	var cs [][2]string
	for _, c := range m.Cookies() {
		val := c.Value
		if c.Attrs != "" {
			val += "; " + c.Attrs
		}
		cs = append(cs, [2]string{c.Name, val})
	}
	v.cookies.set(cs)
	var fs [][2]string
	for _, f := range m.Form() {
		val := f.Value
		if f.FileName != "" {
			val = Tf("http.file", "file %q, %s, %d bytes", f.FileName, f.ContentType, f.Size)
		}
		fs = append(fs, [2]string{f.Name, val})
	}
	v.form.set(fs)
	v.renderBody()
	v.lint.SetText(findingsText(m.Warnings, m.Incomplete))
}

// note puts a sentence about the message as a whole (a body left unread)
// above what the linter found; "" leaves the findings alone.
func (v *msgView) note(text string) {
	if text == "" {
		return
	}
	if v.lint.Text != "" {
		text += "\n" + v.lint.Text
	}
	v.lint.SetText(text)
}

// renderBody shows the decoded body as text (JSON pretty-printed, text in
// its charset), or as a hex dump when Hex is ticked, like the Raw tab.
func (v *msgView) renderBody() {
	if v.msg == nil {
		v.body.show(nil)
		return
	}
	if !v.hex.Checked {
		text := v.msg.View(maxBodyView).Text
		v.body.show(func(cols int) []string { return wrapRows(text, cols) })
		return
	}
	body := v.msg.Body
	v.body.show(func(cols int) []string { return hexRows(body, cols) })
}

// hexRows is data as hex-dump rows that fit cols, cut with a marker past
// maxViewRows.
func hexRows(data []byte, cols int) []string {
	f := display.NewFormatter(display.Options{Hex: true, Wrap: cols})
	rows := f.Format([]display.Chunk{{Dir: display.RX, Conn: 1, Data: data}}).Rows
	if len(rows) > maxViewRows {
		rows = append(rows[:maxViewRows:maxViewRows], Tf("http.rawcut", "… %d more rows not shown (the saved file has every byte)", len(rows)-maxViewRows))
	}
	return rows
}

// maxViewRows bounds a message's rows in the Raw and Body tabs: a very
// large message is shown cut, with a marker; saved files keep every byte.
const maxViewRows = 20000

func (v *msgView) renderRaw() {
	if v.msg == nil {
		v.raw.show(nil)
		return
	}
	raw, hex := v.msg.Raw(), v.hex.Checked
	v.raw.show(func(cols int) []string {
		f := display.NewFormatter(display.Options{Hex: hex, Wrap: cols})
		rows := f.Format([]display.Chunk{{Dir: display.RX, Conn: 1, Data: raw}}).Rows
		if len(rows) > maxViewRows {
			rows = append(rows[:maxViewRows:maxViewRows], Tf("http.rawcut", "… %d more rows not shown (the saved file has every byte)", len(rows)-maxViewRows))
		}
		return rows
	})
}

// findingsText translates the linter's findings for the learner.
func findingsText(fs []httpview.Finding, incomplete bool) string {
	var lines []string
	if incomplete {
		lines = append(lines, "⚠ "+T("http.incomplete", "The message is incomplete: the connection ended or the rest has not arrived yet."))
	}
	for _, f := range fs {
		lines = append(lines, "⚠ "+findingText(f))
	}
	return strings.Join(lines, "\n")
}

func findingText(f httpview.Finding) string {
	tmpl := lang.X(f.Code, "")
	if tmpl == "" || tmpl == f.Code {
		return f.Text
	}
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return fmt.Sprintf(tmpl, args...)
}

// wrapRows splits text into lines of at most width columns.
func wrapRows(text string, width int) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		out = append(out, display.WrapText(strings.TrimRight(line, "\r"), width)...)
	}
	return out
}
