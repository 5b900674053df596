package display

import (
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"netassist/netassist/codec"
)

// text renders data as text rows of stream key. Printable characters show
// as themselves; CR, LF, TAB, NUL and backslash as \r \n \t \0 \\; other
// control characters, characters with no glyph and bytes that do not decode
// as \xHH of their bytes — the send box's escape language, so a row can be
// typed back. A row ends after each LF and before the token that would
// pass the wrap width. If final is false, an incomplete character at the
// end is kept as the open row's tail for the next chunk of the stream.
func (f *Formatter) text(key streamKey, t time.Time, p []byte, final bool) {
	r := &f.row
	wrap := f.opt.Wrap
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf { // ASCII is one byte in every supported charset
			switch {
			case c >= 0x20 && c < 0x7F && c != '\\':
				if !r.open || r.cols >= wrap {
					f.room(key, t, 1)
				}
				// Copy the run of plain characters that fits in one go.
				j, end := i+1, min(len(p), i+wrap-r.cols)
				for j < end && p[j] >= 0x20 && p[j] < 0x7F && p[j] != '\\' {
					j++
				}
				r.buf = append(r.buf, p[i:j]...)
				r.cols += j - i
				i = j
				continue
			case c == '\n':
				f.putEsc(key, t, c)
				f.finish()
			default:
				f.putEsc(key, t, c)
			}
			i++
			continue
		}
		ch, size, ok := f.dec.Next(p[i:])
		switch {
		case size == 0 && !final:
			f.room(key, t, 0)
			r.tail = append([]byte(nil), p[i:]...)
			r.tailTime = t
			return
		case size == 0:
			size = 1
		case ok && visible(ch) && (f.drawable == nil || ch < 0x80 || f.drawable(ch)):
			w := runeWidth(ch)
			f.room(key, t, w)
			r.buf = utf8.AppendRune(r.buf, ch)
			r.cols += w
			i += size
			continue
		}
		for _, b := range p[i : i+size] {
			f.putEsc(key, t, b)
		}
		i += size
	}
}

// putEsc adds the escaped form of byte c as one token.
func (f *Formatter) putEsc(key streamKey, t time.Time, c byte) {
	w := 2
	if c != '\\' && c != '\r' && c != '\n' && c != '\t' && c != 0 {
		w = 4
	}
	f.room(key, t, w)
	f.row.buf = appendEsc(f.row.buf, c)
	f.row.cols += w
}

// appendEsc is codec.AppendEscape for one byte.
func appendEsc(dst []byte, c byte) []byte {
	one := [1]byte{c}
	return codec.AppendEscape(dst, one[:])
}

// room makes sure a text row of key is open with space for w columns,
// ending the current row if it is full. A token always goes into an empty
// row, however narrow the width.
func (f *Formatter) room(key streamKey, t time.Time, w int) {
	r := &f.row
	if r.open && len(r.buf) > r.plen && r.cols+w > f.opt.Wrap {
		f.finish()
	}
	if !r.open {
		f.startText(key, t)
	}
}

// startText opens a text row.
func (f *Formatter) startText(key streamKey, t time.Time) {
	r := &f.row
	r.open, r.key, r.hex = true, key, false
	r.buf = f.rowPrefix(r.buf[:0], t)
	r.plen, r.cols = len(r.buf), 0
}

// visible reports whether r can be shown as itself. Spaces other than the
// ASCII and ideographic ones (NBSP, thin spaces…) look like a plain space,
// so they are shown as bytes instead.
func visible(r rune) bool {
	if !unicode.IsGraphic(r) {
		return false
	}
	return r == '\u3000' || !unicode.Is(unicode.Zs, r)
}

// runeWidth is the number of monospace columns r takes: two for East
// Asian wide characters, none for combining marks, else one.
func runeWidth(r rune) int {
	if r < 0x1100 {
		if unicode.Is(unicode.Mn, r) {
			return 0
		}
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return 0
	}
	return 1
}

// WrapText splits s into rows of at most cols columns (a wide character
// takes two), for text that is not a stream: headers, notes, bodies.
func WrapText(s string, cols int) []string {
	cols = max(cols, 2) // a wide character always fits
	var rows []string
	start, w := 0, 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > cols && i > start {
			rows = append(rows, s[start:i])
			start, w = i, 0
		}
		w += rw
	}
	return append(rows, s[start:])
}
