package netassist

// Pending is the payload bytes waiting in the feed for its reader: a
// producer that must not drop (a saved folder being reopened) waits for
// it to go down.
func (f *Feed) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bytes
}
