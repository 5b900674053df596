package netassist

import "sync"

// evFlush is the queue's marker for Flush; it is never written.
const evFlush EventKind = "flush"

// flushWaits are the Flush calls waiting, in the order of their markers in
// the queue.
type flushWaits struct {
	order sync.Mutex // holds a caller's place from its turn to its marker's
	mu    sync.Mutex
	acks  []chan error
}

// Flush waits until everything queued before it is written and readable in
// the folder's files (an export of a live session then holds everything
// up to the moment it was asked for). It returns the saver's write error.
func (s *Saver) Flush() error {
	ack := make(chan error, 1)
	s.flushing.order.Lock()
	s.flushing.mu.Lock()
	s.flushing.acks = append(s.flushing.acks, ack)
	s.flushing.mu.Unlock()
	err := s.enqueue(Event{Kind: evFlush})
	if err != nil {
		s.flushing.mu.Lock()
		s.flushing.acks = s.flushing.acks[:len(s.flushing.acks)-1]
		s.flushing.mu.Unlock()
	}
	s.flushing.order.Unlock()
	if err != nil {
		return err
	}
	select {
	case err := <-ack:
		return err
	case <-s.done:
		return s.Err()
	}
}

// answerFlush writes out what the files hold and answers the oldest
// Flush; saver goroutine.
func (s *Saver) answerFlush(w *saveWriter) {
	if !s.failed() {
		if err := w.flush(true); err != nil {
			s.fail(err)
		}
		for _, sf := range w.raw {
			if sf.direct {
				sf.waitDisk()
			}
		}
		if sf := w.events; sf.direct {
			sf.waitDisk()
		}
		if err := w.disk.Err(); err != nil {
			s.fail(err)
		}
	}
	s.flushing.mu.Lock()
	ack := s.flushing.acks[0]
	s.flushing.acks = s.flushing.acks[1:]
	s.flushing.mu.Unlock()
	ack <- s.Err()
}

// waitDisk waits until sf's disk goroutine has written every job queued.
func (sf *saveFile) waitDisk() {
	ch := make(chan struct{})
	sf.jobs <- ioJob{barrier: ch}
	<-ch
}

// FlushSaving is Flush of the saver, when saving is on.
func (h *Hub) FlushSaving() error {
	if s := h.saver.Load(); s != nil {
		return s.Flush()
	}
	return nil
}
