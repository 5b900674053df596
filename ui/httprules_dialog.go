package ui

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// httpRulesDialog edits a copy of the HTTP server's rules as rulesDialog
// does a byte session's: the list on the left (add, duplicate, reorder,
// on/off, delete, each with its hits and last answer, import and
// export), the selected rule's editor on the right, and a tab that tests
// a pasted request. Apply compiles the whole list and hands it to the
// server, or shows the first problem at its field and applies nothing.
type httpRulesDialog struct {
	ruleDraft[*rules.HTTPSet, *httpRulesDialog]

	d                 *dialog.CustomDialog
	addB, applyB, okB *widget.Button
	dupB, delB        *widget.Button
	upB, downB, togB  *widget.Button
	editor            *fyne.Container
	none              *widget.Label
	tabs              *container.AppTabs

	name     *widget.Entry
	enabled  *widget.Check
	method   *widget.SelectEntry
	path     *widget.Entry
	header   *widget.Entry
	hvalue   *widget.Entry
	body     *widget.Entry
	status   *widget.Entry
	headers  *widget.Entry
	reply    *widget.Entry
	wait     *widget.Entry
	after    *widget.Select
	fire     *widget.Select
	times    *widget.Entry
	testIn   *widget.Entry
	testOut  *widget.Label
	testRun  *widget.Button
	filling  bool // the editor is being filled: its OnChanged are not edits
	testTime func() time.Time

	fName, fMethod, fPath, fHeader, fBody, fStatus, fHeaders, fReply, fThen, fFire *field
}

func newHTTPRulesDialog(area *httpRulesArea) *httpRulesDialog {
	d := &httpRulesDialog{ruleDraft: newRuleDraft(area), testTime: time.Now}
	d.compileFn, d.clearFn, d.fileName = d.compile, d.clearErrs, "netassist-http-rules.json"
	d.check = func(f rules.File) error {
		_, err := rules.CompileHTTP(f)
		return err
	}
	d.shownErr = func() { d.tabs.SelectIndex(0) }
	return d
}

// httpMethods are the choices of the method field; "" matches any.
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

func (d *httpRulesDialog) build() fyne.CanvasObject {
	d.list = widget.NewList(func() int { return len(d.draft) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.rowText(i)) })
	d.list.OnSelected = func(i widget.ListItemID) { d.select_(i) }
	d.list.OnUnselected = func(widget.ListItemID) { d.select_(-1) }
	d.addB = widget.NewButton(T("rules.add", "Add"), d.onAdd)
	d.dupB = widget.NewButton(T("rules.dup", "Duplicate"), d.onDuplicate)
	d.delB = widget.NewButton(T("rules.del", "Delete"), d.onDelete)
	d.upB = widget.NewButton(T("rules.up", "Up"), func() { d.onMove(-1) })
	d.downB = widget.NewButton(T("rules.down", "Down"), func() { d.onMove(1) })
	d.togB = widget.NewButton(T("rules.toggle", "On / off"), d.onToggle)
	btns := container.NewGridWithColumns(3, d.addB, d.dupB, d.delB, d.upB, d.downB, d.togB,
		widget.NewButton(T("rules.import", "Import…"), d.onImport),
		widget.NewButton(T("rules.export", "Export…"), d.onExport))
	left := container.NewBorder(nil, btns, nil, nil, d.list)

	d.name = newHTTPRuleEntry(false)
	d.enabled = widget.NewCheck(T("rules.enabled", "On"), nil)
	d.method = widget.NewSelectEntry(httpMethods)
	d.method.SetPlaceHolder(T("rules.http.anymethod", "any"))
	d.path = newHTTPRuleEntry(false)
	d.path.SetPlaceHolder(T("rules.http.path.hint", `e.g. ^/users/(?P<id>\d+)$ (empty: any)`))
	d.header = newHTTPRuleEntry(false)
	d.header.SetPlaceHolder(T("rules.http.header.hint", "name, e.g. Authorization"))
	d.hvalue = newHTTPRuleEntry(false)
	d.hvalue.SetPlaceHolder(T("rules.http.hvalue.hint", "value pattern (empty: any)"))
	d.body = newHTTPRuleEntry(false)
	d.body.SetPlaceHolder(T("rules.http.body.hint", `text, e.g. "ping" (empty: any)`))
	d.status = newHTTPRuleEntry(false)
	d.headers = newHTTPRuleEntry(true)
	d.headers.SetPlaceHolder("Content-Type: application/json")
	d.reply = newHTTPRuleEntry(true)
	d.reply.SetPlaceHolder(T("rules.http.reply.hint", `e.g. {"id": ${id}}`))
	d.wait = newHTTPRuleEntry(false)
	d.after = widget.NewSelect(ruleAfterNames(), nil)
	d.fire = widget.NewSelect(ruleFireNames(), nil)
	d.times = newHTTPRuleEntry(false)
	d.resume = widget.NewButton(T("rules.resume", "Resume"), d.onResume)
	d.resume.Importance = widget.WarningImportance
	d.resume.Hide()
	for _, e := range []*widget.Entry{d.name, d.path, d.header, d.hvalue, d.body, d.status, d.headers, d.reply, d.wait, d.times} {
		e.OnChanged = func(string) { d.onEdit() }
	}
	d.method.OnChanged = func(string) { d.onEdit() }
	d.after.OnChanged = func(string) { d.onEdit() }
	d.fire.OnChanged = func(string) { d.onEdit() }
	d.enabled.OnChanged = func(bool) { d.onEdit() }

	d.fName = newField(T("rules.name", "Name"), container.NewBorder(nil, nil, nil, d.enabled, d.name))
	d.fMethod = newField(T("rules.http.method", "Method"), d.method)
	d.fPath = newField(T("rules.http.path", "Path (regular expression; its groups are ${1}, ${name})"), d.path)
	d.fHeader = newField(T("rules.http.header", "Header"), container.NewGridWithColumns(2, d.header, d.hvalue))
	d.fBody = newField(T("rules.http.body", "Body contains"), d.body)
	d.fStatus = newField(T("rules.http.status", "Status"), d.status)
	d.fHeaders = newField(T("rules.http.headers", "Header lines (Name: value; Content-Length is filled in)"), d.headers)
	d.fReply = newField(T("rules.http.reply", "Body (${1} ${name} ${msg} ${counter} ${time} ${peer} ${random})"), d.reply)
	d.fThen = newField(T("rules.then", "Then wait (ms), then"), container.NewGridWithColumns(2, d.wait, d.after))
	d.fFire = newField(T("rules.fire", "Answer"), container.NewGridWithColumns(2, d.fire, d.times))
	when := widget.NewLabelWithStyle(T("rules.http.when", "When the request has"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	answer := widget.NewLabelWithStyle(T("rules.http.answer", "Answer with"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.editor = container.NewVBox(d.fName.object(), when,
		container.NewGridWithColumns(2, d.fMethod.object(), d.fBody.object()), d.fPath.object(), d.fHeader.object(),
		widget.NewSeparator(), answer, d.fStatus.object(), d.fHeaders.object(), d.fReply.object(),
		container.NewGridWithColumns(2, d.fThen.object(), d.fFire.object()), d.resume)
	d.none = widget.NewLabel(T("rules.pick", "Add a rule, or pick one in the list to edit it."))
	d.none.Wrapping = fyne.TextWrapWord
	d.errLine = newErrLine()

	// The test has a tab of its own: a pasted request and the answer's
	// bytes need the room a byte message does not.
	d.testIn = newHTTPRuleEntry(true)
	d.testIn.SetMinRowsVisible(5)
	d.testIn.SetPlaceHolder("GET /users/42 HTTP/1.1\nHost: example\n")
	d.testRun = widget.NewButton(T("rules.test.run", "Test"), d.onTest)
	d.testOut = widget.NewLabel("")
	d.testOut.Wrapping = fyne.TextWrapBreak
	d.testOut.TextStyle.Monospace = true
	test := container.NewBorder(container.NewVBox(
		widget.NewLabel(T("rules.http.test", "Paste a request (nothing is sent):")), d.testIn,
		container.NewBorder(nil, nil, nil, d.testRun)), nil, nil, nil, container.NewVScroll(d.testOut))

	d.tabs = container.NewAppTabs(
		container.NewTabItem(T("rules.http.tab.edit", "Rule"), container.NewVScroll(container.NewVBox(d.errLine, d.none, d.editor))),
		container.NewTabItem(T("rules.http.tab.test", "Test a request"), test))
	split := container.NewHSplit(left, d.tabs)
	split.Offset = 0.3
	d.select_(-1)
	return split
}

func (d *httpRulesDialog) show() {
	a := d.area.app
	content := d.build()
	d.d = dialog.NewCustomWithoutButtons(T("rules.http.dlgtitle", "HTTP server: automatic answers (rules)"), content, a.win)
	d.applyB = widget.NewButton(T("rules.apply", "Apply"), func() { d.apply() })
	d.okB = widget.NewButton(T("rules.ok", "OK"), func() {
		if d.apply() {
			d.d.Hide()
		}
	})
	d.okB.Importance = widget.HighImportance
	cancel := widget.NewButton(T("dlg.cancel", "Cancel"), func() { d.d.Hide() })
	d.d.SetButtons([]fyne.CanvasObject{cancel, d.applyB, d.okB})
	d.d.SetOnClosed(func() { d.area.dlg = nil })
	size := a.win.Canvas().Size()
	d.d.Resize(fyne.NewSize(min(1000, size.Width-20), min(680, size.Height-20)))
	d.d.Show()
	if len(d.draft) > 0 {
		d.list.Select(0)
	}
}

// rowText is a list row: on/off, name, hits and last time, what it matches.
func (d *httpRulesDialog) rowText(i int) string {
	r := d.draft[i]
	state := "☐"
	if r.Enabled {
		state = "☑"
	}
	s := state + " " + r.Name
	if st, ok := d.statsOf(i); ok {
		s += " · " + Tf("rules.http.hits", "hits: %s", groupDigits(st.Hits))
		if !st.Last.IsZero() {
			s += " · " + st.Last.Format("15:04:05")
		}
		switch {
		case st.Paused:
			s += " · " + T("rules.state.paused", "PAUSED")
		case st.Spent:
			s += " · " + T("rules.state.spent", "done")
		}
	}
	// What it matches last: a long path is what the row may cut.
	if what := strings.TrimSpace(r.Match.Method + " " + r.Match.Path); what != "" {
		s += " · " + what
	}
	return s
}

// select_ shows rule i in the editor (-1: none).
func (d *httpRulesDialog) select_(i int) {
	d.sel = i
	if i < 0 || i >= len(d.draft) {
		d.sel = -1
		d.editor.Hide()
		d.none.Show()
		return
	}
	d.none.Hide()
	d.editor.Show()
	d.fill(d.draft[i])
	d.showResume()
}

// fill puts r into the editor without counting it as an edit.
func (d *httpRulesDialog) fill(r rules.Rule) {
	d.filling = true
	defer func() { d.filling = false }()
	d.name.SetText(r.Name)
	d.enabled.SetChecked(r.Enabled)
	d.method.SetText(r.Match.Method)
	d.path.SetText(r.Match.Path)
	d.header.SetText(r.Match.Header)
	d.hvalue.SetText(r.Match.HeaderValue)
	d.body.SetText(r.Match.BodyContains)
	status := r.Reply.Status
	if status == 0 {
		status = 200
	}
	d.status.SetText(strconv.Itoa(status))
	d.headers.SetText(r.Reply.Headers)
	d.reply.SetText(r.Reply.Template)
	d.wait.SetText(strconv.Itoa(r.Then.WaitMS))
	d.after.SetSelectedIndex(indexOf(rules.Afters, r.Then.After))
	d.fire.SetSelectedIndex(indexOf(rules.FireModes, r.Fire.Mode))
	times := r.Fire.Times
	if times == 0 {
		times = 1
	}
	d.times.SetText(strconv.Itoa(times))
	d.showTimes()
	d.clearErrs()
}

func (d *httpRulesDialog) showTimes() {
	if d.fire.SelectedIndex() == 2 {
		d.times.Show()
	} else {
		d.times.Hide()
	}
}

// onEdit writes the editor back into the draft rule.
func (d *httpRulesDialog) onEdit() {
	if d.filling || d.sel < 0 {
		return
	}
	d.dirty = true
	d.clearErrs() // what was said is about the text before this edit
	r := &d.draft[d.sel]
	r.Name = strings.TrimSpace(d.name.Text)
	r.Enabled = d.enabled.Checked
	r.Match.Method = strings.ToUpper(strings.TrimSpace(d.method.Text))
	r.Match.Path = d.path.Text
	r.Match.Header = strings.TrimSpace(d.header.Text)
	r.Match.HeaderValue = d.hvalue.Text
	r.Match.BodyContains = d.body.Text
	// A number that does not read is kept as -1 so that Apply refuses it
	// at its field instead of quietly taking 200 or 0.
	r.Reply.Status = atoiOr(d.status.Text, -1)
	r.Reply.Headers = d.headers.Text
	r.Reply.Template = d.reply.Text
	r.Then.WaitMS = atoiOr(d.wait.Text, -1)
	r.Then.After = rules.Afters[max(d.after.SelectedIndex(), 0)]
	r.Fire.Mode = rules.FireModes[max(d.fire.SelectedIndex(), 0)]
	r.Fire.Times = 0
	if r.Fire.Mode == rules.FireTimes {
		r.Fire.Times = atoiOr(d.times.Text, 0)
	}
	d.showTimes()
	d.list.RefreshItem(d.sel)
	d.resume.Hide()
}

func (d *httpRulesDialog) fields() []*field {
	return []*field{d.fName, d.fMethod, d.fPath, d.fHeader, d.fBody, d.fStatus, d.fHeaders, d.fReply, d.fThen, d.fFire}
}

func (d *httpRulesDialog) clearErrs() {
	for _, f := range d.fields() {
		f.setErr("")
	}
	showErrLine(d.errLine, "")
}

// fieldOf is the editor field a rules error is about.
func (d *httpRulesDialog) fieldOf(name string) *field {
	switch {
	case name == "name":
		return d.fName
	case name == "match.method":
		return d.fMethod
	case name == "match.path":
		return d.fPath
	case name == "match.header", name == "match.header_value":
		return d.fHeader
	case name == "match.body_contains":
		return d.fBody
	case name == "reply.status":
		return d.fStatus
	case name == "reply.headers":
		return d.fHeaders
	case strings.HasPrefix(name, "reply."):
		return d.fReply
	case strings.HasPrefix(name, "then."):
		return d.fThen
	case strings.HasPrefix(name, "fire."):
		return d.fFire
	}
	return nil
}

// compile checks the draft; a problem is shown at its rule and field, on
// the editor's tab.
func (d *httpRulesDialog) compile() (*rules.HTTPSet, bool) {
	d.clearErrs()
	s, err := rules.CompileHTTP(rules.File{Version: rules.Version, MaxPerSecond: d.max, Rules: d.draft})
	if err == nil {
		return s, true
	}
	e, ok := err.(*rules.Error)
	if !ok {
		showErrLine(d.errLine, errText(err))
		return nil, false
	}
	if e.Rule >= 0 && e.Rule != d.sel {
		d.list.Select(e.Rule)
	}
	d.tabs.SelectIndex(0)
	showErrLine(d.errLine, ruleErrText(e))
	if f := d.fieldOf(e.Field); f != nil {
		f.setErr(ruleFieldText(e))
	}
	return nil, false
}

func (d *httpRulesDialog) onAdd() {
	r := rules.NewRule(Tf("rules.newname", "Rule %d", len(d.draft)+1))
	r.Reply.Status = 200
	d.add(r)
}

func (d *httpRulesDialog) onToggle() {
	if d.sel >= 0 {
		d.enabled.SetChecked(!d.enabled.Checked) // onEdit writes it back
	}
}

// onTest runs the draft against the pasted request: which rule answers
// and the exact bytes it would send, nothing sent.
func (d *httpRulesDialog) onTest() {
	s, ok := d.compile()
	if !ok {
		d.testOut.SetText("")
		return
	}
	req, ok := parseTestRequest(d.testIn.Text)
	if !ok {
		d.testOut.SetText(T("rules.http.test.bad", "This is not an HTTP request: the first line must be like GET /path HTTP/1.1, then header lines, an empty line and the body."))
		return
	}
	a := s.Test(req, d.testTime())
	if a.Rule < 0 {
		d.testOut.SetText(T("rules.http.test.none", "No rule matches: the mode answers this request."))
		return
	}
	b := server.RuleAnswerBytes(a, req.Method, d.testTime())
	out := Tf("rules.http.test.hit", "Rule %d “%s” answers with %d bytes:", a.Rule+1, a.Name, len(b)) + "\n" + escapeLines(b)
	if a.Wait > 0 {
		out += "\n" + Tf("rules.http.test.wait", "then waits %d ms", a.Wait.Milliseconds())
	}
	if a.After != rules.AfterNone {
		out += "\n" + Tf("rules.test.then", "then: %s", ruleAfterNames()[indexOf(rules.Afters, a.After)])
	}
	d.testOut.SetText(out)
}

// newHTTPRuleEntry is an editor entry; only a multi-line one wraps (Fyne
// refuses wrapping on a single line).
func newHTTPRuleEntry(multi bool) *widget.Entry {
	e := &widget.Entry{MultiLine: multi}
	if multi {
		e.Wrapping = fyne.TextWrapBreak
		e.SetMinRowsVisible(2)
	}
	e.ExtendBaseWidget(e)
	return e
}

// escapeLines is b with the send box's escapes, a line of text per line of
// the answer (each still ending in its visible \r\n), so the head reads
// as it would in a terminal.
func escapeLines(b []byte) string {
	var out []string
	for len(b) > 0 {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			out = append(out, codec.Escape(b))
			break
		}
		out = append(out, codec.Escape(b[:i+2]))
		b = b[i+2:]
	}
	return strings.Join(out, "\n")
}
