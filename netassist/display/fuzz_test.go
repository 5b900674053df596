package display

import (
	"slices"
	"testing"
	"unicode/utf8"

	"netassist/netassist/codec"
)

// FuzzStreamSplit checks, for any bytes and any cut points, that the
// formatter never panics, that stream mode shows the same rows however the
// stream was cut into chunks and batches, and that rows stay within the
// wrap width once every row is closed.
func FuzzStreamSplit(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), []byte{3, 1, 4}, uint8(0))
	f.Add([]byte("a\xe4\xb8\xad\xd6\xd0\x94\x39\xfc\x36\xff\\\x00"), []byte{1, 1, 2}, uint8(1))
	f.Add([]byte("\x81\x30\x81\x30\x81\x30\xfe\x39\xfe\x39"), []byte{2, 5}, uint8(2))
	f.Add([]byte("caf\xe9 \x85\xa0"), []byte{1}, uint8(3))
	f.Fuzz(func(t *testing.T, data, cuts []byte, sel uint8) {
		opt := Options{
			Charset: codec.Charsets[int(sel)%len(codec.Charsets)],
			Hex:     sel&4 != 0,
			Wrap:    int(sel>>3)%20 + 1,
		}
		want := view(t, opt, []Chunk{rx(string(data))})
		var batches [][]Chunk
		var cur []Chunk
		p := data
		for i := 0; len(p) > 0; i++ {
			n := len(p)
			if i < len(cuts) {
				n = min(n, int(cuts[i]&0x0F)+1)
				if cuts[i]&0x10 != 0 {
					batches = append(batches, cur)
					cur = nil
				}
			}
			cur = append(cur, rx(string(p[:n])))
			p = p[n:]
		}
		batches = append(batches, cur)
		if got := view(t, opt, batches...); !slices.Equal(got, want) {
			t.Fatalf("%+v: split view %q; whole view %q", opt, got, want)
		}
		if opt.Hex {
			return
		}
		// Close the last row (it may show an incomplete character past the
		// width while it waits) and check every row's width.
		closed := view(t, opt, []Chunk{rx(string(data))}, []Chunk{{Dir: Info}})
		note := len(WrapText("-- ", opt.Wrap+opt.PrefixColumns())) // the last rows are the note
		for _, row := range closed[:len(closed)-note] {
			if w := cols(row); w > opt.Wrap && utf8.RuneCountInString(row) > 1 && !single(row) {
				t.Fatalf("row %q is %d columns; wrap %d", row, w, opt.Wrap)
			}
		}
	})
}

// cols is a row's width in columns, as the formatter counts them.
func cols(row string) int {
	n := 0
	for _, r := range row {
		n += runeWidth(r)
	}
	return n
}

// single reports whether row is one token (which may be wider than a tiny wrap).
func single(row string) bool {
	if row == "" || row[0] != '\\' {
		return utf8.RuneCountInString(row) == 1
	}
	if len(row) > 1 && row[1] == 'x' {
		return len(row) == 4
	}
	return len(row) == 2
}
