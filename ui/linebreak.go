package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/go-text/typesetting/segmenter"
)

// Fyne 2.7.1 wraps a label at its last space, or, in text without spaces
// such as Chinese, after as many characters as fit: so "，" "。" "）" can
// start a line, which Chinese typesetting never does. wrapLines breaks
// where the Unicode line-breaking rules (UAX #14, as the go-text segmenter
// that Fyne's own text shaping comes with implements them) allow: never
// before closing punctuation, never after an opening bracket, and between
// words in Latin text.

// wrapLines splits s into lines no wider than width (as measure says),
// breaking only at line-break opportunities; a piece that cannot be
// broken and does not fit gets a line of its own. Spaces at the end of a
// line are dropped; line breaks in s are kept.
func wrapLines(s string, width float32, measure func(string) float32) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var seg segmenter.Segmenter
		seg.Init([]rune(para))
		it := seg.LineIterator()
		line := ""
		for it.Next() {
			piece := string(it.Line().Text)
			if line != "" && measure(strings.TrimRight(line+piece, " ")) > width {
				out = append(out, strings.TrimRight(line, " "))
				line = ""
			}
			line += piece
		}
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// wrapLabel is a label whose text wraps by wrapLines at its width.
type wrapLabel struct {
	widget.Label
	full  string  // the text unwrapped
	width float32 // the width it was last wrapped at
}

func newWrapLabel(text string) *wrapLabel {
	l := &wrapLabel{full: text}
	l.ExtendBaseWidget(l)
	l.Label.Text = text
	return l
}

// SetText sets the text and wraps it at the current width.
func (l *wrapLabel) SetText(s string) {
	l.full = s
	l.width = -1
	if l.Size().Width <= 0 {
		// Not laid out yet: unwrapped, so that the first layout gives it
		// at least its own lines rather than none.
		l.Label.SetText(s)
		return
	}
	l.rewrap(l.Size().Width)
}

func (l *wrapLabel) Resize(size fyne.Size) {
	l.rewrap(size.Width)
	l.Label.Resize(size)
}

// MinSize is as narrow as a wrapping Label's and as high as the text
// wrapped at the current width.
func (l *wrapLabel) MinSize() fyne.Size {
	min := l.Label.MinSize()
	pad := 2 * theme.InnerPadding()
	min.Width = fyne.Min(min.Width, pad+fyne.MeasureText("国国", theme.TextSize(), l.TextStyle).Width)
	return min
}

func (l *wrapLabel) rewrap(width float32) {
	if width <= 0 || width == l.width {
		return
	}
	l.width = width
	size, style := theme.TextSize(), l.TextStyle
	lines := wrapLines(l.full, width-2*theme.InnerPadding(), func(s string) float32 {
		return fyne.MeasureText(s, size, style).Width
	})
	if text := strings.Join(lines, "\n"); text != l.Label.Text {
		l.Label.SetText(text)
	}
}
