package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// rulesDialog edits a copy of the session's rules: the list on the left
// (add, duplicate, reorder, delete, each with its hits and last answer),
// the selected rule's editor on the right with a test box. Apply compiles
// the whole list and hands it to the session, or shows the first problem
// at its field and applies nothing.
type rulesDialog struct {
	ruleDraft[*rules.Set, *rulesDialog]

	d                 *dialog.CustomDialog
	addB, applyB, okB *widget.Button
	editor            *fyne.Container
	none              *widget.Label

	name     *widget.Entry
	enabled  *widget.Check
	kind     *widget.Select
	on       *widget.Select
	pattern  *widget.Entry
	reply    *widget.Entry
	format   *widget.Select
	charset  *widget.Select
	checksum *widget.Select
	wait     *widget.Entry
	after    *widget.Select
	fire     *widget.Select
	times    *widget.Entry

	fName, fPattern, fReply, fFormat, fThen, fFire *field

	testIn  *widget.Entry
	testHex *widget.Check
	testOut *widget.Label

	filling bool // the editor is being filled: its OnChanged are not edits
}

func newRulesDialog(area *rulesArea) *rulesDialog {
	d := &rulesDialog{ruleDraft: newRuleDraft(area)}
	d.compileFn, d.clearFn, d.fileName = d.compile, d.clearErrs, "netassist-rules.json"
	d.check = func(f rules.File) error {
		_, err := rules.Compile(f)
		return err
	}
	return d
}

func ruleKindNames() []string {
	return []string{T("rules.k.equals", "Equals"), T("rules.k.starts", "Starts with"), T("rules.k.contains", "Contains"), T("rules.k.regex", "Regular expression")}
}
func ruleOnNames() []string {
	return []string{T("rules.on.text", "Text"), T("rules.on.hex", "Hex")}
}
func ruleAfterNames() []string {
	return []string{T("rules.a.none", "Nothing more"), T("rules.a.half", "Half-close (FIN)"), T("rules.a.close", "Close"), T("rules.a.reset", "Reset (RST)")}
}
func ruleFireNames() []string {
	return []string{T("rules.fire.always", "Always"), T("rules.fire.once", "Once"), T("rules.fire.times", "N times")}
}
func newEntry(multi bool) *widget.Entry {
	e := &widget.Entry{MultiLine: multi}
	if multi {
		e.Wrapping = fyne.TextWrapBreak
		e.SetMinRowsVisible(2)
	}
	e.ExtendBaseWidget(e)
	return e
}

func (d *rulesDialog) build() fyne.CanvasObject {
	d.list = widget.NewList(func() int { return len(d.draft) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(d.rowText(i)) })
	d.list.OnSelected = d.onSelect
	d.list.OnUnselected = func(widget.ListItemID) { d.select_(-1) }
	d.addB = widget.NewButton(T("rules.add", "Add"), d.onAdd)
	btns := container.NewGridWithColumns(3,
		d.addB,
		widget.NewButton(T("rules.dup", "Duplicate"), d.onDuplicate),
		widget.NewButton(T("rules.del", "Delete"), d.onDelete),
		widget.NewButton(T("rules.up", "Up"), func() { d.onMove(-1) }),
		widget.NewButton(T("rules.down", "Down"), func() { d.onMove(1) }),
		widget.NewButton(T("rules.toggle", "On / off"), d.onToggle),
		widget.NewButton(T("rules.import", "Import…"), d.onImport),
		widget.NewButton(T("rules.export", "Export…"), d.onExport),
	)

	d.name = newEntry(false)
	d.enabled = widget.NewCheck(T("rules.enabled", "On"), nil)
	d.kind = widget.NewSelect(ruleKindNames(), nil)
	d.on = widget.NewSelect(ruleOnNames(), nil)
	d.pattern = newEntry(false)
	d.pattern.SetPlaceHolder(T("rules.pattern.hint", `e.g. PING\r\n, or ^GET (\w+)$, or 7E 01`))
	d.reply = newEntry(true)
	d.reply.SetPlaceHolder(T("rules.reply.hint", `e.g. PONG ${counter}\r\n`))
	d.format = widget.NewSelect([]string{T("send.text", "Text"), T("send.hex", "Hex")}, nil)
	d.charset = widget.NewSelect(charsetNames(), nil)
	d.checksum = widget.NewSelect(checksumNames(), nil)
	d.wait = newEntry(false)
	d.after = widget.NewSelect(ruleAfterNames(), nil)
	d.fire = widget.NewSelect(ruleFireNames(), nil)
	d.times = newEntry(false)
	d.resume = widget.NewButton(T("rules.resume", "Resume"), d.onResume)
	d.resume.Importance = widget.WarningImportance
	d.resume.Hide()
	for _, e := range []*widget.Entry{d.name, d.pattern, d.reply, d.wait, d.times} {
		e.OnChanged = func(string) { d.onEdit() }
	}
	for _, s := range []*widget.Select{d.kind, d.on, d.format, d.charset, d.checksum, d.after, d.fire} {
		s.OnChanged = func(string) { d.onEdit() }
	}
	d.enabled.OnChanged = func(bool) { d.onEdit() }

	d.fName = newField(T("rules.name", "Name"), container.NewBorder(nil, nil, nil, d.enabled, d.name))
	d.fPattern = newField(T("rules.when", "When the message"), container.NewVBox(container.NewGridWithColumns(2, d.kind, d.on), d.pattern))
	d.fReply = newField(T("rules.reply", "Reply (like the send box; ${1} ${name} ${msg} ${hex} ${counter} ${time} ${peer} ${random})"), d.reply)
	d.fFormat = newField(T("rules.format", "Reply format"), container.NewGridWithColumns(3, d.format, d.charset, d.checksum))
	d.fThen = newField(T("rules.then", "Then wait (ms), then"), container.NewGridWithColumns(2, d.wait, d.after))
	d.fFire = newField(T("rules.fire", "Answer"), container.NewGridWithColumns(2, d.fire, d.times))

	d.testIn = newEntry(false)
	d.testIn.SetPlaceHolder(T("rules.test.hint", `a message, e.g. PING\r\n`))
	d.testIn.OnSubmitted = func(string) { d.onTest() }
	d.testHex = widget.NewCheck(T("rules.on.hex", "Hex"), nil)
	d.testOut = widget.NewLabel("")
	d.testOut.Wrapping = fyne.TextWrapBreak
	d.testOut.TextStyle.Monospace = true
	testBox := container.NewVBox(
		widget.NewLabel(T("rules.test", "Test a message (nothing is sent)")),
		container.NewBorder(nil, nil, nil, container.NewHBox(d.testHex, widget.NewButton(T("rules.test.run", "Test"), d.onTest)), d.testIn),
		d.testOut)

	d.editor = container.NewVBox(d.fName.object(), d.fPattern.object(), d.fReply.object(), d.fFormat.object(), d.fThen.object(), d.fFire.object(), d.resume)
	d.none = widget.NewLabel(T("rules.pick", "Add a rule, or pick one in the list to edit it."))
	d.none.Wrapping = fyne.TextWrapWord
	d.errLine = newErrLine()
	// The test box sits under the list, so it is on screen at 1024×700
	// whichever rule is being edited.
	left := container.NewBorder(nil, container.NewVBox(btns, widget.NewSeparator(), testBox), nil, nil, d.list)
	right := container.NewVScroll(container.NewVBox(d.errLine, d.none, d.editor))
	split := container.NewHSplit(left, right)
	split.Offset = 0.34
	d.select_(-1)
	return split
}

func (d *rulesDialog) show() {
	a := d.area.app
	content := d.build()
	d.d = dialog.NewCustomWithoutButtons(T("rules.dlgtitle", "Automatic replies (rules)"), content, a.win)
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
	d.d.Resize(fyne.NewSize(min(980, size.Width-20), min(640, size.Height-20)))
	d.d.Show()
	if len(d.draft) > 0 {
		d.list.Select(0)
	}
}

// rowText is a list row: on/off, name, what it does, hits and last time.
func (d *rulesDialog) rowText(i int) string {
	r := d.draft[i]
	state := "☐"
	if r.Enabled {
		state = "☑"
	}
	s := state + " " + r.Name
	if st, ok := d.statsOf(i); ok {
		s += " · " + Tf("rules.hits", "hits: %s", groupDigits(st.Hits))
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
	return s
}

func (d *rulesDialog) onSelect(i widget.ListItemID) { d.select_(i) }

// select_ shows rule i in the editor (-1: none).
func (d *rulesDialog) select_(i int) {
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

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// fill puts r into the editor without counting it as an edit.
func (d *rulesDialog) fill(r rules.Rule) {
	d.filling = true
	defer func() { d.filling = false }()
	d.name.SetText(r.Name)
	d.enabled.SetChecked(r.Enabled)
	d.kind.SetSelectedIndex(indexOf(rules.Kinds, r.Match.Kind))
	d.on.SetSelectedIndex(indexOf([]rules.On{rules.OnText, rules.OnHex}, r.Match.On))
	d.pattern.SetText(r.Match.Pattern)
	d.reply.SetText(r.Reply.Template)
	d.format.SetSelectedIndex(indexOf(codec.Modes, r.Reply.Format))
	d.charset.SetSelectedIndex(indexOf(codec.Charsets, r.Reply.Charset))
	d.checksum.SetSelectedIndex(indexOf(codec.Checksums, r.Reply.Checksum))
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

func (d *rulesDialog) showTimes() {
	if d.fire.SelectedIndex() == 2 {
		d.times.Show()
	} else {
		d.times.Hide()
	}
}

// onEdit writes the editor back into the draft rule.
func (d *rulesDialog) onEdit() {
	if d.filling || d.sel < 0 {
		return
	}
	d.dirty = true
	d.clearErrs() // what was said is about the text before this edit
	r := &d.draft[d.sel]
	r.Name = strings.TrimSpace(d.name.Text)
	r.Enabled = d.enabled.Checked
	r.Match.Kind = rules.Kinds[max(d.kind.SelectedIndex(), 0)]
	r.Match.On = []rules.On{rules.OnText, rules.OnHex}[max(d.on.SelectedIndex(), 0)]
	r.Match.Pattern = d.pattern.Text
	r.Reply.Template = d.reply.Text
	r.Reply.Format = codec.Modes[max(d.format.SelectedIndex(), 0)]
	r.Reply.Charset = codec.Charsets[max(d.charset.SelectedIndex(), 0)]
	r.Reply.Checksum = codec.Checksums[max(d.checksum.SelectedIndex(), 0)]
	// A number that does not read is kept as -1 so that Apply refuses it
	// at its field instead of quietly taking 0.
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

func atoiOr(s string, bad int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return bad
	}
	return n
}

func (d *rulesDialog) clearErrs() {
	for _, f := range []*field{d.fName, d.fPattern, d.fReply, d.fFormat, d.fThen, d.fFire} {
		f.setErr("")
	}
	showErrLine(d.errLine, "")
}

// compile checks the draft; a problem is shown at its rule and field.
func (d *rulesDialog) compile() (*rules.Set, bool) {
	d.clearErrs()
	s, err := rules.Compile(rules.File{Version: rules.Version, MaxPerSecond: d.max, Rules: d.draft})
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
	showErrLine(d.errLine, ruleErrText(e))
	var f *field
	switch {
	case e.Field == "name":
		f = d.fName
	case strings.HasPrefix(e.Field, "match."):
		f = d.fPattern
	case e.Field == "reply.template":
		f = d.fReply
	case strings.HasPrefix(e.Field, "reply."):
		f = d.fFormat
	case strings.HasPrefix(e.Field, "then."):
		f = d.fThen
	case strings.HasPrefix(e.Field, "fire."):
		f = d.fFire
	}
	if f != nil {
		f.setErr(ruleFieldText(e))
	}
	return nil, false
}

func (d *rulesDialog) onAdd() {
	d.add(rules.NewRule(Tf("rules.newname", "Rule %d", len(d.draft)+1)))
}

func (d *rulesDialog) onToggle() {
	if d.sel < 0 {
		return
	}
	d.enabled.SetChecked(!d.enabled.Checked) // onEdit writes it back
}

// onTest runs the draft against the typed message: which rule answers
// and the exact bytes, nothing sent.
func (d *rulesDialog) onTest() {
	s, ok := d.compile()
	if !ok {
		d.testOut.SetText("")
		return
	}
	var msg []byte
	var err error
	if d.testHex.Checked {
		msg, err = codec.ParseHex(d.testIn.Text)
	} else {
		msg, err = codec.Unescape(d.testIn.Text)
	}
	if err != nil {
		d.testOut.SetText(errText(err))
		return
	}
	s.Inherit(d.area.current()) // ${counter} as the session would count
	a := s.Test(msg, "127.0.0.1:50000", time.Now())
	if a.Rule < 0 {
		d.testOut.SetText(T("rules.test.none", "No rule matches: nothing would be sent."))
		return
	}
	out := Tf("rules.test.hit", "Rule %d “%s” answers %d bytes:", a.Rule+1, a.Name, len(a.Reply))
	if len(a.Reply) > 0 {
		out += "\n" + codec.FormatHex(a.Reply) + "\n" + codec.Escape(a.Reply)
	}
	if a.After != rules.AfterNone {
		out += "\n" + Tf("rules.test.then", "then: %s", ruleAfterNames()[indexOf(rules.Afters, a.After)])
	}
	d.testOut.SetText(out)
}
