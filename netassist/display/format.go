package display

import (
	"strconv"
	"sync"
	"time"

	"netassist/netassist/codec"
)

// Batch is what one Format call adds to the view.
type Batch struct {
	// ReplaceLast says that Rows[0] replaces the view's last row instead of
	// following it: the row that the previous batch left open (stream mode)
	// grew. It is only set when Rows is not empty.
	ReplaceLast bool
	Rows        []string
	// Dirs[i] is what Rows[i] shows (RX, TX or Info), so the view can
	// colour rows by direction. Batches built by hand may leave it nil.
	Dirs []Dir
	// Skipped counts rows formatted but left out (KeepLast): the view
	// counts them as trimmed.
	Skipped int
}

// streamKey names one direction of one connection.
type streamKey struct {
	conn uint64
	dir  Dir
}

// maxStreams bounds the running hex offsets kept in stream mode; past it
// they start again from zero rather than grow without limit.
const maxStreams = 1 << 16

// Formatter turns chunks into rows. Format must be called from one
// goroutine (the window's pump); SetOptions, Options and Reset may be
// called from any goroutine and take effect at the next Format.
type Formatter struct {
	mu      sync.Mutex
	pending Options
	reset   bool

	// Owned by the goroutine that calls Format.
	opt     Options
	started bool
	dec     *codec.Decoder
	rows    []string
	dirs    []Dir // the direction of each of rows
	cur     Dir   // the direction of the chunk being formatted
	replace bool
	row     openRow
	offsets map[streamKey]uint64 // stream mode hex: bytes seen per stream
	scratch []byte

	drawable func(rune) bool // nil: every visible character can be drawn
}

// SetDrawable tells the formatter which characters the display has a
// glyph for; the others are shown as \xHH of their bytes, like bytes that
// do not decode. A character no font has is no use to the reader, and a
// window asked to draw one searches its fonts for it on every frame. The
// function is called from the goroutine that calls Format; set it before
// the first Format.
func (f *Formatter) SetDrawable(drawable func(rune) bool) { f.drawable = drawable }

// openRow is the last row while it may still grow: in stream mode a text row
// until LF or the wrap width, a hex row until 16 bytes; in any mode the row
// being built. Once shipped in a batch it is the view's last row, and a
// later change reaches the view as Batch.ReplaceLast.
type openRow struct {
	open bool
	key  streamKey
	hex  bool

	// Text rows.
	buf      []byte // prefix and the tokens that are final
	plen     int    // length of the prefix in buf
	cols     int    // columns the tokens take, prefix excluded
	tail     []byte // the undecoded start of a character, shown as \xHH until completed
	tailTime time.Time

	// Hex rows.
	prefix []byte
	base   uint64
	cells  [hexCells]byte
	from   int
	to     int

	shipped    string // content as last sent in a batch
	wasShipped bool
}

// NewFormatter returns a formatter with the given options.
func NewFormatter(opt Options) *Formatter {
	return &Formatter{pending: opt}
}

// SetOptions changes the options for data formatted from now on. The row
// left open is closed, so earlier rows keep their old form; to redraw them,
// format a History into a fresh Ring.
func (f *Formatter) SetOptions(opt Options) {
	f.mu.Lock()
	f.pending = opt
	f.mu.Unlock()
}

// Options returns the options set last.
func (f *Formatter) Options() Options {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pending
}

// Reset forgets the open row and the running offsets, as when the view was
// cleared: the next Format starts on a fresh row and never replaces one.
func (f *Formatter) Reset() {
	f.mu.Lock()
	f.reset = true
	f.mu.Unlock()
}

// Format turns chunks into rows. In stream mode (LogMode off) consecutive
// data of one connection and direction continues the last row; in log mode
// each chunk gets a header row and its own data rows.
func (f *Formatter) Format(chunks []Chunk) Batch {
	f.mu.Lock()
	opt, reset := f.pending.normalized(), f.reset
	f.reset = false
	f.mu.Unlock()

	n := estimateRows(chunks, opt)
	f.rows, f.dirs, f.replace = make([]string, 0, n), make([]Dir, 0, n), false
	if reset {
		f.row = openRow{buf: f.row.buf[:0]}
		clear(f.offsets)
	}
	if !f.started || opt != f.opt {
		f.closeRow()
		if f.dec == nil || opt.Charset != f.opt.Charset {
			f.dec = codec.NewDecoder(opt.Charset)
		}
		f.opt, f.started = opt, true
		clear(f.offsets)
	}
	for i := range chunks {
		f.chunk(&chunks[i])
	}
	f.ship()
	b := Batch{ReplaceLast: f.replace, Rows: f.rows, Dirs: f.dirs}
	f.rows, f.dirs = nil, nil
	return b
}

// estimateRows guesses how many rows chunks make, to size the batch once.
func estimateRows(chunks []Chunk, opt Options) int {
	n := 1
	for i := range chunks {
		n += len(chunks[i].Data)
	}
	if opt.Hex {
		n /= hexCells
	} else {
		n /= 64
	}
	if opt.LogMode {
		n += 2 * len(chunks)
	}
	return n + len(chunks) + 1
}

func (f *Formatter) chunk(c *Chunk) {
	key := streamKey{c.Conn, c.Dir}
	f.cur = c.Dir
	switch {
	case c.Dir == Info:
		f.closeRow()
		f.pushWrapped(f.infoRow(c))
	case f.opt.LogMode, c.Msg:
		f.closeRow()
		f.pushWrapped(f.header(c))
		if f.opt.Hex {
			f.hexLog(c.Data)
		} else {
			f.text(key, c.Time, c.Data, true)
			f.closeRow()
		}
	case len(c.Data) == 0:
		// Nothing to show, and no reason to end the open row.
	case f.opt.Hex:
		if f.row.open && (f.row.key != key || !f.row.hex) {
			f.closeRow()
		}
		f.hexStream(key, c.Time, c.Data)
	default:
		data := c.Data
		if f.row.open && (f.row.key != key || f.row.hex) {
			f.closeRow()
		} else if len(f.row.tail) > 0 {
			// The same stream goes on: complete the carried character.
			data = append(f.row.tail[:len(f.row.tail):len(f.row.tail)], data...)
			f.row.tail = nil
		}
		f.text(key, c.Time, data, false)
	}
}

// push appends a row that is complete at once (headers, notes, log-mode hex).
// The open row must have been closed first.
func (f *Formatter) push(s string) {
	f.rows = append(f.rows, s)
	f.dirs = append(f.dirs, f.cur)
}

// pushWrapped pushes a row made whole (a header or a note), in as many
// rows as it takes to stay within the view's width: the wrap width plus
// the prefix that data rows have and these rows do not.
func (f *Formatter) pushWrapped(s string) {
	width := f.opt.Wrap + f.opt.PrefixColumns()
	if len(s) <= width { // no character takes more columns than bytes
		f.push(s)
		return
	}
	for _, row := range WrapText(s, width) {
		f.push(row)
	}
}

// emit sends the open row's content. If the row was already shipped, it is
// the view's last row and comes before anything else in this batch.
func (f *Formatter) emit(content []byte) {
	r := &f.row
	if r.wasShipped {
		if string(content) == r.shipped {
			return
		}
		f.replace = true
	}
	s := string(content)
	f.rows = append(f.rows, s)
	f.dirs = append(f.dirs, r.key.dir)
	r.shipped, r.wasShipped = s, true
}

// content renders the open row without its tail.
func (f *Formatter) content() []byte {
	r := &f.row
	if r.hex {
		f.scratch = append(f.scratch[:0], r.prefix...)
		f.scratch = appendHexRow(f.scratch, r.base, &r.cells, hexWidth(f.opt.Wrap), r.from, r.to)
		return f.scratch
	}
	return r.buf
}

// finish emits the open row as final and closes it. A carried tail must have
// been dealt with first.
func (f *Formatter) finish() {
	if !f.row.open {
		return
	}
	f.emit(f.content())
	f.row = openRow{buf: f.row.buf[:0], prefix: f.row.prefix[:0]}
}

// closeRow ends the open row for good: a carried tail will not be
// completed, so its bytes are shown as undecodable.
func (f *Formatter) closeRow() {
	r := &f.row
	if !r.open {
		return
	}
	if tail := r.tail; len(tail) > 0 {
		r.tail = nil
		for _, c := range tail {
			f.putEsc(r.key, r.tailTime, c)
		}
	}
	f.finish()
}

// ship sends the open row, as it stands, at the end of a batch. A carried
// tail is shown as \xHH for now, even past the wrap width (by at most 12
// columns): when the character completes, the row is redrawn exactly as if
// the bytes had come in one piece, so the stream view does not depend on
// how the network split the data; if it never completes, closeRow wraps it.
func (f *Formatter) ship() {
	r := &f.row
	if !r.open {
		return
	}
	if r.hex || len(r.tail) == 0 {
		f.emit(f.content())
		return
	}
	n := len(r.buf)
	r.buf = codec.AppendEscape(r.buf, r.tail)
	f.emit(r.buf)
	r.buf = r.buf[:n]
}

// appendTime writes "[15:04:05.000000] " in the time's own location.
func appendTime(dst []byte, t time.Time) []byte {
	dst = append(dst, '[')
	dst = t.AppendFormat(dst, "15:04:05.000000")
	return append(dst, ']', ' ')
}

// rowPrefix writes what starts each data row: the time in stream mode
// with timestamps; nothing in log mode, where the header has it.
func (f *Formatter) rowPrefix(dst []byte, t time.Time) []byte {
	if f.opt.Timestamps && !f.opt.LogMode {
		dst = appendTime(dst, t)
	}
	return dst
}

// header is the row that heads a chunk in log mode:
// "[13:44:00.123456] RX ← 127.0.0.1:5555 #3 · 12 bytes"; a framed
// message's mark comes after the arrow: "RX ← [3 messages in 1 read] …".
func (f *Formatter) header(c *Chunk) string {
	b := f.scratch[:0]
	if f.opt.Timestamps {
		b = appendTime(b, c.Time)
	}
	if c.Label != "" {
		b = append(b, c.Label...)
	} else if c.Dir == TX {
		b = append(b, "TX →"...)
	} else {
		b = append(b, "RX ←"...)
	}
	if c.Mark != "" {
		// Before the peer, so a narrow view still shows how reads split.
		b = append(b, " ["...)
		b = append(b, c.Mark...)
		b = append(b, ']')
	}
	if c.Peer != "" {
		b = append(b, ' ')
		b = append(b, c.Peer...)
	}
	if c.Conn != 0 {
		b = append(b, " #"...)
		b = strconv.AppendUint(b, c.Conn, 10)
	}
	b = append(b, " · "...)
	b = strconv.AppendInt(b, int64(len(c.Data)), 10)
	b = append(b, ' ')
	if len(c.Data) == 1 {
		b = append(b, f.opt.ByteUnit...)
	} else {
		b = append(b, f.opt.BytesUnit...)
	}
	f.scratch = b
	return string(b)
}

// infoRow is a note's row: "[13:44:00.123456] -- 127.0.0.1:5555 connected".
// Control characters in the note are escaped so one note is one row.
func (f *Formatter) infoRow(c *Chunk) string {
	b := f.scratch[:0]
	if f.opt.Timestamps {
		b = appendTime(b, c.Time)
	}
	b = append(b, "-- "...)
	for i := 0; i < len(c.Note); i++ {
		if ch := c.Note[i]; ch < 0x20 || ch == 0x7F {
			b = appendEsc(b, ch)
		} else {
			b = append(b, ch)
		}
	}
	f.scratch = b
	return string(b)
}

// Merge appends next to b, so that applying b once equals applying the
// two batches in turn (the window applies the view less often than it
// formats).
func (b *Batch) Merge(next Batch) {
	b.fillDirs()
	next.fillDirs()
	rows, dirs := next.Rows, next.Dirs
	if next.ReplaceLast && len(rows) > 0 {
		if len(b.Rows) > 0 {
			b.Rows[len(b.Rows)-1], b.Dirs[len(b.Dirs)-1] = rows[0], dirs[0]
			rows, dirs = rows[1:], dirs[1:]
		} else {
			b.ReplaceLast = true
		}
	}
	b.Rows = append(b.Rows, rows...)
	b.Dirs = append(b.Dirs, dirs...)
	b.Skipped += next.Skipped
}

// fillDirs gives rows of a hand-built batch a direction (Info).
func (b *Batch) fillDirs() {
	for len(b.Dirs) < len(b.Rows) {
		b.Dirs = append(b.Dirs, Info)
	}
}

// Dir returns the direction of row i (Info if the batch does not say).
func (b *Batch) Dir(i int) Dir {
	if i < len(b.Dirs) {
		return b.Dirs[i]
	}
	return Info
}
