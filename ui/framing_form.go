package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/framing"
)

// framingForm is "Split messages by" of the TCP server and client forms: the
// kind and, below it, only the fields that kind uses. It is read at Open
// and fixed while the session is open.
type framingForm struct {
	kind *widget.Select

	delim    *widget.Entry
	delimHex *widget.Check
	keep     *widget.Check
	length   *widget.Entry
	off      *widget.Entry
	size     *widget.Select
	endian   *widget.Select
	adj      *widget.Entry
	whole    *widget.Check
	gap      *widget.Entry
	max      *widget.Entry

	fDelim, fLen, fOff, fSize, fAdj, fGap, fMax *field
	groups                                      map[framing.Kind]*fyne.Container
	maxBox                                      *fyne.Container
}

// framingKindNames are the kinds as the select offers them, in
// framing.Kinds order.
func framingKindNames() []string {
	return []string{
		T("frame.reads", "Reads as they come"),
		T("frame.delim", "Delimiter"),
		T("frame.fixed", "Fixed length"),
		T("frame.lenfield", "Length field"),
		T("frame.idle", "Idle gap"),
	}
}

func endianNames() []string {
	return []string{T("frame.big", "Big endian"), T("frame.little", "Little endian")}
}

func (f *framingForm) buildFraming() fyne.CanvasObject {
	f.delim = &widget.Entry{Text: `\r\n`}
	f.delim.ExtendBaseWidget(f.delim)
	f.delimHex = widget.NewCheck(T("frame.hex", "Hex"), f.onDelimHex)
	f.keep = widget.NewCheck(T("frame.keep", "Keep delimiter"), nil)
	f.length = &widget.Entry{Text: "16"}
	f.length.ExtendBaseWidget(f.length)
	f.off = &widget.Entry{Text: "0"}
	f.off.ExtendBaseWidget(f.off)
	f.size = widget.NewSelect([]string{"1", "2", "4"}, nil)
	f.size.SetSelected("2")
	f.endian = widget.NewSelect(endianNames(), nil)
	f.endian.SetSelectedIndex(0)
	f.adj = &widget.Entry{Text: "0"}
	f.adj.ExtendBaseWidget(f.adj)
	f.whole = widget.NewCheck(T("frame.whole", "Length counts the whole message"), nil)
	f.gap = &widget.Entry{Text: "50"}
	f.gap.ExtendBaseWidget(f.gap)
	f.max = &widget.Entry{Text: strconv.Itoa(framing.DefaultMax)}
	f.max.ExtendBaseWidget(f.max)

	f.fDelim = newField(T("frame.delimiter", "Delimiter (escapes such as \\r\\n, or hex)"), f.delim)
	f.fLen = newField(T("frame.length", "Length (bytes)"), f.length)
	f.fOff = newField(T("frame.offset", "Length field at offset"), f.off)
	f.fSize = newField(T("frame.size", "Length field size (bytes)"), container.NewGridWithColumns(2, f.size, f.endian))
	f.fAdj = newField(T("frame.adjust", "Adjustment (added to the length)"), f.adj)
	f.fGap = newField(T("frame.gap", "Silence that ends a message (ms)"), f.gap)
	f.fMax = newField(T("frame.max", "Longest message (bytes)"), f.max)

	f.groups = map[framing.Kind]*fyne.Container{
		framing.Delim:    container.NewVBox(f.fDelim.object(), container.NewHBox(f.delimHex, f.keep)),
		framing.Fixed:    container.NewVBox(f.fLen.object()),
		framing.LenField: container.NewVBox(f.fOff.object(), f.fSize.object(), f.fAdj.object(), f.whole),
		framing.Idle:     container.NewVBox(f.fGap.object()),
	}
	f.maxBox = container.NewVBox(f.fMax.object())
	f.kind = widget.NewSelect(framingKindNames(), func(string) { f.showKind() })
	f.kind.SetSelectedIndex(0)
	box := container.NewVBox(widget.NewLabel(T("frame.by", "Split messages by")), f.kind)
	for _, k := range framing.Kinds {
		if g := f.groups[k]; g != nil {
			box.Add(g)
		}
	}
	box.Add(f.maxBox)
	f.showKind()
	return box
}

// framingFields are the inputs fixed while a session is open.
func (f *framingForm) framingFields() []fyne.Disableable {
	return []fyne.Disableable{f.kind, f.delim, f.delimHex, f.keep, f.length, f.off, f.size, f.endian, f.adj, f.whole, f.gap, f.max}
}

// selectedKind is the kind the select shows.
func (f *framingForm) selectedKind() framing.Kind {
	if i := f.kind.SelectedIndex(); i > 0 && i < len(framing.Kinds) {
		return framing.Kinds[i]
	}
	return framing.Reads
}

// showKind shows only the chosen kind's fields.
func (f *framingForm) showKind() {
	if f.groups == nil {
		return // still building
	}
	k := f.selectedKind()
	for kind, g := range f.groups {
		if kind == k {
			g.Show()
		} else {
			g.Hide()
		}
	}
	if k == framing.Delim || k == framing.LenField || k == framing.Idle {
		f.maxBox.Show()
	} else {
		f.maxBox.Hide()
	}
}

// onDelimHex rewrites the delimiter in the other notation when it reads.
func (f *framingForm) onDelimHex(hex bool) {
	if hex {
		if b, err := codec.Unescape(f.delim.Text); err == nil {
			f.delim.SetText(codec.FormatHex(b))
		}
	} else if b, err := codec.ParseHex(f.delim.Text); err == nil {
		f.delim.SetText(codec.Escape(b))
	}
}

// readFraming checks the fields of the chosen kind and puts the rule into
// cfg; errors are shown beside their fields.
func (f *framingForm) readFraming(cfg *framing.Config) bool {
	for _, fl := range []*field{f.fDelim, f.fLen, f.fOff, f.fSize, f.fAdj, f.fGap, f.fMax} {
		fl.setErr("")
	}
	c := framing.Config{Kind: f.selectedKind()}
	if c.Kind == framing.Reads {
		*cfg = framing.Config{}
		return true
	}
	ok := true
	num := func(fl *field, e *widget.Entry, lo, hi int) int {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil || n < lo || n > hi {
			fl.setErr(Tf("frame.err.range", "Type a whole number from %d to %d.", lo, hi))
			ok = false
		}
		return n
	}
	if c.Kind != framing.Fixed {
		c.Max = num(f.fMax, f.max, 1, framing.MaxMax)
	}
	switch c.Kind {
	case framing.Delim:
		var err error
		if f.delimHex.Checked {
			c.Delim, err = codec.ParseHex(f.delim.Text)
		} else {
			c.Delim, err = codec.Unescape(f.delim.Text)
		}
		switch {
		case err != nil:
			f.fDelim.setErr(errText(err))
			ok = false
		case len(c.Delim) == 0:
			f.fDelim.setErr(T("frame.err.nodelim", "Type the delimiter, e.g. \\r\\n, \\0 or (hex) 7E."))
			ok = false
		case ok && len(c.Delim) > c.Max:
			f.fDelim.setErr(T("frame.err.delimmax", "The delimiter is longer than the longest message."))
			ok = false
		}
		c.Keep = f.keep.Checked
	case framing.Fixed:
		c.Len = num(f.fLen, f.length, 1, framing.MaxMax)
	case framing.LenField:
		c.Off = num(f.fOff, f.off, 0, framing.MaxMax)
		c.Size, _ = strconv.Atoi(f.size.Selected)
		c.Big = f.endian.SelectedIndex() == 0
		c.Adj = num(f.fAdj, f.adj, -framing.MaxMax, framing.MaxMax)
		c.Whole = f.whole.Checked
		if ok && c.Off+c.Size > c.Max {
			f.fOff.setErr(T("frame.err.offmax", "The length field must end within the longest message."))
			ok = false
		}
	case framing.Idle:
		c.Gap = time.Duration(num(f.fGap, f.gap, 1, int(framing.MaxGap/time.Millisecond))) * time.Millisecond
	}
	if ok && c.Check() != nil {
		ok = false // every rule of Check is said beside its field above
	}
	if ok {
		*cfg = c
	}
	return ok
}

// fillFraming puts a rule into the form (for --open and remembered
// sessions); the fields of other kinds keep what they hold.
func (f *framingForm) fillFraming(c framing.Config) {
	i := 0
	for j, k := range framing.Kinds {
		if k == c.Kind {
			i = j
		}
	}
	switch c.Kind {
	case framing.Delim:
		f.delimHex.Checked = false
		f.delimHex.Refresh()
		f.delim.SetText(codec.Escape(c.Delim))
		f.keep.SetChecked(c.Keep)
	case framing.Fixed:
		f.length.SetText(strconv.Itoa(c.Len))
	case framing.LenField:
		f.off.SetText(strconv.Itoa(c.Off))
		f.size.SetSelected(strconv.Itoa(c.Size))
		if c.Big {
			f.endian.SetSelectedIndex(0)
		} else {
			f.endian.SetSelectedIndex(1)
		}
		f.adj.SetText(strconv.Itoa(c.Adj))
		f.whole.SetChecked(c.Whole)
	case framing.Idle:
		f.gap.SetText(strconv.FormatInt(c.Gap.Milliseconds(), 10))
	}
	if c.Max > 0 {
		f.max.SetText(strconv.Itoa(c.Max))
	}
	f.kind.SetSelectedIndex(i)
}

// loadFraming puts the remembered rule back.
func (f *framingForm) loadFraming(a *App, key func(string) string) {
	if c, err := netassist.ParseFraming(a.fa.Preferences().String(key("framing"))); err == nil {
		f.fillFraming(c)
	}
}

// saveFraming remembers the rule (on Open, with the rest of the form).
func (f *framingForm) saveFraming(a *App, key func(string) string, c framing.Config) {
	a.fa.Preferences().SetString(key("framing"), netassist.FramingQuery(c))
}
