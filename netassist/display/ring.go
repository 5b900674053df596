package display

import "strings"

// DefaultRingCap is the number of rows a Ring keeps when not told otherwise.
const DefaultRingCap = 200_000

// Ring holds the view's rows, dropping the oldest when full. It is used from
// the UI goroutine only. Appending costs the same whether it holds ten rows
// or its capacity: the store grows until it reaches the capacity, and from
// then on new rows overwrite the oldest in place.
type Ring struct {
	buf     []string // until it is full, start is 0 and n is len(buf)
	dirs    []Dir    // the direction of each row in buf, at the same index
	start   int      // index in buf of row 0
	n       int
	limit   int
	trimmed uint64
}

// NewRing returns a ring that keeps up to capacity rows (DefaultRingCap if
// capacity <= 0).
func NewRing(capacity int) *Ring {
	r := &Ring{}
	r.SetCap(capacity)
	return r
}

// Cap returns the number of rows the ring keeps.
func (r *Ring) Cap() int { return r.limit }

// SetCap changes the capacity (DefaultRingCap if n <= 0). Shrinking drops the
// oldest rows beyond it and counts them in Trimmed.
func (r *Ring) SetCap(n int) {
	if n <= 0 {
		n = DefaultRingCap
	}
	keep := min(r.n, n)
	if r.start != 0 || keep < r.n {
		rows := make([]string, keep, min(n, max(2*keep, 64)))
		dirs := make([]Dir, keep, cap(rows))
		for i := range keep {
			rows[i], dirs[i] = r.Row(r.n-keep+i), r.Dir(r.n-keep+i)
		}
		r.trimmed += uint64(r.n - keep)
		r.buf, r.dirs, r.start, r.n = rows, dirs, 0, keep
	}
	r.limit = n
}

// Apply adds a batch from the Formatter.
func (r *Ring) Apply(b Batch) {
	r.trimmed += uint64(b.Skipped)
	rows, from := b.Rows, 0
	if b.ReplaceLast && len(rows) > 0 && r.n > 0 {
		i := (r.start + r.n - 1) % len(r.buf)
		r.buf[i], r.dirs[i] = rows[0], b.Dir(0)
		from = 1
	}
	r.add(rows[from:], func(i int) Dir { return b.Dir(from + i) })
}

// Append adds rows at the end, as notes (Info).
func (r *Ring) Append(rows ...string) {
	r.add(rows, func(int) Dir { return Info })
}

// add appends rows; dir(i) is the direction of rows[i].
func (r *Ring) add(rows []string, dir func(i int) Dir) {
	first := 0
	if skip := len(rows) - r.limit; skip > 0 {
		// Rows that would be overwritten within this call are never stored.
		r.trimmed += uint64(skip)
		first = skip
	}
	for i := first; i < len(rows); i++ {
		s, d := rows[i], dir(i)
		switch {
		case len(r.buf) < r.limit:
			r.buf = append(r.buf, s)
			r.dirs = append(r.dirs, d)
			r.n++
		default:
			r.buf[r.start], r.dirs[r.start] = s, d
			r.start++
			if r.start == len(r.buf) {
				r.start = 0
			}
			r.trimmed++
		}
	}
}

// Len returns the number of rows held.
func (r *Ring) Len() int { return r.n }

// Row returns row i, 0 being the oldest held.
func (r *Ring) Row(i int) string {
	if i < 0 || i >= r.n {
		panic("display: Ring.Row index out of range")
	}
	return r.buf[(r.start+i)%len(r.buf)]
}

// Dir returns the direction of row i.
func (r *Ring) Dir(i int) Dir {
	if i < 0 || i >= r.n {
		panic("display: Ring.Dir index out of range")
	}
	return r.dirs[(r.start+i)%len(r.buf)]
}

// Trimmed returns how many rows were dropped off the top since the last
// Clear, so that the view can say that older data was trimmed.
func (r *Ring) Trimmed() uint64 { return r.trimmed }

// Clear empties the ring and releases its rows.
func (r *Ring) Clear() {
	r.buf, r.dirs, r.start, r.n, r.trimmed = nil, nil, 0, 0, 0
}

// Text returns all rows, each ending in a newline, for copying or saving
// the view as it is shown.
func (r *Ring) Text() string {
	size := 0
	for i := range r.n {
		size += len(r.Row(i)) + 1
	}
	var b strings.Builder
	b.Grow(size)
	for i := range r.n {
		b.WriteString(r.Row(i))
		b.WriteByte('\n')
	}
	return b.String()
}
