package display

const upperHex = "0123456789ABCDEF"

// hexCells is the number of bytes in a full hex-dump row; a narrow view
// takes fewer (hexWidth).
const hexCells = 16

// hexColumns is how many columns a hex-dump row of n bytes takes (with
// an 8-digit offset).
func hexColumns(n int) int {
	cols := 8 + 2 + 3*n + 2 + n + 1
	if n > 8 {
		cols++ // the gap after the eighth byte
	}
	return cols
}

// hexWidth is the number of bytes per hex-dump row that fits wrap
// columns: 16, or 8, 4, 2, 1 in a narrow view, so that every byte of a
// row is on screen.
func hexWidth(wrap int) int {
	n := hexCells
	for n > 1 && hexColumns(n) > wrap {
		n /= 2
	}
	return n
}

// appendOffset writes off in upper-case hex, at least 8 digits.
func appendOffset(dst []byte, off uint64) []byte {
	n := 8
	for v := off >> 32; v != 0; v >>= 4 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, upperHex[off>>(4*uint(i))&0x0F])
	}
	return dst
}

// appendHexRow writes one hex-dump row in the layout of `hexdump -C`:
//
//	00000000  48 65 6C 6C 6F 20 57 6F  72 6C 64 0D 0A           |Hello World..|
//
// n is the number of cells a row has (hexWidth); base is the offset of
// cell 0; only cells[from:to] hold data. Cells before
// from (a stream that resumed mid-row) are blank in both columns, so that
// bytes stay in the column their offset gives them; cells after to are
// blank in the hex column and left out of the ASCII column.
func appendHexRow(dst []byte, base uint64, cells *[hexCells]byte, n, from, to int) []byte {
	dst = appendOffset(dst, base)
	dst = append(dst, ' ', ' ')
	for i := range n {
		if i == 8 {
			dst = append(dst, ' ')
		}
		if i < from || i >= to {
			dst = append(dst, ' ', ' ', ' ')
			continue
		}
		c := cells[i]
		dst = append(dst, upperHex[c>>4], upperHex[c&0x0F], ' ')
	}
	dst = append(dst, ' ', '|')
	for i := 0; i < to; i++ {
		c := cells[i]
		if i < from {
			c = ' '
		} else if c < 0x20 || c >= 0x7F {
			c = '.'
		}
		dst = append(dst, c)
	}
	return append(dst, '|')
}
