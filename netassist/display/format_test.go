package display

import (
	"slices"
	"strings"
	"testing"
	"time"

	"netassist/netassist/codec"
)

var t0 = time.Date(2024, 5, 6, 13, 44, 0, 123456789, time.UTC)

// rx and tx make data chunks of connection 1 at t0.
func rx(s string) Chunk {
	return Chunk{Time: t0, Dir: RX, Conn: 1, Peer: "127.0.0.1:5555", Data: []byte(s)}
}
func tx(s string) Chunk {
	return Chunk{Time: t0, Dir: TX, Conn: 1, Peer: "127.0.0.1:5555", Data: []byte(s)}
}

// view formats each batch of chunks with one Formatter into one Ring, as
// the window's pump does, and returns the rows the view ends up with.
func view(t *testing.T, opt Options, batches ...[]Chunk) []string {
	t.Helper()
	f := NewFormatter(opt)
	r := NewRing(0)
	for _, b := range batches {
		r.Apply(f.Format(b))
	}
	rows := make([]string, r.Len())
	for i := range rows {
		rows[i] = r.Row(i)
	}
	return rows
}

// each puts every chunk in a batch of its own.
func each(chunks ...Chunk) [][]Chunk {
	var out [][]Chunk
	for _, c := range chunks {
		out = append(out, []Chunk{c})
	}
	return out
}

func TestTextVisible(t *testing.T) {
	tests := []struct {
		name string
		cs   codec.Charset
		in   string
		want []string
	}{
		{"http crlf", "", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", []string{`GET / HTTP/1.1\r\n`, `Host: a\r\n`, `\r\n`}},
		{"bare cr does not break", "", "a\rb\rc", []string{`a\rb\rc`}},
		{"controls", "", "\t\x00\x1b[0m\x7f\x01", []string{`\t\0\x1B[0m\x7F\x01`}},
		{"backslash", "", `C:\dir\x41`, []string{`C:\\dir\\x41`}},
		{"utf8", "", "温度 25℃ ok", []string{"温度 25℃ ok"}},
		{"utf8 invalid", "", "a\xa7b\xff\xfe", []string{`a\xA7b\xFF\xFE`}},
		{"utf8 truncated at end of data is kept as tail", "", "ab\xe4\xb8", []string{`ab\xE4\xB8`}},
		{"utf8 overlong", "", "\xc0\xaf", []string{`\xC0\xAF`}},
		{"utf8 C1 control", "", "\u0085x", []string{`\xC2\x85x`}},
		{"utf8 nbsp shown as bytes", "", "a\u00a0b", []string{`a\xC2\xA0b`}},
		{"utf8 ideographic space kept", "", "a\u3000b", []string{"a\u3000b"}},
		{"utf8 bom shown as bytes", "", "\ufeffhi", []string{`\xEF\xBB\xBFhi`}},
		{"gbk", codec.GBK, "\xd6\xd0\xce\xc4\r\n", []string{`中文\r\n`}},
		{"gbk invalid lead", codec.GBK, "\xffA\xd6 ", []string{`\xFFA\xD6 `}},
		{"gb18030 four bytes", codec.GB18030, "\x94\x39\xfc\x36!", []string{"😀!"}},
		{"latin1", codec.Latin1, "caf\xe9 \xa7 \x85", []string{`café § \x85`}},
		{"latin1 nbsp", codec.Latin1, "a\xa0b", []string{`a\xA0b`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := view(t, Options{Charset: tt.cs}, []Chunk{rx(tt.in)})
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name string
		wrap int
		in   string
		want []string
	}{
		{"ascii", 10, "0123456789abcdefghijXY", []string{"0123456789", "abcdefghij", "XY"}},
		{"exact fit then LF", 4, "abc\n", []string{"abc", `\n`}},
		{"escape not split", 5, "abc\x1b", []string{"abc", `\x1B`}},
		{"wide characters take two columns", 5, "中文中文中", []string{"中文", "中文", "中"}},
		{"token wider than width", 2, "\x01\x02", []string{`\x01`, `\x02`}},
		{"combining mark takes no column", 3, "e\u0301e\u0301e\u0301x", []string{"e\u0301e\u0301e\u0301", "x"}},
		{"default width", 0, strings.Repeat("a", 250), []string{strings.Repeat("a", 100), strings.Repeat("a", 100), strings.Repeat("a", 50)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := view(t, Options{Wrap: tt.wrap}, []Chunk{rx(tt.in)})
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestStreamContinuation(t *testing.T) {
	other := rx("x")
	other.Conn = 2
	tests := []struct {
		name    string
		opt     Options
		batches [][]Chunk
		want    []string
	}{
		{"same batch", Options{}, [][]Chunk{{rx("Hel"), rx("lo\r\n"), rx("next")}}, []string{`Hello\r\n`, "next"}},
		{"across batches", Options{}, each(rx("Hel"), rx("lo"), rx("\r\nmore")), []string{`Hello\r\n`, "more"}},
		{"across batches to the width", Options{Wrap: 4}, each(rx("ab"), rx("cdef"), rx("g")), []string{"abcd", "efg"}},
		{"new conn starts a row", Options{}, each(rx("ab"), other, rx("cd")), []string{"ab", "x", "cd"}},
		{"new direction starts a row", Options{}, [][]Chunk{{rx("ab"), tx("hi"), rx("cd")}}, []string{"ab", "hi", "cd"}},
		{"info ends the row", Options{}, each(rx("ab"), Chunk{Time: t0, Dir: Info, Note: "peer closed"}, rx("cd")), []string{"ab", "-- peer closed", "cd"}},
		{"empty chunk keeps the row", Options{}, each(rx("ab"), rx(""), rx("cd")), []string{"abcd"}},
		{"timestamps per row", Options{Timestamps: true, Wrap: 3}, each(rx("ab"), rx("cd\n")),
			[]string{"[13:44:00.123456] abc", `[13:44:00.123456] d\n`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := view(t, tt.opt, tt.batches...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestBatchReplaceLast(t *testing.T) {
	f := NewFormatter(Options{})
	b := f.Format([]Chunk{rx("ab")})
	if b.ReplaceLast || !slices.Equal(b.Rows, []string{"ab"}) {
		t.Fatalf("first batch = %+v", b)
	}
	b = f.Format([]Chunk{rx("c\nd")})
	if !b.ReplaceLast || !slices.Equal(b.Rows, []string{`abc\n`, "d"}) {
		t.Fatalf("second batch = %+v", b)
	}
	// A closed row is never replaced; an unchanged open row is not resent.
	b = f.Format([]Chunk{tx("x")})
	if b.ReplaceLast || !slices.Equal(b.Rows, []string{"x"}) {
		t.Fatalf("third batch = %+v", b)
	}
	if b = f.Format(nil); b.ReplaceLast || len(b.Rows) != 0 {
		t.Fatalf("empty batch = %+v", b)
	}
}

func TestSplitCharacters(t *testing.T) {
	tests := []struct {
		name   string
		cs     codec.Charset
		chunks []string
		want   []string
	}{
		{"utf8 2+1", "", []string{"a\xe4\xb8", "\xadb"}, []string{"a中b"}},
		{"utf8 1+1+1", "", []string{"\xe4", "\xb8", "\xad"}, []string{"中"}},
		{"utf8 4-byte 1+3", "", []string{"\xf0", "\x9f\x98\x80"}, []string{"😀"}},
		{"utf8 broken by a bad byte", "", []string{"\xe4\xb8", "x"}, []string{`\xE4\xB8x`}},
		{"gbk 1+1", codec.GBK, []string{"\xd6", "\xd0\xce", "\xc4"}, []string{"中文"}},
		{"gb18030 four 1+2+1", codec.GB18030, []string{"\x94", "\x39\xfc", "\x36"}, []string{"😀"}},
	}
	for _, tt := range tests {
		for _, oneBatch := range []bool{false, true} {
			var batches [][]Chunk
			for _, s := range tt.chunks {
				batches = append(batches, []Chunk{rx(s)})
			}
			if oneBatch {
				batches = [][]Chunk{slices.Concat(batches...)}
			}
			got := view(t, Options{Charset: tt.cs}, batches...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s (one batch %v): rows = %q; want %q", tt.name, oneBatch, got, tt.want)
			}
		}
	}
}

func TestSplitCharacterInterrupted(t *testing.T) {
	// Another stream in between ends the row: each byte is shown once, as
	// it can be read on that row.
	got := view(t, Options{}, each(rx("a\xe4"), tx("hi"), rx("\xb8\xad"))...)
	want := []string{`a\xE4`, "hi", `\xB8\xAD`}
	if !slices.Equal(got, want) {
		t.Errorf("rows = %q; want %q", got, want)
	}
	// In log mode every chunk stands alone.
	got = view(t, Options{LogMode: true}, each(rx("a\xe4"), rx("\xb8\xad"))...)
	want = []string{"RX ← 127.0.0.1:5555 #1 · 2 bytes", `a\xE4`, "RX ← 127.0.0.1:5555 #1 · 2 bytes", `\xB8\xAD`}
	if !slices.Equal(got, want) {
		t.Errorf("log rows = %q; want %q", got, want)
	}
}

func TestTailAtWrapWidth(t *testing.T) {
	// The incomplete character is shown past the width while it waits...
	f := NewFormatter(Options{Wrap: 4})
	r := NewRing(0)
	r.Apply(f.Format([]Chunk{rx("abc\xe4")}))
	if got := r.Text(); got != "abc\\xE4\n" {
		t.Fatalf("waiting: %q", got)
	}
	// ...and wraps as if it had come whole once it completes.
	r.Apply(f.Format([]Chunk{rx("\xb8\xadd")}))
	if got := r.Text(); got != "abc\n中d\n" {
		t.Fatalf("completed: %q", got)
	}
	// If it never completes, it is wrapped when the row ends.
	f = NewFormatter(Options{Wrap: 4})
	r = NewRing(0)
	r.Apply(f.Format([]Chunk{rx("abc\xe4")}))
	r.Apply(f.Format([]Chunk{tx("x")}))
	if got := r.Text(); got != "abc\n\\xE4\nx\n" {
		t.Fatalf("abandoned: %q", got)
	}
}

func TestLogHeaders(t *testing.T) {
	udp := Chunk{Time: t0, Dir: RX, Peer: "[::1]:9000", Data: []byte("x")}
	noPeer := Chunk{Time: t0, Dir: TX, Conn: 7, Data: nil}
	tests := []struct {
		name   string
		opt    Options
		chunks []Chunk
		want   []string
	}{
		{"rx with time", Options{LogMode: true, Timestamps: true}, []Chunk{rx("Hello World\r\n")},
			[]string{"[13:44:00.123456] RX ← 127.0.0.1:5555 #1 · 13 bytes", `Hello World\r\n`}},
		{"tx without time", Options{LogMode: true}, []Chunk{tx("hi")},
			[]string{"TX → 127.0.0.1:5555 #1 · 2 bytes", "hi"}},
		{"one header per chunk", Options{LogMode: true}, []Chunk{rx("ab"), rx("cd")},
			[]string{"RX ← 127.0.0.1:5555 #1 · 2 bytes", "ab", "RX ← 127.0.0.1:5555 #1 · 2 bytes", "cd"}},
		{"udp: no conn, one byte", Options{LogMode: true}, []Chunk{udp}, []string{"RX ← [::1]:9000 · 1 byte", "x"}},
		{"empty, no peer", Options{LogMode: true}, []Chunk{noPeer}, []string{"TX → #7 · 0 bytes"}},
		{"info", Options{LogMode: true, Timestamps: true}, []Chunk{{Time: t0, Dir: Info, Note: "127.0.0.1:5555 connected\n"}},
			[]string{`[13:44:00.123456] -- 127.0.0.1:5555 connected\n`}},
		{"hex", Options{LogMode: true, Hex: true}, []Chunk{rx("0123456789abcdefXY"), rx("Z")},
			[]string{
				"RX ← 127.0.0.1:5555 #1 · 18 bytes",
				"00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
				"00000010  58 59                                             |XY|",
				"RX ← 127.0.0.1:5555 #1 · 1 byte",
				"00000000  5A                                                |Z|",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := view(t, tt.opt, tt.chunks)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestLocalTime(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	c := rx("x")
	c.Time = t0.In(loc)
	got := view(t, Options{LogMode: true, Timestamps: true}, []Chunk{c})
	if want := "[21:44:00.123456] RX ← 127.0.0.1:5555 #1 · 1 byte"; got[0] != want {
		t.Errorf("header = %q; want %q", got[0], want)
	}
}

func TestSetOptions(t *testing.T) {
	f := NewFormatter(Options{})
	r := NewRing(0)
	r.Apply(f.Format([]Chunk{rx("ab")}))
	f.SetOptions(Options{Hex: true})
	if f.Options() != (Options{Hex: true}) {
		t.Errorf("Options() = %+v", f.Options())
	}
	r.Apply(f.Format([]Chunk{rx("cd")}))
	want := "ab\n00000000  63 64                                             |cd|\n"
	if got := r.Text(); got != want {
		t.Errorf("view = %q; want %q", got, want)
	}
	// Reset (with the view cleared) starts afresh and replaces nothing.
	f.Reset()
	r.Clear()
	b := f.Format([]Chunk{rx("ef")})
	if b.ReplaceLast || !slices.Equal(b.Rows, []string{"00000000  65 66                                             |ef|"}) {
		t.Errorf("after Reset: %+v", b)
	}
}

func TestSetOptionsConcurrent(t *testing.T) {
	f := NewFormatter(Options{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			f.SetOptions(Options{Hex: i%2 == 0, LogMode: i%3 == 0})
			_ = f.Options()
			if i%50 == 0 {
				f.Reset()
			}
		}
	}()
	r := NewRing(100)
	for range 200 {
		r.Apply(f.Format([]Chunk{rx("abc\xe4"), tx("de\n")}))
	}
	<-done
}

// TestStreamSplitInvariance checks that in stream mode the view of one
// stream does not depend on how the bytes were split into chunks and
// batches: the learner sees the stream, whatever TCP did to it.
func TestStreamSplitInvariance(t *testing.T) {
	data := []byte("GET / HTTP/1.1\r\nHost: 例子.测试\r\n\r\n\x00\xa7\xe4\xb8\xad\xf0\x9f\x98\x80 end \\ of\tline\n" +
		strings.Repeat("中a", 80) + "\xe4\xb8")
	gbk, _ := codec.EncodeString(codec.GBK, "Hello, 世界！中文字符 GBK 测试\r\n"+strings.Repeat("汉", 70))
	for _, tc := range []struct {
		opt  Options
		data []byte
	}{
		{Options{Wrap: 17}, data},
		{Options{}, data},
		{Options{Hex: true}, data},
		{Options{Charset: codec.GBK, Wrap: 13}, gbk},
		{Options{Charset: codec.GB18030, Wrap: 9}, gbk},
	} {
		want := view(t, tc.opt, []Chunk{rx(string(tc.data))})
		for seed := range 40 {
			// Cut the data at pseudo-random points into pseudo-random batches.
			var batches [][]Chunk
			var cur []Chunk
			x := uint32(seed*2654435761 + 1)
			for p := tc.data; len(p) > 0; {
				x = x*1664525 + 1013904223
				n := min(len(p), int(x>>24)%7+1)
				cur = append(cur, rx(string(p[:n])))
				p = p[n:]
				if x&0x300 == 0 {
					batches = append(batches, cur)
					cur = nil
				}
			}
			batches = append(batches, cur)
			got := view(t, tc.opt, batches...)
			if !slices.Equal(got, want) {
				t.Fatalf("%+v seed %d:\n got %q\nwant %q", tc.opt, seed, got, want)
			}
		}
	}
}

// TestTextUndrawable: characters the display has no glyph for are shown as
// the bytes they came as, in every charset; ASCII is never asked about.
func TestTextUndrawable(t *testing.T) {
	noHan := func(r rune) bool {
		if r < 0x80 {
			t.Errorf("asked about ASCII %q", r)
		}
		return r != '中'
	}
	tests := []struct {
		cs   codec.Charset
		in   string
		want string
	}{
		{codec.UTF8, "a中文b", `a\xE4\xB8\xAD文b`},
		{codec.GBK, "\xd6\xd0\xce\xc4", `\xD6\xD0文`},
	}
	for _, tt := range tests {
		f := NewFormatter(Options{Charset: tt.cs})
		f.SetDrawable(noHan)
		got := f.Format([]Chunk{rx(tt.in)}).Rows
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: rows = %q; want [%q]", tt.cs, got, tt.want)
		}
	}
}

// In a narrow view hex rows hold fewer bytes, so that each fits, and
// headers and notes break like data rows: every byte and word stays in
// the view's width.
func TestNarrowViewFitsEveryRow(t *testing.T) {
	data := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 3)
	for _, tt := range []struct {
		opt   Options
		bytes int // per hex row
	}{
		{Options{Hex: true, Wrap: 78}, 16},
		{Options{Hex: true, Wrap: 77}, 8},
		{Options{Hex: true, Wrap: 45}, 8},
		{Options{Hex: true, Wrap: 44, LogMode: true}, 4},
		{Options{Hex: true, Wrap: 20}, 1},
		{Options{Wrap: 20, LogMode: true, Timestamps: true}, 0},
		{Options{Wrap: 20, Timestamps: true}, 0},
	} {
		f := NewFormatter(tt.opt)
		b := f.Format([]Chunk{rx(data), tx(data), {Time: t0, Dir: Info, Note: "a note much longer than twenty columns, 中文 too"}})
		var hexBytes strings.Builder
		for i, row := range b.Rows {
			width := tt.opt.Wrap
			if b.Dir(i) == Info || strings.Contains(row, "RX ←") || strings.Contains(row, "TX →") || strings.HasPrefix(row, "[") {
				width += tt.opt.PrefixColumns()
			}
			if c := cols(row); c > max(width, 17) {
				t.Errorf("%+v: row %q is %d columns", tt.opt, row, c)
			}
			if tt.opt.Hex && b.Dir(i) == RX {
				if l, r := strings.IndexByte(row, '|'), strings.LastIndexByte(row, '|'); l >= 0 && r > l {
					ascii := row[l+1 : r]
					if len(ascii) > tt.bytes {
						t.Errorf("%+v: row %q holds %d bytes; want %d", tt.opt, row, len(ascii), tt.bytes)
					}
					hexBytes.WriteString(strings.TrimLeft(ascii, " "))
				}
			}
		}
		if tt.opt.Hex && hexBytes.String() != data {
			t.Errorf("%+v: the RX rows show %q; want every byte of %q", tt.opt, hexBytes.String(), data)
		}
		if !tt.opt.Hex {
			all := strings.Join(b.Rows, "")
			if !strings.Contains(all, "a note much longer than twenty columns, 中文 too") && !strings.Contains(strings.ReplaceAll(all, "\n", ""), "中文 too") {
				t.Errorf("%+v: the note is lost: %q", tt.opt, b.Rows)
			}
		}
	}
}
