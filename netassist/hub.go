package netassist

import (
	"sync"
	"sync/atomic"
	"time"
)

// Hub is a session's Recorder: every event goes to the exact counters, to
// the saver when saving is on, and to the bounded display feed.
type Hub struct {
	name     string
	Counters Counters
	Feed     *Feed
	totals   *Counters // all sessions since launch, for --metrics; may be nil

	saveMu  sync.Mutex    // serialises saver swaps against Record's use
	connIDs atomic.Uint64 // the last connection id handed out
	saver   atomic.Pointer[Saver]
	closing sync.WaitGroup // savers closing in the background (StopSavingAsync)
	now     func() time.Time
}

// NewHub makes the recorder of the session called name. totals, if not nil,
// also counts every byte (the app-wide figures of --metrics).
func NewHub(name string, totals *Counters) *Hub {
	return &Hub{name: name, Feed: NewFeed(0, 0), totals: totals, now: time.Now}
}

// Name is the session's name as it appears in events.
func (h *Hub) Name() string { return h.name }

// NextConn implements ConnNumberer: every session that records into h
// takes its connection ids from here, so ids never repeat while h lives
// (a reopened server does not start again from 1).
func (h *Hub) NextConn() uint64 { return h.connIDs.Add(1) }

// Record implements Recorder.
func (h *Hub) Record(ev Event) {
	if ev.Time.IsZero() {
		ev.Time = h.now()
	}
	if ev.Session == "" {
		ev.Session = h.name
	}
	h.count(ev)
	if s := h.saver.Load(); s != nil && ev.Kind != EvInfo && ev.Kind != EvMsg {
		if err := s.Write(ev); err != nil {
			h.stopSaving(s, err)
		}
	}
	if !ev.Framed && !ev.Quiet {
		h.Feed.Push(ev)
	}
}

// count adds rx and tx payloads to the session's and the app's counters.
func (h *Hub) count(ev Event) {
	switch ev.Kind {
	case EvRx:
		h.Counters.addRx(len(ev.Data))
		if h.totals != nil {
			h.totals.addRx(len(ev.Data))
		}
	case EvTx:
		h.Counters.addTx(len(ev.Data))
		if h.totals != nil {
			h.totals.addTx(len(ev.Data))
		}
	case EvMsg:
		h.Counters.addRxMsgs(ev.Msgs, ev.Skipped)
		if h.totals != nil {
			h.totals.addRxMsgs(ev.Msgs, ev.Skipped)
		}
	}
}

// recordOwned is Record for an rx event whose Data (a pool buffer) the
// saver may keep instead of copying; it reports whether it did.
func (h *Hub) recordOwned(ev Event) bool {
	s := h.saver.Load()
	if s == nil {
		h.Record(ev)
		return false
	}
	h.count(ev)
	if !ev.Framed {
		h.Feed.Push(ev) // copies what it shows before the saver may reuse the buffer
	}
	kept, err := s.writeOwned(ev)
	if err != nil {
		h.stopSaving(s, err)
	}
	return kept
}

// StartSaving begins saving into a new folder under dir and returns it.
// Saving already on is left as it is.
func (h *Hub) StartSaving(dir string) (string, error) {
	h.saveMu.Lock()
	defer h.saveMu.Unlock()
	if s := h.saver.Load(); s != nil {
		return s.Dir(), nil
	}
	s, err := NewSaver(dir, h.name)
	if err != nil {
		return "", err
	}
	h.saver.Store(s)
	go h.watchSaver(s)
	return s.Dir(), nil
}

// watchSaver reports a write failure as soon as the saver's goroutine
// meets it, not only when the next event arrives: the last bytes of a
// session may be the ones that do not fit on the disk.
func (h *Hub) watchSaver(s *Saver) {
	select {
	case <-s.failedCh:
		h.stopSaving(s, s.Err())
	case <-s.done:
	}
}

// StopSaving ends saving and closes the files.
func (h *Hub) StopSaving() error {
	h.saveMu.Lock()
	s := h.saver.Swap(nil)
	h.saveMu.Unlock()
	var err error
	if s != nil {
		err = s.Close()
	}
	h.closing.Wait() // and what StopSavingAsync left behind
	return err
}

// StopSavingAsync turns saving off at once and lets the saver write what
// is still queued on its own goroutine, so the window never waits for the
// disk. A failure to finish is reported on the feed; StopSaving waits for
// such closes (the app calls it at quit).
func (h *Hub) StopSavingAsync() {
	h.saveMu.Lock()
	s := h.saver.Swap(nil)
	h.saveMu.Unlock()
	if s == nil {
		return
	}
	h.closing.Add(1)
	go func() {
		defer h.closing.Done()
		if err := s.Close(); err != nil {
			h.Feed.Push(Event{Time: h.now(), Session: h.name, Kind: EvError, Detail: "saving stopped: " + err.Error()})
		}
	}()
}

// Saving tells whether saving is on and into which folder.
func (h *Hub) Saving() (dir string, on bool) {
	if s := h.saver.Load(); s != nil {
		return s.Dir(), true
	}
	return "", false
}

// stopSaving turns saving off after a write failed: the display keeps
// running, what was saved stays readable, and the user is told.
func (h *Hub) stopSaving(s *Saver, err error) {
	if !h.saver.CompareAndSwap(s, nil) {
		return
	}
	go s.Close() // flushes what it can; must not block the read loop
	h.Feed.Push(Event{Time: h.now(), Session: h.name, Kind: EvError, Detail: "saving stopped: " + err.Error()})
}
