package framing

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// want is a frame as a test states it.
type want struct {
	data   string
	bad    Bad
	reads  int
	inRead int
}

// feed pushes each read in turn, then flushes when close is set, and
// returns every frame.
func feed(t *testing.T, c Config, reads []string, close bool) []Frame {
	t.Helper()
	if err := c.Check(); err != nil {
		t.Fatalf("Check(%+v): %v", c, err)
	}
	f := New(c)
	var out []Frame
	for _, r := range reads {
		out = append(out, keep(f.Push([]byte(r)))...)
	}
	if close {
		out = append(out, keep(f.Flush())...)
	}
	return out
}

// keep copies frames out of the framer's reused memory.
func keep(fs []Frame) []Frame {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Data = bytes.Clone(out[i].Data)
	}
	return out
}

func check(t *testing.T, got []Frame, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d frames %s; want %d", len(got), show(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		if string(g.Data) != w.data || g.Bad != w.bad || (w.reads != 0 && g.Reads != w.reads) || (w.inRead != 0 && g.InRead != w.inRead) {
			t.Errorf("frame %d: got %q bad=%q reads=%d inRead=%d; want %q bad=%q reads=%d inRead=%d",
				i, g.Data, g.Bad, g.Reads, g.InRead, w.data, w.bad, w.reads, w.inRead)
		}
	}
}

func show(fs []Frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%q %s r%d i%d]", f.Data, f.Bad, f.Reads, f.InRead)
	}
	return b.String()
}

// The two faces of 粘包 that the tutorials teach, for every kind that
// can show them.
func TestStickyPackets(t *testing.T) {
	crlf := Config{Kind: Delim, Delim: []byte("\r\n")}
	fixed := Config{Kind: Fixed, Len: 3}
	lf := Config{Kind: LenField, Size: 1}
	cases := []struct {
		name  string
		cfg   Config
		reads []string
		want  []want
	}{
		{"delim: 3 messages in 1 read", crlf, []string{"a\r\nb\r\nc\r\n"},
			[]want{{"a\r\n", Good, 1, 3}, {"b\r\n", Good, 1, 3}, {"c\r\n", Good, 1, 3}}},
		{"delim: 1 message across 2 reads", crlf, []string{"hel", "lo\r\n"},
			[]want{{"hello\r\n", Good, 2, 1}}},
		{"delim: delimiter split across reads", crlf, []string{"ab\r", "\ncd\r\n"},
			[]want{{"ab\r\n", Good, 2, 2}, {"cd\r\n", Good, 1, 2}}},
		{"delim: tail of one, all of another in 1 read", crlf, []string{"x", "y\r\nz\r\n"},
			[]want{{"xy\r\n", Good, 2, 2}, {"z\r\n", Good, 1, 2}}},
		{"fixed: 3 messages in 1 read", fixed, []string{"abcdefghi"},
			[]want{{"abc", Good, 1, 3}, {"def", Good, 1, 3}, {"ghi", Good, 1, 3}}},
		{"fixed: 1 message across 3 reads", fixed, []string{"a", "b", "c"},
			[]want{{"abc", Good, 3, 1}}},
		{"lenfield: 3 messages in 1 read", lf, []string{"\x01a\x02bc\x01d"},
			[]want{{"\x01a", Good, 1, 3}, {"\x02bc", Good, 1, 3}, {"\x01d", Good, 1, 3}}},
		{"lenfield: 1 message across 2 reads", lf, []string{"\x03a", "bc"},
			[]want{{"\x03abc", Good, 2, 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, feed(t, tc.cfg, tc.reads, false), tc.want)
		})
	}
}

func TestDelim(t *testing.T) {
	t.Run("strip hides the delimiter, Data keeps it", func(t *testing.T) {
		got := feed(t, Config{Kind: Delim, Delim: []byte("\n")}, []string{"one\ntwo\n"}, false)
		check(t, got, []want{{data: "one\n"}, {data: "two\n"}})
		if string(got[0].Shown()) != "one" {
			t.Errorf("Shown = %q; want %q", got[0].Shown(), "one")
		}
	})
	t.Run("keep shows it", func(t *testing.T) {
		got := feed(t, Config{Kind: Delim, Delim: []byte{0x7E}, Keep: true}, []string{"\x01\x02\x7E"}, false)
		if string(got[0].Shown()) != "\x01\x02\x7E" {
			t.Errorf("Shown = %q; want the delimiter kept", got[0].Shown())
		}
	})
	t.Run("an empty message between two delimiters", func(t *testing.T) {
		check(t, feed(t, Config{Kind: Delim, Delim: []byte{0}}, []string{"a\x00\x00b\x00"}, false),
			[]want{{data: "a\x00"}, {data: "\x00"}, {data: "b\x00"}})
	})
	t.Run("too long without a delimiter is cut at the maximum", func(t *testing.T) {
		check(t, feed(t, Config{Kind: Delim, Delim: []byte("\n"), Max: 4}, []string{"abcdefg\n"}, false),
			[]want{{data: "abcd", bad: BadTooLong}, {data: "efg\n"}})
	})
	t.Run("a message of exactly the maximum with its delimiter is good", func(t *testing.T) {
		check(t, feed(t, Config{Kind: Delim, Delim: []byte("\n"), Max: 4}, []string{"abc", "\n"}, false),
			[]want{{data: "abc\n", reads: 2}})
	})
	t.Run("what is left at close is incomplete", func(t *testing.T) {
		check(t, feed(t, Config{Kind: Delim, Delim: []byte("\n")}, []string{"a\nbc"}, true),
			[]want{{data: "a\n"}, {data: "bc", bad: BadIncomplete}})
	})
	t.Run("a long message in many reads", func(t *testing.T) {
		reads := []string{}
		for range 100 {
			reads = append(reads, "xxxxxxxxx\r")
		}
		reads = append(reads, "\n")
		got := feed(t, Config{Kind: Delim, Delim: []byte("\r\n")}, reads, false)
		if len(got) != 1 || len(got[0].Data) != 1001 || got[0].Reads != 101 {
			t.Fatalf("got %d frames, first %d bytes in %d reads; want 1 of 1001 in 101", len(got), len(got[0].Data), got[0].Reads)
		}
	})
}

func TestFixed(t *testing.T) {
	check(t, feed(t, Config{Kind: Fixed, Len: 2}, []string{"abc", "de"}, true),
		[]want{{data: "ab", reads: 1, inRead: 1}, {data: "cd", reads: 2, inRead: 1}, {data: "e", bad: BadIncomplete}})
}

func TestLenField(t *testing.T) {
	cases := []struct {
		name  string
		cfg   Config
		reads []string
		want  []want
	}{
		{"2 bytes big endian", Config{Kind: LenField, Size: 2, Big: true},
			[]string{"\x00\x03abc\x00\x01d"}, []want{{data: "\x00\x03abc"}, {data: "\x00\x01d"}}},
		{"2 bytes little endian", Config{Kind: LenField, Size: 2},
			[]string{"\x03\x00abc"}, []want{{data: "\x03\x00abc"}}},
		{"4 bytes big endian at an offset", Config{Kind: LenField, Off: 2, Size: 4, Big: true},
			[]string{"\xAA\x55\x00\x00\x00\x02hi"}, []want{{data: "\xAA\x55\x00\x00\x00\x02hi"}}},
		{"4 bytes little endian", Config{Kind: LenField, Size: 4},
			[]string{"\x01\x00\x00\x00z"}, []want{{data: "\x01\x00\x00\x00z"}}},
		{"counts the whole message", Config{Kind: LenField, Size: 1, Whole: true},
			[]string{"\x03ab\x02c"}, []want{{data: "\x03ab"}, {data: "\x02c"}}},
		{"adjustment: a 2-byte checksum not counted", Config{Kind: LenField, Size: 1, Adj: 2},
			[]string{"\x01aCS"}, []want{{data: "\x01aCS"}}},
		{"over the maximum: skipped byte by byte to the next good header", Config{Kind: LenField, Size: 1, Max: 4},
			[]string{"\xFF\xFE\x01a"}, []want{{data: "\xFF\xFE", bad: BadLength}, {data: "\x01a"}}},
		{"shorter than its header: bad", Config{Kind: LenField, Size: 1, Whole: true},
			[]string{"\x00\x02a"}, []want{{data: "\x00", bad: BadLength}, {data: "\x02a"}}},
		{"bad bytes go out before waiting for more", Config{Kind: LenField, Size: 1, Max: 4},
			[]string{"\xFF\x03a"}, []want{{data: "\xFF", bad: BadLength}}},
		{"incomplete at close", Config{Kind: LenField, Size: 2, Big: true},
			[]string{"\x00\x05ab"}, []want{{data: "\x00\x05ab", bad: BadIncomplete}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, feed(t, tc.cfg, tc.reads, strings.HasPrefix(tc.name, "incomplete")), tc.want)
		})
	}
}

func TestIdle(t *testing.T) {
	c := Config{Kind: Idle, Gap: 50 * time.Millisecond, Max: 4}
	f := New(c)
	if got := f.Push([]byte("ab")); got != nil {
		t.Fatalf("Push before the gap: %s; want nothing", show(got))
	}
	f.Push([]byte("c"))
	check(t, f.Flush(), []want{{data: "abc", reads: 2}})
	check(t, f.Push([]byte("0123456")), []want{{data: "0123", bad: BadTooLong}})
	check(t, f.Flush(), []want{{data: "456"}})
	if got := f.Flush(); got != nil {
		t.Errorf("a second Flush: %s; want nothing", show(got))
	}
	if f.Gap() != c.Gap {
		t.Errorf("Gap = %v; want %v", f.Gap(), c.Gap)
	}
}

func TestReadsNeedsNoFramer(t *testing.T) {
	if New(Config{}) != nil || New(Config{Kind: Reads}) != nil {
		t.Error("New(reads) made a framer; a read is its own message")
	}
}

func TestCheck(t *testing.T) {
	cases := []struct {
		cfg  Config
		want error
	}{
		{Config{Kind: Delim}, ErrDelim},
		{Config{Kind: Delim, Delim: []byte("abc"), Max: 2}, ErrDelimMax},
		{Config{Kind: Fixed}, ErrLen},
		{Config{Kind: LenField, Size: 3}, ErrSize},
		{Config{Kind: LenField, Size: 2, Off: -1}, ErrOff},
		{Config{Kind: LenField, Size: 4, Off: 10, Max: 12}, ErrOff},
		{Config{Kind: Idle}, ErrGap},
		{Config{Kind: Idle, Gap: 2 * time.Minute}, ErrGap},
		{Config{Kind: Fixed, Len: 1, Max: MaxMax + 1}, ErrMax},
		{Config{Kind: "slip"}, ErrKind},
	}
	for _, tc := range cases {
		if err := tc.cfg.Check(); !errors.Is(err, tc.want) {
			t.Errorf("Check(%+v) = %v; want %v", tc.cfg, err, tc.want)
		}
	}
	for _, ok := range []Config{{}, {Kind: Delim, Delim: []byte{0}}, {Kind: Fixed, Len: 16},
		{Kind: LenField, Size: 2, Big: true, Max: 65536}, {Kind: Idle, Gap: time.Millisecond}} {
		if err := ok.Check(); err != nil {
			t.Errorf("Check(%+v) = %v; want nil", ok, err)
		}
	}
}

// The buffer is compacted as frames go: a long stream of small messages
// does not keep what was emitted.
func TestBufferStaysSmall(t *testing.T) {
	f := New(Config{Kind: Delim, Delim: []byte("\n")})
	msg := bytes.Repeat([]byte("0123456789abcde\n"), 4)
	for range 10000 {
		f.Push(msg[:30])
		f.Push(msg[30:])
	}
	if cap(f.buf) > 1024 {
		t.Errorf("buffer capacity %d after 640 kB of small messages; want it bounded", cap(f.buf))
	}
}

// The frames of one call are consecutive in one array, so a caller can
// pass them on as one slice.
func TestFramesAreConsecutive(t *testing.T) {
	f := New(Config{Kind: Delim, Delim: []byte("\n")})
	f.Push([]byte("ab"))
	got := f.Push([]byte("c\nd\ne\nf"))
	n := 0
	for _, fr := range got {
		n += len(fr.Data)
	}
	if string(got[0].Data[:n]) != "abc\nd\ne\n" {
		t.Errorf("frames[0].Data[:%d] = %q; want all three messages", n, got[0].Data[:n])
	}
}
