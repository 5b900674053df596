package server

import (
	"sync"
	"sync/atomic"
	"time"
)

// State is where an exchange stands.
type State uint8

const (
	StateServing  State = iota // the server is producing the response
	StatePending               // held in manual mode, waiting for Respond
	StateAnswered              // a response went out (Status and RawResponse say which)
	StateTimedOut              // manual mode: nobody answered before Deadline; the client got 504
	StateFailed                // no complete response: the connection ended first (Note says why)
)

func (s State) String() string {
	switch s {
	case StateServing:
		return "serving"
	case StatePending:
		return "pending"
	case StateAnswered:
		return "answered"
	case StateTimedOut:
		return "timed out"
	case StateFailed:
		return "failed"
	}
	return "unknown"
}

// MaxRaw is how many bytes of one message an Exchange keeps; the Recorder
// (and so --save) still gets every byte.
const MaxRaw = 1 << 20

// MaxExchanges is how many exchanges the server keeps; older ones are
// dropped first and counted by Dropped.
const MaxExchanges = 5000

// Exchange is one request and its response as they crossed the socket.
type Exchange struct {
	ID       uint64
	Conn     uint64 // the connection id of the Recorder's events
	Client   string // "IP:port"
	Start    time.Time
	Method   string
	Target   string // the request target as sent
	Status   int    // from the status line that was sent; 0 until then
	Bytes    int64  // response bytes on the wire, interim 1xx responses included
	Duration time.Duration

	// RawRequest and RawResponse are exactly the bytes of the two messages
	// (a 100 Continue sent before the response is part of RawResponse). They
	// are shared between snapshots: do not modify them.
	RawRequest, RawResponse []byte
	Truncated               bool // a raw message was longer than MaxRaw and is cut there

	// BodyLeft is how many request body bytes the server left unread (a
	// body over MaxBody, answered 413), BodyLeftUnknown for a chunked one;
	// 0 when the whole body was read.
	BodyLeft int64

	State    State
	Manual   bool      // the request was held for a hand-written answer
	Deadline time.Time // while pending: when the 504 goes out
	Note     string    // why it failed, timed out or was answered by net/http itself
}

// store is the bounded, versioned list of exchanges that the UI polls.
type store struct {
	version atomic.Uint64
	txHeld  atomic.Int64 // capture: unframed response bytes of all connections

	mu      sync.Mutex
	ring    []Exchange // oldest at head
	head    int
	firstID uint64 // ID of ring[head]
	nextID  uint64
	dropped uint64

	rawBytes   int    // raw bytes held by kept exchanges
	strippedTo uint64 // exchanges below this ID have had their raw bytes let go
}

// MaxRawTotal bounds the raw bytes all kept exchanges hold together: past
// it the oldest exchanges keep their line in the list but not their bytes
// (the Recorder, and so a saved capture, still has every byte). Without
// it, slow readers fetching large files could pin gigabytes.
const MaxRawTotal = 64 << 20

func rawLen(e *Exchange) int { return len(e.RawRequest) + len(e.RawResponse) }

// trim lets go of the oldest exchanges' raw bytes until under budget.
func (st *store) trim() {
	if st.strippedTo < st.firstID {
		st.strippedTo = st.firstID
	}
	for st.rawBytes > MaxRawTotal && st.strippedTo < st.nextID {
		e := &st.ring[(st.head+int(st.strippedTo-st.firstID))%len(st.ring)]
		if n := rawLen(e); n > 0 {
			st.rawBytes -= n
			e.RawRequest, e.RawResponse, e.Truncated = nil, nil, true
			if e.Note == "" {
				e.Note = "raw bytes let go to bound memory"
			}
		}
		st.strippedTo++
	}
}

func newStore() *store { return &store{firstID: 1, nextID: 1} }

// add appends e with the next ID, dropping the oldest when full.
func (st *store) add(e Exchange) uint64 {
	st.mu.Lock()
	e.ID = st.nextID
	st.nextID++
	st.rawBytes += rawLen(&e)
	if len(st.ring) < MaxExchanges {
		st.ring = append(st.ring, e)
	} else {
		st.rawBytes -= rawLen(&st.ring[st.head])
		st.ring[st.head] = e
		st.head = (st.head + 1) % MaxExchanges
		st.firstID++
		st.dropped++
	}
	st.trim()
	st.mu.Unlock()
	st.version.Add(1)
	return e.ID
}

// update applies f to the exchange id if it is still kept.
func (st *store) update(id uint64, f func(e *Exchange)) {
	st.mu.Lock()
	if id >= st.firstID && id < st.nextID {
		e := &st.ring[(st.head+int(id-st.firstID))%len(st.ring)]
		before := rawLen(e)
		f(e)
		st.rawBytes += rawLen(e) - before
		st.trim()
	}
	st.mu.Unlock()
	st.version.Add(1)
}

func (st *store) get(id uint64) (Exchange, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if id >= st.firstID && id < st.nextID {
		return st.ring[(st.head+int(id-st.firstID))%len(st.ring)], true
	}
	return Exchange{}, false
}

func (st *store) snapshot() []Exchange { return st.appendTo(nil) }

// appendTo appends copies of the kept exchanges to dst, oldest first.
func (st *store) appendTo(dst []Exchange) []Exchange {
	st.mu.Lock()
	defer st.mu.Unlock()
	if dst == nil {
		dst = make([]Exchange, 0, len(st.ring))
	}
	dst = append(dst, st.ring[st.head:]...)
	return append(dst, st.ring[:st.head]...)
}

// Version changes whenever any exchange is added or changed; the UI polls it
// (≈30 Hz) and takes a new snapshot only when it moved.
func (s *Server) Version() uint64 { return s.store.version.Load() }

// Exchanges returns a copy of the kept exchanges, oldest first.
func (s *Server) Exchanges() []Exchange { return s.store.snapshot() }

// AppendExchanges is Exchanges into dst's storage (appended to dst): a
// caller that polls under load reuses its slices instead of making a
// copy of the whole list, a megabyte, for the collector four times a second.
func (s *Server) AppendExchanges(dst []Exchange) []Exchange { return s.store.appendTo(dst) }

// Exchange returns one kept exchange.
func (s *Server) Exchange(id uint64) (Exchange, bool) { return s.store.get(id) }

// Dropped is how many of the oldest exchanges were let go to keep the list
// at MaxExchanges.
func (s *Server) Dropped() uint64 {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	return s.store.dropped
}
