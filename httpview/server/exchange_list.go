package server

// List is the kept exchanges as they were when it was taken, oldest first,
// read in place: it holds the store's chunk table, and writers copy a chunk
// before changing it while a list may hold it. Taking one costs a lock and
// the table (MaxExchanges/chunkLen pointers), not a copy of every exchange:
// the window takes one four times a second under load, and copying 5,000
// exchanges each time (3 MB of fields and pointers) was a burst of work on
// the second core of a 2-core machine, the core the HTTP peer needs, and
// a heap the collector had to trace.
//
// A List is read by one goroutine; Release it when it is no longer read,
// so that writers go back to changing chunks in place.
type List struct {
	st          *store
	t           chunkTable
	first, next uint64
}

// List takes the kept exchanges as they are now.
func (s *Server) List() *List {
	t, first, next := s.store.view()
	return &List{st: s.store, t: t, first: first, next: next}
}

// Len is how many exchanges the list holds; a nil List holds none.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return int(l.next - l.first)
}

// At is the i-th oldest exchange, 0 ≤ i < Len. It is shared: do not
// modify it.
func (l *List) At(i int) *Exchange { return l.t.at(l.first + uint64(i)) }

// Find is the exchange with that id, if the list holds it.
func (l *List) Find(id uint64) (*Exchange, bool) {
	if l == nil || id < l.first || id >= l.next {
		return nil, false
	}
	return l.t.at(id), true
}

// Release ends the list; it must not be read after. Releasing nil does
// nothing, so a caller can release whatever list it held.
func (l *List) Release() {
	if l != nil && l.st != nil {
		l.st.release()
		l.st = nil
	}
}
