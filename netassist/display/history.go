package display

import "sync"

// DefaultHistoryBytes is the size of a History when not told otherwise.
const DefaultHistoryBytes = 8 << 20

// chunkCost is what a chunk counts for besides its data, so that a flood
// of tiny chunks cannot hold more memory than the limit says.
const chunkCost = 64

// History keeps the most recent chunks, up to a size, so that the view can
// be formatted again after the user switches text/hex or charset. It drops
// the oldest chunks and counts what it dropped. It is safe for concurrent
// use. It keeps the chunks it is given: their Data must not change after.
type History struct {
	mu      sync.Mutex
	limit   int
	chunks  []Chunk // live chunks are chunks[head:]
	head    int
	size    int // sum of cost over live chunks
	dropped uint64
	dropB   uint64
}

// NewHistory returns a history of up to limit bytes (DefaultHistoryBytes if
// limit <= 0). A chunk counts its data and note plus a small fixed cost.
func NewHistory(limit int) *History {
	if limit <= 0 {
		limit = DefaultHistoryBytes
	}
	return &History{limit: limit}
}

func cost(c *Chunk) int { return len(c.Data) + len(c.Note) + chunkCost }

// Add appends chunks, dropping the oldest ones beyond the limit. A chunk
// larger than the whole limit keeps only its last bytes.
func (h *History) Add(chunks ...Chunk) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range chunks {
		if over := cost(&c) - h.limit; over > 0 {
			cut := min(over, len(c.Data))
			c.Data = c.Data[cut:]
			h.dropB += uint64(cut)
		}
		h.chunks = append(h.chunks, c)
		h.size += cost(&c)
	}
	for h.size > h.limit && h.head < len(h.chunks) {
		c := &h.chunks[h.head]
		h.size -= cost(c)
		h.dropped++
		h.dropB += uint64(len(c.Data))
		*c = Chunk{} // let the data go
		h.head++
	}
	// Move the live chunks down once the dead space is half the slice, so
	// the slice stays bounded and each chunk is moved O(1) times on average.
	if h.head > 0 && h.head >= len(h.chunks)/2 {
		n := copy(h.chunks, h.chunks[h.head:])
		clear(h.chunks[n:])
		h.chunks = h.chunks[:n]
		h.head = 0
	}
}

// Chunks returns a copy of the kept chunks, oldest first (the Data is
// shared, not copied).
func (h *History) Chunks() []Chunk {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Chunk(nil), h.chunks[h.head:]...)
}

// Len returns the number of chunks kept.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.chunks) - h.head
}

// Size returns what the kept chunks count against the limit.
func (h *History) Size() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.size
}

// Dropped returns how many chunks, and how many bytes of data, were dropped
// since the last Clear.
func (h *History) Dropped() (chunks, bytes uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.dropped, h.dropB
}

// Clear forgets every chunk and resets the dropped counts.
func (h *History) Clear() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.chunks, h.head, h.size, h.dropped, h.dropB = nil, 0, 0, 0, 0
}
