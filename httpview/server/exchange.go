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
	FailWhy  FailWhy   // why it failed, as a code (StateFailed)
	FailErr  error     // what the system said, for FailBodyLost and FailReplyNotSent

	// The proxy↔upstream leg, in reverse proxy mode: the upstream's
	// address, the Recorder's connection id for that leg, the exact bytes
	// of the request sent upstream and of its response (at most MaxRaw
	// each), and the upstream's status. Empty when nothing went upstream.
	Upstream              string
	UpConn                uint64
	UpRequest, UpResponse []byte
	UpStatus              int
	UpError               UpError // why the upstream gave no (whole) answer
	Held                  Held    // what a pending exchange holds in reverse proxy mode
	Rule                  string  // the name of the rule that answered; "" for none
}

// store is the bounded, versioned list of exchanges that the UI polls.
//
// The kept exchanges live in fixed slots, the slot of ID n being
// (n-1) % MaxExchanges, grouped in chunks. A reader takes the chunk table
// under the lock, marks every chunk shared and copies the exchanges after
// unlocking; while a read is copying, a writer copies a chunk before it
// changes it. So a read holds the lock for the table (MaxExchanges/chunkLen
// pointers), not for every kept exchange: copying all 5,000 under the lock
// four times a second was most of the server's lock contention under wrk.
// Between reads writers change the chunks in place.
type store struct {
	version atomic.Uint64
	txHeld  atomic.Int64 // capture: unframed response bytes of all connections

	// The last small request and response any connection kept (capture's
	// keep): clients that connect for each request send the same bytes
	// and get the same answer on every connection.
	lastReq, lastResp atomic.Pointer[[]byte]

	mu      sync.Mutex
	chunks  chunkTable
	shared  [numChunks]bool // a reader may hold the chunk: copy it before writing
	reading int             // reads between view and release
	firstID uint64          // oldest kept ID
	nextID  uint64
	dropped uint64

	rawBytes   int    // raw bytes held by kept exchanges
	strippedTo uint64 // exchanges below this ID have had their raw bytes let go
}

// chunkLen exchanges make a chunk: a writer's copy of a shared chunk stays
// small while the table a reader takes stays short.
const (
	chunkLen  = 50
	numChunks = (MaxExchanges + chunkLen - 1) / chunkLen
)

// The slots of a full store fill its chunks exactly (a read copies runs
// of whole chunks across the wrap); this fails to compile otherwise.
var _ = [1]struct{}{}[MaxExchanges%chunkLen]

type chunk [chunkLen]Exchange

type chunkTable [numChunks]*chunk

func slotOf(id uint64) (ci, i int) {
	n := int((id - 1) % MaxExchanges)
	return n / chunkLen, n % chunkLen
}

// at is the kept exchange id, for reading; the caller holds st.mu or
// reads a table taken by view.
func (t *chunkTable) at(id uint64) *Exchange {
	ci, i := slotOf(id)
	return &t[ci][i]
}

// writable is the slot of id, ready to change: its chunk is made if new
// and copied if a reader may hold it. The caller holds st.mu.
func (st *store) writable(id uint64) *Exchange {
	ci, i := slotOf(id)
	switch c := st.chunks[ci]; {
	case c == nil:
		st.chunks[ci] = new(chunk)
	case st.shared[ci]:
		cp := *c
		st.chunks[ci], st.shared[ci] = &cp, false
	}
	return &st.chunks[ci][i]
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
		if n := rawLen(st.chunks.at(st.strippedTo)); n > 0 {
			e := st.writable(st.strippedTo)
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
	if st.nextID-st.firstID > MaxExchanges {
		// The new exchange takes the oldest one's slot.
		st.rawBytes -= rawLen(st.chunks.at(st.firstID))
		st.firstID++
		st.dropped++
	}
	*st.writable(e.ID) = e
	st.trim()
	st.mu.Unlock()
	st.version.Add(1)
	return e.ID
}

// update applies f to the exchange id if it is still kept.
func (st *store) update(id uint64, f func(e *Exchange)) {
	st.mu.Lock()
	if id >= st.firstID && id < st.nextID {
		e := st.writable(id)
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
		return *st.chunks.at(id), true
	}
	return Exchange{}, false
}

func (st *store) snapshot() []Exchange { return st.appendTo(nil) }

// view takes the chunk table and the range of kept IDs; writers leave
// those chunks alone until release. O(numChunks) under the lock.
func (st *store) view() (t chunkTable, first, next uint64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.reading++
	for i, c := range st.chunks {
		st.shared[i] = c != nil
	}
	return st.chunks, st.firstID, st.nextID
}

// release ends a view; once no read is copying, writers change chunks in
// place again instead of copying each one they touch.
func (st *store) release() {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.reading--; st.reading == 0 {
		st.shared = [numChunks]bool{}
	}
}

// appendTo appends copies of the kept exchanges to dst, oldest first; the
// copying happens outside the lock.
func (st *store) appendTo(dst []Exchange) []Exchange {
	t, first, next := st.view()
	defer st.release()
	if dst == nil {
		dst = make([]Exchange, 0, next-first)
	}
	for id := first; id < next; {
		// a run of slots within one chunk at a time
		ci, i := slotOf(id)
		n := min(uint64(chunkLen-i), next-id)
		dst = append(dst, t[ci][i:i+int(n)]...)
		id += n
	}
	return dst
}

// Version changes whenever any exchange is added or changed; the UI polls it
// (≈30 Hz) and takes a new snapshot only when it moved.
func (s *Server) Version() uint64 { return s.store.version.Load() }

// Exchanges returns a copy of the kept exchanges, oldest first.
func (s *Server) Exchanges() []Exchange { return s.store.snapshot() }

// Exchange returns one kept exchange.
func (s *Server) Exchange(id uint64) (Exchange, bool) { return s.store.get(id) }

// Holding reports whether a request or a response is held for the user
// (manual answers, a proxy's held responses): its countdown moves each
// second whether or not anything else changes.
func (s *Server) Holding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending) > 0
}

// Dropped is how many of the oldest exchanges were let go to keep the list
// at MaxExchanges.
func (s *Server) Dropped() uint64 {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	return s.store.dropped
}
