package display

import (
	"slices"
	"testing"
)

func TestHexDump(t *testing.T) {
	other := tx("ZZ")
	tests := []struct {
		name    string
		opt     Options
		batches [][]Chunk
		want    []string
	}{
		{"short last line", Options{Hex: true}, [][]Chunk{{rx("Hello World\r\n")}},
			[]string{"00000000  48 65 6C 6C 6F 20 57 6F  72 6C 64 0D 0A           |Hello World..|"}},
		{"eight bytes", Options{Hex: true}, [][]Chunk{{rx("01234567")}},
			[]string{"00000000  30 31 32 33 34 35 36 37                           |01234567|"}},
		{"nine bytes", Options{Hex: true}, [][]Chunk{{rx("012345678")}},
			[]string{"00000000  30 31 32 33 34 35 36 37  38                       |012345678|"}},
		{"full rows, non-printables", Options{Hex: true}, [][]Chunk{{rx("\x00\x01\x7f\x80\xff abcdefghijk" + "0123456789ABCDEF")}},
			[]string{
				"00000000  00 01 7F 80 FF 20 61 62  63 64 65 66 67 68 69 6A  |..... abcdefghij|",
				"00000010  6B 30 31 32 33 34 35 36  37 38 39 41 42 43 44 45  |k0123456789ABCDE|",
				"00000020  46                                                |F|",
			}},
		{"stream: offsets run on, open row fills", Options{Hex: true}, each(rx("0123456789"), rx("abcdefghij")),
			[]string{
				"00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
				"00000010  67 68 69 6A                                       |ghij|",
			}},
		{"stream: resumed mid-row keeps columns", Options{Hex: true}, each(rx("0123456789"), other, rx("ab")),
			[]string{
				"00000000  30 31 32 33 34 35 36 37  38 39                    |0123456789|",
				"00000000  5A 5A                                             |ZZ|",
				"00000000                                 61 62              |          ab|",
			}},
		{"stream: timestamps", Options{Hex: true, Timestamps: true}, [][]Chunk{{rx("AB")}},
			[]string{"[13:44:00.123456] 00000000  41 42                                             |AB|"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := view(t, tt.opt, tt.batches...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows =\n%s\nwant\n%s", join(got), join(tt.want))
			}
			// Hex columns line up whatever the row holds.
			for _, row := range got {
				if !tt.opt.Timestamps && (len(row) < 61 || row[60] != '|') {
					t.Errorf("ASCII column of %q does not start at column 61", row)
				}
			}
		})
	}
}

func TestHexOffsetWidth(t *testing.T) {
	var cells [hexCells]byte
	got := string(appendHexRow(nil, 0x1_2345_6780, &cells, hexCells, 0, 1))
	if want := "123456780  00                                                |.|"; got != want {
		t.Errorf("row = %q; want %q", got, want)
	}
}

func join(rows []string) string {
	s := ""
	for _, r := range rows {
		s += "\t" + r + "\n"
	}
	return s
}
