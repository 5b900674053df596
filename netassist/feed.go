package netassist

import "sync"

// Default limits of a display feed. The feed is what the window shows, not
// what is counted or saved: under a flood it keeps the newest bytes.
const (
	DefaultFeedBytes  = 64 << 10
	DefaultFeedEvents = 8192
)

// Feed is a bounded, drop-oldest queue of events between the network
// goroutines and the window's pump. It counts what it dropped so the view
// can say "older data trimmed".
type Feed struct {
	mu        sync.Mutex
	events    []Event
	head      int // events[head:] are pending
	bytes     int
	maxBytes  int
	maxEvents int
	dropped   FeedDrops
	// spare holds the payload buffers of dropped events for reuse: in a
	// flood almost every chunk is dropped before the window drains it, and
	// copying each into fresh memory made gigabytes of garbage.
	spare [][]byte
	// noTraffic drops rx and tx events: for a window that shows traffic
	// another way (the HTTP server's request list) and only wants the rest.
	noTraffic bool
	notify    func() // told of every push, so an idle pump can wake up
	// errors holds error events that data pushed out of the queue: the
	// window must still say what failed (a save that stopped, say) when a
	// flood follows the failure.
	errors []Event
	// sampleAfter and sampleKeep are the reader's flood sampling (SetSample).
	sampleAfter, sampleKeep int
}

// maxKeptErrors bounds the error events a feed keeps past its limits.
const maxKeptErrors = 64

// SetNotify makes every Push call fn (which must not block). Call it before
// the feed is used.
func (f *Feed) SetNotify(fn func()) { f.notify = fn }

// SkipTraffic makes the feed pass on every event but rx and tx ones, whose
// payloads would be copied for nobody. Call it before the feed is used.
func (f *Feed) SkipTraffic() { f.noTraffic = true }

// maxSpare bounds the recycled buffers a feed keeps.
const maxSpare = 16

// FeedDrops says what a feed dropped since the last Drain.
type FeedDrops struct {
	Events int
	Bytes  int
}

// NewFeed makes a feed holding at most maxBytes of payload and maxEvents
// events (0 picks the defaults).
func NewFeed(maxBytes, maxEvents int) *Feed {
	if maxBytes <= 0 {
		maxBytes = DefaultFeedBytes
	}
	if maxEvents <= 0 {
		maxEvents = DefaultFeedEvents
	}
	return &Feed{maxBytes: maxBytes, maxEvents: maxEvents}
}

// SetSample tells the feed how its reader samples a flood: once the feed
// has dropped after bytes since the last Drain, the reader shows only the
// newest keep bytes. Any goroutine; 0 turns it off.
func (f *Feed) SetSample(after, keep int) {
	f.mu.Lock()
	f.sampleAfter, f.sampleKeep = after, keep
	f.mu.Unlock()
}

// Tail is how many of an event's newest payload bytes the reader may still
// show: the feed's limit, or less while the reader samples a flood. A
// producer that must build records for what it pushes (framed messages)
// builds them for no more.
func (f *Feed) Tail() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sampleAfter > 0 && f.dropped.Bytes >= f.sampleAfter {
		return min(f.sampleKeep, f.maxBytes)
	}
	return f.maxBytes
}

// Push copies ev into the feed, dropping the oldest events when full.
func (f *Feed) Push(ev Event) {
	if f.notify != nil {
		defer f.notify()
	}
	if f.noTraffic && (ev.Kind == EvRx || ev.Kind == EvTx) {
		return
	}
	if ev.Skipped.Bytes > 0 {
		f.mu.Lock()
		f.dropped.Bytes += ev.Skipped.Bytes
		f.mu.Unlock()
	}
	data := ev.Data
	if len(data) > f.maxBytes {
		// One chunk larger than the whole feed: keep its newest bytes only.
		f.mu.Lock()
		f.dropped.Bytes += len(data) - f.maxBytes
		f.mu.Unlock()
		data = data[len(data)-f.maxBytes:]
	}
	f.mu.Lock()
	if data != nil {
		ev.Data = append(f.buffer(len(data)), data...)
	}
	f.events = append(f.events, ev)
	f.bytes += len(ev.Data)
	for f.bytes > f.maxBytes || len(f.events)-f.head > f.maxEvents {
		old := &f.events[f.head]
		f.bytes -= len(old.Data)
		if old.Kind == EvError && len(f.errors) < maxKeptErrors {
			f.errors = append(f.errors, *old)
		} else {
			f.dropped.Events++
		}
		f.dropped.Bytes += len(old.Data)
		if cap(old.Data) > 0 && len(f.spare) < maxSpare {
			f.spare = append(f.spare, old.Data[:0])
		}
		*old = Event{}
		f.head++
	}
	// Compact now and then so the backing array does not grow forever.
	if f.head > 1024 && f.head*2 > len(f.events) {
		n := copy(f.events, f.events[f.head:])
		clear(f.events[n:])
		f.events = f.events[:n]
		f.head = 0
	}
	f.mu.Unlock()
}

// Drain takes every pending event and the drop count since the last Drain.
func (f *Feed) Drain() ([]Event, FeedDrops) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.head == len(f.events) && f.dropped == (FeedDrops{}) && len(f.errors) == 0 {
		return nil, FeedDrops{}
	}
	// Kept errors are older than what is still queued.
	out := append(f.errors, f.events[f.head:]...)
	f.errors = nil
	clear(f.events)
	f.events = f.events[:0]
	f.head = 0
	f.bytes = 0
	d := f.dropped
	f.dropped = FeedDrops{}
	return out, d
}

// buffer returns an empty slice with room for n bytes, recycled when a
// dropped event left one big enough. Called with f.mu held.
func (f *Feed) buffer(n int) []byte {
	for i := len(f.spare) - 1; i >= 0; i-- {
		if b := f.spare[i]; cap(b) >= n {
			f.spare[i] = f.spare[len(f.spare)-1]
			f.spare = f.spare[:len(f.spare)-1]
			return b
		}
	}
	return make([]byte, 0, n)
}
