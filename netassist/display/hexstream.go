package display

import "time"

// hexLog dumps one chunk in log mode, offsets from 0.
func (f *Formatter) hexLog(data []byte) {
	var cells [hexCells]byte
	w := hexWidth(f.opt.Wrap)
	for off := 0; off < len(data); off += w {
		n := copy(cells[:w], data[off:])
		f.scratch = appendHexRow(f.scratch[:0], uint64(off), &cells, w, 0, n)
		f.push(string(f.scratch))
	}
}

// hexStream dumps data of stream key in stream mode: offsets run on across
// the stream's chunks, and a row that is not full stays open for the next.
func (f *Formatter) hexStream(key streamKey, t time.Time, data []byte) {
	if f.offsets == nil || len(f.offsets) >= maxStreams {
		f.offsets = make(map[streamKey]uint64)
	}
	r := &f.row
	off := f.offsets[key]
	w := hexWidth(f.opt.Wrap) // a power of two
	for len(data) > 0 {
		if !r.open {
			r.open, r.key, r.hex = true, key, true
			r.prefix = f.rowPrefix(r.prefix[:0], t)
			r.base = off &^ uint64(w-1)
			r.from = int(off % uint64(w))
			r.to = r.from
		}
		n := copy(r.cells[r.to:w], data)
		r.to += n
		off += uint64(n)
		data = data[n:]
		if r.to == w {
			f.finish()
		}
	}
	f.offsets[key] = off
}
