package display

import (
	"slices"
	"testing"
)

// msg is a framed message of connection 1 with its mark.
func msg(s, mark string) Chunk {
	c := rx(s)
	c.Msg, c.Mark = true, mark
	return c
}

// A message has its own rows with its mark in the header, in log mode and
// in stream mode alike, where plain reads would run on in one row.
func TestMessageRows(t *testing.T) {
	in := []Chunk{msg("a", "3 messages in 1 read"), msg("b", ""), msg("c", "")}
	want := []string{
		"RX ← [3 messages in 1 read] 127.0.0.1:5555 #1 · 1 byte", "a",
		"RX ← 127.0.0.1:5555 #1 · 1 byte", "b",
		"RX ← 127.0.0.1:5555 #1 · 1 byte", "c",
	}
	for _, logMode := range []bool{true, false} {
		opt := Options{LogMode: logMode, ByteUnit: "byte", BytesUnit: "bytes"}
		got := view(t, opt, in)
		if !slices.Equal(got, want) {
			t.Errorf("log mode %v: got %q; want %q", logMode, got, want)
		}
	}
}
