package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// flowLayout places its objects left to right at their minimum size and
// starts a new line when the next one would pass the right edge, so a
// toolbar keeps every control in sight however narrow its pane is (a
// horizontal scroll hid them behind a hairline scrollbar).
//
// Fyne asks a layout for its minimum size without a width; MinSize is one
// line (the widest object), and the parent that places the toolbar asks
// heightFor its width and gives the extra lines room from a neighbour
// that can shrink, so a narrow pane does not make the window taller.
type flowLayout struct{}

// lines splits the visible objects into lines that fit width.
func (flowLayout) lines(objects []fyne.CanvasObject, width float32) (lines [][]fyne.CanvasObject) {
	pad := theme.Padding()
	var line []fyne.CanvasObject
	x := float32(0)
	for _, o := range objects {
		if !o.Visible() {
			continue
		}
		w := o.MinSize().Width
		if len(line) > 0 && x+w > width {
			lines = append(lines, line)
			line, x = nil, 0
		}
		line = append(line, o)
		x += w + pad
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	return lines
}

func lineHeight(line []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range line {
		h = max(h, o.MinSize().Height)
	}
	return h
}

// heightFor is how tall the objects' lines are in width.
func (f flowLayout) heightFor(objects []fyne.CanvasObject, width float32) float32 {
	lines := f.lines(objects, width)
	h := theme.Padding() * float32(max(len(lines)-1, 0))
	for _, line := range lines {
		h += lineHeight(line)
	}
	return h
}

func (f flowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y := float32(0)
	for _, line := range f.lines(objects, size.Width) {
		h, x := lineHeight(line), float32(0)
		for _, o := range line {
			w := o.MinSize().Width
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(w, h))
			x += w + pad
		}
		y += h + pad
	}
}

// MinSize is one line as wide as the widest object.
func (flowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objects {
		if o.Visible() {
			m := o.MinSize()
			w, h = max(w, m.Width), max(h, m.Height)
		}
	}
	return fyne.NewSize(w, h)
}

// columnLayout stacks its objects top to bottom at their minimum height,
// the last taking what is left. A flowLayout container among them gets
// the height of its lines at the column's width, which a VBox cannot give
// (it asks MinSize, one line): a row of options wraps instead of being
// cut at the pane's edge.
type columnLayout struct{}

func (columnLayout) height(o fyne.CanvasObject, width float32) float32 {
	if c, ok := o.(*fyne.Container); ok {
		if f, ok := c.Layout.(flowLayout); ok {
			return f.heightFor(c.Objects, width)
		}
	}
	return o.MinSize().Height
}

func (l columnLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	y := float32(0)
	for i, o := range objects {
		if !o.Visible() {
			continue
		}
		h := l.height(o, size.Width)
		if i == len(objects)-1 {
			h = max(size.Height-y, h)
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

func (columnLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objects {
		if o.Visible() {
			m := o.MinSize()
			w, h = max(w, m.Width), h+m.Height
			n++
		}
	}
	return fyne.NewSize(w, h+theme.Padding()*float32(max(n-1, 0)))
}
