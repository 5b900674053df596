package display

import (
	"strings"
	"sync"
	"testing"
)

func TestHistoryDropOldest(t *testing.T) {
	c := func(n int, s string) Chunk { return Chunk{Dir: RX, Data: []byte(strings.Repeat(s, n))} }
	// Room for three chunks of 36 bytes (36+64 = 100 each).
	h := NewHistory(300)
	h.Add(c(36, "a"), c(36, "b"))
	h.Add(c(36, "c"))
	if h.Len() != 3 || h.Size() != 300 {
		t.Fatalf("len %d size %d", h.Len(), h.Size())
	}
	if n, b := h.Dropped(); n != 0 || b != 0 {
		t.Fatalf("dropped %d, %d", n, b)
	}
	h.Add(c(36, "d"))
	got := h.Chunks()
	if len(got) != 3 || got[0].Data[0] != 'b' || got[2].Data[0] != 'd' {
		t.Fatalf("chunks %+v", got)
	}
	if n, b := h.Dropped(); n != 1 || b != 36 {
		t.Errorf("dropped %d chunks, %d bytes; want 1, 36", n, b)
	}
	// A chunk larger than the whole history keeps its last bytes.
	h.Add(c(1000, "e"))
	got = h.Chunks()
	if len(got) != 1 || len(got[0].Data) != 300-chunkCost {
		t.Fatalf("after a big chunk: %d chunks, %d bytes", len(got), len(got[0].Data))
	}
	if n, b := h.Dropped(); n != 4 || b != 36*4+1000-(300-chunkCost) {
		t.Errorf("dropped %d chunks, %d bytes", n, b)
	}
	// Chunks is a copy: later Adds do not change it.
	h.Add(c(1, "f"))
	if got[0].Data[0] != 'e' {
		t.Error("Chunks result changed")
	}
	h.Clear()
	if n, b := h.Dropped(); h.Len() != 0 || h.Size() != 0 || n != 0 || b != 0 {
		t.Error("Clear left something")
	}
}

func TestHistoryTinyChunksBounded(t *testing.T) {
	h := NewHistory(0)
	one := Chunk{Dir: RX, Data: []byte{1}}
	for range 1_000_000 {
		h.Add(one)
	}
	if max := DefaultHistoryBytes / (1 + chunkCost); h.Len() > max {
		t.Errorf("kept %d one-byte chunks; at most %d fit", h.Len(), max)
	}
	if cap(h.chunks) > 4*h.Len() {
		t.Errorf("store holds %d slots for %d chunks", cap(h.chunks), h.Len())
	}
}

// TestHistoryRerender is the use the UI makes of it: after switching to hex,
// the kept chunks are formatted again into a fresh ring.
func TestHistoryRerender(t *testing.T) {
	h := NewHistory(0)
	f := NewFormatter(Options{})
	r := NewRing(0)
	for _, c := range []Chunk{rx("Hel"), rx("lo\r\n")} {
		h.Add(c)
		r.Apply(f.Format([]Chunk{c}))
	}
	if got := r.Text(); got != "Hello\\r\\n\n" {
		t.Fatalf("text view %q", got)
	}
	f.SetOptions(Options{Hex: true})
	f.Reset()
	r = NewRing(0)
	r.Apply(f.Format(h.Chunks()))
	if got, want := r.Text(), "00000000  48 65 6C 6C 6F 0D 0A                              |Hello..|\n"; got != want {
		t.Errorf("hex view %q; want %q", got, want)
	}
}

func TestHistoryConcurrent(t *testing.T) {
	h := NewHistory(1000)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				h.Add(rx("0123456789"))
				_ = h.Chunks()
			}
		})
	}
	wg.Wait()
	if h.Size() > 1000 {
		t.Errorf("size %d", h.Size())
	}
}
