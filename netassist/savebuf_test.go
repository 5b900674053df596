package netassist

import "testing"

// A short payload (an HTTP request, a small answer) is copied into memory
// of its own size: when it took a 256 KiB buffer, a busy HTTP server
// emptied the free list and then made 256 KiB of garbage per request.
// Long reads still share the recycled buffers.
func TestShortPayloadCopiesAreTheirOwnSize(t *testing.T) {
	for _, n := range []int{1, 100, 1200, smallBufSize} {
		if b := getBuf(n); cap(b) != n || len(b) != 0 {
			t.Errorf("getBuf(%d): len %d cap %d; want 0, %d", n, len(b), cap(b), n)
		}
	}
	if b := getBuf(smallBufSize + 1); cap(b) != poolBufSize {
		t.Errorf("getBuf(%d): cap %d; want a recycled %d", smallBufSize+1, cap(b), poolBufSize)
	}
}
